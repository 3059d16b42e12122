import BlueprintYAML
import Compiler
import Testing

/// A mapping repeating one key a hundred thousand times: the parser builds fifty messages and
/// counts the rest, and lint closes them with one "… and N more" finding.
@Suite struct RepeatedKeyTests {
    @Test func repeatedKeysAreCountedNotBuilt() throws {
        let repeats = 100_000
        let text = "blueprint: x\n" + String(repeating: "provider: aws\n", count: repeats)
        let parsed = try YAMLParser(file: "r.yaml").parse(Array(text.utf8))
        #expect(parsed.diagnostics.count == 50)
        // The first `provider:` is the definition; every later one is a duplicate.
        #expect(parsed.hiddenDuplicateKeys == repeats - 1 - 50)
        #expect(parsed.firstHiddenDuplicateKey?.line == 2 + 1 + 50)

        let findings = Pipeline.analyze(file: "r.yaml", bytes: Array(text.utf8), today: "2026-11-30").diagnostics
            .filter { $0.rule == "duplicate-key" }
        #expect(findings.count == 51)
        #expect(findings.last?.message == "… and \(repeats - 1 - 50) more duplicate-key findings not shown (at most 50 per rule)")
    }
}
