import Foundation

/// Pretty-printed JSON with sorted keys from plain values ([String: Any], [Any], String, Int,
/// Double, Bool, NSNull), written directly: Foundation's JSONSerialization took 12 s for the
/// explanation of a 1,000-service blueprint on Linux. Same output contract: sorted keys, no
/// escaped slashes, two-space indentation.
public enum JSONText {
    public static func serialize(_ value: Any) -> String {
        var out = ""
        out.reserveCapacity(1 << 16)
        write(value, indent: 0, into: &out)
        out += "\n"
        return out
    }

    static func write(_ value: Any, indent: Int, into out: inout String) {
        switch value {
        case let text as String:
            string(text, into: &out)
        case let flag as Bool:
            out += flag ? "true" : "false"
        case let number as Int:
            out += String(number)
        case let number as Double:
            if number.isFinite {
                out += number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : "\(number)"
            } else {
                out += "null"
            }
        case let object as [String: Any]:
            if object.isEmpty { out += "{}"; return }
            out += "{\n"
            let keys = object.keys.sorted()
            for (offset, key) in keys.enumerated() {
                pad(indent + 1, &out)
                string(key, into: &out)
                out += " : "
                write(object[key]!, indent: indent + 1, into: &out)
                out += offset == keys.count - 1 ? "\n" : ",\n"
            }
            pad(indent, &out)
            out += "}"
        case let array as [Any]:
            if array.isEmpty { out += "[]"; return }
            out += "[\n"
            for (offset, element) in array.enumerated() {
                pad(indent + 1, &out)
                write(element, indent: indent + 1, into: &out)
                out += offset == array.count - 1 ? "\n" : ",\n"
            }
            pad(indent, &out)
            out += "]"
        default:
            out += "null"
        }
    }

    static func pad(_ level: Int, _ out: inout String) {
        out += String(repeating: "  ", count: level)
    }

    /// RFC 8259 string: quotes, backslashes and every control character escaped.
    static func string(_ text: String, into out: inout String) {
        out += "\""
        // Nearly every string is plain: one pass over its bytes, then one append.
        if needsNoEscape(text) {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
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
