import Compiler
import Foundation
import Review
import Testing
import Validation

/// The clean blueprint the rule examples start from.
let base = RuleExample.base

func diff(_ old: String, _ new: String) -> BlueprintDiff {
    BlueprintDiff(label: "shop", old: .init(file: "old.yaml", bytes: Array(old.utf8), today: "2026-11-22"),
                  new: .init(file: "new.yaml", bytes: Array(new.utf8), today: "2026-11-22"))
}

func edited(_ replacements: (String, String)...) -> String {
    var text = base
    for (old, new) in replacements {
        precondition(text.contains(old), old)
        text = text.replacingOccurrences(of: old, with: new)
    }
    return text
}

@Suite struct BlueprintDiffTests {
    @Test func identicalBlueprintsHaveNoChanges() {
        #expect(diff(base, base).isEmpty)
    }

    @Test func reorderingIsNotAChange() {
        // Zones and env entries in another order generate the same resources.
        let original = edited(("    perReplica: 100\n", "    perReplica: 100\n    env: { A: \"1\", B: \"2\" }\n"))
        let reordered = edited(("[eu-west-1a, eu-west-1b, eu-west-1c]", "[eu-west-1c, eu-west-1a, eu-west-1b]"),
                               ("    perReplica: 100\n", "    perReplica: 100\n    env: { B: \"2\", A: \"1\" }\n"))
        let result = diff(original, reordered)
        #expect(result.resources.isEmpty, "\(result.resources.map(\.resource.title))")
    }

    @Test func replicaChangesAreHighlighted() throws {
        let result = diff(base, edited(("demand: { eu: 1000 }", "demand: { eu: 1500 }")))
        let deployment = try #require(result.resources.first { $0.resource.kind == "Deployment" && $0.resource.region == "eu-west-1" })
        #expect(deployment.kind == .changed)
        let replicas = try #require(deployment.fields.first { $0.path == "spec.replicas" })
        #expect(replicas.old == "15" && replicas.new == "23" && replicas.isCapacity)
        #expect(result.resources.contains { $0.resource.kind == "PodDisruptionBudget" && $0.fields.contains { $0.path == "spec.maxUnavailable" && $0.isCapacity } })
    }

    @Test func addedAndRemovedResources() {
        let added = diff(base, edited(("services:\n", "services:\n  worker: { image: registry.example/worker:2.0.0, port: 9000, demand: { eu: 100 }, perReplica: 50 }\n")))
        #expect(added.resources.filter { $0.kind == .added }.map(\.resource.title).contains("Deployment shop/worker (eu-west-1)"))
        let removed = diff(edited(("services:\n", "services:\n  worker: { image: registry.example/worker:2.0.0, port: 9000, demand: { eu: 100 }, perReplica: 50 }\n")), base)
        #expect(removed.resources.filter { $0.kind == .removed }.count == added.resources.filter { $0.kind == .added }.count)
    }

    @Test func terraformResourcesByAddress() throws {
        let result = diff(base, edited(("interval: 10s", "interval: 30s")))
        let check = try #require(result.resources.first { $0.resource.name == "aws_route53_health_check.eu_west_1" })
        #expect(check.fields.map(\.path) == ["request_interval"])
        #expect(check.fields[0].old == "10" && check.fields[0].new == "30")
        // The detection term of every region-failure RTO grows by 60s.
        #expect(result.objectives.contains { $0.measure == "RTO" && $0.subject == "api/eu region failure" && $0.old == "4m0s" && $0.new == "5m0s" && $0.worse })
    }

    @Test func objectivesAndFindingsBeforeAndAfter() throws {
        let result = diff(base, edited(("lag: 1s }", "lag: 10s }")))
        let rpo = try #require(result.objectives.first { $0.measure == "RPO" })
        #expect(rpo.subject == "orders region failure" && rpo.old == "1s" && rpo.new == "10s" && rpo.worse && rpo.objective == "5s")
        #expect(result.findings.map { "\($0.appeared) \($0.diagnostic.rule)" } == ["true rpo-exceeded"])
        #expect(result.notes == ["the new blueprint has 1 error(s) (rpo-exceeded at line 24); none of them refuses a value, so every resource is compared"])
        let back = diff(edited(("lag: 1s }", "lag: 10s }")), base)
        #expect(back.findings.map { "\($0.appeared) \($0.diagnostic.rule)" } == ["false rpo-exceeded"])
    }

    // A missed objective refuses nothing: the change that caused it is still diffed, resource by resource.
    @Test func aMissedObjectiveKeepsTheResourceDiff() throws {
        // 1,000 → 2,000 rps at 100 per replica: need 20 per region, spread over 3 zones with a
        // zone's loss covered: ceil(20 / 2) × 3 = 30 (was ceil(10 / 2) × 3 = 15). The RPO of 10s misses 5s.
        let result = diff(base, edited(("lag: 1s }", "lag: 10s }"), ("demand: { eu: 1000 }", "demand: { eu: 2000 }")))
        #expect(result.findings.contains { $0.appeared && $0.diagnostic.rule == "rpo-exceeded" })
        let deployment = try #require(result.resources.first { $0.resource.kind == "Deployment" && $0.resource.region == "eu-west-1" })
        let replicas = try #require(deployment.fields.first { $0.path == "spec.replicas" })
        #expect(replicas.old == "15" && replicas.new == "30")
        #expect(result.notes.count == 1 && result.notes[0].contains("rpo-exceeded at line 24"))
    }

