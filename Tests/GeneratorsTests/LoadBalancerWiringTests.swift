import BlueprintModel
import Compiler
import Foundation
import Generators
import Resilience
import Testing

/// Route53 -> load balancer -> Service: the generated Ingress and the Terraform lookup agree.
@Suite struct LoadBalancerWiringTests {
    let routed = twoZoneBlueprint + """
        traffic:
          hostname: api.example.com
          hostedZoneId: ZHOSTED
          healthCheck: { interval: 10s, path: /jobs/healthz }
          geolocation: { EU: eu, NA: us, default: us }
          routes: { /: api, /jobs: worker }

        """

    @Test func regionsGetAnIngressForTheRoutedServicesTheyRun() throws {
        let files = try generatedFiles(routed)
        let eu = try #require(files["clusters/eu-west-1/ingress.yaml"])
        #expect(eu.contains("alb.ingress.kubernetes.io/group.name: demo\n"))
        #expect(eu.contains("path: /\n") && !eu.contains("/jobs"))  // worker does not run in eu
        let us = try #require(files["clusters/us-east-1/ingress.yaml"])
        #expect(us.contains("path: /jobs\n") && !us.contains("name: api\n"))
        #expect(files["clusters/eu-west-1/kustomization.yaml"]!.contains("- ingress.yaml\n"))
        #expect(files["clusters/eu-west-1/api.yaml"]!.contains("alb.ingress.kubernetes.io/healthcheck-path: /healthz\n"))
    }

    @Test func terraformFindsTheControllersLoadBalancerByItsTags() throws {
        let files = try generatedFiles(routed)
        let lookups = try #require(files["terraform/load_balancers.tf"])
        #expect(lookups.contains("""
            data "aws_lb" "eu_west_1" {
              provider = aws.eu_west_1

              tags = {
                "elbv2.k8s.aws/cluster"    = "a"
                "ingress.k8s.aws/stack"    = "demo"
            """))
        let route53 = try #require(files["terraform/route53.tf"])
        #expect(route53.contains("name                   = data.aws_lb.eu_west_1.dns_name\n"))
        #expect(route53.contains("zone_id                = data.aws_lb.eu_west_1.zone_id\n"))
        #expect(!(files["terraform/variables.tf"] ?? "").contains("endpoint_eu_west_1"))
    }

    @Test func everyProviderNamesItsRegionSoAPlanNeedsNoAWSRegionVariable() throws {
        let files = try generatedFiles(routed)
        let providers = try #require(files["terraform/providers.tf"])
        // The default provider (Route 53 is global) starts in the blueprint's first region; each
        // region whose load balancer is looked up gets its own aliased provider, once.
        #expect(providers.contains("provider \"aws\" {\n  region = \"eu-west-1\"\n}\n"))
        #expect(providers.contains("provider \"aws\" {\n  alias  = \"eu_west_1\"\n  region = \"eu-west-1\"\n}\n"))
        #expect(providers.components(separatedBy: "alias  = \"eu_west_1\"").count == 2)
        #expect(!files["terraform/load_balancers.tf"]!.contains("provider \"aws\""))
    }

    @Test func anOutageCompileNeverLooksUpTheLostRegionsLoadBalancer() throws {
        let analysis = Pipeline.analyze(file: "demo.yaml", bytes: Array(routed.utf8), today: "2026-11-22")
        let blueprint = try #require(analysis.blueprint)
        let generated = Pipeline.generate(blueprint, topology: Topology(blueprint, assumingDown: ["eu-west-1"]), explanation: analysis.explanation)
        let files = Dictionary(uniqueKeysWithValues: generated.files.map { ($0.path, $0.contents) })
        let lookups = files["terraform/load_balancers.tf"] ?? ""
        #expect(!lookups.contains("data \"aws_lb\" \"eu_west_1\""))
        #expect(lookups.contains("data \"aws_lb\" \"us_east_1\""))
        let providers = try #require(files["terraform/providers.tf"])
        // Neither the default provider nor any alias starts in the lost region.
        #expect(!providers.contains("\"eu-west-1\""))
        #expect(providers.contains("provider \"aws\" {\n  region = \"eu-central-1\"\n}\n"))
        // Its records keep their values through a variable the on-call engineer fills from state.
        let variables = try #require(files["terraform/variables.tf"])
        #expect(variables.contains("variable \"endpoint_eu_west_1\""))
        #expect(variables.contains("terraform state show data.aws_lb.eu_west_1"))
        #expect(files["terraform/route53.tf"]!.contains("name                   = var.endpoint_eu_west_1.dns_name\n"))
    }

    @Test func withoutRoutesTheLoadBalancersStayTheUsers() throws {
        let files = try generatedFiles(routed.replacingOccurrences(of: "  routes: { /: api, /jobs: worker }\n", with: ""))
        #expect(files["terraform/load_balancers.tf"] == nil)
        #expect(files.keys.allSatisfy { !$0.hasSuffix("ingress.yaml") })
        #expect(files["terraform/variables.tf"]!.contains("variable \"endpoint_eu_west_1\""))
    }

    @Test func aRouteToAnUndeclaredServiceIsAnError() {
        let text = routed.replacingOccurrences(of: "/jobs: worker", with: "/jobs: wokrer")
        let analysis = Pipeline.analyze(file: "demo.yaml", bytes: Array(text.utf8), today: "2026-11-22")
        #expect(analysis.diagnostics.contains { $0.rule == "undefined-reference" && $0.message.contains("'wokrer'") })
    }
}
