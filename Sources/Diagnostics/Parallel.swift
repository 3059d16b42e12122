import Dispatch
import Foundation

/// Runs independent pieces of work (generation, an explanation's per-service figures, files of a
/// set) on all cores and keeps their results in input order, so the output never depends on which
/// thread finished first.
public enum Parallel {
    /// `serialBelow`: fewer pieces than this run on the calling thread, where handing them to
    /// other threads would cost more than they take.
    public static func map<Result: Sendable>(_ count: Int, serialBelow: Int = 2, _ transform: @Sendable (Int) -> Result) -> [Result] {
        guard count >= max(2, serialBelow) else { return (0..<count).map(transform) }
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

    /// Two different pieces of work at once, e.g. a report's tables and its cost section.
    public static func both<First: Sendable, Second: Sendable>(_ first: @Sendable () -> First,
                                                                _ second: @Sendable () -> Second) -> (First, Second) {
        let results = map(2) { index -> Either<First, Second> in index == 0 ? .first(first()) : .second(second()) }
        guard case .first(let one) = results[0], case .second(let two) = results[1] else { fatalError("Parallel.both: slots swapped") }
        return (one, two)
    }

    /// Work started now on a thread of its own, its result collected later (`value` waits for
    /// it): explain prices a blueprint, and the analysis proves its rollout waves, while the rules
    /// run. Not a dispatch queue: a `Parallel.map` iteration that waits for `value` while the
    /// work sat queued behind it would hold the pool's only other thread.
    public final class Background<Result: Sendable>: @unchecked Sendable {
        private let done = DispatchGroup()
        /// Written once, before `done` is left; read only after waiting for `done`.
        private var result: Result?

        public init(_ work: @escaping @Sendable () -> Result) {
            done.enter()
            Thread {
                self.result = work()
                self.done.leave()
            }.start()
        }

        /// A result already at hand: for work too small to be worth a thread.
        public init(ready value: Result) {
            result = value
        }

        public var value: Result {
            done.wait()
            return result!
        }

        /// Whether `value` would answer without waiting.
        public var isReady: Bool { done.wait(timeout: .now()) == .success }
    }

    private enum Either<First: Sendable, Second: Sendable>: Sendable {
        case first(First)
        case second(Second)
    }

    /// Fewer services than this and a blueprint is analysed on one thread: its per-service
    /// figures and rules take less time than handing them to other threads.
    public static let servicesWorthSpreading = 64

    /// The result buffer, shared by the iterations: each iteration writes only its own slot,
    /// once, before the buffer is read, so no two threads ever touch the same memory. That
    /// disjointness is what the compiler cannot see; it is the one unchecked claim here.
    private struct Slots<Result>: @unchecked Sendable {
        let base: UnsafeMutablePointer<Result>
        func initialize(_ index: Int, to value: Result) { (base + index).initialize(to: value) }
    }
}
