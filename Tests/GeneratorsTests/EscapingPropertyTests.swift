@testable import Diagnostics
import Foundation
@testable import Generators
import Testing

/// Seeded random hostile strings through every escape Meridian has. The properties checked here
/// are the ones that need no outside tool; Tests/validators/test_escaping.py runs the same samples
/// (written by `dumpSamplesForExternalValidators`) through terraform fmt, python-hcl2 and a GFM
/// parser.

/// SplitMix64: a fixed seed gives the same strings on every machine and every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum HostileText {
    /// Pieces that are syntax somewhere (HCL, Markdown, HTML, terminals, CI logs, URIs), plus
    /// combining marks that glue onto whatever precedes them. No NUL: no input format carries one.
    static let pieces: [String] = [
        "\"", "\\", "${", "%{", "$", "%", "{", "}", "$${", "%%{", "\u{301}", "\u{308}", "\u{20DD}", "\u{FE0F}",
        "\r\n", "\r", "\n", "\t", "\u{B}", "\u{C}", "\u{1B}[31m", "\u{1B}]0;title\u{7}", "\u{7F}", "\u{85}", "\u{9B}",
        "\u{2028}", "\u{2029}", "\u{202E}", "\u{2066}", "😀", "👩‍👩‍👧", "🇪🇺", "é", "e\u{301}", "ń", "日本",
        "|", "\\|", "<", ">", "</details>", "<b>", "<!--", "&amp;", "&#124;", "# ", "## x", "> ", "- ", "1. ", "`", "```",
        "*", "**", "_", "__", "~~", "[x](y)", "![i](u)", "$x$", "=", "---", "a_b", "eu-west-1", " ", "  ",
        "file.yaml:1:1: error: forged [rule]", "::error::forged", ":", ",", "#", "?", "/", "//", "..", "c:",
    ]

    /// Up to 12 random pieces, sometimes with a combining mark right after a syntax character.
    static func sample(_ random: inout SeededGenerator) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...12, using: &random) {
            text += pieces.randomElement(using: &random)!
            if Int.random(in: 0..<4, using: &random) == 0 { text += ["\u{301}", "\u{308}", "\u{334}"].randomElement(using: &random)! }
        }
        return text
    }

    /// Every character HCL writes as an escape (or that is syntax in a quoted string) followed by
    /// a combining mark, alone and between letters: the seeded samples draw these pairs only by
    /// chance. A TAB followed by U+030C is the case issue 20 raised: Terraform holds it exactly,
    /// but `jsonencode` and `terraform console` write `\t` and then NFC-compose `t` + U+030C.
    static let escapeThenMark: [String] = {
        let escaped = ["\t", "\n", "\r", "\"", "\\", "${", "%{", "$", "%", "{", " ", "x"]
        let marks = ["\u{30C}", "\u{301}", "\u{308}", "\u{334}", "\u{20DD}", "\u{FE0F}"]
        return escaped.flatMap { character in marks.flatMap { mark in [character + mark, "a" + character + mark + "b"] } }
    }()

    static func samples(count: Int, seed: UInt64) -> [String] {
        var random = SeededGenerator(state: seed)
        return (0..<count).map { _ in sample(&random) }
    }
}

/// The inverse of `HCL.quoted`, written from the HCL native syntax spec rather than from the
/// encoder: escapes `\\ \" \n \r \t \uNNNN \UNNNNNNNN`, and `$${` / `%%{` for literal `${` / `%{`.
private func unquoteHCL(_ quoted: String) -> String? {
    var scalars = Array(quoted.unicodeScalars)
    guard scalars.first == "\"", scalars.last == "\"", scalars.count >= 2 else { return nil }
    scalars = Array(scalars.dropFirst().dropLast())
    var out = String.UnicodeScalarView()
    var index = 0
    while index < scalars.count {
        let scalar = scalars[index]
        if scalar == "\\" {
            guard index + 1 < scalars.count else { return nil }
            switch scalars[index + 1] {
            case "\\": out.append("\\")
            case "\"": out.append("\"")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "t": out.append("\t")
            case "u", "U":
                let digits = scalars[index + 1] == "u" ? 4 : 8
                guard index + 2 + digits <= scalars.count,
                      let value = UInt32(String(String.UnicodeScalarView(scalars[(index + 2)..<(index + 2 + digits)])), radix: 16),
                      let decoded = Unicode.Scalar(value) else { return nil }
                out.append(decoded)
                index += digits
            default: return nil
            }
            index += 2
        } else if (scalar == "$" || scalar == "%"), index + 2 < scalars.count, scalars[index + 1] == scalar, scalars[index + 2] == "{" {
            out.append(scalar)
            out.append("{")
            index += 3
        } else if (scalar == "$" || scalar == "%"), index + 1 < scalars.count, scalars[index + 1] == "{" {
            return nil  // an unescaped template sequence: user text would be interpolated
        } else if scalar == "\"" {
            return nil  // an unescaped quote ends the string early
        } else {
            out.append(scalar)
            index += 1
        }
    }
    return String(out)
}

