import BlueprintModel

/// A DR drill planned from the blueprint: what must hold before, the steps with the durations
/// the RTO model expects, what counts as success, and how to roll back.
public struct DrillPlan: Sendable {
    public struct Step: Sendable, Hashable {
        /// The RTO term this step is (`detect`, `promote`, `dns`, `scale`, `resync`, `reconnect`).
        public var name: String
        public var action: String
        public var expected: Duration
        /// When it starts after the drill begins, and when it should be done: terms of different
        /// services' recoveries run side by side, so steps overlap.
        public var startsAfter: Duration
        public var doneBy: Duration { startsAfter + expected }
    }

    public var blueprint: String
    public var outage: Outage
    public var preconditions: [String]
    /// The critical path: the terms of the slowest recovery the outage sets off.
    public var steps: [Step]
    public var criticalPath: String
    /// The slowest recovery's total: when the last step should be done.
    public var plannedRTO: Duration = .zero
    public var rtoObjective: Duration?
    public var rpoObjective: Duration?
    /// The largest data loss the plan accepts (the worst new writer's RPO), nil when unbounded.
    public var expectedDataLoss: Duration?
    public var successCriteria: [String]
    public var rollback: [String]

    public init(_ simulation: Simulation, blueprint: Blueprint) {
        self.blueprint = blueprint.name
        outage = simulation.outage
        var preconditions: [String] = []
        for outcome in simulation.services {
            for carrier in outcome.carriers where carrier.ceiling < carrier.need {
                preconditions.append("\(outcome.service) in \(carrier.region) can reach only \(carrier.ceiling) of the \(carrier.need) pods it needs: fix capacity before the drill")
            }
        }
        let affected = simulation.services.filter { !$0.recovery.isEmpty }
        let carriers = Set(affected.flatMap { $0.carriers.map(\.region) }).sorted()
        if !carriers.isEmpty {
            preconditions.append("capacity headroom: the Deployments and HPAs in \(carriers.joined(separator: ", ")) are at their generated replicas (meridian compile --check is clean) and their nodes can schedule the region-loss share")
        }
        for datastore in simulation.datastores {
            if let risk = datastore.dataAtRisk, let writer = datastore.writer, writer != simulation.outage.regions.first {
                preconditions.append("\(datastore.datastore): replica lag in \(writer) below \(datastore.rpoObjective ?? risk) (expected ≤ \(risk))")
            }
        }
        preconditions.append("Route53 health checks of every region are green, and the on-call team and the rollback owner are named")
        self.preconditions = preconditions

        let recoveries = simulation.services.flatMap { outcome in outcome.recovery.map { (outcome, $0) } }
        let slowest = recoveries.filter { $0.1.unbounded == nil }.max { $0.1.total < $1.1.total }
        // The drill exercises every recovery at once: one step per term, in the order the terms
        // happen, each as long as its longest instance across the affected services.
        var longest: [String: (term: RTOTerm, start: Duration)] = [:]
        var order: [String] = []
        for (_, result) in recoveries where result.unbounded == nil {
            var offset = Duration.zero
            for term in result.terms {
                defer { offset = offset + term.duration }
                guard term.duration > .zero else { continue }
                if longest[term.name] == nil { order.append(term.name) }
                let known = longest[term.name]
                if known == nil || offset + term.duration > known!.start + known!.term.duration { longest[term.name] = (term, offset) }
            }
        }
        let canonical = ["detect", "promote", "resync", "dns", "scale", "reconnect"]
        order.sort { (canonical.firstIndex(of: $0) ?? canonical.count, $0) < (canonical.firstIndex(of: $1) ?? canonical.count, $1) }
        var steps: [Step] = []
        for name in order {
            let (term, start) = longest[name]!
            steps.append(Step(name: term.name, action: Self.action(for: term, simulation: simulation, blueprint: blueprint),
                              expected: term.duration, startsAfter: start))
        }
        plannedRTO = slowest?.1.total ?? .zero
        self.steps = steps
        criticalPath = slowest.map { "\($0.0.service) in \($0.0.residencyZone): \($0.1.event.label)" } ?? "nothing recovers: the outage disrupts no service"
        let objectives = slowest.map { $0.0.rtoObjective }
        rtoObjective = (objectives ?? nil)?[outage.regions.isEmpty ? .zone : .region]
        rpoObjective = simulation.datastores.compactMap(\.rpoObjective).min()
        let risks = simulation.datastores.map(\.dataAtRisk)
        expectedDataLoss = risks.contains { $0 == nil } ? nil : (risks.compactMap { $0 }.max() ?? .zero)
        var success = ["every service of the affected residency zones answers through Route53 within \(rtoObjective.map(\.description) ?? "the planned \(plannedRTO)") of the start (planned: \(plannedRTO))"]
        if let rpo = rpoObjective { success.append("data written before the start and missing afterwards spans at most \(rpo)") }
        success.append("no step takes more than 10% longer than planned")
        successCriteria = success
        var rollback: [String] = []
        for datastore in simulation.datastores where datastore.writer != nil && datastore.how != "unchanged" {
            rollback.append("\(datastore.datastore): once the original region is healthy, re-create replication back to it, then switch the writer back in a planned switchover (no data loss) during low traffic")
        }
        rollback.append("end the fault (stop the FIS experiment, or restore the health checks), wait until every region's health check is green and traffic returns")
        rollback.append("meridian compile --check is clean: the committed output is the normal one again")
        self.rollback = rollback
    }

