/// Writes block-style YAML straight into a byte buffer, producing the bytes libyaml's emitter
/// produces for the same events with the settings `LibYAMLEmitter` uses (UTF-8, unicode on,
/// indent 2, no line folding, explicit `---`, implicit document end).
///
/// libyaml's emitter costs an event allocation, a copy and a state-machine dispatch per node;
/// generating 40,000 manifests spent most of its time there. This writer keeps libyaml's
/// decisions — which scalar style, when a key needs `? `, where a line breaks — by following
/// its emitter (`emitter.c` of libyaml 0.2.5) step for step for the subset of events Meridian
/// emits: block collections, `{}`/`[]` for empty ones, untagged scalars, no anchors.
/// `YAMLWriterTests` checks it byte for byte against libyaml on random documents.
///
/// The bytes go into memory the writer owns, written through a pointer: an Array's append checks
/// uniqueness and capacity through a generic path on each of the millions of small pieces a
/// compile writes (13 % of a 1,000 × 8 compile's instructions, callgrind). Being noncopyable,
/// no two writers can share that memory.
public struct YAMLWriter: ~Copyable {
    /// The output so far is `base[0..<count]`, in `capacity` bytes of memory this writer owns.
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    // The emitter state libyaml keeps, with the same names and meaning.
    /// Columns of the current block level; -1 before the root collection.
    private var indent = -1
    /// The output ends with whitespace (a space, an indicator that acts as one, or a line start).
    private var whitespace = true
    /// Only indentation and indicators such as `-` are on the current line so far.
    private var indention = true
    /// Current column; read only while `indention` holds, when the line is spaces and ASCII indicators.
    private var column = 0

    private static let indentStep = 2
    /// libyaml's limit for a simple (`key: value`) key, in bytes.
    private static let simpleKeyLimit = 128

    /// Source keys proved plain, by the address and length of their bytes (`key(_: StaticString)`).
    private var plainKeys: UnsafeMutablePointer<(UInt, Int)>
    private static let plainKeySlots = 256

    public init(capacity: Int = 0) {
        self.capacity = max(capacity, 256)
        base = .allocate(capacity: self.capacity)
        plainKeys = .allocate(capacity: Self.plainKeySlots)
        plainKeys.initialize(repeating: (0, 0), count: Self.plainKeySlots)
    }

    deinit {
        base.deallocate()
        plainKeys.deallocate()
    }

    /// The bytes written so far.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The text written so far; the writer starts over, keeping its buffer for the next file.
    public mutating func takeText() -> String {
        let text = String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
        count = 0
        indent = -1
        whitespace = true
        indention = true
        column = 0
        return text
    }

    /// A comment line before the first document (`#` alone for an empty line).
    public mutating func comment(_ line: String) {
        put(UInt8(ascii: "#"))
        if !line.isEmpty {
            put(UInt8(ascii: " "))
            withUTF8(line) { put($0) }
        }
        put(UInt8(ascii: "\n"))
    }

