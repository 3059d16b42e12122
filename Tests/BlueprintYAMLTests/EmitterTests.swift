@testable import BlueprintYAML
import Diagnostics
import Testing

@Suite struct EmitterTests {
    /// Strings that a YAML 1.1 or 1.2 reader would turn into booleans, nulls, numbers or
    /// dates if left plain, plus strings with YAML syntax in them.
    static let trickyStrings = [
        "on", "off", "yes", "no", "y", "N", "true", "False", "null", "~", "", "0123", "1e3", "0x1F", "0o17",
        "1_000", "1:30", ".inf", "-.5", "+1", "2026-11-22", "a: b", "- item", "#comment", "a #b", "@at", "`tick",
        "'single'", "\"double\"", "multi\nline", " padded ", "{x}", "[y]", "*alias", "&anchor", "!tag", "%percent",
        "emoji 🚀", "tab\there", "<<", "=",
    ]

    @Test(arguments: trickyStrings)
    func stringsRoundTripAsStrings(_ text: String) throws {
        let yaml = YAMLEmitter.emit([.mapping([("key", .string(text)), (text.isEmpty ? "empty" : text, .int(1))])])
        let result = try YAMLParser(file: "out.yaml").parse(Array(yaml.utf8))
        guard case .mapping(let pairs)? = result.root?.content else { Issue.record("no mapping in \(yaml)"); return }
        #expect(pairs[0].value.scalar == text)
        // A plain scalar is only acceptable when it cannot be read as anything but a string.
        if case .scalar(_, .plain) = pairs[0].value.content {
            #expect(!YAMLEmitter.needsQuotes(text), "plain but ambiguous: \(yaml)")
        }
        #expect(pairs[1].key.scalar == (text.isEmpty ? "empty" : text))
    }

    /// The packed-integer match finds exactly the listed words: each of them, and none of their
    /// one-byte edits, prefixes or extensions that are not listed themselves.
    @Test func nonStringWordsArePacked() {
        let words = YAMLEmitter.nonStringWords.filter { !$0.isEmpty }
        var candidates = Set(words)
        for word in words {
            let bytes = Array(word.utf8)
            for index in bytes.indices {
                for replacement in [UInt8(ascii: "a"), UInt8(ascii: "N"), UInt8(ascii: "."), 0x20] {
                    var edited = bytes
                    edited[index] = replacement
                    candidates.insert(String(decoding: edited, as: UTF8.self))
                }
                candidates.insert(String(decoding: bytes[..<index], as: UTF8.self))
            }
            candidates.insert(word + "s")
            candidates.insert(word + "\u{0}")
        }
        for candidate in candidates where !candidate.isEmpty {
            let matched = Array(candidate.utf8).withUnsafeBufferPointer(YAMLEmitter.isNonStringWord)
            #expect(matched == words.contains(candidate), "\(candidate.debugDescription)")
        }
    }

    @Test func ambiguousStringsAreDoubleQuoted() {
        let yaml = YAMLEmitter.emit([.mapping([
            ("a", .string("on")), ("b", .string("0123")), ("c", .string("1e3")), ("d", .string("null")),
            ("e", .string("~")), ("f", .string("plain-text")), ("g", .int(8080)), ("h", .bool(true)),
        ])])
        #expect(yaml == """
            ---
            a: "on"
            b: "0123"
            c: "1e3"
            d: "null"
            e: "~"
            f: plain-text
            g: 8080
            h: true

            """)
    }

    @Test func headerAndDocumentsAreSeparated() {
        let yaml = YAMLEmitter.emit([.mapping([("a", .int(1))]), .mapping([("b", .sequence([]))])], header: ["Generated", ""])
        #expect(yaml == "# Generated\n#\n---\na: 1\n---\nb: []\n")
    }
}