    // A refused value leaves out what depends on it, and only that: the other service's change is diffed.
    @Test func aRefusedValueLeavesOutOnlyWhatReadsIt() throws {
        let worker = "  worker: { image: registry.example/worker:2.0.0, port: 9000, demand: { eu: 100 }, perReplica: 50 }\n"
        let old = edited(("services:\n", "services:\n" + worker))
        // The worker's port is refused (not a number); the api's demand doubles.
        let new = edited(("services:\n", "services:\n" + worker.replacingOccurrences(of: "port: 9000", with: "port: nine")),
                         ("demand: { eu: 1000 }", "demand: { eu: 2000 }"))
        let result = diff(old, new)
        #expect(result.findings.contains { $0.appeared && $0.diagnostic.severity == .error })
        let titles = result.resources.map(\.resource.title)
        #expect(titles.contains("Deployment shop/api (eu-west-1)"))
        // The worker is not "removed": its resources are unknown on the new side.
        #expect(!titles.contains { $0.contains("worker") }, "\(titles)")
        #expect(!result.resources.contains { $0.kind == .removed })
        // Route53 and Argo CD read the whole blueprint: not compared, and said so.
        #expect(!result.resources.contains { $0.resource.origin != .kubernetes })
        let note = try #require(result.notes.first)
        #expect(note.hasPrefix("the new blueprint has 1 error(s) (") && note.contains("service worker") && note.contains("Argo CD, Route53"))
        let markdown = DiffRenderer.render([result], format: .markdown)
        #expect(markdown.contains("> **⚠️ Errors:** the new blueprint has 1 error(s)") && markdown.contains("**Capacity changes:**"))
    }

    // A refused value every placement reads leaves nothing to compare: no resource is listed as removed.
    @Test func nothingComparedWhenEveryPlacementIsRefused() {
        let result = diff(base, edited(("regions:\n", "regions: 3\nunused:\n")))
        #expect(result.resources.isEmpty)
        #expect(result.notes.contains { $0.contains("no resource is compared") })
    }

    @Test func availabilityChangeShowsDowntime() throws {
        let result = diff(base, edited(("failover: { automatic: true,", "failover: { automatic: false,")))
        let availability = try #require(result.objectives.first { $0.measure == "availability" })
        #expect(availability.subject == "api/eu" && availability.worse)
        #expect(availability.new.hasSuffix("min/year)"))
    }

    @Test func markdownHasCollapsibleRegions() {
        let text = DiffRenderer.render([diff(base, edited(("demand: { eu: 1000 }", "demand: { eu: 1500 }")))], format: .markdown)
        #expect(text.contains("<details><summary>Region eu-west-1: "))
        #expect(text.contains("| Deployment shop/api (eu-west-1) | `spec.replicas` | 15 | **23** |"))
        #expect(!text.contains("\u{1B}["))
        let json = DiffRenderer.render([diff(base, base)], format: .json)
        #expect(json.contains("\"resources\" : [\n\n      ]") || json.contains("\"resources\" : []"))
    }
}

@Suite struct RolloutRowTests {
    /// A wave that still holds but recovers more slowly is a regression, not a green row; the
    /// reverse change is the improvement.
    @Test func aSlowerWorstRecoveryIsWorse() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Blueprints/neobank-active-standby.yaml")
        let old = try String(contentsOf: file, encoding: .utf8)
        let slow = old.replacingOccurrences(of: "promotion: { zone: 30s, region: 3m }", with: "promotion: { zone: 30s, region: 9m }")
        #expect(slow != old)
        let side = { (text: String) in BlueprintDiff.Side(file: "b.yaml", bytes: Array(text.utf8), today: "2026-12-03") }
        let slower = BlueprintDiff(label: "neobank", old: side(old), new: side(slow)).objectives.filter { $0.measure == "rollout worst case" }
        #expect(!slower.isEmpty && slower.allSatisfy(\.worse), "\(slower.map { ($0.old, $0.new, $0.worse) })")
        let faster = BlueprintDiff(label: "neobank", old: side(slow), new: side(old)).objectives.filter { $0.measure == "rollout worst case" }
        #expect(!faster.isEmpty && faster.allSatisfy { !$0.worse })
    }
}

/// A change of manifest fields only (an image bump, env) is diffed with the old side's findings
/// and figures reused for the new side (`BlueprintDiff.comparing`, `Pipeline.reuse`): every
/// format must print what two sides analysed in full print, for one file and for two.
@Suite struct ManifestOnlyDiffTests {
    @Test(arguments: ["trading-platform", "shop-geo-sharded", "neobank-active-standby"])
    func reusingTheOldSideChangesNothingTheDiffSays(_ name: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("Blueprints/\(name).yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let image = try #require(text.range(of: #"image: [^\n@]+:[0-9][^\n]*"#, options: .regularExpression))
        let edits = [
            ("an image", text.replacingCharacters(in: image, with: text[image] + ".1")),
            ("an unpinned image", text.replacingCharacters(in: image, with: "image: registry.example/any:latest")),
            ("a service's size", text.replacingOccurrences(of: "perReplica: ", with: "perReplica: 1")),
        ]
        for (what, edited) in edits {
            for files in [(path, path), (path, "edited/\(name).yaml")] {
                let today = "2026-11-30"
                let shortcut = BlueprintDiff.comparing(label: name, old: (files.0, Array(text.utf8)), new: (files.1, Array(edited.utf8)), today: today)
                let full = BlueprintDiff(label: name, old: .init(file: files.0, bytes: Array(text.utf8), today: today),
                                         new: .init(file: files.1, bytes: Array(edited.utf8), today: today))
                #expect(!full.isEmpty, "\(what)")
                for format in DiffRenderer.Format.allCases {
                    #expect(DiffRenderer.render([shortcut], format: format) == DiffRenderer.render([full], format: format), "\(what), \(files.1), \(format)")
                }
            }
        }
    }
}
