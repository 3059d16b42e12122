import FuzzTargets

// libFuzzer target over `meridian lint`, in memory. Build and run: scripts/fuzz.sh (docs/fuzzing.md).
// SwiftPM links this file's top-level code as the program's main; it hands control to libFuzzer.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTargets.lint(fuzzInput(data, size))
    return 0
}

runLibFuzzer(fuzzOne)
