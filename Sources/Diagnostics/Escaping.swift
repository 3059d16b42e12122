/// Escaping of user text for the places Meridian prints it. Every function works on Unicode
/// scalars, never on `Character`s: a grapheme cluster can hide a syntax character behind a
/// combining mark (`|` + U+0301 is one `Character` but still a pipe to a Markdown parser).
/// See docs/escaping.md for the rules and why each exists.

/// Text for a terminal or a CI log: one logical line stays one physical line and cannot
/// carry terminal control sequences.
public enum TerminalText {
    /// `text` with every control character written as a visible escape (`\n`, `\r`, `\t`,
    /// `\u{1B}`): C0, DEL, C1 (NEL U+0085 ends a line in some viewers), the Unicode line and
    /// paragraph separators, and the bidirectional overrides that reorder what a reader sees.
    /// A quoted key `"x\nfile.yaml:1:1: error: …"` therefore cannot forge a diagnostic line,
    /// and `ESC [ 3 1 m` cannot colour or erase one.
    ///
    /// GitHub's runner also obeys the legacy `##[command]` form anywhere in a log line
    /// (actions/runner, `ActionCommand.TryParse`: `message.IndexOf("##[")`), so `##[` is shown as
    /// `#\u{23}[`: a blueprint name cannot stop command processing or forge an annotation.
    public static func escaped(_ text: String) -> String {
        // Fast paths: nearly all text is printable ASCII (checked byte by byte, without decoding
        // scalars), or harmless UTF-8.
        var bytes = text
        if bytes.withUTF8(isPrintableASCII) { return text }
        guard text.unicodeScalars.contains(where: needsEscape) || text.utf8.contains(UInt8(ascii: "#")) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where needsEscape(scalar): out += visible(scalar)
            case "#" where index > 0 && scalars[index - 1] == "#" && index + 1 < scalars.count && scalars[index + 1] == "[":
                out += visible(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A file name that starts a line (`file:line:col: …`): escaped, and never read as a GitHub
    /// workflow command. The runner takes any log line whose first non-blank characters are `::`
    /// as a command (`::error::`, `::add-mask::`, `::stop-commands::`), so a blueprint named
    /// `::error::x.yaml` would forge one; such a name is written `./::error::x.yaml`, the same file
    /// (a name starting with blanks before `::` is relative too).
    public static func path(_ path: String) -> String {
        let text = escaped(path)
        return lineStart(text) == text ? text : "./" + text
    }

    /// Every line of `text` safe for a terminal or CI log: each escaped, and none able to start
    /// a workflow command (`lineStart`). For messages assembled from several parts (stderr).
    public static func lines(_ text: String) -> String {
        // A report of a large blueprint is megabytes of plain ASCII: one pass over its bytes
        // proves nothing in it needs escaping, instead of splitting and rebuilding every line.
        if needsNoEscape(text) { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { lineStart(escaped(String($0))) }.joined(separator: "\n")
    }

    /// True when `lines` would return `text` unchanged: no control byte but newlines, none of the
    /// non-ASCII scalars `needsEscape` lists (read from their UTF-8 bytes), no `##[`, and no line
    /// whose first non-blank characters are `::`. A line that starts with a non-ASCII scalar (it
    /// might be Unicode white space before `::`) takes the scalar-by-scalar path.
    static func needsNoEscape(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(needsNoEscape)
    }

    /// `lines` over UTF-8 bytes: the same bytes back when nothing needs escaping (the usual case,
    /// checked in one pass), else the escaped text's bytes.
    public static func lines(utf8 bytes: [UInt8]) -> [UInt8] {
        if bytes.withUnsafeBufferPointer(needsNoEscape) { return bytes }
        return Array(lines(String(decoding: bytes, as: UTF8.self)).utf8)
    }

    static func needsNoEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var atLineStart = true
        var index = 0
        while index < bytes.count {
            // Eight bytes at a time inside a line: bytes 0x20-0x7E other than `#` matter only at a
            // line's start, so a word of only those, past the start, is skipped whole.
            if !atLineStart, index + 8 <= bytes.count, isPlainWord(UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)) {
                index += 8
                continue
            }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                atLineStart = true
            case 0x80...0xFF:
                if atLineStart || escapedMultibyte(bytes, at: index) { return false }
                atLineStart = false
            case 0x00...0x1F, 0x7F:
                return false
            case UInt8(ascii: " ") where atLineStart:
                break
            case UInt8(ascii: ":") where atLineStart && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: ":"):
                return false
            case UInt8(ascii: "#") where index + 2 < bytes.count && bytes[index + 1] == UInt8(ascii: "#") && bytes[index + 2] == UInt8(ascii: "["):
                return false
            default:
                atLineStart = false
            }
            index += 1
        }
        return true
    }

    /// Whether every byte is printable ASCII other than `#` (0x20-0x7E): text `escaped` returns as
    /// it is without decoding a scalar. Eight bytes at a time: a report has hundreds of thousands of cells.
    public static func isPrintableASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        while index + 8 <= bytes.count {
            if !isPlainWord(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) { return false }
            index += 8
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "#") { return false }
            index += 1
        }
        return true
    }

    /// Whether none of the eight bytes in `word` is below 0x20 (a newline or control), above 0x7E
    /// (DEL or non-ASCII) or `#`.
    @inline(__always)
    static func isPlainWord(_ word: UInt64) -> Bool {
        !WordScan.hasControlOrNonASCII(word) && !WordScan.contains(UInt8(ascii: "#"), in: word)
    }

    /// Whether the UTF-8 sequence at `index` encodes a scalar `needsEscape` lists: C1 controls
    /// (C2 80-9F), U+061C (D8 9C), U+200E/F, U+2028/9, U+202A-E (E2 80 8E/8F/A8-AE), U+2066-9
    /// (E2 81 A6-A9).
    static func escapedMultibyte(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let next = { (offset: Int) -> UInt8 in index + offset < bytes.count ? bytes[index + offset] : 0 }
        switch bytes[index] {
        case 0xC2: return (0x80...0x9F).contains(next(1))
        case 0xD8: return next(1) == 0x9C
        case 0xE2:
            switch next(1) {
            case 0x80: return [0x8E, 0x8F].contains(next(2)) || (0xA8...0xAE).contains(next(2))
            case 0x81: return (0xA6...0xA9).contains(next(2))
            default: return false
            }
        default: return false
        }
    }

    /// An escaped line whose first non-blank characters are `::` gets its first `:` shown as
    /// `\u{3A}`: the runner trims every Unicode white space before looking for `::`
    /// (actions/runner, `ActionCommand.TryParseV2`: `message.TrimStart()`).
    public static func lineStart(_ line: String) -> String {
        let scalars = line.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              scalars[first] == ":", scalars.index(after: first) < scalars.endIndex,
              scalars[scalars.index(after: first)] == ":" else { return line }
        var out = String.UnicodeScalarView(scalars[..<first])
        out.append(contentsOf: visible(":").unicodeScalars)
        out.append(contentsOf: scalars[scalars.index(after: first)...])
        return String(out)
    }

    /// `\u{1B}`: Swift's spelling, plain text in Markdown too (`\u` is no Markdown escape).
    static func visible(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x2028, 0x2029: true  // line and paragraph separator
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true  // bidi marks, embeddings, overrides, isolates
        default: false
        }
    }
}

