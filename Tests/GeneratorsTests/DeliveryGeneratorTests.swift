import BlueprintModel
import Compiler
import Foundation
@testable import Generators
import Testing

private let delivery = twoZoneBlueprint
    .replacingOccurrences(of: "blueprint: demo\n", with: """
        blueprint: demo
        gitops: { repoURL: "https://git.example/infra.git", path: deploy/demo }

        """)
    .replacingOccurrences(of: "cluster: { name: c, server: \"https://c\" } }", with: "cluster: { name: c, server: \"https://c\" }, wave: 2, endpoint: { dnsName: use1.lb.example.com, zoneId: ZUSE1 } }")
    // One region of eu per wave: a wave holding both would be refused (rollout-wave-breaks-objective).
    .replacingOccurrences(of: "server: \"https://b\" }, role: standby }", with: "server: \"https://b\" }, role: standby, wave: 2 }")
    + """
    traffic:
      hostname: api.example.com
      hostedZoneId: ZHOSTED
      healthCheck: { interval: 10s, path: "/health?probe=${x}" }
      geolocation: { EU: eu, NA: us, "country:CH": eu, default: us }

    """

@Suite struct DeliveryGeneratorTests {
    @Test(arguments: [
        ("plain", "\"plain\""),
        ("${var.secret}", "\"\\u0024{var.secret}\""),
        ("%{ if true }", "\"\\u0025{ if true }\""),
        ("$${already}", "\"$\\u0024{already}\""),
        ("say \"hi\"\\n", "\"say \\\"hi\\\"\\\\n\""),
        ("two\nlines", "\"two\\nlines\""),
        ("$ and { apart", "\"$ and { apart\""),
    ])
    func hclStringsNeverInterpolate(_ input: String, _ expected: String) {
        #expect(HCL.quoted(input) == expected)
    }

