internal import CYAML

/// Writes YAML through libyaml's emitter: the reference `YAMLWriter` must match byte for byte.
/// Strings are double-quoted exactly when `YAMLEmitter.needsQuotes` says so; every other
/// choice (plain, single quotes, escapes, `? ` keys) is libyaml's.
public enum LibYAMLEmitter {
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
            scalar(text, style: YAMLEmitter.needsQuotes(text) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE, into: &emitter)
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
                scalar(key, style: YAMLEmitter.needsQuotes(key) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE, into: &emitter)
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
}
