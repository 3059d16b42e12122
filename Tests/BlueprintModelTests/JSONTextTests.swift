import Diagnostics
import Foundation
import Testing

/// The direct JSON writer must mean what Foundation's parser reads.
@Suite struct JSONTextTests {
    @Test func foundationReadsBackExactlyWhatWasWritten() throws {
        let hostile = ["", "plain", "quote \" and \\ backslash", "line\nbreak\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}\u{85}\u{2028}",
                       "ünïcødé 🚀 e\u{301}", "</script>", "a/b"]
        let value: [String: Any] = [
            "strings": hostile, "numbers": [0, -7, 123_456_789, 0.5, 0.99995, 1e-9, 2.0], "flags": [true, false],
            "nothing": NSNull(), "nested": ["z": ["y": [] as [Any]], "a": [:] as [String: Any]],
        ]
        let text = JSONText.serialize(value)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(parsed["strings"] as? [String] == hostile)
        let numbers = try #require(parsed["numbers"] as? [Double])
        #expect(numbers == [0, -7, 123_456_789, 0.5, 0.99995, 1e-9, 2.0])
        #expect(parsed["flags"] as? [Bool] == [true, false])
        #expect(parsed["nothing"] is NSNull)
        // Keys are sorted, so equal values give equal bytes.
        #expect(text.range(of: "\"flags\"")!.lowerBound < text.range(of: "\"nested\"")!.lowerBound)
        #expect(!text.contains("\\/"))
    }

    /// Plain strings are appended whole; anything the escaper changes must still be escaped,
    /// however it is surrounded (the byte scan that picks the fast path is checked here).
    @Test func everyEscapedScalarIsEscapedInsidePlainText() throws {
        for (scalar, escape) in [("\u{85}", "\\u0085"), ("\u{9F}", "\\u009f"), ("\u{2028}", "\\u2028"), ("\u{2029}", "\\u2029"),
                                 ("\u{1}", "\\u0001"), ("\u{7F}", "\\u007f"), ("\"", "\\\""), ("\\", "\\\\")] {
            let text = JSONText.serialize(["a × b → \(scalar) c"])
            #expect(text.contains(escape), "\(text)")
            let back = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String])
            #expect(back == ["a × b → \(scalar) c"])
        }
        // Non-ASCII that needs nothing (U+00A0, U+2027, U+202A) is written as it is.
        #expect(JSONText.serialize(["\u{A0}\u{2027}\u{202A}"]).contains("\"\u{A0}\u{2027}\u{202A}\""))
    }

    /// The scan that proves a string plain takes eight bytes at a time: a byte that must be
    /// escaped is found at every offset, before and after a long plain run.
    @Test func theWordAtATimeScanMissesNoByteAtAnyOffset() throws {
        let escapes = ["\"": "\\\"", "\\": "\\\\", "\u{0}": "\\u0000", "\u{1F}": "\\u001f", "\u{7F}": "\\u007f",
                       "\u{85}": "\\u0085", "\u{2028}": "\\u2028", "\n": "\\n", "é": "é", "🚀": "🚀"]
        for (special, escaped) in escapes {
            for offset in 0..<17 {
                let before = String(repeating: "a", count: offset), after = String(repeating: "b", count: 19)
                let written = JSONText.serialize([before + special + after])
                #expect(written.contains("\"" + before + escaped + after + "\""), "\(special.debugDescription) at \(offset) → \(written)")
                let back = try #require(try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String])
                #expect(back == [before + special + after])
            }
        }
    }

    /// Objects side by side share one sorting of their keys only while their keys are the same:
    /// each object's keys come out sorted whatever its neighbours hold.
    @Test func everyObjectsKeysAreSortedWhateverItsNeighboursHold() throws {
        let keySets = [["b", "a"], ["b", "a"], ["a", "c"], ["b", "a", "d"], ["b", "a"], ["z"], ["y", "x", "w"]]
        let value = JSONValue.array(keySets.map { keys in .object(keys.map { JSONMember($0, .array([.object([JSONMember("q", .int(1)), JSONMember("p", .int(2))])])) }) })
        let text = JSONText.serialize(value)
        let back = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(back.map { $0.keys.sorted() } == keySets.map { $0.sorted() })
        // Keys at the rows' depth (4 spaces) in the order written, one object after another.
        let written = text.split(separator: "\n").filter { $0.hasPrefix("    \"") }.map { String($0.dropFirst(5).prefix(1)) }
        #expect(written == keySets.flatMap { $0.sorted() })
        #expect(!text.contains("\"q\" : 1,\n") || text.range(of: "\"p\"")!.lowerBound < text.range(of: "\"q\"")!.lowerBound)
    }

    /// The typed value writes the bytes the `Any` writer writes for the same tree, whole, in
    /// pieces of any size, and when embedded in an `Any` tree.
    @Test func typedValuesWriteWhatPlainValuesWrite() throws {
        let hostile = ["", "plain", "quote \" and \\ backslash", "line\nbreak\r\ttab", "\u{0}\u{1F}\u{7F}\u{85}\u{2028}", "ünïcødé 🚀"]
        let plain: [String: Any] = [
            "strings": hostile, "numbers": [0, -7, 123_456_789] as [Int], "doubles": [0.5, 0.99995, 1e-9, 2.0, 1e15, -0.0],
            "flags": [true, false], "nothing": NSNull(), "b": ["z": ["y": [] as [Any]], "a": [:] as [String: Any]] as [String: Any],
            "rows": (0..<50).map { ["service": "svc-\($0)", "value": Double($0) / 7, "n": $0, "missing": NSNull()] as [String: Any] },
        ]
        let typed: JSONValue = [
            "strings": JSONValue(hostile), "numbers": JSONValue([0, -7, 123_456_789]),
            "doubles": .array([0.5, 0.99995, 1e-9, 2.0, 1e15, -0.0].map(JSONValue.double)),
            "flags": [true, false], "nothing": nil, "b": ["z": ["y": []], "a": .object([])],
            "rows": .array((0..<50).map { ["service": .string("svc-\($0)"), "value": .double(Double($0) / 7), "n": .int($0), "missing": JSONValue(nil as String?)] }),
        ]
        let expected = JSONText.serialize(plain)
        #expect(JSONText.serialize(typed) == expected)
        for chunk in [1, 7, 64, 1 << 20] {
            var pieces: [[UInt8]] = []
            JSONText.serialize(typed, chunk: chunk) { pieces.append($0) }
            #expect(String(decoding: pieces.joined(), as: UTF8.self) == expected)
            if chunk == 64 { #expect(pieces.count > 5, "a small chunk hands the text over in several pieces") }
        }
        #expect(JSONText.serialize(["inner": typed] as [String: Any]) == JSONText.serialize(["inner": plain] as [String: Any]))
        #expect(typed.adding([JSONMember("extra", 1)]) != typed)
    }
}
