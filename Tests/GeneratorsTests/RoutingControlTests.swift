import Compiler
import Foundation
import Generators
import Resilience
import Testing
import Validation

/// `traffic.routingControl: arc`: failovers that need a decision become routing control states.
/// A traffic section for `twoZoneBlueprint` (keys may follow it).
let twoZoneTraffic = """
    traffic:
      hostname: api.example.com
      hostedZoneId: ZHOSTED
      healthCheck: { interval: 10s }
      geolocation: { EU: eu, NA: us, default: us }

    """

@Suite struct RoutingControlTests {
    /// eu: eu-west-1 (active) + eu-central-1 (standby); db-eu's writer is moved by a person.
    static let arc = twoZoneBlueprint
        .replacingOccurrences(of: "db-eu: { residency: eu, primary: eu-west-1 }",
                              with: "db-eu: { residency: eu, primary: eu-west-1, replicas: [{ region: eu-central-1, mode: async }] }")
        + twoZoneTraffic + "  routingControl: arc\n"

    @Test func aClusterAPanelAndOneControlPerRegionAndPerManualWriterSide() throws {
        let files = try generatedFiles(Self.arc)
        let arc = try #require(files["terraform/arc.tf"])
        // Configuration API in us-west-2 only (ARC Developer Guide): every ARC resource names that provider.
        #expect(files["terraform/providers.tf"]!.contains("alias  = \"us_west_2\"\n  region = \"us-west-2\""))
        #expect(arc.components(separatedBy: "provider = aws.us_west_2").count - 1 == 2 + 4 + 2 + 3)  // cluster, panel, 4 region and 2 writer controls, 3 safety rules
        for region in ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2"] {
            #expect(arc.contains("name              = \"\(region)\"\n  cluster_arn       = aws_route53recoverycontrolconfig_cluster.arc.arn\n"))
        }
        #expect(arc.contains("resource \"aws_route53recoverycontrolconfig_routing_control\" \"writer_db_eu_eu_west_1\""))
        #expect(arc.contains("resource \"aws_route53recoverycontrolconfig_routing_control\" \"writer_db_eu_eu_central_1\""))
        // db-us has no replica in another region: nothing to decide, no writer controls.
        #expect(!arc.contains("writer_db_us"))
        // Safety rules: each residency zone keeps a region on; the writer pair keeps one side on.
        #expect(arc.contains("name              = \"eu-keeps-a-region\""))
        #expect(arc.contains("name              = \"us-keeps-a-region\""))
        #expect(arc.contains("asserted_controls = [aws_route53recoverycontrolconfig_routing_control.writer_db_eu_eu_west_1.arn, aws_route53recoverycontrolconfig_routing_control.writer_db_eu_eu_central_1.arn]"))
        #expect(arc.components(separatedBy: "type      = \"ATLEAST\"").count - 1 == 3)
        // The region records carry the AND of the endpoint check and the region's routing control.
        #expect(arc.contains("child_healthchecks     = [aws_route53_health_check.eu_west_1.id, aws_route53_health_check.arc_region_eu_west_1.id]"))
        let route53 = try #require(files["terraform/route53.tf"])
        #expect(route53.contains("health_check_id = aws_route53_health_check.serving_eu_west_1.id"))
        #expect(!route53.contains("health_check_id = aws_route53_health_check.eu_west_1.id"))
        // The manual writer becomes a failover pair on its two routing controls.
        #expect(route53.contains("records         = [var.datastore_db_eu.writer[\"eu-west-1\"]]\n  set_identifier  = \"primary\"\n  health_check_id = aws_route53_health_check.arc_writer_db_eu_eu_west_1.id\n"))
        #expect(route53.contains("records         = [var.datastore_db_eu.writer[\"eu-central-1\"]]\n  set_identifier  = \"secondary\"\n  health_check_id = aws_route53_health_check.arc_writer_db_eu_eu_central_1.id\n"))
        // The runbook reads ARNs and cluster endpoints from outputs.
        #expect(arc.contains("output \"arc_cluster_endpoints\""))
        #expect(arc.contains("db-eu-writer-eu-central-1 = aws_route53recoverycontrolconfig_routing_control.writer_db_eu_eu_central_1.arn"))
    }

    /// The drill of a region loss flips what arc.tf generated, by the names its output has: the
    /// region Off, the manual writer's new side On before the old side Off (the safety rule keeps
    /// one On), and the rollback turns both back; controls start Off, so the preconditions check them.
    @Test func theDrillFlipsTheGeneratedControls() throws {
        let analysis = Pipeline.analyze(file: "demo.yaml", bytes: Array(Self.arc.utf8), today: "2026-11-22")
        let blueprint = try #require(analysis.blueprint)
        let outage = Outage.parse(["eu-west-1"], in: blueprint).outage
        let plan = DrillPlan(Simulation(try #require(analysis.topology), outage: outage), blueprint: blueprint)
        let output = try #require(try generatedFiles(Self.arc)["terraform/arc.tf"])
        let text = DrillRenderer.plan(plan, format: .text)
        let flips = text.split(separator: "\n").filter { $0.contains("update-routing-control-state ") }.map {
            ($0.components(separatedBy: "--routing-control-arn \"$")[1].prefix { $0 != "\"" }, $0.hasSuffix("On") ? "On" : "Off")
        }
        #expect(flips.map { "\($0.0) \($0.1)" } == [
            "ARC_EU_WEST_1_ARN Off",                                                       // detect: take the region out
            "ARC_DB_EU_WRITER_EU_CENTRAL_1_ARN On", "ARC_DB_EU_WRITER_EU_WEST_1_ARN Off",  // promote: move the writer record
            "ARC_EU_WEST_1_ARN On",                                                        // rollback: the region back
            "ARC_DB_EU_WRITER_EU_WEST_1_ARN On", "ARC_DB_EU_WRITER_EU_CENTRAL_1_ARN Off",  // rollback: the writer back
        ])
        // Each variable names a key of terraform output arc_routing_controls.
        #expect(text.contains("ARC_DB_EU_WRITER_EU_CENTRAL_1_ARN: \"db-eu-writer-eu-central-1\" in terraform output -json arc_routing_controls"))
        #expect(output.contains("db-eu-writer-eu-central-1 = "))
        #expect(plan.preconditions.contains { $0.hasPrefix("every ARC routing control of the blueprint is On") })
    }

    @Test func withoutTheKeyNothingChanges() throws {
        let files = try generatedFiles(Self.arc.replacingOccurrences(of: "  routingControl: arc\n", with: ""))
        #expect(files["terraform/arc.tf"] == nil)
        #expect(files["terraform/route53.tf"]!.contains("health_check_id = aws_route53_health_check.eu_west_1.id"))
        #expect(!files["terraform/providers.tf"]!.contains("us_west_2"))
    }

    @Test func anUnknownValueIsALocatedError() {
        let text = Self.arc.replacingOccurrences(of: "routingControl: arc", with: "routingControl: arcc")
        let analysis = Pipeline.analyze(file: "demo.yaml", bytes: Array(text.utf8), today: "2026-11-22")
        #expect(analysis.diagnostics.contains { $0.path == "traffic.routingControl" && $0.severity == .error })
    }
}