    // MARK: - The buffer

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        if count == capacity { grow(toHold: count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func put(_ piece: UnsafeBufferPointer<UInt8>) {
        guard let source = piece.baseAddress else { return }
        if count + piece.count > capacity { grow(toHold: count + piece.count) }
        (base + count).initialize(from: source, count: piece.count)
        count += piece.count
    }

    private mutating func grow(toHold needed: Int) {
        var larger = capacity * 2
        while larger < needed { larger *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    // MARK: - Documents, written as they are made

    /// What the next call must write: the node a `---` document holds, a mapping's key, the
    /// value after a key, or a sequence's item (which first gets its `- `).
    private enum Expecting { case document, key, value, item }
    private var expecting = Expecting.document

    /// One `---` document holding the node `body` writes.
    ///
    /// Generators write their documents through these calls instead of building a `YAMLValue`
    /// first: the tree of 48,000 manifests cost as much to build and free as to write
    /// (callgrind, 1,000 × 8). A node's calls nest as the node does:
    /// `y.mapping { $0.field("kind", "Service"); $0.mapping("spec") { … } }`.
    public mutating func document(_ body: (inout YAMLWriter) -> Void) {
        writeIndent()
        writeIndicator("---", needsWhitespace: true, isWhitespace: false, isIndention: false)
        expecting = .document
        body(&self)
        writeIndent()  // the implicit document end: close the last line
    }

    /// One `---` document holding `value`.
    public mutating func document(_ value: YAMLValue) {
        document { $0.value(value) }
    }

    /// A mapping's key written in the source, as nearly all are; the next call writes its value.
    /// Such a key is a plain simple key (`name:`) unless its text says otherwise, which takes a
    /// word-at-a-time scan to prove instead of the full style analysis.
    public mutating func key(_ key: StaticString) {
        guard key.hasPointerRepresentation else { return dynamicKey(key.description) }
        let utf8 = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        // A literal's bytes never change, so its address and length name its text: a key proved
        // plain once is remembered in a small direct-mapped table (a few dozen keys, written
        // millions of times).
        let address = UInt(bitPattern: key.utf8Start)
        let slot = Int(truncatingIfNeeded: (address >> 3 ^ address >> 11) & UInt(Self.plainKeySlots - 1))
        if plainKeys[slot] != (address, utf8.count) {
            guard !utf8.isEmpty && utf8.count <= Self.simpleKeyLimit && UTF8Scan.isPlainFast(utf8)
                && !YAMLEmitter.needsQuotes(utf8: utf8) else {
                return dynamicKey(key.description)
            }
            plainKeys[slot] = (address, utf8.count)
        }
        precondition(expecting == .key, "a key outside a mapping, or two keys in a row")
        writeIndent()
        // writePlain then writeIndicator(":"), fused: after the indent no space goes first, and a
        // key of a few bytes is copied byte by byte rather than through a bulk copy's call.
        let length = utf8.count
        if count + length + 1 > capacity { grow(toHold: count + length + 1) }
        copy(utf8, to: count)
        base[count + length] = UInt8(ascii: ":")
        count += length + 1
        column += length + 1
        whitespace = false
        indention = false
        expecting = .value
    }

    /// A mapping's key made at run time (an environment variable's name, a label from a
    /// blueprint); the next call writes its value.
    public mutating func dynamicKey(_ key: String) {
        precondition(expecting == .key, "a key outside a mapping, or two keys in a row")
        writeIndent()
        withUTF8(key) { utf8 in
            let analysis = ScalarAnalysis(utf8)
            let quoted = YAMLEmitter.needsQuotes(utf8: utf8)
            if !analysis.multiline && utf8.count <= Self.simpleKeyLimit {
                scalar(utf8, analysis, forceDoubleQuotes: quoted, simpleKey: true)
                writeIndicator(":", needsWhitespace: false, isWhitespace: false, isIndention: false)
            } else {
                // A long or multi-line key: libyaml's explicit `? key` / `: value` form.
                writeIndicator("?", needsWhitespace: true, isWhitespace: false, isIndention: true)
                scalar(utf8, analysis, forceDoubleQuotes: quoted, simpleKey: false)
                writeIndent()
                writeIndicator(":", needsWhitespace: true, isWhitespace: false, isIndention: true)
            }
        }
        expecting = .value
    }

    public mutating func string(_ text: String) {
        beginNode()
        withUTF8(text) { utf8 in
            // A double-quoted value needs no analysis: only a key's style depends on more.
            let quoted = YAMLEmitter.needsQuotes(utf8: utf8)
            // A name or a path (the most of them) is plain: no style to choose.
            if !quoted && UTF8Scan.isPlainFast(utf8) { return writePlain(utf8) }
            scalar(utf8, quoted ? .doubleQuotedOnly : ScalarAnalysis(utf8), forceDoubleQuotes: quoted, simpleKey: false)
        }
    }

    public mutating func int(_ number: Int) {
        beginNode()
        // An int is plain wherever it stands: its digits go straight into the buffer.
        if !whitespace { put(UInt8(ascii: " ")) }
        if count + 21 > capacity { grow(toHold: count + 21) }
        var magnitude = number.magnitude
        var digits = 0
        repeat {
            digits += 1
            magnitude /= 10
        } while magnitude > 0
        let width = digits + (number < 0 ? 1 : 0)
        if number < 0 { base[count] = UInt8(ascii: "-") }
        magnitude = number.magnitude
        var position = count + width
        repeat {
            position -= 1
            base[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        count += width
        whitespace = false
        indention = false
    }

    public mutating func bool(_ flag: Bool) {
        beginNode()
        // Letters every style analysis leaves plain (writing plain text reads no indentation).
        let word: StaticString = flag ? "true" : "false"
        writePlain(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }

    /// A block mapping of the keys and values `body` writes; `{}` when it writes none.
    public mutating func mapping(_ body: (inout YAMLWriter) -> Void) {
        beginNode()
        let outer = expecting, saved = indent, start = count
        increaseBlockIndent(indentless: false)
        expecting = .key
        body(&self)
        precondition(expecting == .key, "a key without a value")
        indent = saved
        expecting = outer
        // Nothing is written before a mapping's first key, so no bytes means no keys.
        if count == start { emptyFlowCollection(open: "{", close: "}") }
    }

    /// A block sequence of the items `body` writes; `[]` when it writes none.
    public mutating func sequence(_ body: (inout YAMLWriter) -> Void) {
        let inMapping = beginNode()
        let outer = expecting, saved = indent, start = count
        // libyaml writes a sequence that is a mapping's value at the key's own indentation
        // (unless the key took a line of its own); the choice is made before the first item.
        increaseBlockIndent(indentless: inMapping && !indention)
        expecting = .item
        body(&self)
        indent = saved
        expecting = outer
        if count == start { emptyFlowCollection(open: "[", close: "]") }
    }

    /// A value made beforehand.
    public mutating func value(_ value: YAMLValue) {
        switch value {
        case .string(let text): string(text)
        case .int(let number): int(number)
        case .bool(let flag): bool(flag)
        case .sequence(let items): sequence { for item in items { $0.value(item) } }
        case .mapping(let pairs):
            mapping {
                for (key, item) in pairs {
                    $0.dynamicKey(key)
                    $0.value(item)
                }
            }
        }
    }

    // Shorthands for a key and its value.

    public mutating func field(_ key: StaticString, _ text: String) {
        self.key(key)
        string(text)
    }

    public mutating func field(_ key: StaticString, _ number: Int) {
        self.key(key)
        int(number)
    }

    public mutating func field(_ key: StaticString, _ flag: Bool) {
        self.key(key)
        bool(flag)
    }

    public mutating func mapping(_ key: StaticString, _ body: (inout YAMLWriter) -> Void) {
        self.key(key)
        mapping(body)
    }

    public mutating func sequence(_ key: StaticString, _ body: (inout YAMLWriter) -> Void) {
        self.key(key)
        sequence(body)
    }

    /// A mapping of string values under keys written in the source, in the order given (labels,
    /// annotations).
    public mutating func mapping(_ key: StaticString, fields: [(StaticString, String)]) {
        mapping(key) { y in
            for (name, text) in fields { y.field(name, text) }
        }
    }

    /// A sequence of strings.
    public mutating func sequence(_ key: StaticString, strings: [String]) {
        sequence(key) { y in
            for text in strings { y.string(text) }
        }
    }

    /// Starts a node where one is expected: a sequence item gets its `- ` first. Returns whether
    /// the node is a mapping's value.
    @discardableResult
    private mutating func beginNode() -> Bool {
        switch expecting {
        case .value:
            expecting = .key
            return true
        case .item:
            writeIndent()
            writeIndicator("-", needsWhitespace: true, isWhitespace: false, isIndention: true)
            return false
        case .document:
            return false
        case .key:
            preconditionFailure("a value where a mapping's key belongs")
        }
    }

    private mutating func emptyFlowCollection(open: StaticString, close: StaticString) {
        writeIndicator(open, needsWhitespace: true, isWhitespace: true, isIndention: false)
        writeIndicator(close, needsWhitespace: false, isWhitespace: false, isIndention: false)
    }

    private mutating func increaseBlockIndent(indentless: Bool) {
        if indent < 0 {
            indent = 0
        } else if !indentless {
            indent += Self.indentStep
        }
    }

    private mutating func scalar(_ utf8: UnsafeBufferPointer<UInt8>, _ analysis: ScalarAnalysis, forceDoubleQuotes: Bool, simpleKey: Bool) {
        // libyaml's yaml_emitter_select_scalar_style for block context and untagged scalars.
        var style = forceDoubleQuotes ? Style.doubleQuoted : .plain
        if simpleKey && analysis.multiline { style = .doubleQuoted }
        if style == .plain && (!analysis.blockPlainAllowed || (utf8.isEmpty && simpleKey)) {
            style = .singleQuoted
        }
        if style == .singleQuoted && !analysis.singleQuotedAllowed { style = .doubleQuoted }

        // A scalar is indented one step deeper than its collection (libyaml's flow increase).
        let saved = indent
        indent = indent < 0 ? Self.indentStep : indent + Self.indentStep
        switch style {
        case .plain: writePlain(utf8)
        case .singleQuoted: writeSingleQuoted(utf8)
        case .doubleQuoted: writeDoubleQuoted(utf8)
        }
        indent = saved
    }

    private enum Style { case plain, singleQuoted, doubleQuoted }

    // MARK: - Writing (libyaml's yaml_emitter_write_*)

    @inline(__always)
    private mutating func putBreak() {
        put(UInt8(ascii: "\n"))
        column = 0
    }

    private mutating func writeIndent() {
        let target = max(indent, 0)
        if !indention || column > target || (column == target && !whitespace) {
            putBreak()
        }
        if column < target {
            // Spaces eight at a time, stored as words (a line's padding is 2–30 bytes; a bulk
            // fill's call costs more than it saves). The words may run past the padding, into
            // capacity that the next bytes overwrite.
            let padding = target - column
            if count + padding + 8 > capacity { grow(toHold: count + padding + 8) }
            let spaces: UInt64 = 0x2020_2020_2020_2020
            let start = UnsafeMutableRawPointer(base + count)
            var offset = 0
            while offset < padding {
                start.storeBytes(of: spaces, toByteOffset: offset, as: UInt64.self)
                offset += 8
            }
            count += padding
            column = target
        }
        whitespace = true
        indention = true
    }

    private mutating func writeIndicator(_ indicator: StaticString, needsWhitespace: Bool, isWhitespace: Bool, isIndention: Bool) {
        if needsWhitespace && !whitespace {
            put(UInt8(ascii: " "))
            column += 1
        }
        let text = UnsafeBufferPointer(start: indicator.utf8Start, count: indicator.utf8CodeUnitCount)
        appendShort(text)
        column += text.count
        whitespace = isWhitespace
        indention = indention && isIndention
    }

    /// Indicators and indentation, a few bytes each and millions in all: byte by byte, which
    /// costs less than the bulk copy's call for so few (measured with callgrind).
    @inline(__always)
    private mutating func appendShort(_ piece: UnsafeBufferPointer<UInt8>) {
        guard piece.count <= 8 else { return put(piece) }
        if count + piece.count > capacity { grow(toHold: count + piece.count) }
        for index in 0..<piece.count { base[count + index] = piece[index] }
        count += piece.count
    }

    private mutating func writePlain(_ utf8: UnsafeBufferPointer<UInt8>) {
        // A plain scalar never holds a line break (analysis forbids it), so it is copied as is.
        let space = !whitespace && !utf8.isEmpty ? 1 : 0
        if count + space + utf8.count > capacity { grow(toHold: count + space + utf8.count) }
        if space == 1 { base[count] = UInt8(ascii: " ") }
        copy(utf8, to: count + space)
        count += space + utf8.count
        whitespace = false
        indention = false
    }

    /// Copies `bytes` to `base[offset...]`, which has room: a name of a few bytes one byte at a
    /// time, which costs less than the bulk copy's call (callgrind), anything longer in bulk.
    @inline(__always)
    private func copy(_ bytes: UnsafeBufferPointer<UInt8>, to offset: Int) {
        guard let source = bytes.baseAddress else { return }
        if bytes.count <= 16 {
            for index in 0..<bytes.count { base[offset + index] = source[index] }
        } else {
            (base + offset).initialize(from: source, count: bytes.count)
        }
    }

    private mutating func writeSingleQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        writeIndicator("'", needsWhitespace: true, isWhitespace: false, isIndention: false)
        var afterBreak = false
        var position = 0
        while position < utf8.count {
            let width = UTF8Scan.width(utf8[position])
            if UTF8Scan.isBreak(utf8, position) {
                // A single-quoted line break folds to a space, so "\n" is written as an empty line.
                if !afterBreak && utf8[position] == UInt8(ascii: "\n") { putBreak() }
                if utf8[position] == UInt8(ascii: "\n") {
                    putBreak()
                } else {
                    put(UnsafeBufferPointer(rebasing: utf8[position..<position + width]))
                    column = 0
                }
                indention = true
                afterBreak = true
            } else {
                if afterBreak { writeIndent() }
                if utf8[position] == UInt8(ascii: "'") { put(UInt8(ascii: "'")) }
                put(UnsafeBufferPointer(rebasing: utf8[position..<position + width]))
                indention = false
                afterBreak = false
            }
            position += width
        }
        if afterBreak { writeIndent() }
        writeIndicator("'", needsWhitespace: false, isWhitespace: false, isIndention: false)
        whitespace = false
        indention = false
    }

    private mutating func writeDoubleQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        writeIndicator("\"", needsWhitespace: true, isWhitespace: false, isIndention: false)
        var position = 0
        var runStart = 0
        while position < utf8.count {
            let byte = utf8[position]
            let width = UTF8Scan.width(byte)
            let needsEscape = !UTF8Scan.isPrintable(utf8, position) || UTF8Scan.isByteOrderMark(utf8, position)
                || UTF8Scan.isBreak(utf8, position) || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            if needsEscape {
                put(UnsafeBufferPointer(rebasing: utf8[runStart..<position]))
                writeEscape(UTF8Scan.scalarValue(utf8, position))
                runStart = position + width
            }
            position += width
        }
        put(UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        writeIndicator("\"", needsWhitespace: false, isWhitespace: false, isIndention: false)
        whitespace = false
        indention = false
    }

    private mutating func writeEscape(_ value: UInt32) {
        put(UInt8(ascii: "\\"))
        let short: Character? = switch value {
        case 0x00: "0"
        case 0x07: "a"
        case 0x08: "b"
        case 0x09: "t"
        case 0x0A: "n"
        case 0x0B: "v"
        case 0x0C: "f"
        case 0x0D: "r"
        case 0x1B: "e"
        case 0x22: "\""
        case 0x5C: "\\"
        case 0x85: "N"
        case 0xA0: "_"
        case 0x2028: "L"
        case 0x2029: "P"
        default: nil
        }
        if let short {
            put(short.asciiValue!)
            return
        }
        let (marker, digits): (UInt8, Int) = value <= 0xFF ? (UInt8(ascii: "x"), 2) : value <= 0xFFFF ? (UInt8(ascii: "u"), 4) : (UInt8(ascii: "U"), 8)
        put(marker)
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            let digit = UInt8((value >> UInt32(shift)) & 0xF)
            put(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "A") + digit - 10)
        }
    }
}

/// Runs `body` on the string's UTF-8 bytes without copying them (native strings are contiguous).
@inline(__always)
func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = text
    return copy.withUTF8(body)
}

/// What libyaml's yaml_emitter_analyze_scalar finds out about a scalar: which styles can
/// carry it unchanged. Only the block-context answers are kept; Meridian writes no flow scalars.
struct ScalarAnalysis {
    var multiline = false
    var blockPlainAllowed = true
    var singleQuotedAllowed = true

    /// Stands in when double quotes are decided already.
    static let doubleQuotedOnly = ScalarAnalysis()

    private init() {}

    init(_ s: UnsafeBufferPointer<UInt8>) {
        if s.isEmpty { return }
        // The common case, a name or a path, settles in one table lookup per byte.
        if UTF8Scan.isPlainFast(s) { return }

        var blockIndicators = false
        var lineBreaks = false, specialCharacters = false
        var leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false
        var breakSpace = false, spaceBreak = false
        var previousSpace = false, previousBreak = false

        let dash = UInt8(ascii: "-"), dot = UInt8(ascii: ".")
        if s.count >= 3 && ((s[0] == dash && s[1] == dash && s[2] == dash) || (s[0] == dot && s[1] == dot && s[2] == dot)) {
            blockIndicators = true
        }
        var precededByWhitespace = true
        var followedByWhitespace = UTF8Scan.isBlankOrEnd(s, UTF8Scan.width(s[0]))
        var position = 0
        while position < s.count {
            let byte = s[position]
            let width = UTF8Scan.width(byte)
            if position == 0 {
                switch byte {
                case UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
                     UInt8(ascii: "}"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
                     UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
                     UInt8(ascii: "`"):
                    blockIndicators = true
                case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                    if followedByWhitespace { blockIndicators = true }
                default: break
                }
            } else {
                if byte == UInt8(ascii: ":") && followedByWhitespace { blockIndicators = true }
                if byte == UInt8(ascii: "#") && precededByWhitespace { blockIndicators = true }
            }
            if !UTF8Scan.isPrintable(s, position) { specialCharacters = true }
            let isBreak = UTF8Scan.isBreak(s, position)
            if isBreak { lineBreaks = true }
            if byte == UInt8(ascii: " ") {
                if position == 0 { leadingSpace = true }
                if position + width == s.count { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if isBreak {
                if position == 0 { leadingBreak = true }
                if position + width == s.count { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = UTF8Scan.isBlankOrEnd(s, position)
            position += width
            if position < s.count {
                followedByWhitespace = UTF8Scan.isBlankOrEnd(s, position + UTF8Scan.width(s[position]))
            }
        }

        multiline = lineBreaks
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak || lineBreaks || blockIndicators {
            blockPlainAllowed = false
        }
        if breakSpace || spaceBreak || specialCharacters {
            blockPlainAllowed = false
            singleQuotedAllowed = false
        }
    }
}

/// libyaml's character classes (yaml_private.h) over UTF-8 bytes. Swift strings are valid
/// UTF-8, so a lead byte always has its continuation bytes after it.
enum UTF8Scan {
    static func width(_ lead: UInt8) -> Int {
        lead & 0x80 == 0 ? 1 : lead & 0xE0 == 0xC0 ? 2 : lead & 0xF0 == 0xE0 ? 3 : 4
    }

    /// Characters libyaml writes unescaped: LF, printable ASCII and the BMP outside the
    /// C1 controls, surrogates, BOM and U+FFFE/U+FFFF. Characters beyond the BMP are escaped.
    static func isPrintable(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        let b = s[i]
        switch b {
        case 0x0A, 0x20...0x7E, 0xC3...0xEC, 0xEE: return true
        case 0xC2: return s[i + 1] >= 0xA0
        case 0xED: return s[i + 1] < 0xA0
        case 0xEF: return !(s[i + 1] == 0xBB && s[i + 2] == 0xBF) && !(s[i + 1] == 0xBF && (s[i + 2] == 0xBE || s[i + 2] == 0xBF))
        default: return false
        }
    }

    static func isByteOrderMark(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        s[i] == 0xEF && i + 2 < s.count && s[i + 1] == 0xBB && s[i + 2] == 0xBF
    }

    /// CR, LF, NEL, LS and PS: YAML 1.1's line breaks.
    static func isBreak(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        switch s[i] {
        case 0x0D, 0x0A: return true
        case 0xC2: return s[i + 1] == 0x85
        case 0xE2: return s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)
        default: return false
        }
    }

    /// libyaml's IS_BLANKZ: space, tab, a break, NUL — or the end of the string (its terminator).
    static func isBlankOrEnd(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        guard i < s.count else { return true }
        let b = s[i]
        return b == 0x20 || b == 0x09 || b == 0 || isBreak(s, i)
    }

    static func scalarValue(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32 {
        let lead = s[i]
        let width = width(lead)
        var value = UInt32(width == 1 ? lead & 0x7F : width == 2 ? lead & 0x1F : width == 3 ? lead & 0x0F : lead & 0x07)
        for k in 1..<max(width, 1) { value = (value << 6) | UInt32(s[i + k] & 0x3F) }
        return value
    }

    /// Bytes that never make a plain scalar unsafe wherever they stand: letters, digits and
    /// `$ ( ) + - . / ; < = ^ _ ~` (`-` is risky only first, which `isPlainFast` checks).
    /// Two 64-bit masks over ASCII, folded to constants: a global table would cost a
    /// lazy-initialisation check per use, and this runs for every byte of every name.
    @inline(__always) static func isPlainEverywhere(_ byte: UInt8) -> Bool {
        let low: UInt64 = 0x03FF_0000_0000_0000  // 0-9
            | 1 << 0x24 | 1 << 0x28 | 1 << 0x29 | 1 << 0x2B | 1 << 0x2D | 1 << 0x2E | 1 << 0x2F  // $ ( ) + - . /
            | 1 << 0x3B | 1 << 0x3C | 1 << 0x3D  // ; < =
        let high: UInt64 = 0x07FF_FFFE_07FF_FFFE  // A-Z, a-z
            | 1 << (0x5E - 64) | 1 << (0x5F - 64) | 1 << (0x7E - 64)  // ^ _ ~
        guard byte < 128 else { return false }
        return (byte < 64 ? low : high) >> UInt64(byte & 63) & 1 != 0
    }

    /// Whether each of the eight bytes of `word` is a letter, a digit, `-`, `.`, `/` or `_`: all
    /// `isPlainEverywhere` bytes, and the ones names, images and paths are made of. Per byte
    /// (all ASCII, so no carry crosses bytes), adding 0x80 − lo sets the top bit iff byte ≥ lo
    /// and adding 0x7F − hi iff byte > hi; `_` is found with the carry-free zero-byte test
    /// ("Bit Twiddling Hacks", https://graphics.stanford.edu/~seander/bithacks.html#ZeroInWord).
    @inline(__always) static func isCommonPlainWord(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080, lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        guard word & highs == 0 else { return false }
        let within = { (lo: UInt64, hi: UInt64) -> UInt64 in (word &+ ones &* (0x80 - lo)) & ~(word &+ ones &* (0x7F - hi)) }
        let underscores = word ^ (ones &* 0x5F)
        let isUnderscore = ~(((underscores & lows) &+ lows) | underscores)
        let accepted = within(0x2D, 0x39) | within(0x41, 0x5A) | within(0x61, 0x7A) | isUnderscore  // -./0-9, A-Z, a-z, _
        return accepted & highs == highs
    }

    /// True when the full analysis would allow every style: only `plainEverywhere` bytes, and
    /// no leading `-` that reads as an indicator (`-` alone, or the `---` document marker).
    static func isPlainFast(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        // Eight bytes at a time while they are letters, digits, `-`, `.`, `/` or `_`; the rest
        // (and a word with any other byte) one byte at a time.
        var index = 0
        while index + 8 <= s.count, isCommonPlainWord(UnsafeRawPointer(s.baseAddress! + index).loadUnaligned(as: UInt64.self)) {
            index += 8
        }
        for byte in UnsafeBufferPointer(rebasing: s[index...]) where !isPlainEverywhere(byte) { return false }
        let dash = UInt8(ascii: "-")
        if s[0] == dash && (s.count == 1 || (s.count >= 3 && s[1] == dash && s[2] == dash)) { return false }
        return true
    }
}
