internal import CYAML
import Diagnostics

/// Reads one YAML document through libyaml's event parser into `YAMLNode`s with marks.
///
/// libyaml neither rejects duplicate keys nor bounds alias expansion; both are done here,
/// because a blueprint with a repeated key or a "billion laughs" alias bomb must fail with
/// a located diagnostic instead of silently dropping data or exhausting memory.
public struct YAMLParser {
    public struct Limits: Sendable {
        /// Nodes that alias expansion may add in total.
        public var aliasExpansion: Int = 10_000
        /// Nested collections, a guard for documents built to blow recursive consumers.
        public var depth: Int = 64
        /// Duplicate-key findings built as messages; the rest are only counted (a million
        /// repeated keys must not cost a million messages).
        public var duplicateKeyFindings: Int = 50

        public init() {}
    }

    public struct Result: Sendable {
        /// nil for an empty document.
        public var root: YAMLNode?
        /// Findings that do not stop parsing (duplicate keys).
        public var diagnostics: [Diagnostic]
        /// Duplicate keys beyond `Limits.duplicateKeyFindings`: how many, and where the first is.
        public var hiddenDuplicateKeys = 0
        public var firstHiddenDuplicateKey: SourceMark?
    }

    public var file: String
    public var limits: Limits

    public init(file: String, limits: Limits = Limits()) {
        self.file = file
        self.limits = limits
    }

    /// Parses `bytes`; a syntax error or an exceeded limit is returned as the thrown diagnostic.
    public func parse(_ bytes: [UInt8]) throws(Diagnostic) -> Result {
        let builder = try run(bytes, multipleDocuments: false)
        return Result(root: builder.roots.first, diagnostics: builder.diagnostics, hiddenDuplicateKeys: builder.hiddenDuplicateKeys,
                      firstHiddenDuplicateKey: builder.firstHiddenDuplicateKey)
    }

    /// Every document of a multi-document stream (generated manifests), in order.
    public func parseDocuments(_ bytes: [UInt8]) throws(Diagnostic) -> [YAMLNode] {
        try run(bytes, multipleDocuments: true).roots
    }

    private func run(_ bytes: [UInt8], multipleDocuments: Bool) throws(Diagnostic) -> Builder {
        var builder = Builder(file: file, limits: limits)
        builder.multipleDocuments = multipleDocuments
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw Diagnostic(.error, rule: "syntax", message: "cannot initialise the YAML parser", file: file, mark: .start)
        }
        defer { yaml_parser_delete(&parser) }

        var failure: Diagnostic?
        bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            while failure == nil {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    failure = syntaxError(parser)
                    return
                }
                defer { yaml_event_delete(&event) }
                do throws(Diagnostic) {
                    if try builder.handle(event) { return }
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        return builder
    }

    private func syntaxError(_ parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        var mark = SourceMark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        if parser.error == YAML_READER_ERROR {
            // The reader reports a byte offset, not a line; point at the start.
            mark = .start
        }
        var notes: [Note] = []
        if let context = parser.context {
            let contextMark = SourceMark(line: Int(parser.context_mark.line) + 1, column: Int(parser.context_mark.column) + 1)
            notes.append(Note(String(cString: context), at: contextMark))
        }
        return Diagnostic(.error, rule: "syntax", message: "YAML syntax error: \(problem)", file: file, mark: mark, notes: notes)
    }
}

/// Turns the event stream into nodes, keeping one open collection per nesting level.
private struct Builder {
    /// A collection still being read; mutated in place so appending stays O(1).
    struct Open {
        var isMapping: Bool
        var mark: SourceMark
        var tag: String?
        var anchor: String?
        var items: [YAMLNode] = []
        var size = 1
    }

    let file: String
    let limits: YAMLParser.Limits
    var stack: [Open] = []
    var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    var expanded = 0
    var documents = 0
    var multipleDocuments = false
    var roots: [YAMLNode] = []
    var diagnostics: [Diagnostic] = []
    var duplicateKeysShown = 0
    var hiddenDuplicateKeys = 0
    var firstHiddenDuplicateKey: SourceMark?

    init(file: String, limits: YAMLParser.Limits) {
        self.file = file
        self.limits = limits
    }

