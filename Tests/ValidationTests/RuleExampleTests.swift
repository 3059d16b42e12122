import Compiler
import Diagnostics
import Foundation
import Testing
import Validation

struct ExampleCase: Sendable, CustomTestStringConvertible {
    var rule: String
    var index: Int
    var example: RuleExample
    var testDescription: String { "\(rule) #\(index) \(example.triggers ? "triggers" : "clean")" }
}

let allExamples: [ExampleCase] = RuleRegistry.descriptors.flatMap { rule in
    rule.examples.enumerated().map { ExampleCase(rule: rule.id, index: $0.offset, example: $0.element) }
}

/// The 1-based line and column of the marker, and the text without it.
func locateMarker(_ text: String) -> (SourceMark?, String) {
    var line = 1, column = 1
    for character in text {
        if character == RuleExample.marker {
            var stripped = text
            stripped.removeAll { $0 == RuleExample.marker }
            return (SourceMark(line: line, column: column), stripped)
        }
        if character == "\n" { line += 1; column = 1 } else { column += 1 }
    }
    return (nil, text)
}

func analyzeExample(_ text: String) -> [Diagnostic] {
    Pipeline.analyze(file: "example.yaml", bytes: Array(text.utf8), today: "2026-11-22").diagnostics
}

@Suite struct RuleExampleTests {
    @Test func theBaseBlueprintIsClean() {
        #expect(analyzeExample(RuleExample.base).isEmpty)
    }

    @Test(arguments: allExamples)
    func exampleBehavesAsDocumented(_ case: ExampleCase) throws {
        let text = try #require(`case`.example.text, "an edit does not apply to the base blueprint")
        let (mark, source) = locateMarker(text)
        let findings = analyzeExample(source).filter { $0.rule == `case`.rule }
        if `case`.example.triggers {
            let expected = try #require(mark, "a triggering example needs a ↓ marker")
            #expect(!findings.isEmpty, "no \(`case`.rule) finding in:\n\(source)")
            #expect(findings.contains { $0.mark == expected },
                    "expected at \(expected.line):\(expected.column), got \(findings.map { "\($0.mark.line):\($0.mark.column) \($0.message)" })")
        } else {
            #expect(mark == nil, "clean examples carry no marker")
            #expect(findings.isEmpty, "\(findings.map(\.message))")
        }
    }

    /// The same examples shifted down and right must report positions shifted alike.
    @Test(arguments: allExamples.filter { $0.example.triggers })
    func positionsFollowTheText(_ case: ExampleCase) throws {
        let text = try #require(`case`.example.text)
        let shifted = "# a comment line first\n" + text
        let (mark, source) = locateMarker(shifted)
        let expected = try #require(mark)
        #expect(analyzeExample(source).contains { $0.rule == `case`.rule && $0.mark == expected })
    }
}

@Suite struct RuleRegistryTests {
    @Test func everyRuleHasUniqueIdDocsAndBothKindsOfExample() {
        let ids = RuleRegistry.descriptors.map(\.id)
        #expect(Set(ids).count == ids.count)
        for rule in RuleRegistry.descriptors {
            let id = rule.id
            let documented = !rule.summary.isEmpty && rule.rationale.count > 60
            let examples = rule.examples
            let triggering = examples.filter(\.triggers).count
            #expect(documented, "\(id) lacks docs")
            #expect(triggering > 0, "\(id) has no triggering example")
            #expect(examples.count > triggering, "\(id) has no clean example")
        }
    }

    @Test func specCatalogueIsComplete() {
        let catalogue = [
            "unknown-key", "duplicate-key", "invalid-value", "invalid-name", "missing-field", "undefined-reference",
            "waiver-expired", "waiver-unused", "zone-outside-region", "region-without-residency", "region-in-two-residencies",
            "cluster-spans-regions", "single-zone-region", "image-not-pinned", "rollout-wave-covers-zone",
            "zone-loss-capacity", "region-loss-capacity", "pdb-blocks-drain", "residency-replica-outside",
            "residency-backup-outside", "residency-failover-outside", "residency-single-region", "cross-residency-access",
            "availability-below-objective", "rto-exceeded", "rpo-exceeded", "rpo-async-claimed-zero",
            "route53-health-interval", "route53-failure-threshold", "geolocation-without-default",
            "geolocation-unknown-zone", "geolocation-invalid-location", "failover-needs-two",
        ]
        let ids = Set(RuleRegistry.descriptors.map(\.id))
        #expect(catalogue.filter { !ids.contains($0) } == [])
    }

    /// Every `struct X: Rule` in Sources/Validation/Rules is registered.
    @Test func everyRuleFileIsRegistered() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let rules = root.appendingPathComponent("Sources/Validation/Rules")
        let enumerator = try #require(FileManager.default.enumerator(atPath: rules.path))
        var declared: [String] = []
        while let path = enumerator.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            let text = try String(contentsOf: rules.appendingPathComponent(path), encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("public struct ") && (line.contains(": Rule") || line.contains(": DecoderRule")) {
                declared.append(String(line.dropFirst("public struct ".count).prefix { $0 != ":" }))
            }
        }
        let registered = Set(RuleRegistry.descriptors.map(\.typeName))
        #expect(declared.count == registered.count)
        #expect(declared.filter { !registered.contains($0) } == [])
    }
}