    @Test func hclAlignsEqualsWithinARun() {
        let block = HCLBlock("resource", ["a", "b"], [
            .attribute("zone_id", .string("Z")), .attribute("name", .string("n")), .blank,
            .block(HCLBlock("alias", [], [.attribute("evaluate_target_health", .bool(false))])),
        ])
        #expect(block.rendered() == """
            resource "a" "b" {
              zone_id = "Z"
              name    = "n"

              alias {
                evaluate_target_health = false
              }
            }

            """)
    }

    /// `terraform fmt` aligns only single-line assignments; a multi-line value breaks the run.
    @Test func hclMultiLineValuesEndTheAlignmentRun() {
        let block = HCLBlock("variable", ["v"], [
            .attribute("description", .string("d")),
            .attribute("type", .expression("object({\n    a = string\n  })")),
            .attribute("sensitive", .bool(true)),
        ])
        #expect(block.rendered() == """
            variable "v" {
              description = "d"
              type = object({
                a = string
              })
              sensitive = true
            }

            """)
    }

    @Test func applicationSetHasOneStepPerWaveInOrder() throws {
        let files = try generatedFiles(delivery)
        let appset = try #require(files["argocd/applicationset.yaml"])
        #expect(appset.contains("path: deploy/demo/clusters/{{.region}}\n"))
        let steps = appset.components(separatedBy: "- matchExpressions:").count - 1
        #expect(steps == 2)
        #expect(appset.range(of: "- \"1\"")!.lowerBound < appset.range(of: "- \"2\"")!.lowerBound)
        #expect(appset.contains("Waves: 1 = eu-west-1, us-west-2; 2 = eu-central-1, us-east-1"))
        #expect(appset.contains("preserveResourcesOnDeletion: true"))
        #expect(appset.contains("- RespectIgnoreDifferences=true"))
    }

    /// gitops.maxUpdate goes into every RollingSync step; without it no step carries one.
    @Test func maxUpdatePacesEveryStep() throws {
        let paced = delivery.replacingOccurrences(of: "path: deploy/demo }", with: "path: deploy/demo, maxUpdate: 1 }")
        let appset = try #require(try generatedFiles(paced)["argocd/applicationset.yaml"])
        #expect(appset.components(separatedBy: "maxUpdate: 1\n").count - 1 == 2)
        let unpaced = try #require(try generatedFiles(delivery)["argocd/applicationset.yaml"])
        #expect(!unpaced.contains("maxUpdate"))
    }

    @Test func noGitopsNoTrafficNoDeliveryFiles() throws {
        let files = try generatedFiles(twoZoneBlueprint)
        #expect(files.keys.filter { !$0.hasPrefix("clusters/") } == ["REPORT.md"])
    }

    @Test func route53KeepsEachZoneInsideItself() throws {
        let tf = try #require(try generatedFiles(delivery)["terraform/route53.tf"])
        // eu has an active and a standby region under latency routing: latency among actives behind a failover pair.
        #expect(tf.contains("resource \"aws_route53_record\" \"active_eu_eu_west_1\""))
        #expect(tf.contains("name            = \"active.eu.api.example.com\""))
        // The failover primary aliases that record set by reference, after all of its records exist
        // (Route 53 refuses an alias to a record set that is not there yet).
        #expect(tf.contains("name                   = aws_route53_record.active_eu_eu_west_1.name\n"))
        #expect(tf.contains("resource \"aws_route53_record\" \"eu_secondary\""))
        // A region without an endpoint is a Terraform variable, never a guessed name.
        #expect(tf.contains("fqdn              = var.endpoint_eu_west_1.dns_name"))
        #expect(tf.contains("fqdn              = \"use1.lb.example.com\""))
        #expect(tf.contains("resource_path     = \"/health?probe=\\u0024{x}\""))
        #expect(tf.contains("request_interval  = 10"))
        // Geolocation aliases point at the zone record sets and never evaluate target health.
        #expect(tf.contains("geolocation_routing_policy {\n    country = \"CH\"\n  }"))
        #expect(tf.components(separatedBy: "evaluate_target_health = false").count - 1 == 4)
        #expect(tf.contains("country = \"*\""))
        let variables = try #require(try generatedFiles(delivery)["terraform/variables.tf"])
        #expect(variables.contains("variable \"endpoint_eu_west_1\""))
        #expect(!variables.contains("variable \"endpoint_us_east_1\""))
        #expect(variables.contains("variable \"datastore_db_eu\""))
    }

    @Test func weightedRoutingGivesStandbysWeightZero() throws {
        let text = delivery.replacingOccurrences(of: "geolocation: { EU: eu, NA: us, \"country:CH\": eu, default: us }",
                                  with: "geolocation: { EU: eu, NA: us, \"country:CH\": eu, default: us }\n  within: weighted")
        let tf = try #require(try generatedFiles(text)["terraform/route53.tf"])
        #expect(tf.contains("weighted_routing_policy {\n    weight = 0\n  }"))
        #expect(tf.contains("weighted_routing_policy {\n    weight = 100\n  }"))
        #expect(tf.contains("weighted_routing_policy {\n    weight = 50\n  }"))
    }

    @Test(arguments: [
        // Manual failover, the default without `automatic`: one record the runbook re-points.
        ("", "manual"),
        ("failover: { automatic: true }", "managed"),
        ("failover: { automatic: true, writer: { alarm: db-eu-down } }", "alarm"),
    ])
    func writerFollowsTheDatastoreNotTheApplication(_ failover: String, _ mode: String) throws {
        let text = delivery.replacingOccurrences(
            of: "db-eu: { residency: eu, primary: eu-west-1 }",
            with: "db-eu: { residency: eu, primary: eu-west-1, replicas: [{ region: eu-central-1, mode: async }]\(failover.isEmpty ? "" : ", " + failover) }")
        let files = try generatedFiles(text)
        let tf = try #require(files["terraform/route53.tf"])
        let writerRecords = tf.components(separatedBy: "\nresource ").filter { $0.range(of: #"name\s+= "writer\.db-eu\."#, options: .regularExpression) != nil }
        // No writer record ever carries an application (load balancer) health check.
        #expect(!writerRecords.isEmpty)
        #expect(writerRecords.allSatisfy { !$0.contains("aws_route53_health_check.eu_west_1") })
        switch mode {
        case "manual":
            #expect(writerRecords.count == 1 && writerRecords[0].contains("records = [var.datastore_db_eu.writer[\"eu-west-1\"]]"))
        case "managed":
            #expect(writerRecords.count == 1 && writerRecords[0].contains("records = [var.datastore_db_eu.global_writer]"))
            #expect(files["terraform/variables.tf"]!.contains("global_writer = string"))
        default:
            // The alarm is generated and evaluated where the writer moves to (eu-central-1), never
            // in the primary's region, whose loss would leave it INSUFFICIENT_DATA; a metric that
            // stops is breaching; two 60 s periods.
            #expect(tf.contains("resource \"aws_cloudwatch_metric_alarm\" \"writer_db_eu\" {\n  provider = aws.eu_central_1\n\n  alarm_name          = \"db-eu-down\"\n"))
            #expect(tf.contains("  period              = 60\n  evaluation_periods  = 2\n  datapoints_to_alarm = 2\n  treat_missing_data  = \"breaching\"\n"))
            #expect(tf.contains("type                            = \"CLOUDWATCH_METRIC\"\n  cloudwatch_alarm_name           = aws_cloudwatch_metric_alarm.writer_db_eu.alarm_name\n  cloudwatch_alarm_region         = \"eu-central-1\"\n"))
            #expect(files["terraform/providers.tf"]!.contains("alias  = \"eu_central_1\"\n  region = \"eu-central-1\""))
            #expect(files["terraform/variables.tf"]!.contains("variable \"writer_alarm_db_eu\""))
            #expect(tf.contains("records         = [var.datastore_db_eu.writer[\"eu-west-1\"]]\n  set_identifier  = \"primary\"\n  health_check_id = aws_route53_health_check.writer_db_eu.id\n"))
            #expect(tf.contains("records        = [var.datastore_db_eu.writer[\"eu-central-1\"]]"))
        }
        #expect(tf.contains("records = [var.datastore_db_eu.reader[\"eu-central-1\"]]"))
    }

    @Test func writerRoutingRejectsUnknownModes() {
        let text = delivery.replacingOccurrences(
            of: "db-eu: { residency: eu, primary: eu-west-1 }",
            with: "db-eu: { residency: eu, primary: eu-west-1, failover: { writer: alarmed } }")
        let analysis = Pipeline.analyze(file: "demo.yaml", bytes: Array(text.utf8), today: "2026-11-22")
        #expect(analysis.diagnostics.contains { $0.message.contains("expected managed, manual or { alarm: <CloudWatch alarm name> }") })
    }
}
