import Foundation

/// Exact decimal arithmetic for prices: the catalogue's decimals multiply without binary
/// rounding, so a test can match a hand-computed total to the cent and beyond.
public enum Money {
    /// AWS's pricing calculator and this model bill a month as 730 hours (8,760 h / 12).
    public static let hoursPerMonth: Decimal = 730
    public static let secondsPerMonth: Decimal = 730 * 3600
    public static let bytesPerGB: Decimal = 1_000_000_000

    private static let posix = Locale(identifier: "en_US_POSIX")
    public static func decimal(_ text: String) -> Decimal? { Decimal(string: text, locale: posix) }

    public static func rounded(_ value: Decimal, scale: Int) -> Decimal {
        var input = value, output = Decimal()
        NSDecimalRound(&output, &input, scale, .plain)
        return output
    }

    /// `"\(rounded(value, scale: scale))"`, Decimal's own spelling (no trailing zeros), without its
    /// digit-by-digit conversion: a price report formats tens of thousands of amounts, and
    /// `Decimal.description` was most of that time. The rounded value, shifted by `scale`, is read as
    /// an Int64 and the result used only when it converts back exactly; otherwise the description.
    static func roundedText(_ value: Decimal, scale: Int) -> String {
        var rounded = rounded(value, scale: scale), shifted = Decimal()
        guard scale >= 0, scale <= 18, NSDecimalMultiplyByPowerOf10(&shifted, &rounded, Int16(scale), .plain) == .noError else {
            return "\(rounded)"
        }
        let integer = NSDecimalNumber(decimal: shifted).int64Value
        guard integer != .min, Decimal(integer) == shifted else { return "\(rounded)" }
        var digits = Array(String(integer.magnitude).utf8)
        if digits.count <= scale { digits.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: scale + 1 - digits.count), at: 0) }
        var fraction = Array(digits[(digits.count - scale)...])
        while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        var text = integer < 0 ? "-" : ""
        text += String(decoding: digits[..<(digits.count - scale)], as: UTF8.self)
        if !fraction.isEmpty { text += "." + String(decoding: fraction, as: UTF8.self) }
        return text
    }

    /// `$1,234.56`, half-up to the cent; negative amounts as `-$12.00`.
    public static func dollars(_ value: Decimal) -> String {
        let cents = rounded(value, scale: 2)
        let negative = cents < 0
        let text = roundedText(negative ? -cents : cents, scale: 2)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var whole = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole.removeLast(3)
        }
        let padded = (fraction + "00").prefix(2)
        return (negative ? "-$" : "$") + whole + grouped + "." + padded
    }

    /// `+$1,234.56` or `-$12.00`.
    public static func signedDollars(_ value: Decimal) -> String { value >= 0 ? "+" + dollars(value) : dollars(value) }

    /// A plain number for arithmetic text: at most `scale` decimals, trailing zeros dropped, thousands grouped.
    public static func number(_ value: Decimal, scale: Int = 4) -> String {
        let text = roundedText(value, scale: scale)
        let negative = text.hasPrefix("-")
        let parts = text.drop(while: { $0 == "-" }).split(separator: ".", omittingEmptySubsequences: false)
        var whole = String(parts[0])
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole.removeLast(3)
        }
        let fraction = parts.count > 1 ? "." + parts[1] : ""
        return (negative ? "-" : "") + whole + grouped + fraction
    }

    /// A unit price as written in the catalogue (`$0.0225`).
    public static func price(_ value: Decimal) -> String {
        let text = number(value, scale: 6)
        guard let point = text.firstIndex(of: ".") else { return "$" + text + ".00" }
        return "$" + text + (text.distance(from: point, to: text.endIndex) == 2 ? "0" : "")
    }

    public static func double(_ value: Decimal) -> Double { NSDecimalNumber(decimal: value).doubleValue }
}

/// Kubernetes quantities as exact decimals: CPU in cores, memory in GiB.
enum KubernetesQuantity {
    private static let binary: [String: Decimal] = ["Ki": 1024, "Mi": 1_048_576, "Gi": 1_073_741_824, "Ti": 1_099_511_627_776]
    private static let decimalSuffixes: [String: Decimal] = ["n": Decimal(string: "0.000000001")!, "u": Decimal(string: "0.000001")!, "m": Decimal(string: "0.001")!,
                                                     "": 1, "k": 1000, "M": 1_000_000, "G": 1_000_000_000, "T": 1_000_000_000_000]

    static func value(_ text: String) -> Decimal? {
        let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let suffix = String(text.dropFirst(digits.count))
        guard let number = Money.decimal(String(digits)) else { return nil }
        if let factor = binary[suffix] { return number * factor }
        if let factor = decimalSuffixes[suffix] { return number * factor }
        return nil
    }

    static func cores(_ text: String) -> Decimal? { value(text) }
    static func gibibytes(_ text: String) -> Decimal? { value(text).map { $0 / 1_073_741_824 } }
}