/// Controls, line separators and bidi controls, judged by the Unicode properties rather than by
/// the list the escaper keeps.
private func breaksATerminalLine(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .control, .lineSeparator, .paragraphSeparator: return true
    default: return scalar.properties.isBidiControl
    }
}

@Suite struct EscapingPropertyTests {
    static let samples = HostileText.samples(count: 500, seed: 0x4D65_7269_6469_616E)

    // MARK: HCL

    @Test(arguments: [
        ("\"\u{301}", #""\"\u0301""#),  // a quote carrying an acute accent is still a quote
        ("\\\u{301}", #""\\\u0301""#),  // so is a backslash
        ("\r\n", #""\r\n""#),  // one Character, two escapes
        ("${\u{301}x}", #""\u0024{\u0301x}""#),  // the brace of `${` carrying a mark
        ("%{\u{308}", #""\u0025{\u0308""#),
        ("$${x} %%{", #""$\u0024{x} %\u0025{""#),
        ("\\n\u{301}", #""\\n\u0301""#),  // Terraform would read `\` + `ń`: keep the backslash escaped and the mark separate
        ("é😀", #""\u00E9\U0001F600""#),
        ("\u{1B}[31m\u{85}\u{2028}", #""\u001B[31m\u0085\u2028""#),
    ])
    func hclEscapesEveryScalar(_ input: String, _ expected: String) {
        #expect(HCL.quoted(input) == expected)
    }

    @Test func hclStringsAreAsciiAndDecodeToTheInput() {
        for text in Self.samples {
            let quoted = HCL.quoted(text)
            #expect(quoted.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "\(quoted)")
            #expect(unquoteHCL(quoted) == text, "\(quoted)")
            #expect(unquoteHCL(HCL.key(text)) ?? HCL.key(text) == text)
        }
    }

    // MARK: Markdown

    @Test(arguments: [
        ("a | b", #"a \| b"#),
        ("reason\n# Heading\r\n</details>", #"reason<br># Heading<br>\</details\>"#),
        ("|\u{301}", "\\|\u{301}"),  // a pipe with a mark is still a cell boundary to the table parser
        ("`code` *em* [l](u) ~~s~~ &amp; $x$", #"\`code\` \*em\* \[l\](u) \~\~s\~\~ \&amp; \$x\$"#),
        ("eu_west_1 _em_", #"eu_west_1 \_em\_"#),
        ("plain-text 1.0 (ok)", "plain-text 1.0 (ok)"),
        ("red\u{1B}[31m\u{85}\u{202E}\tx", #"red\u{1B}\[31m\u{85}\u{202E}"# + "\tx"),  // shown, not obeyed
    ])
    func markdownTextEscapes(_ input: String, _ expected: String) {
        #expect(Markdown.text(input) == expected)
    }

    @Test func markdownTextStaysOnOneLineWithEveryPipeEscaped() {
        for text in Self.samples {
            // `<br>` is the one tag Markdown.text writes; user text `<br>` comes out as `\<br\>`.
            // Removed by scalar: a following combining mark would hide it from a String search.
            var escaped = Array(Markdown.text(text).unicodeScalars)
            let tag = Array("<br>".unicodeScalars)
            while let start = escaped.indices.first(where: { escaped[$0...].starts(with: tag) }) {
                escaped.replaceSubrange(start..<(start + tag.count), with: [" "])
            }
            #expect(!escaped.contains("\n") && !escaped.contains("\r"), "\(text)")
            for (index, scalar) in escaped.enumerated() where "|<>`*[]".unicodeScalars.contains(scalar) {
                // Preceded by an odd run of backslashes: escaped, not a backslash that was escaped.
                let backslashes = escaped[..<index].reversed().prefix { $0 == "\\" }.count
                #expect(backslashes % 2 == 1, "\(text) -> \(String(String.UnicodeScalarView(escaped)))")
            }
        }
    }

    /// Tables append escaped cells straight to their buffer: the same bytes as `Markdown.text`,
    /// after whatever the buffer held, for every sample and for every table-cell piece joined.
    @Test func markdownAppendWritesWhatTextReturns() {
        let pieces = ["plain", "_", "a_b", "$1,234.56", "|", "\r\n", "\u{0}", "\u{1B}", "é", "\u{2028}", "\u{202E}", "×", "\u{A0}", "🙂", "\\", "`"]
        var samples = Self.samples
        for first in pieces { for second in pieces { samples.append(first + second) } }
        for text in samples {
            var out = Array("| ".utf8)
            Markdown.append(text, into: &out)
            #expect(out == Array(("| " + Markdown.text(text)).utf8), "\(text.debugDescription)")
        }
    }

    /// The bytes that send a cell to the escaping path, spelled out: every ASCII byte Markdown
    /// reads, every control but TAB, and the lead bytes of the scalars shown as `\u{…}`.
    @Test func theSpecialByteMasksHoldExactlyTheSpecialBytes() {
        let special = Set("\\`*[]<>|~&$_".utf8).union(0x00...0x08).union(0x0A...0x1F).union([0x7F, 0xC2, 0xD8, 0xE2])
        for byte in UInt8.min...UInt8.max {
            #expect(Markdown.isMarkdownSpecial(byte) == special.contains(byte), "byte \(byte)")
        }
    }

    @Test func markdownCodeFallsBackToTextWhenACodeSpanCannotHoldIt() {
        #expect(Markdown.code("spec.replicas") == "`spec.replicas`")
        #expect(Markdown.code("a`b") == #"a\`b"#)
        #expect(Markdown.code("a|b") == #"a\|b"#)
        #expect(Markdown.html("<b>\"x\" & y</b>\n\nz") == "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;  z")
    }

    @Test func mermaidLabelsNeverBreakTheFence() {
        for text in Self.samples {
            let label = Diagram.mermaidLabel(text)
            #expect(!label.unicodeScalars.contains("\n") && !label.unicodeScalars.contains("\r"))
            #expect(label.dropFirst().dropLast().unicodeScalars.allSatisfy { $0 != "\"" })
        }
    }

    // MARK: Terminal and CI diagnostics

    static func hostileDiagnostics() -> [Diagnostic] {
        var random = SeededGenerator(state: 7)
        return (0..<300).map { _ in
            let notes = (0..<Int.random(in: 0...2, using: &random)).map { _ in
                Note(HostileText.sample(&random), at: Bool.random(using: &random) ? SourceMark(line: 2, column: 3) : nil)
            }
            return Diagnostic(.error, rule: "unknown-key", message: "unknown key \"\(HostileText.sample(&random))\"",
                              file: "dir/" + HostileText.sample(&random) + ".yaml", mark: SourceMark(line: 4, column: 5),
                              notes: notes, fix: Bool.random(using: &random) ? HostileText.sample(&random) : nil)
        }
    }

    @Test func textDiagnosticsAreOneLineEachWithoutControlCharacters() {
        for d in Self.hostileDiagnostics() {
            let output = TextFormatter.format([d])
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.count == 1 + d.notes.count + (d.fix == nil ? 0 : 1), "\(output)")
            #expect(lines.first?.hasPrefix(TerminalText.escaped(d.file) + ":4:5: error: ") == true)
            #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("    ") })
            #expect(!output.unicodeScalars.contains { $0 != "\n" && breaksATerminalLine($0) }, "\(output)")
        }
    }

    @Test func githubAnnotationsAreOneCommandLineEach() {
        let diagnostics = Self.hostileDiagnostics()
        let output = GitHubFormatter.format(diagnostics)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == diagnostics.count)
        for (line, d) in zip(lines, diagnostics) {
            #expect(line.hasPrefix("::error file="))
            #expect(!line.unicodeScalars.contains(where: breaksATerminalLine))
            // The property list ends at the first `::`; a file name must not end it early.
            let properties = line.dropFirst("::error ".count).components(separatedBy: "::")[0]
            #expect(properties.split(separator: ",").count == 4, "\(line)")
            // The message unescapes (as the runner does) to the escaped pieces, one per line.
            let message = String(line[line.range(of: "::", range: line.index(line.startIndex, offsetBy: 2)..<line.endIndex)!.upperBound...])
            let unescaped = message.removingPercentEncoding ?? ""
            #expect(unescaped.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).count == 1 + d.notes.count + (d.fix == nil ? 0 : 1))
        }
    }

    // MARK: SARIF

    @Test(arguments: [
        ("Blueprints/shop.yaml", "Blueprints/shop.yaml"),
        ("my dir/a#b%c?.yaml", "my%20dir/a%23b%25c%3F.yaml"),
        ("c:shop.yaml", "c%3Ashop.yaml"),
        ("//host/shop.yaml", "/host/shop.yaml"),
        ("résumé.yaml", "r%C3%A9sum%C3%A9.yaml"),
    ])
    func sarifUrisArePercentEncoded(_ path: String, _ expected: String) {
        #expect(URIReference.path(path) == expected)
    }

    @Test func sarifUrisAreRelativeReferencesThatDecodeToThePath() {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/!$&'()*+,;=@%".unicodeScalars)
        for text in Self.samples {
            let path = "dir/" + text + ".yaml"
            let uri = URIReference.path(path)
            #expect(uri.unicodeScalars.allSatisfy(allowed.contains), "\(uri)")
            #expect(uri.removingPercentEncoding == path)
            // RFC 3986 §4.2: a relative reference has no scheme and no authority.
            let reference = URL(string: uri)
            #expect(reference != nil && reference?.scheme == nil && reference?.host == nil, "\(uri)")
        }
    }

    // MARK: Samples for the external validators

    /// Writes the samples rendered by Meridian's escapes for Tests/validators/test_escaping.py,
    /// when `MERIDIAN_ESCAPING_SAMPLES` names a directory; a no-op otherwise.
    @Test func dumpSamplesForExternalValidators() throws {
        guard let directory = ProcessInfo.processInfo.environment["MERIDIAN_ESCAPING_SAMPLES"] else { return }
        let root = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("terraform"), withIntermediateDirectories: true)
        func write(_ name: String, _ contents: String) throws {
            try contents.write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        func json(_ object: Any) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self)
        }
        let samples = Self.samples + HostileText.escapeThenMark
        // One resource per sample: the sample as an attribute value, a list element and an object
        // key, laid out by the same HCLBlock code as route53.tf. Labels are identifiers, as the
        // generator's always are (see HCLBlock.init).
        let blocks = samples.enumerated().map { index, text in
            HCLBlock("resource", ["aws_route53_record", HCL.identifier("r\(index)", text)], [
                .attribute("name", .string(text)),
                .attribute("records", .list([.string(text), .string("x")])),
                .attribute("tags", .object([("Sample", .string(text)), (text, .string("key"))])),
            ])
        }
        try write("terraform/main.tf", HCL.file(header: "# escaping samples\n", blocks: blocks))
        // The same strings as outputs, which `terraform apply` evaluates without any provider.
        let outputs = samples.enumerated().flatMap { index, text in [
            HCLBlock("output", ["s\(index)"], [.attribute("value", .string(text))]),
            HCLBlock("output", ["k\(index)"], [.attribute("value", .object([(text, .string("key"))]))]),
            // The value's UTF-8 bytes, as Terraform holds them: no JSON or display step between.
            HCLBlock("output", ["b\(index)"], [.attribute("value", .expression("base64encode(\(HCL.quoted(text)))"))]),
        ] }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("values"), withIntermediateDirectories: true)
        try write("values/main.tf", HCL.file(header: "# escaping samples as outputs\n", blocks: outputs))
        try write("samples.json", try json(samples))
        let table = Table(headers: ["index", "text", "again"], rows: samples.enumerated().map { ["\($0.offset)", $0.element, $0.element] })
        try write("table.md", "# Samples\n\n" + table.markdown + "\nAfter the table.\n")
        let items = samples.map { "- **" + Markdown.text($0) + "** → " + Markdown.code($0) + "\n" }.joined()
        try write("list.md", items)
    }
}

/// `TerminalText.lines` skips its line-by-line path when one pass over the bytes shows nothing to
/// escape; the result must be what the line-by-line path gives, for hostile text as for plain.
@Suite struct TerminalLinesFastPathTests {
    static func slow(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { TerminalText.lineStart(TerminalText.escaped(String($0))) }.joined(separator: "\n")
    }

    @Test func theFastPathChangesNothing() {
        let pieces = ["plain", " ", "\n", "::", ":", "#", "##[", "#[", "\t", "\u{1B}[31m", "é", "\u{2028}", "\u{202E}", "  ::error::x", "a::b", "\r", "|", "-",
                      "×", "→", "−", "\u{85}", "\u{9F}", "\u{A0}", "\u{061C}", "\u{200E}", "\u{200F}", "\u{2029}", "\u{202A}", "\u{202F}", "\u{2066}",
                      "\u{2069}", "\u{206A}", "\u{3000}", "\u{1680}", "€", "🙂"]
        var state: UInt64 = 42
        var samples = pieces + ["report\n  ::warning::forged\n", "a\n::b", "x ##[group]", "# title\n## sub\n[link]"]
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<Int(state % 7) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += pieces[Int((state >> 33) % UInt64(pieces.count))]
            }
            state = state &* 6364136223846793005 &+ 1442695040888963407
            samples.append(text)
        }
        for text in samples {
            #expect(TerminalText.lines(text) == Self.slow(text), "\(text.debugDescription)")
            // The byte form (explain's text is built as bytes) must agree with the String form.
            #expect(TerminalText.lines(utf8: Array(text.utf8)) == Array(Self.slow(text).utf8), "\(text.debugDescription)")
        }
    }

    /// The scan skips eight plain bytes at a time inside a line: each special piece, at every
    /// offset from a word boundary and after long plain runs, must still be seen.
    /// explain escapes and writes its sections one by one: text cut right after a line break
    /// escapes, piece by piece, to exactly what it escapes to whole. (Not after CR LF, which is one
    /// Character and so one line whole; a section's cells are escaped, so none ends with a raw CR.)
    @Test func textCutAfterALineBreakEscapesPieceByPiece() {
        var random = SeededGenerator(state: 9)
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 1...6, using: &random)).map { _ in HostileText.sample(&random) }.joined(separator: "\n")
            let bytes = Array(text.utf8)
            for cut in bytes.indices where bytes[cut] == UInt8(ascii: "\n") && (cut == 0 || bytes[cut - 1] != UInt8(ascii: "\r")) {
                let pieces = TerminalText.lines(utf8: Array(bytes[...cut])) + TerminalText.lines(utf8: Array(bytes[(cut + 1)...]))
                #expect(pieces == TerminalText.lines(utf8: bytes), "\(text.debugDescription) cut at \(cut)")
            }
        }
    }

    @Test func theWordAtATimeScanMissesNoByteAtAnyOffset() {
        let specials = ["\n::x", "\n  ::x", "##[", "#", "\u{1B}", "\u{7F}", "\u{85}", "\u{202E}", "\u{2028}", "é", "\t", "\r", "\n", "\u{0}"]
        for special in specials {
            for offset in 0..<17 {
                for lead in ["", "x", "  "] {
                    let text = lead + String(repeating: "a", count: offset) + special + String(repeating: "b", count: 19) + "\n" + String(repeating: "c ", count: offset)
                    #expect(TerminalText.lines(utf8: Array(text.utf8)) == Array(Self.slow(text).utf8), "\(text.debugDescription)")
                }
            }
        }
    }
}