    /// What the operator does, or watches, for one term.
    static func action(for term: RTOTerm, simulation: Simulation, blueprint: Blueprint) -> String {
        switch term.name {
        case "detect":
            return "watch the Route53 health checks of the lost region turn unhealthy (\(term.detail ?? "interval x threshold"))"
        case "promote":
            let commands = simulation.datastores.filter { $0.how != "unchanged" }.map { outcome -> String in
                let engine = blueprint.datastore(outcome.datastore)?.engine ?? ""
                let writer = outcome.writer ?? "?"
                if outcome.how.contains("Multi-AZ") { return "\(outcome.datastore): the engine fails over inside the region; watch its events" }
                if outcome.how.contains("restore") { return "\(outcome.datastore): restore the latest backup in \(writer) (`aws rds restore-db-cluster-from-snapshot` / `restore-db-instance-from-db-snapshot`)" }
                if engine.hasPrefix("aurora") {
                    return "\(outcome.datastore): `aws rds failover-global-cluster --global-cluster-identifier <id> --target-db-cluster-identifier <\(writer) cluster ARN> --allow-data-loss` (a drill with the source up uses `switchover-global-cluster`)"
                }
                return "\(outcome.datastore): `aws rds promote-read-replica --db-instance-identifier <replica in \(writer)>`"
            }
            return commands.isEmpty ? "promote the datastores (\(term.detail ?? ""))" : commands.joined(separator: "; ")
        case "dns":
            return "wait for the records to move (\(term.detail ?? "alias TTL")); resolve the service and writer names from each zone's resolvers"
        case "scale":
            return "watch the surviving regions' HPAs scale out: \(term.detail ?? "")"
        case "resync":
            return "remove the lost region's sync replica from the synchronous set so commits resume (\(term.detail ?? ""))"
        case "reconnect":
            return "clients re-resolve and reconnect; error rates return to baseline"
        default:
            return term.detail ?? term.name
        }
    }

