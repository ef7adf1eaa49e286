/// libFuzzer's entry point. Built with `--sanitize=fuzzer -Xswiftc -DFUZZING` (scripts/fuzz),
/// libFuzzer's own `main` drives it; in a normal build `Replay` is the program instead.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    AdmissionFuzzer.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
