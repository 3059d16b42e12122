import BlueprintModel
import Compiler
import Cost
import Foundation
@testable import Optimizer
import Testing
import Validation

/// `meridian optimize`: moves as text edits, the search's guarantees, and a patch real tools apply.
@Suite struct OptimizerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let optimizer = Optimizer(file: "shop.yaml", today: "2026-11-22", catalogue: .committed)

    static func errors(_ text: String) -> [String] {
        Pipeline.analyze(file: "shop.yaml", bytes: Array(text.utf8), today: "2026-11-22").diagnostics.filter { $0.severity == .error }.map(\.rule)
    }

    /// The rule examples' base misses its 5s region RPO once the async copy lags 10s. The fix a
    /// person finds by hand: make that copy synchronous (RPO 0 for a region loss, same instances,
    /// so the same bill). The search must find a design that lints clean and costs no more.
    @Test func aMissedRPOIsRepairedNoDearerThanTheHandFix() throws {
        let missing = RuleExample.base.replacingOccurrences(of: "lag: 1s }", with: "lag: 10s }")
        #expect(Self.errors(missing) == ["rpo-exceeded"])
        let byHand = missing.replacingOccurrences(of: "{ region: eu-central-1, mode: async, lag: 10s }", with: "{ region: eu-central-1, mode: sync }")
        #expect(Self.errors(byHand).isEmpty)
        let handCost = try #require(Self.optimizer.evaluate(byHand, moves: [])).monthly

        let result = try #require(Self.optimizer.run(missing))
        #expect(!result.input.keepsObjectives)
        let best = try #require(result.best)
        #expect(best.keepsObjectives && Self.errors(best.text).isEmpty, "\(best.moves)")
        #expect(best.monthly <= handCost, "\(best.monthly) > \(handCost)")
    }

    /// Cheaper and still keeping every objective, adding no warning, and a local optimum: no
    /// remaining single move is both cheaper and acceptable.
    @Test func theProposalIsCheaperKeepsEveryObjectiveAndIsALocalOptimum() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Blueprints/shop-geo-sharded.yaml"), encoding: .utf8)
        let optimizer = Optimizer(file: "shop-geo-sharded.yaml", today: "2026-11-22", catalogue: .committed)
        let result = try #require(optimizer.run(text))
        let best = try #require(result.best)
        #expect(best.monthly < result.input.monthly)
        #expect(best.acceptable(after: result.input))
        let blueprint = try #require(Pipeline.analyze(file: "shop-geo-sharded.yaml", bytes: Array(best.text.utf8), today: "2026-11-22").blueprint)
        for move in MoveCatalogue.moves(in: blueprint) where !best.moves.contains(move) {
            guard let next = optimizer.trying(move, on: best) else { continue }
            #expect(!(next.acceptable(after: result.input) && next.monthly < best.monthly), "\(move.description) would still save")
        }
        // The frontier: sorted by cost, and no design on it promises at least as much as a dearer one... 
        // ...while costing no more (it would have replaced it).
        for (index, design) in result.frontier.enumerated() {
            for cheaper in result.frontier[..<index] {
                #expect(!cheaper.promise.covers(design.promise) || cheaper.monthly > design.monthly)
            }
        }
    }

    /// Candidates evaluated ahead on the other core change nothing but the time: the same
    /// proposal, frontier, budget answer and count of designs, for every example and a repair.
    @Test func evaluatingAheadChangesNothingButTheTime() throws {
        var cases: [(file: String, text: String, budget: Decimal?)] = [
            ("missing-rpo.yaml", RuleExample.base.replacingOccurrences(of: "lag: 1s }", with: "lag: 10s }"), nil),
        ]
        for name in ["shop-geo-sharded", "neobank-active-standby", "trading-platform"] {
            let text = try String(contentsOf: Self.root.appendingPathComponent("Blueprints/\(name).yaml"), encoding: .utf8)
            cases.append(("\(name).yaml", text, name == "shop-geo-sharded" ? 1_000 : nil))
        }
        for (file, text, budget) in cases {
            let results = [true, false].map { ahead in
                Optimizer(file: file, today: "2026-11-22", catalogue: .committed, evaluatingAhead: ahead).run(text, budget: budget)
            }
            let (early, inOrder) = (try #require(results[0]), try #require(results[1]))
            #expect(early.evaluated == inOrder.evaluated, "\(file)")
            #expect(early.best?.text == inOrder.best?.text && early.best?.moves == inOrder.best?.moves, "\(file)")
            #expect(early.frontier.map(\.text) == inOrder.frontier.map(\.text), "\(file)")
            #expect(early.frontier.map(\.monthly) == inOrder.frontier.map(\.monthly), "\(file)")
            #expect(early.withinBudget?.text == inOrder.withinBudget?.text, "\(file)")
        }
    }

    /// The patch is a real unified diff: `patch -p1` applies it and gives exactly the proposed blueprint.
    @Test func thePatchAppliesWithPatch() throws {
        let original = try String(contentsOf: Self.root.appendingPathComponent("Blueprints/shop-geo-sharded.yaml"), encoding: .utf8)
        let optimizer = Optimizer(file: "Blueprints/shop.yaml", today: "2026-11-22", catalogue: .committed)
        let best = try #require(optimizer.run(original)?.best)
        let diff = UnifiedDiff.render(old: original, new: best.text, path: "Blueprints/shop.yaml")
        #expect(diff.hasPrefix("--- a/Blueprints/shop.yaml\n+++ b/Blueprints/shop.yaml\n@@ -"))
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("optimize-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.createDirectory(at: work.appendingPathComponent("Blueprints"), withIntermediateDirectories: true)
        try Data(original.utf8).write(to: work.appendingPathComponent("Blueprints/shop.yaml"))
        try Data(diff.utf8).write(to: work.appendingPathComponent("change.patch"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/patch")
        process.arguments = ["-p1", "--batch", "--forward", "-i", "change.patch"]
        process.currentDirectoryURL = work
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try String(contentsOf: work.appendingPathComponent("Blueprints/shop.yaml"), encoding: .utf8) == best.text)
    }

    /// A budget below the proposal: the strongest promise found that fits, objectives or not.
    @Test func aBudgetGetsTheStrongestPromiseThatFits() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Blueprints/trading-platform.yaml"), encoding: .utf8)
        let optimizer = Optimizer(file: "trading-platform.yaml", today: "2026-11-22", catalogue: .committed)
        let budget = Decimal(85_000)
        let result = try #require(optimizer.run(text, budget: budget))
        let fit = try #require(result.withinBudget)
        #expect(fit.monthly <= budget && result.input.monthly > budget)
        #expect(Optimizer.onlyMissesObjectives(fit))
    }

    /// Each kind of edit keeps the rest of the text as written and reads back as the intended value.
    @Test func editsChangeOnlyTheirValue() throws {
        let base = RuleExample.base
        let elastic = try #require(MoveCatalogue.apply(Move(kind: .elastic, subject: "services.api"), to: base))
        #expect(elastic.contains("  api:\n    capacity: elastic\n    image: registry.example/api:1.0.0\n"))
        let dropped = try #require(MoveCatalogue.apply(Move(kind: .dropReplica, subject: "datastores.orders.replicas[eu-central-1]"), to: base))
        #expect(!dropped.contains("eu-central-1, mode: async") && dropped.components(separatedBy: "\n").count == base.components(separatedBy: "\n").count - 1)
        let sync = try #require(MoveCatalogue.apply(Move(kind: .sync, subject: "datastores.orders.replicas[eu-central-1]"), to: base))
        #expect(sync.contains("- { region: eu-central-1, mode: sync }"))
        // A list of one item is left alone (an empty `regions:` would read as null): not offered as an edit.
        #expect(MoveCatalogue.apply(Move(kind: .dropBackupCopy, subject: "datastores.orders.backups[eu-central-1]"), to: base) == nil)
        let twoCopies = base.replacingOccurrences(of: "regions: [eu-central-1] }", with: "regions: [eu-central-1, eu-west-1] }")
        let oneCopy = try #require(MoveCatalogue.apply(Move(kind: .dropBackupCopy, subject: "datastores.orders.backups[eu-central-1]"), to: twoCopies))
        #expect(oneCopy.contains("regions: [eu-west-1] }"))
        let slow = try #require(MoveCatalogue.apply(Move(kind: .slowHealthCheck, subject: "traffic"), to: base))
        #expect(slow.contains("healthCheck: { interval: 30s, failureThreshold: 3 }"))
        let arc = try #require(MoveCatalogue.apply(Move(kind: .arcOn, subject: "traffic"), to: base))
        #expect(arc.contains("traffic:\n  routingControl: arc\n  hostname: api.shop.example\n"))
        for text in [elastic, dropped, sync, oneCopy, slow, arc] {
            #expect(Pipeline.analyze(file: "shop.yaml", bytes: Array(text.utf8), today: "2026-11-22").blueprint != nil)
        }
    }

    /// The diff of two texts, checked against the edit script's own definition.
    @Test func unifiedDiffHunksCountTheirLines() {
        let old = (1...20).map { "line \($0)" }.joined(separator: "\n")
        let new = old.replacingOccurrences(of: "line 5\n", with: "line five\n").replacingOccurrences(of: "line 17\n", with: "")
        let diff = UnifiedDiff.render(old: old, new: new, path: "f")
        #expect(diff == """
            --- a/f
            +++ b/f
            @@ -2,7 +2,7 @@
             line 2
             line 3
             line 4
            -line 5
            +line five
             line 6
             line 7
             line 8
            @@ -14,7 +14,6 @@
             line 14
             line 15
             line 16
            -line 17
             line 18
             line 19
             line 20

            """)
    }
}
