/// A span of time in whole milliseconds. Blueprints write `250ms 30s 5m 2h 7d 7y`
/// (a year is 365 days) or compounds such as `1m30s`.
public struct Duration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var milliseconds: Int

    public init(milliseconds: Int) { self.milliseconds = milliseconds }
    public static func seconds(_ s: Int) -> Duration { Duration(milliseconds: saturating(s.multipliedReportingOverflow(by: 1000), sign: s)) }
    public static func minutes(_ m: Int) -> Duration { .seconds(saturating(m.multipliedReportingOverflow(by: 60), sign: m)) }
    public static let zero = Duration(milliseconds: 0)

    public var seconds: Int { milliseconds / 1000 }

    public static func < (a: Duration, b: Duration) -> Bool { a.milliseconds < b.milliseconds }
    // Sums and products of durations saturate rather than trap: RTO terms add up user-given
    // values, and a figure beyond any objective is as good as infinite.
    public static func + (a: Duration, b: Duration) -> Duration {
        let (sum, overflow) = a.milliseconds.addingReportingOverflow(b.milliseconds)
        return Duration(milliseconds: overflow ? (b.milliseconds > 0 ? .max : .min) : sum)
    }
    public static func * (a: Duration, n: Int) -> Duration {
        let (product, overflow) = a.milliseconds.multipliedReportingOverflow(by: n)
        return Duration(milliseconds: overflow ? ((a.milliseconds < 0) == (n < 0) ? .max : .min) : product)
    }

    private static func saturating(_ result: (partialValue: Int, overflow: Bool), sign: Int) -> Int {
        guard result.overflow else { return result.partialValue }
        return sign < 0 ? Int.min : Int.max
    }

    private static let unitMilliseconds: [(String, Int)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("y", 31_536_000_000),
    ]

    public enum ParseFailure: Error, Sendable {
        /// Not a duration at all: no unit, an unknown unit, units out of order.
        case malformed
        /// A well-formed duration too long for 64-bit milliseconds.
        case tooLong
    }

    /// Parses `30s`, `1m30s`, `250ms` with checked arithmetic: `292471208y300d` is `.tooLong`, never a trap.
    public static func parse(_ text: String) -> Result<Duration, ParseFailure> {
        var rest = Substring(text)
        var total = 0
        var lastUnitIndex = -1
        var tooLong = false
        guard !rest.isEmpty else { return .failure(.malformed) }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return .failure(.malformed) }
            rest = rest.dropFirst(digits.count)
            // Longest unit first so `ms` is not read as `m` followed by garbage.
            let letters = rest.prefix { $0.isASCII && $0.isLetter }
            guard let unitIndex = Self.unitMilliseconds.firstIndex(where: { $0.0 == letters }) else { return .failure(.malformed) }
            // Units must go from large to small, each once: `1m30s`, never `30s1m`.
            guard lastUnitIndex == -1 || unitIndex < lastUnitIndex else { return .failure(.malformed) }
            lastUnitIndex = unitIndex
            rest = rest.dropFirst(letters.count)
            // Only ASCII digits are left, so Int() fails on overflow alone; keep reading to tell
            // a malformed text from a long one.
            guard !tooLong, let value = Int(digits) else { tooLong = true; continue }
            let (product, productOverflow) = value.multipliedReportingOverflow(by: Self.unitMilliseconds[unitIndex].1)
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            if productOverflow || sumOverflow { tooLong = true } else { total = sum }
        }
        return tooLong ? .failure(.tooLong) : .success(Duration(milliseconds: total))
    }

    /// Parses `30s`, `1m30s`, `250ms`; nil when the text is not a duration or is too long to hold.
    public init?(parsing text: String) {
        guard case .success(let value) = Self.parse(text) else { return nil }
        self = value
    }

    /// Go-style rendering: `200ms`, `30s`, `1.5s`, `3m0s`, `2h0m0s`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        let hours = milliseconds / 3_600_000
        let minutes = (milliseconds % 3_600_000) / 60_000
        let ms = milliseconds % 60_000
        // Appended piece by piece: nearly every result fits a small string, so nothing is
        // allocated (an explain table writes tens of thousands of these).
        var text = ""
        if hours > 0 { text += String(hours); text += "h" }
        if hours > 0 || minutes > 0 { text += String(minutes); text += "m" }
        text += String(ms / 1000)
        if ms % 1000 != 0 {
            var fraction = String(ms % 1000)
            fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "."
            text += fraction
        }
        text += "s"
        return text
    }
}

/// A percentage such as `99.99%`, kept as a fraction (0.9999) and as written.
public struct Percentage: Hashable, Sendable, CustomStringConvertible {
    public var fraction: Double
    public var text: String

    public init?(parsing text: String) {
        guard text.hasSuffix("%") else { return nil }
        let number = text.dropLast()
        // 20 characters hold every precision a Double can express; longer is not a figure anyone means.
        guard !number.isEmpty, number.count <= 20, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              number.filter({ $0 == "." }).count <= 1, let value = Double(number), value >= 0, value <= 100
        else { return nil }
        self.fraction = value / 100
        self.text = text
    }

    public init(fraction: Double) {
        self.fraction = fraction
        self.text = "\(fraction * 100)%"
    }

    public var description: String { text }
}

/// Kubernetes resource quantities (`500m`, `1`, `2Gi`, `1.5`, `1e3`), validated and kept as written.
public enum Quantity {
    private static let suffixes: Set<String> = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E"]

    public static func isValid(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
        let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !digits.isEmpty, digits != ".", digits.filter({ $0 == "." }).count <= 1 else { return false }
        rest = rest.dropFirst(digits.count)
        if let e = rest.first, e == "e" || e == "E", rest.count > 1 {
            var exponent = rest.dropFirst()
            if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
            return !exponent.isEmpty && exponent.allSatisfy { $0.isASCII && $0.isNumber }
        }
        return suffixes.contains(String(rest))
    }
}

/// DNS-1123 labels: what Kubernetes accepts as a namespace or object name, and what can
/// never climb out of a directory (no `/`, no `.`).
public enum DNSLabel {
    public static func isValid(_ text: String) -> Bool {
        guard (1...63).contains(text.utf8.count), let first = text.utf8.first, let last = text.utf8.last else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        return alnum(first) && alnum(last) && text.utf8.allSatisfy { alnum($0) || $0 == 45 }
    }
}
