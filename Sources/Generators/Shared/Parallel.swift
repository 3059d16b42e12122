import Dispatch

/// Runs independent pieces of generation on all cores and keeps their results in input order,
/// so the output never depends on which thread finished first.
public enum Parallel {
    public static func map<Result: Sendable>(_ count: Int, _ transform: @Sendable (Int) -> Result) -> [Result] {
        guard count > 1 else { return (0..<count).map(transform) }
        return [Result](unsafeUninitializedCapacity: count) { buffer, initialized in
            let slots = Slots(base: buffer.baseAddress!)
            withoutActuallyEscaping(transform) { transform in
                DispatchQueue.concurrentPerform(iterations: count) { index in
                    slots.initialize(index, to: transform(index))
                }
            }
            initialized = count
        }
    }

    /// The result buffer, shared by the iterations: each iteration writes only its own slot,
    /// once, before the buffer is read, so no two threads ever touch the same memory. That
    /// disjointness is what the compiler cannot see; it is the one unchecked claim here.
    private struct Slots<Result>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Result>
        func initialize(_ index: Int, to value: Result) { (base + index).initialize(to: value) }
    }
}
