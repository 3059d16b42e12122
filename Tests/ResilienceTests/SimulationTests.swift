import BlueprintModel
import Compiler
import Foundation
import Resilience
import Testing

/// `simulate` must tell the same story as `explain` for the same disruption.
@Suite struct SimulationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples = ["neobank-active-standby", "shop-geo-sharded", "trading-platform"]

    func load(_ path: String) throws -> (Topology, Explanation) {
        let analysis = Pipeline.analyze(file: path, bytes: try SourceLoader.load(path), today: "2026-11-30")
        let topology = Topology(try #require(analysis.blueprint))
        return (topology, Explanation(topology))
    }

    /// explain's row for a region is simulate of losing that region; its zone row is simulate of
    /// losing the region's first zone (where the primaries live, so the worst one).
    @Test(arguments: examples)
    func everySingleOutageAgreesWithExplain(_ name: String) throws {
        let (topology, explanation) = try load(Self.root.appendingPathComponent("Blueprints/\(name).yaml").path)
        let blueprint = topology.blueprint
        let outages = Simulation.singleOutages(topology)
        // One simulation per region and per zone; --all-single keeps one row of each, worst first.
        #expect(outages.count == blueprint.regions.count + blueprint.regions.map(\.zones.count).reduce(0, +))
        let summaries = Simulation.allSingle(topology)
        #expect(Set(summaries.map(\.outage)) == Set(outages))
        let simulations = outages.map { Simulation(topology, outage: $0) }
        var compared = 0
        for row in explanation.rto {
            let region = try #require(blueprint.region(row.result.event.region))
            let outage = row.result.event.disruption == .region ? Outage(regions: [region.name]) : Outage(zones: [region.zones[0]])
            let simulation = Simulation(topology, outage: outage)
            let outcome = try #require(simulation.services.first { $0.service == row.result.service && $0.residencyZone == row.result.residencyZone })
            let same = try #require(outcome.recovery.first { $0.event == row.result.event }, "\(outage.label) \(row.result.event.label)")
            #expect(same.terms == row.result.terms && same.unbounded == row.result.unbounded)
            compared += 1
        }
        #expect(compared == explanation.rto.count)
        for simulation in simulations {
            // Data at risk after losing the primary's region, or the primary's own zone, is explain's RPO.
            for datastore in simulation.datastores {
                let model = try #require(blueprint.datastore(datastore.datastore))
                let region = try #require(blueprint.region(model.primary))
                let disruption: Disruption
                if simulation.outage.regions.contains(region.name) {
                    disruption = .region
                } else if simulation.outage.zones.contains(region.zones[0]) {
                    disruption = .zone
                } else {
                    continue
                }
                let rpo = try #require(explanation.rpo.first { $0.result.datastore == model.name && $0.result.disruption == disruption })
                #expect(datastore.dataAtRisk == rpo.result.loss, "\(simulation.outage.label) \(model.name)")
            }
        }
    }

    /// The warm standby sized at two pods: losing the active region leaves the zone unserved,
    /// which `holds` (and so the CLI's exit code) reports.
    @Test func anUndersizedStandbyFailsTheScenario() throws {
        let path = Self.root.appendingPathComponent("Tests/CompilerTests/Fixtures/negative/standby-sized-at-two-pods.yaml").path
        let (topology, _) = try load(path)
        let simulation = Simulation(topology, outage: Outage(regions: ["eu-west-1"]))
        let outcome = try #require(simulation.services.first)
        #expect(!outcome.served)
        // The standby must take 4000 rps = 14 pods and runs 2.
        #expect(outcome.carriers.map(\.deficit) == [12])
        #expect(!simulation.holds)
        #expect(Simulation(topology, outage: Outage(zones: ["eu-west-1b"])).holds)
    }
}
