import Compiler
import Foundation
import Testing

let negativeFixtures: [String] = {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/negative")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted().map { directory.appendingPathComponent($0).path }
}()

/// Broken designs drawn from real incidents. Each file's first line lists the rule ids it must
/// produce (`# expect: a, b`), no more and no fewer.
@Suite struct NegativeFixtureTests {
    @Test func thereAreSixFixtures() {
        #expect(negativeFixtures.count >= 6)
    }

    @Test(arguments: negativeFixtures)
    func fixtureProducesExactlyItsExpectedRules(_ path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let header = try #require(text.split(separator: "\n").first { $0.hasPrefix("# expect:") })
        let expected = Set(header.dropFirst("# expect:".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let analysis = Pipeline.analyze(file: path, bytes: Array(text.utf8), today: "2026-11-22")
        #expect(Set(analysis.diagnostics.map(\.rule)) == expected)
        #expect(analysis.hasErrors)
        // Objective findings carry their arithmetic.
        for diagnostic in analysis.diagnostics where ["rto-exceeded", "availability-below-objective", "rpo-exceeded"].contains(diagnostic.rule) {
            #expect(!diagnostic.notes.isEmpty, "\(diagnostic.message)")
        }
    }

    @Test func exampleBlueprintsLintWithoutErrorsOrWarnings() throws {
        for path in exampleBlueprints() {
            let analysis = Pipeline.analyze(file: path, bytes: try SourceLoader.load(path), today: "2026-11-22")
            let findings = analysis.diagnostics.filter { $0.severity != .note }
            #expect(findings.isEmpty, "\(path): \(findings.map(\.message))")
        }
    }
}
