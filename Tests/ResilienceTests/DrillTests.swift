import BlueprintModel
import Compiler
import Foundation
import Resilience
import Testing

/// Drill plans come from the same recovery terms as explain; grading compares recorded drills.
@Suite struct DrillTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func plan(_ down: [String]) throws -> DrillPlan {
        let path = Self.root.appendingPathComponent("Blueprints/trading-platform.yaml").path
        let analysis = Pipeline.analyze(file: path, bytes: try SourceLoader.load(path), today: "2026-11-30")
        let blueprint = try #require(analysis.blueprint)
        let topology = Topology(blueprint)
        return DrillPlan(Simulation(topology, outage: Outage.parse(down, in: blueprint).outage), blueprint: blueprint)
    }

    func grade(_ name: String) throws -> DrillGrade {
        let file = Self.root.appendingPathComponent("examples/drills/\(name)").path
        let results = try DrillResults.load(file, bytes: try SourceLoader.load(file))
        return DrillGrade(plan: try plan(results.outage), steps: results.steps, dataLossSeconds: results.dataLossSeconds)
    }

    @Test func planStepsAreTheRecoveryTermsOfExplain() throws {
        let plan = try plan(["eu-west-1"])
        // market-data's recovery is the slowest: detect 30s + dns 1m + scale 2m45s + reconnect 30s.
        #expect(plan.plannedRTO == .seconds(30 + 60 + 165 + 30))
        #expect(plan.steps.map(\.name) == ["detect", "promote", "dns", "scale", "reconnect"])
        // ledger-eu's promotion (1m) starts after detection and runs beside market-data's path.
        let promote = try #require(plan.steps.first { $0.name == "promote" })
        #expect(promote.startsAfter == .seconds(30) && promote.expected == .seconds(60))
        #expect(promote.commands.map(\.operation) == ["failover-global-cluster"] && promote.commands.first?.region == "eu-central-1")
        #expect(plan.rtoObjective == .seconds(300) && plan.rpoObjective == .seconds(1))
    }

    @Test func aDrillWithinItsPlanPasses() throws {
        let graded = try grade("2026-11-02-trading-eu-west-1.yaml")
        // First start 09:00:00, last end 09:04:34: 274 s, under the 5m objective.
        #expect(graded.measuredRTOSeconds == 274)
        #expect(graded.passed, "\(graded.findings)")
    }

    @Test func aSlowPromotionIsAFinding() throws {
        let graded = try grade("2026-11-23-trading-eu-west-1.yaml")
        // promote: 100 s against 60 s planned = +67%; scale 210 s against 165 s = +27%;
        // 09:00:00 → 09:06:12 = 372 s > 300 s; data loss 1.4 s > 1 s.
        #expect(graded.findings == [
            "promote took 1m40s, 67% over the planned 1m0s",
            "scale took 3m30s, 27% over the planned 2m45s",
            "measured RTO 6m12s exceeds the objective 5m0s",
            "measured data loss 1.4s exceeds the RPO objective 1s",
        ])
    }

    @Test func badResultsAreLocatedErrors() throws {
        let text = "outage: [eu-west-1]\nsteps:\n  - { name: detect, start: 2026-11-02T09:00:00Z, end: yesterday }\n"
        #expect(throws: DrillResults.Failure.self) { try DrillResults.load("r.yaml", bytes: Array(text.utf8)) }
        do {
            _ = try DrillResults.load("r.yaml", bytes: Array(text.utf8))
        } catch let failure as DrillResults.Failure {
            #expect(failure.description.hasPrefix("r.yaml:3:"))
        }
    }

    func plan(_ file: String, _ down: [String]) throws -> DrillPlan {
        let path = Self.root.appendingPathComponent(file).path
        let analysis = Pipeline.analyze(file: path, bytes: try SourceLoader.load(path), today: "2026-11-30")
        let blueprint = try #require(analysis.blueprint)
        return DrillPlan(Simulation(Topology(blueprint), outage: Outage.parse(down, in: blueprint).outage), blueprint: blueprint)
    }

    /// Issue 19.1: FIS acts in the Region where the experiment runs, so a drill across Regions
    /// gets one experiment per Region, each bound to that Region's zones.
    @Test func aMultiRegionOutageGetsOneExperimentPerRegion() throws {
        let plan = try plan(["eu-west-1", "us-east-1a"])
        #expect(plan.experiments.map(\.region) == ["eu-west-1", "us-east-1"])
        #expect(plan.experiments[0].zones == ["eu-west-1a", "eu-west-1b", "eu-west-1c"] && plan.experiments[0].regionLost)
        #expect(plan.experiments[1].zones == ["us-east-1a"] && !plan.experiments[1].regionLost)
        let (request, missing) = plan.fisRequest(plan.experiments[1], roleArn: "arn:aws:iam::123456789012:role/fis",
                                                 stopAlarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:abort")
        #expect(missing.isEmpty)
        let targets = try #require(request["targets"] as? [String: [String: Any]])
        let filters = try #require(targets["subnets"]?["filters"] as? [[String: Any]])
        #expect(filters.first?["values"] as? [String] == ["us-east-1a"])
        let stop = try #require(request["stopConditions"] as? [[String: String]])
        #expect(stop == [["source": "aws:cloudwatch:alarm", "value": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:abort"]])
        // Without the account's role and alarm the request carries neither, and says what is missing.
        let bare = plan.fisRequest(plan.experiments[0], roleArn: nil, stopAlarmArn: nil)
        #expect(bare.request["roleArn"] == nil && bare.request["stopConditions"] == nil && bare.missing.count == 2)
        #expect(plan.commands.filter { $0.operation == "create-experiment-template" }.map(\.region) == ["eu-west-1", "us-east-1"])
    }

    /// Issue 19.2: a zone drill forces the datastore failover the plan times; the detect step
    /// watches the load balancer's targets, not Route 53 (the regional ALB still answers).
    @Test func aZoneDrillInjectsTheDatastoreFailover() throws {
        let plan = try plan(["us-east-1a"])
        let failovers = try #require(plan.experiments.first?.failovers)
        #expect(failovers.map(\.datastore) == ["ledger-us"] && failovers.first?.fault.actionId == "aws:rds:failover-db-cluster")
        let (request, _) = plan.fisRequest(plan.experiments[0], roleArn: nil, stopAlarmArn: nil)
        let actions = try #require(request["actions"] as? [String: [String: Any]])
        #expect(actions["failover-ledger-us"]?["targets"] as? [String: String] == ["Clusters": "datastore-ledger-us"])
        let detect = try #require(plan.steps.first { $0.name == "detect" })
        #expect(detect.action.contains("load balancer's targets in us-east-1a") && !detect.action.contains("Route 53 health checks of us-east-1 turn"))
        #expect(plan.preconditions.contains { $0.contains("meridian.dev/datastore=ledger-us") })
    }

    /// Issue 18: FIS durations cover the planned recovery (or the objective, if longer) plus a margin.
    @Test func faultsLastThePlannedRecoveryPlusAMargin() throws {
        // eu-west-1: planned 4m45s, objective 5m → 5m + max(10m, 2m30s) = 15m.
        #expect(try plan(["eu-west-1"]).faultDuration == .minutes(15))
        // 1h: 1h + 30m = 1h30m; 4m50s + 10m = 14m50s → 15m (whole minutes, rounded up).
        #expect(DrillPlan.faultDuration(covering: .minutes(60)) == .minutes(90))
        #expect(DrillPlan.faultDuration(covering: .seconds(290)) == .minutes(15))
        // 20h + 10h is over FIS's 12-hour action limit: capped.
        #expect(DrillPlan.faultDuration(covering: .minutes(20 * 60)) == .minutes(12 * 60))
        #expect(DrillPlan.iso8601(.minutes(15)) == "PT15M" && DrillPlan.iso8601(.minutes(94)) == "PT1H34M" && DrillPlan.iso8601(.minutes(120)) == "PT2H")
    }

    /// Issue 18: a plan for an outage the design cannot survive says so first.
    @Test func anUnsurvivableOutageIsSaidFirst() throws {
        // Both US regions down: the us zone has nowhere to go.
        let plan = try plan(["us-east-1", "us-west-2"])
        #expect(!plan.survives)
        #expect(plan.verdict.contains { $0.hasPrefix("order-router in us is not served") }, "\(plan.verdict)")
        #expect(plan.successCriteria.first?.hasPrefix("expected to FAIL") == true)
        #expect(try self.plan(["eu-west-1"]).survives)
    }

    /// Region-loss commands come from the engine table, with the Region they run in.
    @Test func everyEngineFixturePrintsEachEnginesCommand() throws {
        let plan = try plan("Tests/validators/fixtures/every-engine.yaml", ["eu-west-1"])
        let operations = Set(plan.commands.map { "\($0.service) \($0.operation)" })
        #expect(operations.isSuperset(of: ["rds failover-global-cluster", "rds promote-read-replica", "dynamodb describe-table",
                                           "elasticache failover-global-replication-group", "kafka get-bootstrap-brokers",
                                           "dsql get-cluster", "rds restore-db-cluster-from-snapshot", "rds switchover-global-cluster"]))
        // Failover runs in the surviving Region; the rollback's switch back, in the original one.
        #expect(plan.steps.flatMap(\.commands).allSatisfy { $0.region == "eu-central-1" })
        #expect(plan.rollback.flatMap(\.commands).allSatisfy { $0.region == "eu-west-1" })
        let patroni = try #require(plan.steps.first { $0.name == "promote" }?.parts.first { $0.text.hasPrefix("patroni:") })
        #expect(patroni.commands.isEmpty && patroni.text.contains("documented patroni-postgresql runbook"))
    }

    /// A recovery that never completes is not timed, but the failovers that can run are still
    /// in the runbook, with their commands.
    @Test func failoversNoRecoveryTimesAreListedUntimed() throws {
        let text = """
            blueprint: split
            residency:
              eu: [eu-west-1, eu-central-1]
            regions:
              eu-west-1:
                zones: [eu-west-1a, eu-west-1b]
                cluster: { name: euw1, server: "https://euw1.example" }
              eu-central-1:
                zones: [eu-central-1a, eu-central-1b]
                cluster: { name: euc1, server: "https://euc1.example" }
                wave: 2
            services:
              api:
                image: example/api:1.0.0
                port: 8080
                demand: { eu: 1000 }
                perReplica: 100
                uses: [ledger, local]
            datastores:
              ledger:
                engine: aurora-postgresql
                residency: eu
                primary: eu-west-1
                replicas: [{ region: eu-central-1, mode: async }]
                failover: { automatic: true, promotion: 1m }
              local:
                engine: postgres
                residency: eu
                primary: eu-west-1

            """
        let analysis = Pipeline.analyze(file: "split.yaml", bytes: Array(text.utf8), today: "2026-11-30")
        let blueprint = try #require(analysis.blueprint)
        let plan = DrillPlan(Simulation(Topology(blueprint), outage: Outage(regions: ["eu-west-1"])), blueprint: blueprint)
        // `local` has no copy outside eu-west-1: api never recovers, so nothing is timed.
        #expect(!plan.survives && !plan.steps.contains { $0.name == "promote" })
        #expect(plan.untimed.flatMap(\.commands).map(\.operation) == ["failover-global-cluster"])
        #expect(plan.commands.contains { $0.operation == "failover-global-cluster" && $0.region == "eu-central-1" })
    }
}
