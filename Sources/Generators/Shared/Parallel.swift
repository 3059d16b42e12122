import Dispatch

/// Runs independent pieces of generation on all cores and keeps their results in input order,
/// so the output never depends on which thread finished first.
public enum Parallel {
    public static func map<Result>(_ count: Int, _ transform: (Int) -> Result) -> [Result] {
        guard count > 1 else { return (0..<count).map(transform) }
        return [Result](unsafeUninitializedCapacity: count) { buffer, initialized in
            let base = buffer.baseAddress!
            // Each iteration writes only its own slot, so no two threads touch the same memory.
            withoutActuallyEscaping(transform) { transform in
                DispatchQueue.concurrentPerform(iterations: count) { index in
                    (base + index).initialize(to: transform(index))
                }
            }
            initialized = count
        }
    }
}
