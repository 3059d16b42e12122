import Foundation

/// Wall-clock time per compiler phase, printed to stderr when `MERIDIAN_TIMINGS=1`, to find
/// where a run spends its time without a profiler. Off (one branch per phase) otherwise.
///
/// Phases may nest (availability runs inside analysis); each line is that phase's own total.
/// A phase measured inside parallel work sums its threads' time, so it can exceed the wall
/// time of the phase around it; such phases say so in their names.
public enum PhaseTimings {
    public static let enabled: Bool = {
        guard let value = getenv("MERIDIAN_TIMINGS") else { return false }
        return String(cString: value) != "0"
    }()

    nonisolated(unsafe) private static var totals: [(phase: String, nanoseconds: UInt64)] = []
    private static let lock = NSLock()
    private static let clock = ContinuousClock()
    nonisolated(unsafe) private static var processStart = clock.now

    /// Marks the start of `main`, what the total is measured from.
    public static func start() {
        guard enabled else { return }
        processStart = clock.now
    }

    public static func measure<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = clock.now
        defer { add(phase, clock.now - start) }
        return try body()
    }

    private static func add(_ phase: String, _ duration: Duration) {
        let parts = duration.components
        let nanoseconds = UInt64(parts.seconds) * 1_000_000_000 + UInt64(parts.attoseconds / 1_000_000_000)
        lock.lock()
        defer { lock.unlock() }
        if let index = totals.firstIndex(where: { $0.phase == phase }) {
            totals[index].nanoseconds += nanoseconds
        } else {
            totals.append((phase, nanoseconds))
        }
    }

    /// Prints every phase in the order first measured, then the time since the first use.
    public static func report() {
        guard enabled else { return }
        add("total (main to exit)", clock.now - processStart)
        var text = ""
        for (phase, nanoseconds) in totals {
            let tenths = (nanoseconds + 50_000) / 100_000
            text += "meridian timing: \(phase): \(tenths / 10).\(tenths % 10) ms\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
