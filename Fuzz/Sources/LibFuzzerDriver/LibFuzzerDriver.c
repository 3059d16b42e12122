// Header-only module: LLVMFuzzerRunDriver lives in libFuzzer, which -sanitize=fuzzer links.
// SwiftPM needs one source file to build a C target.
#include "LibFuzzerDriver.h"
