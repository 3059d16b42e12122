import Foundation

/// A JSON value whose type is known when it is built, so writing it is a switch: the dynamic
/// cast per value that `[String: Any]` needs was half of `explain --format json`'s time at
/// 1,000 services.
public indirect enum JSONValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    /// Members in any order, keys unique; written sorted by key.
    case object([JSONMember])

    /// The members of an object with `extra` appended; any other value unchanged.
    public func adding(_ extra: [JSONMember]) -> JSONValue {
        guard case .object(let members) = self else { return self }
        return .object(members + extra)
    }
}

public struct JSONMember: Sendable, Equatable {
    public let key: String
    public let value: JSONValue
    public init(_ key: String, _ value: JSONValue) { self.key = key; self.value = value }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
                     ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements.map { JSONMember($0.0, $0.1) }) }
}

extension JSONValue {
    /// A plain value ([String: Any], [Any], String, Int, Double, Bool, NSNull or a JSONValue)
    /// as a typed one; anything else is null.
    public init(plain value: Any) {
        switch value {
        case let text as String: self = .string(text)
        case let flag as Bool: self = .bool(flag)
        case let number as Int: self = .int(number)
        case let number as Double: self = .double(number)
        case let object as [String: Any]: self = .object(object.map { JSONMember($0.key, JSONValue(plain: $0.value)) })
        case let array as [Any]: self = .array(array.map(JSONValue.init(plain:)))
        case let typed as JSONValue: self = typed
        default: self = .null
        }
    }

    /// `null` for nil.
    public init(_ text: String?) { self = text.map(JSONValue.string) ?? .null }
    public init(_ number: Int?) { self = number.map(JSONValue.int) ?? .null }
    public init(_ number: Double?) { self = number.map(JSONValue.double) ?? .null }
    public init(_ flag: Bool) { self = .bool(flag) }
    public init(_ texts: [String]) { self = .array(texts.map(JSONValue.string)) }
    public init(_ numbers: [Int]) { self = .array(numbers.map(JSONValue.int)) }
}

/// Pretty-printed JSON with sorted keys from plain values ([String: Any], [Any], String, Int,
/// Double, Bool, NSNull, JSONValue), written directly: Foundation's JSONSerialization took 12 s
/// for the explanation of a 1,000-service blueprint on Linux. Same output contract: sorted keys,
/// no escaped slashes, two-space indentation.
public enum JSONText {
    /// Plain values are read into a `JSONValue` first: one writer for both.
    public static func serialize(_ value: Any) -> String {
        serialize(JSONValue(plain: value))
    }

    /// Written into UTF-8 bytes: appending to a String costs a capacity and flags check per piece,
    /// and a 1,000-service explanation is millions of pieces.
    public static func serialize(_ value: JSONValue) -> String {
        var writer = TypedWriter(chunk: .max, sink: nil, reserving: 1 << 16)
        writer.write(value, indent: 0)
        writer.out.append(UInt8(ascii: "\n"))
        return String(decoding: writer.out, as: UTF8.self)
    }

    /// The same text handed to `sink` in pieces of about `chunk` bytes, so the explanation of a
    /// large blueprint (tens of megabytes) is neither held whole nor copied into a String.
    public static func serialize(_ value: JSONValue, chunk: Int = 1 << 20, into sink: @escaping ([UInt8]) -> Void) {
        // A piece is flushed after the element that reaches `chunk`: room for one more element.
        var writer = TypedWriter(chunk: chunk, sink: sink, reserving: chunk + chunk / 4)
        writer.write(value, indent: 0)
        writer.out.append(UInt8(ascii: "\n"))
        sink(writer.out)
    }

    struct TypedWriter {
        var out: [UInt8] = []
        let chunk: Int
        let sink: (([UInt8]) -> Void)?

        init(chunk: Int, sink: (([UInt8]) -> Void)?, reserving capacity: Int) {
            self.chunk = chunk
            self.sink = sink
            out.reserveCapacity(capacity)
        }

