@testable import BlueprintModel
import Compiler
import Foundation
import Generators
import Resilience
import Testing

/// REPORT.md is kept from the last compile when the blueprint it is made from reads the same to it
/// (`ReportGenerator.inputs`). That is sound only if the fields the inputs leave out never reach the
/// report: here each of them is changed, in every example, and the report must not move a byte.
@Suite struct ReportInputsTests {
    static let examples = ["trading-platform", "shop-geo-sharded", "neobank-active-standby"]

    func analysed(_ name: String) throws -> Blueprint {
        let path = OutageCompileTests.root.appendingPathComponent("Blueprints/\(name).yaml").path
        return try #require(Pipeline.analyze(file: path, bytes: try SourceLoader.load(path), today: "2026-11-30").blueprint)
    }

    func report(_ blueprint: Blueprint) -> String {
        let topology = Topology(blueprint)
        return ReportGenerator.file(for: topology, explanation: Explanation(topology)).contents
    }

    @Test(arguments: examples)
    func fieldsLeftOutOfTheInputsNeverReachTheReport(_ name: String) throws {
        let blueprint = try analysed(name)
        let changed = blueprint.mappingServices(ManifestFieldsTests.changed)
        #expect(ReportGenerator.inputs(of: changed) == ReportGenerator.inputs(of: blueprint))
        #expect(report(changed) == report(blueprint), "a field left out of the report's inputs changed REPORT.md")
    }

    /// The inputs are not vacuous: a field the report reads makes them differ, as does a price
    /// override file (read from disk, so never compared).
    @Test(arguments: examples)
    func fieldsTheReportReadsMakeTheInputsDiffer(_ name: String) throws {
        let blueprint = try analysed(name)
        let more = blueprint.mappingServices { service in
            var other = service
            other.perReplica *= 3
            return other
        }
        #expect(ReportGenerator.inputs(of: more) != ReportGenerator.inputs(of: blueprint))
        #expect(report(more) != report(blueprint))
        var overridden = blueprint
        overridden.cost.prices = "prices.json"
        #expect(ReportGenerator.inputs(of: overridden) == nil)
    }
}
