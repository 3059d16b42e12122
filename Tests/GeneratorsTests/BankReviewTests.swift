import Compiler
import Foundation
import Testing

/// What a bank's reviewer checks in the Kubernetes output: ALB targets drain before their pods stop,
/// TLS 1.2+, and a namespace that denies what the topology does not imply.
@Suite struct BankReviewTests {
    let routed = twoZoneBlueprint + """
        traffic:
          hostname: api.example.com
          hostedZoneId: ZHOSTED
          geolocation: { EU: eu, NA: us, default: us }
          routes: { /: api }

        """

    @Test func routedPodsSleepTheDeregistrationDelayBeforeSIGTERM() throws {
        let files = try generatedFiles(routed)
        let ingress = try #require(files["clusters/eu-west-1/ingress.yaml"])
        #expect(ingress.contains("alb.ingress.kubernetes.io/target-group-attributes: deregistration_delay.timeout_seconds=30\n"))
        #expect(ingress.contains("alb.ingress.kubernetes.io/ssl-policy: ELBSecurityPolicy-TLS13-1-2-2021-06\n"))
        let api = try #require(files["clusters/eu-west-1/api.yaml"])
        // 30 s sleep = the deregistration delay; 60 s grace = 30 s sleep + 30 s for the application.
        #expect(api.contains("        lifecycle:\n          preStop:\n            sleep:\n              seconds: 30\n"))
        #expect(api.contains("      terminationGracePeriodSeconds: 60\n"))
        #expect(files["clusters/eu-west-1/namespace.yaml"]!.contains("elbv2.k8s.aws/pod-readiness-gate-inject: enabled\n"))
        // worker runs where no route reaches it: no gate, no sleep.
        #expect(!files["clusters/us-east-1/namespace.yaml"]!.contains("pod-readiness-gate-inject"))
        #expect(!files["clusters/us-east-1/worker.yaml"]!.contains("preStop"))
    }

    @Test func plainHTTPListenersGetNoTLSPolicy() throws {
        let files = try generatedFiles(routed.replacingOccurrences(
            of: "  routes: { /: api }\n", with: "  routes: { /: api }\n  healthCheck: { protocol: HTTP }\n"))
        let ingress = try #require(files["clusters/eu-west-1/ingress.yaml"])
        #expect(!ingress.contains("ssl-policy") && ingress.contains("target-group-attributes"))
    }

    @Test func everyNamespaceDeniesByDefaultAndServicesGetTheirAllows() throws {
        let files = try generatedFiles(routed)
        for region in ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2"] {
            let namespace = try #require(files["clusters/\(region)/namespace.yaml"])
            #expect(namespace.contains("  name: meridian.default-deny\n"))
            #expect(namespace.contains("  name: meridian.allow-dns\n"))
        }
        let api = try #require(files["clusters/eu-west-1/api.yaml"])
        // Behind the ALB: its own port; its datastores declare no engine: any TCP port.
        #expect(api.contains("""
              policyTypes:
              - Ingress
              - Egress
              ingress:
              - ports:
                - protocol: TCP
                  port: 8080
              egress:
              - ports:
                - protocol: TCP

            """))
        let worker = try #require(files["clusters/us-east-1/worker.yaml"])
        #expect(worker.contains("  policyTypes:\n  - Egress\n") && !worker.contains("  ingress:\n"))
    }

    @Test func engineTablePortsReplaceTheAnyPortAllow() throws {
        let text = routed
            .replacingOccurrences(of: "db-eu: { residency: eu, primary: eu-west-1 }", with: "db-eu: { residency: eu, primary: eu-west-1, engine: aurora-postgresql }")
            .replacingOccurrences(of: "db-us: { residency: us, primary: us-east-1 }", with: "db-us: { residency: us, primary: us-east-1, engine: msk-kafka }")
            .replacingOccurrences(of: "catalog: { primary: us-east-1 }", with: "catalog: { primary: us-east-1, engine: dynamodb-global-table }")
        let files = try generatedFiles(text)
        // api in eu uses db-eu (5432) and the global catalog (443); db-us is another zone's.
        let api = try #require(files["clusters/eu-west-1/api.yaml"])
        #expect(api.contains("  egress:\n  - ports:\n    - protocol: TCP\n      port: 443\n    - protocol: TCP\n      port: 5432\n"))
        let worker = try #require(files["clusters/us-east-1/worker.yaml"])
        #expect(worker.contains("      port: 9092\n") && worker.contains("      port: 9098\n"))
    }

    @Test func aStatedPortReplacesTheEnginesDefault() throws {
        let text = routed
            .replacingOccurrences(of: "db-eu: { residency: eu, primary: eu-west-1 }", with: "db-eu: { residency: eu, primary: eu-west-1, engine: postgres, port: 6432 }")
            .replacingOccurrences(of: "catalog: { primary: us-east-1 }", with: "catalog: { primary: us-east-1, engine: sqlserver-ee }")
        let api = try #require(try generatedFiles(text)["clusters/eu-west-1/api.yaml"])
        // RDS for SQL Server's default 1433, and the stated 6432 instead of PostgreSQL's 5432.
        #expect(api.contains("  egress:\n  - ports:\n    - protocol: TCP\n      port: 1433\n    - protocol: TCP\n      port: 6432\n"))
    }

    @Test func networkPolicyNoneOptsOut() throws {
        let files = try generatedFiles("networkPolicy: none\n" + routed)
        #expect(files.values.allSatisfy { !$0.contains("kind: NetworkPolicy") })
        // The load-balancer settings do not depend on the opt-out.
        #expect(files["clusters/eu-west-1/api.yaml"]!.contains("preStop"))
    }

    @Test func aMisspelledModeIsALocatedError() {
        let analysis = Pipeline.analyze(file: "demo.yaml", bytes: Array(("networkPolicy: deny\n" + routed).utf8), today: "2026-11-22")
        #expect(analysis.diagnostics.contains { $0.rule == "invalid-value" && $0.message.contains("networkPolicy") && $0.mark.line == 1 })
    }
}
