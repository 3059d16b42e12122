import Foundation

/// Pretty-printed JSON with sorted keys from plain values ([String: Any], [Any], String, Int,
/// Double, Bool, NSNull), written directly: Foundation's JSONSerialization took 12 s for the
/// explanation of a 1,000-service blueprint on Linux. Same output contract: sorted keys, no
/// escaped slashes, two-space indentation.
public enum JSONText {
    public static func serialize(_ value: Any) -> String {
        // Into UTF-8 bytes: appending to a String costs a capacity and flags check per piece, and
        // a 1,000-service explanation is millions of pieces.
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        write(value, indent: 0, into: &out)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    static func write(_ value: Any, indent: Int, into out: inout [UInt8]) {
        switch value {
        case let text as String:
            string(text, into: &out)
        case let flag as Bool:
            out += (flag ? "true" : "false").utf8
        case let number as Int:
            out += String(number).utf8
        case let number as Double:
            if number.isFinite {
                out += (number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : "\(number)").utf8
            } else {
                out += "null".utf8
            }
        case let object as [String: Any]:
            if object.isEmpty { out += "{}".utf8; return }
            out += "{\n".utf8
            // Keys are unique, so sorting the pairs by key is sorting the keys, without a lookup per key.
            let members = object.sorted { $0.key < $1.key }
            for (offset, member) in members.enumerated() {
                pad(indent + 1, &out)
                string(member.key, into: &out)
                out += " : ".utf8
                write(member.value, indent: indent + 1, into: &out)
                out += (offset == members.count - 1 ? "\n" : ",\n").utf8
            }
            pad(indent, &out)
            out.append(UInt8(ascii: "}"))
        case let array as [Any]:
            if array.isEmpty { out += "[]".utf8; return }
            out += "[\n".utf8
            for (offset, element) in array.enumerated() {
                pad(indent + 1, &out)
                write(element, indent: indent + 1, into: &out)
                out += (offset == array.count - 1 ? "\n" : ",\n").utf8
            }
            pad(indent, &out)
            out.append(UInt8(ascii: "]"))
        default:
            out += "null".utf8
        }
    }

    static func pad(_ level: Int, _ out: inout [UInt8]) {
        out += repeatElement(UInt8(ascii: " "), count: 2 * level)
    }

    /// RFC 8259 string: quotes, backslashes and every control character escaped.
    static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Nearly every string is plain: one pass over its bytes, then one append.
        if needsNoEscape(text) {
            out += text.utf8
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
        return text.withUTF8 { bytes in
            for index in bytes.indices {
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x00...0x1F, 0x7F: return false
                case 0xC2 where index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]): return false
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    return false
                default: continue
                }
            }
            return true
        }
    }
}