    /// An AWS FIS experiment template (CreateExperimentTemplate's request body) that cuts the
    /// network of the outage's subnets, found by the tags Meridian's clusters carry. The role
    /// and stop-condition alarm are the account's own: placeholders to fill in.
    public var fisTemplate: [String: Any] {
        var targets: [String: Any] = [:]
        var actions: [String: Any] = [:]
        func subnets(_ name: String, region: String, zone: String?) {
            var target: [String: Any] = [
                "resourceType": "aws:ec2:subnet",
                "resourceTags": ["meridian.dev/blueprint": blueprint],
                "selectionMode": "ALL",
            ]
            if let zone { target["filters"] = [["path": "AvailabilityZone", "values": [zone]]] }
            targets[name] = target
            actions["disrupt-\(name)"] = [
                "actionId": "aws:network:disrupt-connectivity",
                "description": "cut all traffic of \(zone ?? region)'s subnets for the drill",
                "parameters": ["duration": "PT30M", "scope": "all"],
                "targets": ["Subnets": name],
            ] as [String: Any]
        }
        for region in outage.regions.sorted() { subnets("subnets-\(region)", region: region, zone: nil) }
        for zone in outage.zones.sorted() { subnets("subnets-\(zone)", region: "", zone: zone) }
        return [
            "description": "Meridian drill of \(blueprint): outage of \(outage.label)",
            "roleArn": "arn:aws:iam::ACCOUNT_ID:role/meridian-fis-drill",
            "stopConditions": [["source": "aws:cloudwatch:alarm", "value": "arn:aws:cloudwatch:REGION:ACCOUNT_ID:alarm:meridian-drill-abort"]],
            "targets": targets,
            "actions": actions,
            "tags": ["meridian.dev/blueprint": blueprint, "meridian.dev/drill": outage.label],
        ]
    }
}

/// What was measured in a drill, graded against its plan.
public struct DrillGrade: Sendable {
    public struct MeasuredStep: Sendable, Hashable {
        public var name: String
        /// Seconds since the epoch.
        public var start: Double
        public var end: Double
        public var seconds: Double { end - start }
        public init(name: String, start: Double, end: Double) {
            self.name = name
            self.start = start
            self.end = end
        }
    }

    public struct Row: Sendable, Hashable {
        public var step: String
        public var planned: Duration?
        public var measuredSeconds: Double?
        /// (measured − planned) / planned; nil when either is missing.
        public var deviation: Double?
        public var finding: String?
    }

    public var rows: [Row]
    public var measuredRTOSeconds: Double
    public var measuredDataLossSeconds: Double?
    public var findings: [String]
    public var passed: Bool { findings.isEmpty }

    public init(plan: DrillPlan, steps: [MeasuredStep], dataLossSeconds: Double?, tolerance: Double = 0.10) {
        var rows: [Row] = []
        var findings: [String] = []
        for planned in plan.steps {
            let measured = steps.first { $0.name == planned.name }
            let plannedSeconds = Double(planned.expected.milliseconds) / 1000
            var row = Row(step: planned.name, planned: planned.expected, measuredSeconds: measured?.seconds)
            if let measured {
                row.deviation = plannedSeconds > 0 ? (measured.seconds - plannedSeconds) / plannedSeconds : nil
                if let deviation = row.deviation, deviation > tolerance {
                    row.finding = "\(planned.name) took \(Self.seconds(measured.seconds)), \(Int((deviation * 100).rounded()))% over the planned \(planned.expected)"
                }
            } else {
                row.finding = "\(planned.name) was not measured"
            }
            if let finding = row.finding { findings.append(finding) }
            rows.append(row)
        }
        for extra in steps where !plan.steps.contains(where: { $0.name == extra.name }) {
            rows.append(Row(step: extra.name, planned: nil, measuredSeconds: extra.seconds, deviation: nil, finding: nil))
        }
        // Steps overlap: the recovery took from the first start to the last end.
        measuredRTOSeconds = (steps.map(\.end).max() ?? 0) - (steps.map(\.start).min() ?? 0)
        if let objective = plan.rtoObjective, measuredRTOSeconds > Double(objective.milliseconds) / 1000 {
            findings.append("measured RTO \(Self.seconds(measuredRTOSeconds)) exceeds the objective \(objective)")
        }
        measuredDataLossSeconds = dataLossSeconds
        if let loss = dataLossSeconds, let objective = plan.rpoObjective, loss > Double(objective.milliseconds) / 1000 {
            findings.append("measured data loss \(Self.seconds(loss)) exceeds the RPO objective \(objective)")
        }
        self.rows = rows
        self.findings = findings
    }

    public static func seconds(_ value: Double) -> String {
        Duration(milliseconds: Int((value * 1000).rounded())).description
    }
}
