@testable import BlueprintModel
import Compiler
import Foundation
@testable import Generators
import Resilience
import Testing
import Validation

/// An edit of fields that reach only a service's own manifests (`Blueprint.manifestFieldsCleared`)
/// is checked and written at the cost of one service: compile keeps the last findings when the
/// findings on those fields agree (`Pipeline.reuse`), and every file of the other services
/// (`PreviousOutput`). Both are sound only if no rule but those `Validator.findingsOnManifestFields`
/// runs reads the fields, and no other service's file does: here each field is changed in every
/// example and the findings and files must not move.
@Suite struct ManifestFieldsTests {
    static let today = "2026-11-30"

    func source(_ name: String) throws -> (path: String, text: String) {
        let path = OutageCompileTests.root.appendingPathComponent("Blueprints/\(name).yaml").path
        return (path, try String(contentsOfFile: path, encoding: .utf8))
    }

    func decoded(_ name: String) throws -> Blueprint {
        let (path, text) = try source(name)
        return try #require(Pipeline.decode(file: path, bytes: Array(text.utf8)).blueprint)
    }

    /// Every manifest field of `service` changed to another value no rule objects to.
    static func changed(_ service: Service) -> Service {
        var other = service
        other.image = service.image + "-next"
        other.env = service.env + [EnvVar(name: "ADDED_BY_TEST", value: .literal("1"))]
        other.healthPath = service.healthPath + "/deep"
        other.livenessPath = service.livenessPath == nil ? "/alive" : nil
        other.runAsUser = service.runAsUser + 1
        return other
    }

    @Test(arguments: ReportInputsTests.examples)
    func noRuleButTheirOwnReadsTheManifestFields(_ name: String) throws {
        let blueprint = try decoded(name)
        let changed = blueprint.mappingServices(Self.changed)
        #expect(changed.manifestFieldsCleared == blueprint.manifestFieldsCleared)
        #expect(Validator.findingsOnManifestFields(changed) == Validator.findingsOnManifestFields(blueprint))
        let before = Validator.check(blueprint, today: Self.today).diagnostics, after = Validator.check(changed, today: Self.today).diagnostics
        #expect(after == before, "a rule read a manifest field: \(Set(after).symmetricDifference(before).map(\.rule))")
    }

    /// The fields are not vacuous: each reaches the changed service's own files, and only those.
    @Test(arguments: ReportInputsTests.examples)
    func onlyTheServicesOwnFilesReadItsManifestFields(_ name: String) throws {
        let blueprint = try decoded(name)
        for service in blueprint.services {
            let changed = blueprint.mappingServices { $0.name == service.name ? Self.changed($0) : $0 }
            let before = KubernetesGenerator.serviceFiles(of: Topology(blueprint)), after = KubernetesGenerator.serviceFiles(of: Topology(changed))
            #expect(before.map(\.path) == after.map(\.path))
            for (old, new) in zip(before, after) {
                let own = old.inputs.service.name == service.name
                #expect((old == new) != own, "\(old.path) after \(service.name)'s manifest fields changed")
                if !own { #expect(old.generate().contents == new.generate().contents) }
            }
        }
    }

    /// What the two rules find in those fields is exactly what they find when the rules run.
    @Test(arguments: ReportInputsTests.examples)
    func theFindingsOnManifestFieldsAreTheRulesOwn(_ name: String) throws {
        let blueprint = try decoded(name)
        let first = try #require(blueprint.services.first?.name)
        let broken = blueprint.mappingServices { service in
            guard service.name == first else { return service }
            var other = service
            other.image = "registry.example/\(service.name):latest"
            other.env = service.env + [EnvVar(name: "REGION", value: .literal("eu"))]
            return other
        }
        let onFields = Validator.findingsOnManifestFields(broken)
        #expect(Set(onFields.map(\.rule)) == ["image-not-pinned", "invalid-value"])
        let all = Validator.check(broken, today: Self.today).diagnostics
        #expect(onFields.allSatisfy(all.contains), "\(onFields) not among \(all)")
    }

    /// `Pipeline.reuse` gives the findings a full analysis gives after a manifest-only edit, and
    /// refuses any other edit or one a rule objects to.
    @Test(arguments: ReportInputsTests.examples)
    func reuseAnswersOnlyForManifestOnlyEdits(_ name: String) throws {
        let (path, text) = try source(name)
        let analysis = Pipeline.analyze(file: path, bytes: Array(text.utf8), today: Self.today)
        let earlier = try #require(Pipeline.EarlierFindings(Pipeline.decode(file: path, bytes: Array(text.utf8)), diagnostics: analysis.diagnostics))
        let image = try #require(text.range(of: #"image: [^\n@]+:[0-9][^\n]*"#, options: .regularExpression))
        let edits: [(String, String, reused: Bool)] = [
            ("a new image tag", text.replacingCharacters(in: image, with: text[image] + "1"), true),
            ("an unpinned image", text.replacingCharacters(in: image, with: "image: registry.example/any:latest"), false),
            ("a service's size", text.replacingOccurrences(of: "perReplica: ", with: "perReplica: 1"), false),
        ]
        for (what, edited, reusable) in edits {
            let decoded = Pipeline.decode(file: path, bytes: Array(edited.utf8))
            let reused = Pipeline.reuse(earlier, for: decoded)
            #expect((reused != nil) == reusable, "\(what)")
            if let reused {
                let full = Pipeline.analyze(file: path, bytes: Array(edited.utf8), today: Self.today)
                #expect(reused.diagnostics == full.diagnostics, "\(what)")
                #expect(reused.topology?.placements == full.topology?.placements, "\(what)")
            }
        }
    }
}

/// compile builds the new topology while the last blueprint is still being decoded
/// (`Pipeline.topology(ifReused:)`); when the findings cannot be reused the rules take it. It must
/// be the topology they build, and be set aside when a structural rule refuses a part.
@Suite struct TopologyBuiltAheadTests {
    @Test(arguments: ReportInputsTests.examples)
    func theRulesFindWhatTheyFindWithTheirOwn(_ name: String) throws {
        let path = OutageCompileTests.root.appendingPathComponent("Blueprints/\(name).yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let uses = try #require(text.range(of: "uses: ["))
        let broken = text.replacingCharacters(in: uses, with: "uses: [no-such-datastore, ")
        for source in [text, broken] {
            let decoded = Pipeline.decode(file: path, bytes: Array(source.utf8))
            let ahead = try #require(Pipeline.topology(ifReused: decoded))
            let own = Pipeline.validate(decoded, today: ManifestFieldsTests.today)
            let given = Pipeline.validate(decoded, today: ManifestFieldsTests.today, topology: ahead)
            #expect(given.diagnostics == own.diagnostics)
            #expect(given.topology?.placements == own.topology?.placements)
            let explained = { (analysis: Analysis) in analysis.explanation.map { ExplainRenderer.render($0, format: .json) } }
            #expect(explained(given) == explained(own))
        }
        #expect(Pipeline.validate(Pipeline.decode(file: path, bytes: Array(broken.utf8)), today: ManifestFieldsTests.today).diagnostics
            .contains { $0.rule == "undefined-reference" })
    }
}
