/// A value to emit. Mappings keep the order they are given in: generators decide it.
public enum YAMLValue: Equatable, Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case mapping([(String, YAMLValue)])
    case sequence([YAMLValue])

    public static func == (a: YAMLValue, b: YAMLValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.sequence(let x), .sequence(let y)): x == y
        case (.mapping(let x), .mapping(let y)):
            x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }
}

/// Turns values into YAML text. `YAMLWriter` writes the bytes; `LibYAMLEmitter`, libyaml's own
/// emitter, is the reference it is tested against. This type decides when a string must be
/// double-quoted to stay a string.
public enum YAMLEmitter {
    /// Emits each value as its own `---` document, after `header` lines written as comments.
    public static func emit(_ documents: [YAMLValue], header: [String] = []) -> String {
        var writer = YAMLWriter(capacity: 1024)
        for line in header { writer.comment(line) }
        for document in documents { writer.document(document) }
        return writer.takeText()
    }

    /// What a YAML 1.1 or 1.2 reader takes for a null, a boolean or a float, or a merge key.
    static let nonStringWords: Set<String> = [
        "", "~", "null", "Null", "NULL",
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
        ".nan", ".NaN", ".NAN", "<<", "=",
    ]

    /// True when a plain scalar with this text would be read back as something other than a
    /// string by a YAML 1.1 or 1.2 reader (booleans like `on`, nulls, numbers like `0123`,
    /// `1e3`, `0x1F`, `1:30`, timestamps). Such strings are emitted double-quoted.
    public static func needsQuotes(_ text: String) -> Bool {
        withUTF8(text) { needsQuotes(utf8: $0) }
    }

    static func needsQuotes(utf8 text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = text.first else { return true }
        if text.count <= 6 && startsNonStringWord(first) && isNonStringWord(text) { return true }
        // Every YAML number and timestamp starts with a digit, a sign or a dot and uses only
        // these characters; quoting all such strings also covers forms like `1_000` or `0b101`.
        guard startsNumber(first) else { return false }
        for byte in text where !inNumber(byte) { return false }
        return true
    }

    // Switches, not tables: these run for every key and value, and a global table costs a
    // lazy-initialisation check per use.

    /// The first bytes of `nonStringWords`: `~ . + - < =` and `n N y Y t T f F o O`.
    @inline(__always) private static func startsNonStringWord(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x7E, 0x2E, 0x2B, 0x2D, 0x3C, 0x3D: true  // ~ . + - < =
        case 0x6E, 0x4E, 0x79, 0x59, 0x74, 0x54, 0x66, 0x46, 0x6F, 0x4F: true  // n N y Y t T f F o O
        default: false
        }
    }

    /// Whether the text (at most 6 bytes) is one of `nonStringWords`: its bytes packed into an
    /// integer (first byte lowest, the length on top) and matched against theirs, instead of a String made and
    /// hashed for every `name` key. `nonStringWordsArePacked` in the tests checks the list.
    static func isNonStringWord(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count <= 6 else { return false }
        // The length in the top byte: `no` and `no` + NUL must differ.
        var packed = UInt64(text.count) << 56
        for (index, byte) in text.enumerated() { packed |= UInt64(byte) << (8 * UInt64(index)) }
        switch packed {
        case 0x10000000000007E, 0x40000006C6C756E, 0x40000006C6C754E, 0x40000004C4C554E, 0x100000000000079, 0x100000000000059, 0x300000000736579, 0x300000000736559, 0x300000000534559, 0x10000000000006E, 0x10000000000004E, 0x200000000006F6E, 0x200000000006F4E, 0x200000000004F4E, 0x400000065757274, 0x400000065757254, 0x400000045555254, 0x5000065736C6166, 0x5000065736C6146, 0x5000045534C4146, 0x200000000006E6F, 0x200000000006E4F, 0x200000000004E4F, 0x30000000066666F, 0x30000000066664F, 0x30000000046464F, 0x4000000666E692E, 0x4000000666E492E, 0x4000000464E492E, 0x50000666E692E2B, 0x50000666E492E2B, 0x50000464E492E2B, 0x50000666E692E2D, 0x50000666E492E2D, 0x50000464E492E2D, 0x40000006E616E2E, 0x40000004E614E2E, 0x40000004E414E2E, 0x200000000003C3C, 0x10000000000003D: return true
        default: return false
        }
    }

    /// A digit, `+`, `-` or `.`.
    @inline(__always) private static func startsNumber(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x2B, 0x2D, 0x2E: true
        default: false
        }
    }

    /// Digits, hex digits, `+ - . _ :`, space, the radix letters `x o b` and the timestamp
    /// letters `t z`, either case.
    @inline(__always) private static func inNumber(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x61...0x66, 0x41...0x46: true  // 0-9 a-f A-F
        case 0x2B, 0x2D, 0x2E, 0x5F, 0x3A, 0x20: true  // + - . _ : space
        case 0x78, 0x58, 0x6F, 0x4F, 0x74, 0x54, 0x7A, 0x5A: true  // x X o O t T z Z
        default: false
        }
    }
}
