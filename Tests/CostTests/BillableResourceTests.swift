import Compiler
import Cost
import Foundation
import Resilience
import Testing

/// Nothing generated is silently free: every billable resource in the generated output of every
/// example (normal and outage mode) has its price line, and a resource type this test does not
/// know fails it, so a generator that starts emitting something new must say what it costs.
@Suite struct BillableResourceTests {
    /// Kubernetes kinds that cost nothing by themselves (their pods are priced through the Deployment).
    static let freeKinds: Set<String> = ["Namespace", "ConfigMap", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
                                         "Kustomization", "ApplicationSet", "NetworkPolicy", "ServiceAccount"]
    /// Terraform types that cost nothing (data sources are read-only and not listed here).
    static let freeTerraform: Set<String> = []

    func kinds(_ text: String) -> [(kind: String, name: String?)] {
        text.components(separatedBy: "\n---").compactMap { document in
            let lines = document.split(separator: "\n")
            guard let kind = lines.first(where: { $0.hasPrefix("kind: ") })?.dropFirst(6) else { return nil }
            let name = lines.first(where: { $0.hasPrefix("  name: ") })?.dropFirst(8)
            return (String(kind), name.map(String.init))
        }
    }

    @Test(arguments: ["neobank-active-standby", "trading-platform", "shop-geo-sharded"])
    func everyBillableResourceHasAPriceLine(example: String) throws {
        let (blueprint, _, analysis) = try analysed(example)
        let regions = blueprint.regions.map(\.name)
        for down in [nil] + regions.prefix(1).map(Optional.some) {
            let blueprintForMode = blueprint
            let topology = down.map { Resilience.Topology(blueprintForMode, assumingDown: [$0]) } ?? (analysis.topology ?? Resilience.Topology(blueprintForMode))
            let report = CostModel().report(topology)
            let files = Pipeline.generate(blueprintForMode, topology: topology).files
            var checkedDeployments = 0
            for file in files where file.path.hasPrefix("clusters/") && file.path.hasSuffix(".yaml") {
                let region = file.path.split(separator: "/")[1]
                for (kind, name) in kinds(file.contents) {
                    switch kind {
                    case "Deployment":
                        checkedDeployments += 1
                        #expect(report.lines.contains { $0.category == .compute && $0.region == region && $0.item == name },
                                "\(example) \(down ?? "normal"): Deployment \(name ?? "?") in \(region) has no compute line")
                        #expect(report.lines.contains { $0.category == .cluster && $0.region == region }, "no cluster line for \(region)")
                    case "Ingress":
                        #expect(report.lines.contains { $0.category == .loadBalancer && $0.region == region && $0.unit == "ALB-hour" },
                                "\(example): the Ingress in \(region) makes an ALB with no price line")
                    default:
                        #expect(Self.freeKinds.contains(kind), "\(example): generated kind \(kind) is neither priced nor known to be free")
                    }
                }
            }
            #expect(checkedDeployments > 0)
            let terraform = files.filter { $0.path.hasSuffix(".tf") }.map(\.contents).joined(separator: "\n")
            let resources = terraform.split(separator: "\n").filter { $0.hasPrefix("resource \"") }.map { line in
                String(line.split(separator: "\"")[1])
            }
            #expect(resources.filter { $0 == "aws_route53_health_check" }.count
                    == report.lines.filter { $0.category == .healthCheck && $0.unit == "check-month" }.count,
                    "\(example): one price line per generated health check")
            for type in Set(resources) {
                switch type {
                case "aws_route53_health_check": break
                case "aws_route53_record": #expect(report.lines.contains { $0.category == .records } && report.lines.contains { $0.category == .dns })
                case "aws_cloudwatch_metric_alarm":
                    #expect(report.lines.filter { $0.unit == "alarm-month" }.count == resources.filter { $0 == type }.count,
                            "\(example): one price line per generated writer alarm")
                case let arc where arc.hasPrefix("aws_route53recoverycontrolconfig_"):
                    #expect(report.lines.contains { $0.category == .arc }, "\(example): ARC resources without an ARC price line")
                default:
                    #expect(Self.freeTerraform.contains(type), "\(example): Terraform resource \(type) is neither priced nor known to be free")
                }
            }
            // Every serving region's load balancer is priced, generated or the user's own.
            for region in topology.servingRegions {
                #expect(report.lines.contains { $0.category == .loadBalancer && $0.region == region })
            }
        }
    }
}