/// User text placed into Markdown (REPORT.md, `explain --format markdown`, the pull-request
/// diff). Nothing a user writes may end a table row, start a block (heading, quote, list,
/// fence), open HTML, a link, an image, emphasis, a code span or GitHub math: what renders is
/// the text as written. Line breaks become `<br>`, which GitHub and CommonMark render inside
/// table cells, list items and headings alike.
public enum Markdown {
    /// Inline text: safe inside a table cell, a list item, bold markers or a heading, anywhere
    /// except at the very start of a line (callers always put a prefix such as `| ` or `- ` there).
    ///
    /// CommonMark lets any ASCII punctuation be backslash-escaped
    /// (https://spec.commonmark.org/0.31.2/#backslash-escapes) and GFM tables honour `\|` even
    /// inside other inline spans (https://github.github.com/gfm/#tables-extension-).
    /// Escaped always: `\` `` ` `` `*` `[` `]` `<` `>` `|` `~` `&` (entities) `$` (GitHub math).
    /// `_` only when it could delimit emphasis, i.e. unless it sits between two ASCII letters or
    /// digits: `eu_west_1` stays readable. Other control characters (TAB aside), the Unicode
    /// separators and bidi controls are shown as `\u{1B}`, as `TerminalText` shows them.
    public static func text(_ text: String) -> String {
        // Fast path over bytes: a report has tens of thousands of cells, nearly all plain.
        var scanned = text
        guard scanned.withUTF8({ $0.contains(where: isMarkdownSpecial) }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        append(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text(text)`'s bytes to `out` without making a String of them: a report's tables
    /// are hundreds of thousands of cells.
    public static func append(_ text: String, into out: inout [UInt8]) {
        // Read in place (a small string from the stack); the scan is a mask test per byte, and
        // the plain copy goes through the buffer pointer: a report is 330,000 cells.
        let appended: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            for byte in bytes where isMarkdownSpecial(byte) { return escape(bytes, into: &out) }
            out.append(contentsOf: bytes)
        }
        if appended == nil {
            var copy = text
            copy.withUTF8 { escape($0, into: &out) }
        }
    }

    /// Bytes that may need an escape: Markdown syntax, controls (TAB aside), and the lead bytes
    /// of the C1 controls (0xC2), U+061C (0xD8) and the separators and bidi controls (0xE2).
    /// Two 64-bit masks over ASCII, not a switch or a table: it runs for every byte of every
    /// report cell, and a global table costs a lazy-initialisation check per use.
    @inline(__always)
    static func isMarkdownSpecial(_ byte: UInt8) -> Bool {
        let low: UInt64 = 0xFFFF_FDFF  // 0x00–0x1F but TAB
            | 1 << 0x24 | 1 << 0x26 | 1 << 0x2A | 1 << 0x3C | 1 << 0x3E  // $ & * < >
        let high: UInt64 = 1 << (0x5B - 64) | 1 << (0x5C - 64) | 1 << (0x5D - 64) | 1 << (0x5F - 64) | 1 << (0x60 - 64)  // [ \ ] _ `
            | 1 << (0x7C - 64) | 1 << (0x7E - 64) | 1 << (0x7F - 64)  // | ~ DEL
        if byte < 128 { return (byte < 64 ? low : high) >> UInt64(byte & 63) & 1 != 0 }
        return byte == 0xC2 || byte == 0xD8 || byte == 0xE2
    }

    // Over UTF-8 bytes: a Swift string's are valid, every byte Markdown cares about is ASCII, and
    // the scalars `TerminalText` shows start with a lead byte flagged by `isMarkdownSpecial`.
    private static func escape(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let isWordByte = { (i: Int) -> Bool in
            guard bytes.indices.contains(i) else { return false }
            let byte = bytes[i]
            return (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\r"):
                out += "<br>".utf8
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "\n"):
                out += "<br>".utf8
            case 0:
                // CommonMark replaces NUL with U+FFFD; do it here so every renderer agrees.
                out += "\u{FFFD}".utf8
            case 0x09:
                out.append(byte)
            case 0x01...0x1F, 0x7F:
                // Shown, not obeyed: `cat REPORT.md` or a pager must not run an ESC sequence,
                // and a bidi override must not reorder a reviewer's view of a comment.
                out += TerminalText.visible(Unicode.Scalar(byte)).utf8
            case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "["), UInt8(ascii: "]"),
                 UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "|"), UInt8(ascii: "~"), UInt8(ascii: "&"), UInt8(ascii: "$"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case UInt8(ascii: "_"):
                // `_` delimits emphasis unless it sits between two ASCII letters or digits.
                if !(isWordByte(index - 1) && isWordByte(index + 1)) { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            case 0xC2, 0xD8, 0xE2:
                let length = byte == 0xE2 ? 3 : 2
                let end = min(index + length, bytes.count)
                let piece = UnsafeBufferPointer(rebasing: bytes[index..<end])
                let scalar = String(decoding: piece, as: UTF8.self).unicodeScalars.first!
                if TerminalText.needsEscape(scalar) {
                    out += TerminalText.visible(scalar).utf8
                } else {
                    out.append(contentsOf: piece)
                }
                index = end - 1
            default:
                out.append(byte)
            }
            index += 1
        }
    }

    /// A code span (`` `text` ``) when `text` can be one verbatim; otherwise escaped inline text.
    /// Backslash escapes do not work inside code spans, so a backtick, a pipe (which would end
    /// the table cell), a line break or another control character falls back to `text(_:)`.
    public static func code(_ text: String) -> String {
        let verbatim = !text.isEmpty && !text.unicodeScalars.contains {
            $0 == "`" || $0 == "|" || $0 == "\0" || TerminalText.needsEscape($0)
        }
        return verbatim ? "`" + text + "`" : Self.text(text)
    }

    /// Text inside raw HTML (`<summary>…</summary>`), where Markdown's backslash escapes are
    /// not processed: HTML character references instead, and no line break, because a blank
    /// line ends a CommonMark HTML block. Other controls are shown as in `TerminalText`.
    public static func html(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { "&<>\"\0".unicodeScalars.contains($0) || TerminalText.needsEscape($0) }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r", "\n", "\0": out += " "
            case _ where TerminalText.needsEscape(scalar): out += TerminalText.visible(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// A file path as a URI reference relative to the run's working directory, as SARIF's
/// `artifactLocation.uri` requires (SARIF 2.1.0 §3.4.3, RFC 3986 §4.2).
public enum URIReference {
    /// Percent-encodes every UTF-8 byte outside RFC 3986's unreserved set, `/` and the
    /// sub-delimiters. `:` is encoded too: in a first path segment it would read as a scheme
    /// (`c:blueprint.yaml`). Leading slashes collapse to one, because `//name` would read as an
    /// authority (a host name); POSIX treats both spellings as the same path.
    public static func path(_ path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes[0] == UInt8(ascii: "/"), bytes[1] == UInt8(ascii: "/") { bytes.removeFirst() }
        var out = ""
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            if isKept(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += percentEncoded(byte)
            }
        }
        return out
    }

    /// `%XX` with two upper-case hex digits, as RFC 3986 §2.1 recommends.
    static func percentEncoded(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "%" + (hex.count == 1 ? "0" : "") + hex
    }

    private static func isKept(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~/!$&'()*+,;=@".utf8.contains(byte)
        }
    }
}
