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
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private static let nonStringWords: Set<String> = [
        "", "~", "null", "Null", "NULL",
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
        ".nan", ".NaN", ".NAN", "<<", "=",
    ]

    // A byte-indexed table instead of sets: this runs for every key and value emitted.
    private static let numberStartBit: UInt8 = 1, numberCharacterBit: UInt8 = 2, wordStartBit: UInt8 = 4
    private static let byteClass: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for byte in "0123456789+-.".utf8 { table[Int(byte)] |= numberStartBit }
        for byte in "0123456789+-._:eExXoObBabcdefABCDEFtTzZ ".utf8 { table[Int(byte)] |= numberCharacterBit }
        for word in nonStringWords { if let byte = word.utf8.first { table[Int(byte)] |= wordStartBit } }
        return table
    }()

    /// True when a plain scalar with this text would be read back as something other than a
    /// string by a YAML 1.1 or 1.2 reader (booleans like `on`, nulls, numbers like `0123`,
    /// `1e3`, `0x1F`, `1:30`, timestamps). Such strings are emitted double-quoted.
    public static func needsQuotes(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return true }
        if text.utf8.count <= 6 && byteClass[Int(first)] & wordStartBit != 0 && nonStringWords.contains(text) { return true }
        // Every YAML number and timestamp starts with a digit, a sign or a dot and uses only
        // these characters; quoting all such strings also covers forms like `1_000` or `0b101`.
        guard byteClass[Int(first)] & numberStartBit != 0 else { return false }
        return text.utf8.allSatisfy { byteClass[Int($0)] & numberCharacterBit != 0 }
    }
}
