#ifndef MERIDIAN_LIBFUZZER_DRIVER_H
#define MERIDIAN_LIBFUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry for programs that keep their own main (llvm.org/docs/LibFuzzer.html,
/// "Using libFuzzer as a library"). SwiftPM links an executable target's main as
/// `<Module>_main`, so the harness defines that and hands control to libFuzzer here.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
