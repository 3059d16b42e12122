internal import CYAML

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

/// Writes YAML through libyaml's emitter, so indentation, escaping and line breaks are
/// libyaml's; this type only decides when a string must be quoted to stay a string.
public enum YAMLEmitter {
    /// Emits each value as its own `---` document, after `header` lines written as comments.
    public static func emit(_ documents: [YAMLValue], header: [String] = []) -> String {
        var out = header.map { $0.isEmpty ? "#\n" : "# \($0)\n" }.joined()
        let sink = Sink()
        var emitter = yaml_emitter_t()
        yaml_emitter_initialize(&emitter)
        defer { yaml_emitter_delete(&emitter) }
        yaml_emitter_set_unicode(&emitter, 1)
        yaml_emitter_set_width(&emitter, -1)  // never fold long strings
        yaml_emitter_set_indent(&emitter, 2)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        yaml_emitter_set_output(&emitter, { data, buffer, size in
            guard let data, let buffer else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(data).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
            return 1
        }, context)

        var event = yaml_event_t()
        yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
        emit(&emitter, &event)
        for document in documents {
            yaml_document_start_event_initialize(&event, nil, nil, nil, 0)
            emit(&emitter, &event)
            emitValue(document, into: &emitter)
            yaml_document_end_event_initialize(&event, 1)
            emit(&emitter, &event)
        }
        yaml_stream_end_event_initialize(&event)
        emit(&emitter, &event)
        yaml_emitter_flush(&emitter)
        out += String(decoding: sink.bytes, as: UTF8.self)
        return out
    }

    private final class Sink {
        var bytes: [UInt8] = []
    }

    private static func emit(_ emitter: inout yaml_emitter_t, _ event: inout yaml_event_t) {
        // libyaml fails only on invalid event sequences or allocation failure: both are bugs here.
        guard yaml_emitter_emit(&emitter, &event) == 1 else {
            let problem = emitter.problem.map { String(cString: $0) } ?? "unknown"
            fatalError("libyaml emitter rejected an event: \(problem)")
        }
    }

    private static func emitValue(_ value: YAMLValue, into emitter: inout yaml_emitter_t) {
        var event = yaml_event_t()
        switch value {
        case .string(let text):
            scalar(text, style: needsQuotes(text) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE, into: &emitter)
        case .int(let number):
            scalar(String(number), style: YAML_PLAIN_SCALAR_STYLE, into: &emitter)
        case .bool(let flag):
            scalar(flag ? "true" : "false", style: YAML_PLAIN_SCALAR_STYLE, into: &emitter)
        case .sequence(let items):
            yaml_sequence_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_SEQUENCE_STYLE)
            emit(&emitter, &event)
            for item in items { emitValue(item, into: &emitter) }
            yaml_sequence_end_event_initialize(&event)
            emit(&emitter, &event)
        case .mapping(let pairs):
            yaml_mapping_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE)
            emit(&emitter, &event)
            for (key, item) in pairs {
                scalar(key, style: needsQuotes(key) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE, into: &emitter)
                emitValue(item, into: &emitter)
            }
            yaml_mapping_end_event_initialize(&event)
            emit(&emitter, &event)
        }
    }

    private static func scalar(_ text: String, style: yaml_scalar_style_t, into emitter: inout yaml_emitter_t) {
        var event = yaml_event_t()
        var text = text
        // libyaml copies the bytes into the event, so borrowing the string's storage is enough.
        text.withUTF8 { buffer in
            _ = yaml_scalar_event_initialize(
                &event, nil, nil, UnsafeMutablePointer(mutating: buffer.baseAddress), Int32(buffer.count), 1, 1, style)
        }
        emit(&emitter, &event)
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
