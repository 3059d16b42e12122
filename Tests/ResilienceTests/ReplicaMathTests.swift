import BlueprintModel
import Resilience
import Testing

@Suite struct ReplicaMathTests {
    /// (need, zones) -> least R with R - ceil(R/z) >= need.
    @Test(arguments: [
        (0, 3, 0), (1, 1, 1), (0, 1, 1), (5, 1, 5),
        (1, 2, 2), (5, 2, 10), (19, 2, 38),
        (1, 3, 2), (10, 3, 15), (19, 3, 29), (38, 3, 57),
        (1, 6, 2), (5, 6, 6), (6, 6, 8), (25, 6, 30),
    ])
    func zoneTolerantCount(need: Int, zones: Int, expected: Int) {
        let replicas = ReplicaMath.zoneTolerant(need: need, zones: zones)
        #expect(replicas == expected)
        if zones > 1 && need > 0 {
            // Losing the fullest zone leaves enough, and one pod fewer would not.
            #expect(ReplicaMath.survivingPods(replicas: replicas, zones: zones, downZones: 1) >= need)
            #expect(ReplicaMath.survivingPods(replicas: replicas - 1, zones: zones, downZones: 1) < need)
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var label: String
        var input: ReplicaMath.Input
        var replicas: Int
        var hpaMax: Int
        var pdbMaxUnavailable: Int
        var testDescription: String { label }
    }

    static let rows: [Row] = [
        // Spec example: 30000 rps over 2 active regions, 800 per pod, 3 zones, static.
        Row(label: "n=2 static latency", input: .init(demand: 30000, activeRegions: 2, perReplica: 800, zones: 3),
            replicas: 57, hpaMax: 57, pdbMaxUnavailable: 19),
        Row(label: "n=2 elastic", input: .init(demand: 30000, activeRegions: 2, capacity: .elastic, perReplica: 800, zones: 3),
            replicas: 29, hpaMax: 57, pdbMaxUnavailable: 10),
        Row(label: "n=3 latency caps at 2/n", input: .init(demand: 9000, activeRegions: 3, perReplica: 1000, zones: 3),
            replicas: 9, hpaMax: 9, pdbMaxUnavailable: 3),
        Row(label: "n=3 weighted", input: .init(demand: 9000, activeRegions: 3, within: .weighted, perReplica: 1000, zones: 3),
            replicas: 8, hpaMax: 8, pdbMaxUnavailable: 3),
        Row(label: "n=1 lone active", input: .init(demand: 4000, activeRegions: 1, perReplica: 300, zones: 3),
            replicas: 21, hpaMax: 21, pdbMaxUnavailable: 7),
        Row(label: "z=1 leaves no drain room", input: .init(demand: 4000, activeRegions: 1, perReplica: 300, zones: 1),
            replicas: 14, hpaMax: 14, pdbMaxUnavailable: 0),
        Row(label: "z=2", input: .init(demand: 3000, activeRegions: 2, perReplica: 250, zones: 2),
            replicas: 24, hpaMax: 24, pdbMaxUnavailable: 12),
        Row(label: "z=6", input: .init(demand: 24000, activeRegions: 3, within: .weighted, capacity: .elastic, perReplica: 600, zones: 6),
            replicas: 17, hpaMax: 24, pdbMaxUnavailable: 3),
        Row(label: "static standby takes the whole zone",
            input: .init(demand: 4000, activeRegions: 1, role: .standby, perReplica: 300, zones: 3),
            replicas: 21, hpaMax: 21, pdbMaxUnavailable: 7),
        Row(label: "elastic standby keeps one pod per zone",
            input: .init(demand: 200, activeRegions: 1, role: .standby, capacity: .elastic, perReplica: 50, zones: 3),
            replicas: 3, hpaMax: 6, pdbMaxUnavailable: 3),
        Row(label: "pin below the tolerant count",
            input: .init(demand: 5000, activeRegions: 2, perReplica: 800, zones: 3, pinnedReplicas: 4, pinnedMaxReplicas: 8),
            replicas: 4, hpaMax: 8, pdbMaxUnavailable: 0),
        Row(label: "pin above", input: .init(demand: 5000, activeRegions: 2, perReplica: 800, zones: 3, pinnedReplicas: 20),
            replicas: 20, hpaMax: 20, pdbMaxUnavailable: 13),
    ]

    @Test(arguments: rows)
    func sizing(_ row: Row) {
        let sizing = ReplicaMath.size(row.input)
        #expect(sizing.replicas == row.replicas)
        #expect(sizing.hpaMin == row.replicas)
        #expect(sizing.hpaMax == row.hpaMax)
        #expect(sizing.pdbMaxUnavailable == row.pdbMaxUnavailable)
    }

    @Test func sharesFollowTheRouting() {
        let latency = ReplicaMath.size(.init(demand: 9000, activeRegions: 3, perReplica: 100, zones: 3))
        #expect(latency.normalShare == Share(9000, over: 3))
        #expect(latency.regionLossShare == Share(18000, over: 3))
        let weighted = ReplicaMath.size(.init(demand: 9000, activeRegions: 3, within: .weighted, perReplica: 100, zones: 3))
        #expect(weighted.regionLossShare == Share(9000, over: 2))
        let pair = ReplicaMath.size(.init(demand: 9000, activeRegions: 2, perReplica: 100, zones: 3))
        #expect(pair.regionLossShare == Share(18000, over: 2))
        #expect(pair.regionLossShare!.need(perReplica: 100) == 90)
        let lone = ReplicaMath.size(.init(demand: 9000, activeRegions: 1, perReplica: 100, zones: 3))
        #expect(lone.regionLossShare == nil)
        #expect(lone.provisionedShare == Share(9000))
    }

    @Test func needRoundsUpExactly() {
        #expect(Share(15000, over: 2).need(perReplica: 800) == 10)
        #expect(Share(16000, over: 2).need(perReplica: 800) == 10)
        #expect(Share(16001, over: 2).need(perReplica: 800) == 11)
        #expect(Share.zero.need(perReplica: 800) == 0)
        #expect(Share(10, over: 3).description == "3.33")
    }
}
