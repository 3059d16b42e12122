import Foundation
import Review
import Testing

/// Hostile env values through the pull-request diff. Only line feeds, Markdown/HTML syntax and
/// combining marks: other control characters are rejected when the blueprint is read. The diff
/// must have the same shape (lines, blocks) as the same change with plain values.
@Suite struct DiffEscapingTests {
    static let hostileValues = [
        "a | b | c",
        "line one\n## Heading\n</details>\n<script>x</script>",
        "`code` *em* [l](u) ~~s~~ $x$ &amp; <!-- c",
        "\\|\u{301} ok ${x} %{y}",
        "-\n- item\n> quote\n```\nfence",
    ]

    static func diffSettingEnv(to values: [String]) throws -> BlueprintDiff {
        let pairs = try values.enumerated().map { index, value in
            // A JSON string literal is a YAML double-quoted scalar.
            "V\(index): " + String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        }
        return diff(base, edited(("    perReplica: 100\n", "    perReplica: 100\n    env: { \(pairs.joined(separator: ", ")) }\n")))
    }

    static func lineCount(_ text: String) -> Int { text.unicodeScalars.filter { $0 == "\n" }.count }

    @Test(arguments: DiffRenderer.Format.allCases.filter { $0 != .json })
    func hostileValuesKeepTheDiffsShape(_ format: DiffRenderer.Format) throws {
        let hostile = try Self.diffSettingEnv(to: Self.hostileValues)
        let plain = try Self.diffSettingEnv(to: Self.hostileValues.indices.map { "plain\($0)" })
        #expect(!hostile.resources.isEmpty)
        let hostileText = DiffRenderer.render([hostile], format: format)
        #expect(Self.lineCount(hostileText) == Self.lineCount(DiffRenderer.render([plain], format: format)), "\(hostileText)")
        #expect(!hostileText.unicodeScalars.contains("\r"))
    }

    /// Writes the hostile diff's Markdown for Tests/validators/test_escaping.py when
    /// `MERIDIAN_ESCAPING_SAMPLES` names a directory; a no-op otherwise.
    @Test func dumpDiffForExternalValidators() throws {
        guard let directory = ProcessInfo.processInfo.environment["MERIDIAN_ESCAPING_SAMPLES"] else { return }
        let root = URL(fileURLWithPath: directory)
        let markdown = DiffRenderer.render([try Self.diffSettingEnv(to: Self.hostileValues)], format: .markdown)
        try markdown.write(to: root.appendingPathComponent("diff.md"), atomically: true, encoding: .utf8)
        let values = try JSONSerialization.data(withJSONObject: Self.hostileValues, options: [.prettyPrinted])
        try values.write(to: root.appendingPathComponent("diff-values.json"))
    }
}