        /// Per nesting depth, the keys of the last object written there and their sorted order:
        /// the rows of one array share their keys, so each array sorts them once, not once a row.
        private var orders: [(keys: [String], order: [Int])] = []

        mutating func write(_ value: JSONValue, indent: Int) {
            switch value {
            case .string(let text): string(text, into: &out)
            case .bool(let flag): out.append(literal: flag ? "true" : "false")
            case .int(let number): out += String(number).utf8
            case .double(let number): double(number, into: &out)
            case .null: out.append(literal: "null")
            case .object(let members):
                if members.isEmpty { out.append(literal: "{}"); return }
                out.append(literal: "{\n")
                let order = sortedOrder(members, depth: indent)
                for (offset, index) in order.enumerated() {
                    let member = members[index]
                    assert(offset == 0 || members[order[offset - 1]].key != member.key, "duplicate JSON key \(member.key)")
                    pad(indent + 1, &out)
                    string(member.key, into: &out)
                    out.append(literal: " : ")
                    write(member.value, indent: indent + 1)
                    out.append(literal: offset == order.count - 1 ? "\n" : ",\n")
                }
                pad(indent, &out)
                out.append(UInt8(ascii: "}"))
            case .array(let elements):
                if elements.isEmpty { out.append(literal: "[]"); return }
                out.append(literal: "[\n")
                for (offset, element) in elements.enumerated() {
                    pad(indent + 1, &out)
                    write(element, indent: indent + 1)
                    out.append(literal: offset == elements.count - 1 ? "\n" : ",\n")
                    if let sink, out.count >= chunk {
                        sink(out)
                        out.removeAll(keepingCapacity: true)
                    }
                }
                pad(indent, &out)
                out.append(UInt8(ascii: "]"))
            }
        }

        /// The members' indices in key order (the order `sorted(by: key <)` gives them).
        private mutating func sortedOrder(_ members: [JSONMember], depth: Int) -> [Int] {
            while orders.count <= depth { orders.append(([], [])) }
            let last = orders[depth]
            if last.keys.count == members.count && zip(last.keys, members).allSatisfy({ $0 == $1.key }) { return last.order }
            let order = members.indices.sorted { members[$0].key < members[$1].key }
            orders[depth] = (members.map(\.key), order)
            return order
        }
    }

    /// Whole numbers below 10^15 without a fraction; non-finite numbers as null.
    static func double(_ number: Double, into out: inout [UInt8]) {
        if number.isFinite {
            out += (number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : "\(number)").utf8
        } else {
            out += "null".utf8
        }
    }

    static func pad(_ level: Int, _ out: inout [UInt8]) {
        out.append(spaces: 2 * level)
    }

    /// RFC 8259 string: quotes, backslashes and every control character escaped.
    static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Nearly every string is plain: one pass over its bytes, then one copy of them.
        var plain = text
        let copied = plain.withUTF8 { bytes -> Bool in
            guard needsNoEscape(bytes) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied {
            out.append(UInt8(ascii: "\""))
            return
        }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        out += escaped.utf8
        out.append(UInt8(ascii: "\""))
    }

    /// True when no scalar of `text` is escaped below: no quote, backslash or control byte, no C1
    /// control (UTF-8 C2 80-9F) and no U+2028/U+2029 (E2 80 A8/A9).
    static func needsNoEscape(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(needsNoEscape)
    }

    static func needsNoEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            // Eight printable ASCII bytes other than `"` and `\\` at a time.
            if index + 8 <= bytes.count, isPlainWord(UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)) {
                index += 8
                continue
            }
            switch bytes[index] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x00...0x1F, 0x7F: return false
            case 0xC2 where index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]): return false
            case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                return false
            default: break
            }
            index += 1
        }
        return true
    }

    /// Whether none of the eight bytes in `word` is below 0x20, above 0x7E, `"` or `\\`.
    @inline(__always)
    static func isPlainWord(_ word: UInt64) -> Bool {
        !WordScan.hasControlOrNonASCII(word) && !WordScan.contains(UInt8(ascii: "\""), in: word)
            && !WordScan.contains(UInt8(ascii: "\\"), in: word)
    }
}