    /// Returns true at the end of the stream.
    mutating func handle(_ event: yaml_event_t) throws(Diagnostic) -> Bool {
        let mark = SourceMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 && !multipleDocuments {
                throw error("a blueprint file holds one YAML document; found a second one", at: mark)
            }
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = string(scalar.value, length: scalar.length)
            let node = YAMLNode(.scalar(text, style(scalar.style)), mark: mark, tag: optionalString(scalar.tag))
            try add(node, size: 1, anchor: optionalString(scalar.anchor))
        case YAML_ALIAS_EVENT:
            let name = optionalString(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                throw error("alias '*\(name)' refers to no anchor", at: mark)
            }
            expanded += target.size
            if expanded > limits.aliasExpansion {
                throw error(
                    "alias expansion exceeds \(limits.aliasExpansion) nodes; a blueprint needs no alias bombs",
                    at: mark)
            }
            var node = target.node
            node.mark = mark
            try add(node, size: target.size, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            try push(Open(isMapping: false, mark: mark, tag: optionalString(event.data.sequence_start.tag),
                          anchor: optionalString(event.data.sequence_start.anchor)), at: mark)
        case YAML_MAPPING_START_EVENT:
            try push(Open(isMapping: true, mark: mark, tag: optionalString(event.data.mapping_start.tag),
                          anchor: optionalString(event.data.mapping_start.anchor)), at: mark)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let open = stack.popLast() else { break }
            let content: YAMLNode.Content = open.isMapping ? .mapping(try mappingPairs(open.items)) : .sequence(open.items)
            try add(YAMLNode(content, mark: open.mark, tag: open.tag), size: open.size, anchor: open.anchor)
        default:
            break
        }
        return false
    }

    mutating func push(_ open: Open, at mark: SourceMark) throws(Diagnostic) {
        if stack.count >= limits.depth {
            throw error("nesting deeper than \(limits.depth) levels", at: mark)
        }
        stack.append(open)
    }

    mutating func add(_ node: YAMLNode, size: Int, anchor: String?) throws(Diagnostic) {
        if let anchor { anchors[anchor] = (node, size) }
        guard !stack.isEmpty else {
            roots.append(node)
            return
        }
        stack[stack.count - 1].items.append(node)
        stack[stack.count - 1].size += size
    }

    /// Pairs up keys and values, applies `<<` merge keys and reports duplicate keys.
    mutating func mappingPairs(_ items: [YAMLNode]) throws(Diagnostic) -> [YAMLNode.Pair] {
        var explicit: [YAMLNode.Pair] = []
        var merged: [YAMLNode.Pair] = []
        var seen: [String: SourceMark] = [:]
        var index = 0
        while index + 1 < items.count {
            let key = items[index], value = items[index + 1]
            index += 2
            guard case .scalar(let name, let keyStyle) = key.content else {
                throw error("mapping keys must be plain names, not \(key.kindName)", at: key.mark)
            }
            if name == "<<" && keyStyle == .plain {
                merged.append(contentsOf: try mergeSources(value))
                continue
            }
            if let first = seen[name] {
                guard duplicateKeysShown < limits.duplicateKeyFindings else {
                    hiddenDuplicateKeys += 1
                    if firstHiddenDuplicateKey == nil { firstHiddenDuplicateKey = key.mark }
                    continue
                }
                duplicateKeysShown += 1
                diagnostics.append(Diagnostic(
                    .error, rule: "duplicate-key", message: "duplicate key '\(name)'", file: file, mark: key.mark,
                    notes: [Note("first defined here", at: first)], fix: "remove one of the two entries"))
                continue
            }
            seen[name] = key.mark
            explicit.append(YAMLNode.Pair(key: key, value: value))
        }
        // Explicit keys win over merged ones, as YAML's merge key specifies.
        var result = explicit
        for pair in merged {
            guard let name = pair.key.scalar, seen[name] == nil else { continue }
            seen[name] = pair.key.mark
            result.append(pair)
        }
        return result
    }

    func mergeSources(_ value: YAMLNode) throws(Diagnostic) -> [YAMLNode.Pair] {
        switch value.content {
        case .mapping(let pairs):
            return pairs
        case .sequence(let nodes):
            var pairs: [YAMLNode.Pair] = []
            for node in nodes {
                guard case .mapping(let more) = node.content else {
                    throw error("a '<<' merge takes mappings", at: node.mark)
                }
                pairs.append(contentsOf: more)
            }
            return pairs
        case .scalar:
            throw error("a '<<' merge takes a mapping or a list of mappings", at: value.mark)
        }
    }

    func error(_ message: String, at mark: SourceMark) -> Diagnostic {
        Diagnostic(.error, rule: "syntax", message: message, file: file, mark: mark)
    }

    func style(_ style: yaml_scalar_style_t) -> YAMLNode.ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
