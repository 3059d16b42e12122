import BlueprintModel

/// One thing to do in a drill (a rollback step, say): the sentence, and the AWS CLI commands it
/// runs. Markdown prints the commands as code, text on their own lines; tests check every one
/// against botocore's service models.
public struct DrillInstruction: Sendable, Hashable {
    public var text: String
    public var commands: [AWSCommand]

    public init(_ text: String, commands: [AWSCommand] = []) {
        self.text = text
        self.commands = commands
    }
}

/// A DR drill planned from the blueprint: what must hold before, the steps with the durations
/// the RTO model expects, what counts as success, how to roll back, and the AWS FIS experiments
/// that inject the outage (one per affected Region).
public struct DrillPlan: Sendable {
    public struct Step: Sendable, Hashable {
        /// The RTO term this step is (`detect`, `promote`, `dns`, `scale`, `resync`, `reconnect`).
        public var name: String
        /// What to do or watch, one part per datastore where the step acts on several; commands
        /// come from the engine table (BlueprintModel/FailoverMechanics.swift).
        public var parts: [DrillInstruction]
        public var expected: Duration
        /// When it starts after the drill begins, and when it should be done: terms of different
        /// services' recoveries run side by side, so steps overlap.
        public var startsAfter: Duration
        public var doneBy: Duration { startsAfter + expected }
        public var action: String { parts.map(\.text).joined(separator: "; ") }
        public var commands: [AWSCommand] { parts.flatMap(\.commands) }
    }

    /// A datastore's own zone failover that a zone drill forces, so the drill exercises the
    /// failover the plan times (an engine's Multi-AZ failover does not follow a cut in subnet
    /// connectivity by itself).
    public struct InjectedFailover: Sendable, Hashable {
        public var datastore: String
        public var zone: String
        public var fault: FISZoneFault
    }

    /// The FIS experiment of one Region. FIS acts in the Region where the experiment runs, so each
    /// affected Region gets its own, created and started there.
    public struct RegionExperiment: Sendable, Hashable {
        public var region: String
        /// The zones whose subnets lose all connectivity: every zone of a lost Region, else the lost zones.
        public var zones: [String]
        public var regionLost: Bool
        public var failovers: [InjectedFailover]
    }

    public var blueprint: String
    public var outage: Outage
    /// Why the design cannot keep its promises in this outage, said before anything else; empty
    /// when every service is served within its objectives (`simulate` on the same outage).
    public var verdict: [String]
    public var survives: Bool { verdict.isEmpty }
    public var preconditions: [String]
    /// The critical path: the terms of the slowest recovery the outage sets off.
    public var steps: [Step]
    public var criticalPath: String
    /// The slowest bounded recovery's total: when the last step should be done.
    public var plannedRTO: Duration = .zero
    /// Recoveries that never complete (`service in zone: why`); the plan cannot time them.
    public var unboundedRecoveries: [String] = []
    public var rtoObjective: Duration?
    public var rpoObjective: Duration?
    /// The largest data loss the plan accepts (the worst new writer's RPO), nil when unbounded.
    public var expectedDataLoss: Duration?
    public var successCriteria: [String]
    public var rollback: [DrillInstruction]
    /// Datastore failovers to run although no bounded recovery times them (shown with the verdict).
    public var untimed: [DrillInstruction] = []
    public var experiments: [RegionExperiment]
    /// How long each FIS action disrupts: the planned recovery (or the RTO objective, if longer)
    /// plus a margin to watch the recovered state, `faultDuration(covering:)`.
    public var faultDuration: Duration

    public init(_ simulation: Simulation, blueprint: Blueprint) {
        self.blueprint = blueprint.name
        outage = simulation.outage
        let recoveries = simulation.services.flatMap { outcome in outcome.recovery.map { (outcome, $0) } }
        let slowest = recoveries.filter { $0.1.unbounded == nil }.max { $0.1.total < $1.1.total }
        plannedRTO = slowest?.1.total ?? .zero
        unboundedRecoveries = recoveries.compactMap { outcome, result in
            result.unbounded.map { "\(outcome.service) in \(outcome.residencyZone): \(result.event.label) never completes (\($0))" }
        }
        let objectives = (slowest ?? recoveries.first).map { $0.0.rtoObjective }
        rtoObjective = (objectives ?? nil)?[outage.regions.isEmpty ? .zone : .region]
        rpoObjective = simulation.datastores.compactMap(\.rpoObjective).min()
        let risks = simulation.datastores.map(\.dataAtRisk)
        expectedDataLoss = risks.contains { $0 == nil } ? nil : (risks.compactMap { $0 }.max() ?? .zero)
        verdict = Self.verdict(simulation, unbounded: unboundedRecoveries)
        faultDuration = Self.faultDuration(covering: max(plannedRTO, rtoObjective ?? .zero))

        let changes = simulation.datastores.sorted { $0.datastore < $1.datastore }.compactMap { outcome in
            Self.writerChange(outcome, blueprint: blueprint, outage: simulation.outage).map { (outcome, $0) }
        }
        experiments = Self.experiments(outage, changes: changes.map(\.1), blueprint: blueprint)

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
            if let risk = datastore.dataAtRisk, risk > .zero, datastore.how.contains("replica"), let writer = datastore.writer {
                // A zero objective cannot be a lag bound ("below 0s"): the expected lag is the bound then (rpo-exceeded says the rest).
                let bound = datastore.rpoObjective.flatMap { $0 > .zero ? $0 : nil } ?? risk
                preconditions.append("\(datastore.datastore): replica lag in \(writer) below \(bound) (expected ≤ \(risk))")
            }
        }
        for experiment in experiments {
            for failover in experiment.failovers {
                preconditions.append("tag \(failover.datastore)'s \(failover.fault.resourceType) in \(experiment.region) with meridian.dev/datastore=\(failover.datastore): its FIS experiment finds it by that tag")
            }
        }
        if blueprint.traffic?.routingControl == .arc {
            // Routing controls are created Off: a drill started before they were turned On finds every record already unhealthy.
            preconditions.append("every ARC routing control of the blueprint is On (regions, and each controlled writer's primary side); they are created Off: read each state from the cluster (get-routing-control-state) for every ARN of terraform output arc_routing_controls")
        }
        preconditions.append("Route 53 health checks of every region are green, and the on-call team and the rollback owner are named")
        self.preconditions = preconditions

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
            steps.append(Step(name: term.name, parts: Self.instructions(for: term, outage: outage, changes: changes, blueprint: blueprint),
                              expected: term.duration, startsAfter: start))
        }
        self.steps = steps
        // Failovers no bounded recovery times (every recovery that needs them never completes)
        // are still listed, untimed, so the runbook has every command.
        if !steps.contains(where: { $0.name == "promote" }) {
            untimed = changes.map { Self.promotion($1, outcome: $0, blueprint: blueprint) }
        }
        criticalPath = slowest.map { "\($0.0.service) in \($0.0.residencyZone): \($0.1.event.label)" } ?? "nothing recovers: the outage disrupts no service"

        var planned = "planned: \(plannedRTO)"
        if !unboundedRecoveries.isEmpty { planned += "; \(unboundedRecoveries.count) recoveries never complete" }
        var success = [verdict.isEmpty
            ? "every service of the affected residency zones answers through Route 53 within \(rtoObjective.map(\.description) ?? "the planned \(plannedRTO)") of the start (\(planned))"
            : "expected to FAIL (see the verdict): the drill shows what the outage does; services the design keeps answer within \(rtoObjective.map(\.description) ?? "the planned \(plannedRTO)") (\(planned))"]
        if let rpo = rpoObjective { success.append("data written before the start and missing afterwards spans at most \(rpo)") }
        success.append("no step takes more than 10% longer than planned")
        successCriteria = success

        var rollback: [DrillInstruction] = []
        for (outcome, change) in changes {
            guard case .crossRegion = change, let datastore = blueprint.datastore(outcome.datastore) else { continue }
            if let engine = FailoverEngine.named(datastore.engine) {
                let back = engine.plannedSwitchover(datastore: datastore.name, to: datastore.primary)
                rollback.append(DrillInstruction("once \(datastore.primary) is healthy: " + back.action, commands: back.commands))
            } else {
                rollback.append(DrillInstruction("\(datastore.name): once \(datastore.primary) is healthy, re-create replication back to it, then switch the writer back in a planned switchover (no data loss) during low traffic, following your \(datastore.engine ?? "engine")'s runbook"))
            }
        }
        rollback.append(DrillInstruction("end the fault early if needed (the experiments end on their own after \(faultDuration)), wait until every region's health check is green and traffic returns",
                                         commands: experiments.map { Self.stopCommand(region: $0.region) }))
        if blueprint.traffic?.routingControl == .arc, !outage.regions.isEmpty {
            // An Off control keeps the region out whatever its health checks say: traffic returns only when it is On again.
            let regions = outage.regions.sorted()
            rollback.append(DrillInstruction("once \(regions.joined(separator: ", ")) \(regions.count == 1 ? "is" : "are") healthy, turn \(regions.count == 1 ? "its" : "their") ARC routing control\(regions.count == 1 ? "" : "s") On again",
                                             commands: regions.map { Self.arcState(control: $0, "On") }))
        }
        for (outcome, change) in changes {
            guard case .crossRegion(let name, let region) = change, let datastore = blueprint.datastore(outcome.datastore),
                  Self.controlsWriter(datastore, in: blueprint) else { continue }
            rollback.append(DrillInstruction("after the switchover back: " + Self.arcWriterMove(name, from: region, to: datastore.primary).text,
                                             commands: Self.arcWriterMove(name, from: region, to: datastore.primary).commands))
        }
        rollback.append(DrillInstruction("meridian compile --check is clean: the committed output is the normal one again"))
        self.rollback = rollback
    }

    /// Why the design does not survive this outage, from the same simulation the plan times.
    static func verdict(_ simulation: Simulation, unbounded: [String]) -> [String] {
        var reasons: [String] = []
        for outcome in simulation.services where !outcome.served {
            reasons.append("\(outcome.service) in \(outcome.residencyZone) is not served: \(outcome.why)")
        }
        reasons += unbounded
        for outcome in simulation.services where outcome.served && !outcome.withinObjective {
            for result in outcome.recovery where result.unbounded == nil {
                if let objective = outcome.rtoObjective?[result.event.disruption], result.total > objective {
                    reasons.append("\(outcome.service) in \(outcome.residencyZone): RTO \(result.total) after the \(result.event.label) exceeds the objective \(objective)")
                }
            }
        }
        for datastore in simulation.datastores where !datastore.withinObjective {
            let loss = datastore.dataAtRisk.map { "up to \($0) of writes lost" } ?? "no copy survives"
            reasons.append("\(datastore.datastore): \(loss), against the RPO objective \(datastore.rpoObjective.map(\.description) ?? "-")")
        }
        return reasons
    }

    /// Planned recovery plus a margin to watch the recovered state: half of it, at least 10 minutes,
    /// rounded up to whole minutes and capped at FIS's 12-hour limit for an action
    /// (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html).
    public static func faultDuration(covering recovery: Duration) -> Duration {
        let margin = max(Duration.minutes(10), Duration(milliseconds: recovery.milliseconds / 2))
        let total = recovery + margin
        let minutes = (total.milliseconds + 59_999) / 60_000
        return .minutes(min(minutes, 12 * 60))
    }

    /// ISO 8601, as FIS takes it: `PT15M`, `PT1H5M`.
    public static func iso8601(_ duration: Duration) -> String {
        let minutes = duration.milliseconds / 60_000
        let hours = minutes / 60, rest = minutes % 60
        return "PT" + (hours > 0 ? "\(hours)H" : "") + (rest > 0 || hours == 0 ? "\(rest)M" : "")
    }

    // MARK: Writer changes

    /// How a datastore's writer changes in this outage, as the drill acts on it.
    public enum WriterChange: Sendable, Hashable {
        case multiAZ(datastore: String, region: String, zone: String)
        case crossRegion(datastore: String, region: String)
        case inRegion(datastore: String, region: String, zone: String)
        case restore(datastore: String, region: String)
        case resync(datastore: String)
        case lost(datastore: String)
    }

    /// The simulation's verdict for one datastore (`WriterOutcome`, the one computation every view
    /// reads), as the drill acts on it; nil when the writer stays.
    static func writerChange(_ outcome: Simulation.DatastoreOutcome, blueprint: Blueprint, outage: Outage) -> WriterChange? {
        let name = outcome.datastore
        guard let datastore = blueprint.datastore(name) else { return .lost(datastore: name) }
        switch WriterOutcome.resolve(datastore, blueprint: blueprint, outage: outage).mechanism {
        case .unchanged: return nil
        case .multiAZ(let zone): return .multiAZ(datastore: name, region: datastore.primary, zone: zone)
        case .inRegionPromotion(let zone, _): return .inRegion(datastore: name, region: datastore.primary, zone: zone)
        case .crossRegion(let region, _): return .crossRegion(datastore: name, region: region)
        case .restore(let region): return .restore(datastore: name, region: region)
        case .resync: return .resync(datastore: name)
        case .quorumUnreachable, .lost: return .lost(datastore: name)
        }
    }

    // MARK: Steps

    /// What the operator does, or watches, for one term.
    static func instructions(for term: RTOTerm, outage: Outage, changes: [(Simulation.DatastoreOutcome, WriterChange)],
                             blueprint: Blueprint) -> [DrillInstruction] {
        switch term.name {
        case "detect":
            var parts: [DrillInstruction] = []
            if !outage.regions.isEmpty {
                let detail = outage.zones.isEmpty ? " (\(term.detail ?? "interval x threshold"))" : ""
                parts.append(DrillInstruction("watch the Route 53 health checks of \(outage.regions.sorted().joined(separator: ", ")) turn unhealthy\(detail)"))
            }
            if blueprint.traffic?.routingControl == .arc, !outage.regions.isEmpty {
                parts.append(arcFailover(outage.regions.sorted()))
            }
            if !outage.zones.isEmpty {
                // A zone behind a regional load balancer: the ALB still answers, so Route 53's
                // health checks stay green; only the targets in the lost zone fail.
                parts.append(DrillInstruction("watch the load balancer's targets in \(outage.zones.sorted().joined(separator: ", ")) turn unhealthy (\(outage.regions.isEmpty ? term.detail ?? "zone detection" : "zone detection")); Route 53 health checks of that Region stay green, its load balancer still answers from the other zones"))
            }
            return parts
        case "promote":
            let parts = changes.flatMap { outcome, change -> [DrillInstruction] in
                var parts = [promotion(change, outcome: outcome, blueprint: blueprint)]
                if case .crossRegion(let name, let region) = change, let datastore = blueprint.datastore(name),
                   controlsWriter(datastore, in: blueprint) {
                    parts.append(arcWriterMove(name, from: datastore.primary, to: region))
                }
                return parts
            }
            return parts.isEmpty ? [DrillInstruction("promote the datastores (\(term.detail ?? ""))")] : parts
        case "dns":
            return [DrillInstruction("wait for the records to move (\(term.detail ?? "alias TTL")); resolve the service and writer names from each zone's resolvers")]
        case "scale":
            return [DrillInstruction("watch the surviving regions' HPAs scale out: \(term.detail ?? "")")]
        case "resync":
            return [DrillInstruction("remove the lost region's sync replica from the synchronous set so commits resume (\(term.detail ?? ""))")]
        case "reconnect":
            return [DrillInstruction("clients re-resolve and reconnect; error rates return to baseline")]
        default:
            return [DrillInstruction(term.detail ?? term.name)]
        }
    }

    /// With `traffic.routingControl: arc`: the decision to take the lost regions out is one call
    /// per region to ARC's data plane (docs/terraform.md, "Route 53 ARC routing controls"). Turning
    /// a region Off is enough: the survivors' controls are On in steady state, and the safety rule
    /// refuses a change that would leave a residency zone with none.
    static func arcFailover(_ regions: [String]) -> DrillInstruction {
        DrillInstruction("decide the failover through ARC's data plane, not a Route 53 edit: turn the routing control of \(regions.joined(separator: ", ")) Off; Route 53 then answers with the surviving regions whatever the lost region's endpoint check says",
                         commands: regions.map { arcState(control: $0, "Off") })
    }

    /// One routing control set through ARC's data plane. `control` is its name in
    /// `terraform output -json arc_routing_controls`: a region, or `<datastore>-writer-<region>`.
    static func arcState(control: String, _ state: String) -> AWSCommand {
        let endpoint = AWSCommand.Value.variable("ARC_ENDPOINT_URL", "the us-west-2 URL in terraform output arc_cluster_endpoints; when it fails, another endpoint with its own --region")
        return AWSCommand("route53-recovery-cluster", "update-routing-control-state", region: "us-west-2", [
            .value("--endpoint-url", endpoint),
            .value("--routing-control-arn", .variable("ARC_\(AWSCommand.variablePrefix(control))_ARN", "\"\(control)\" in terraform output -json arc_routing_controls")),
            .value("--routing-control-state", .literal(state)),
        ])
    }

    /// A writer a person moves gets a pair of ARC routing controls on its writer record (the
    /// generated `arc.tf`: `manual` writer routing, a replica to promote in another region). The
    /// safety rule keeps at least one On, so the new side goes On before the old side goes Off.
    static func controlsWriter(_ datastore: Datastore, in blueprint: Blueprint) -> Bool {
        guard blueprint.traffic?.routingControl == .arc, case .manual = datastore.failover.writer else { return false }
        return true
    }

    static func arcWriterMove(_ datastore: String, from old: String, to new: String) -> DrillInstruction {
        DrillInstruction("move \(datastore)'s writer record through ARC: its \(new) control On, then its \(old) control Off (the safety rule keeps one On)",
                         commands: [arcState(control: "\(datastore)-writer-\(new)", "On"), arcState(control: "\(datastore)-writer-\(old)", "Off")])
    }

    /// One datastore's part of the promote step, with the engine table's commands.
    static func promotion(_ change: WriterChange, outcome: Simulation.DatastoreOutcome, blueprint: Blueprint) -> DrillInstruction {
        let datastore = blueprint.datastore(outcome.datastore)
        let engine = FailoverEngine.named(datastore?.engine)
        let generic = "follow your documented \(datastore?.engine ?? "engine") runbook"
        switch change {
        case .multiAZ(let name, _, let zone):
            let how = engine.map { "\($0.zoneFailover)" } ?? "the engine's own failover (\(generic))"
            let forced = engine?.zoneFault.map { " (the FIS experiment forces it: \($0.actionId))" } ?? ""
            return DrillInstruction("\(name): the writer moves to \(zone), \(how)\(forced); watch the engine's events")
        case .crossRegion(let name, let region):
            guard let engine else {
                return DrillInstruction("\(name): make the copy in \(region) the writer: \(generic) (Meridian prints no command for an engine outside docs/failover.md)")
            }
            let failover = engine.regionFailover(datastore: name, to: region)
            return DrillInstruction(failover.action, commands: failover.commands)
        case .inRegion(let name, let region, let zone):
            guard let engine else {
                return DrillInstruction("\(name): make the in-region replica in \(zone) the writer: \(generic)")
            }
            let promotion = engine.inRegionPromotion(datastore: name, region: region, zone: zone)
            return DrillInstruction(promotion.action, commands: promotion.commands)
        case .restore(let name, let region):
            if let engine, let datastore, let command = engine.restore(datastore: name, engine: datastore.engine ?? "", in: region) {
                return DrillInstruction("\(name): restore the latest backup into a new \(datastore.engine ?? "") database in \(region), then point the writer name at it (\(outcome.how))", commands: [command])
            }
            return DrillInstruction("\(name): restore the latest backup in \(region) (\(outcome.how)): \(generic)")
        case .resync(let name):
            return DrillInstruction("\(name): \(outcome.how)")
        case .lost(let name):
            return DrillInstruction("\(name): no copy can take over (\(outcome.how)): writes stay down until the lost region returns")
        }
    }

    // MARK: Fault injection

    static func experiments(_ outage: Outage, changes: [WriterChange], blueprint: Blueprint) -> [RegionExperiment] {
        var experiments: [RegionExperiment] = []
        for region in blueprint.regions.sorted(by: { $0.name < $1.name }) {
            let lost = outage.regions.contains(region.name)
            let zones = lost ? region.zones : region.zones.filter { outage.zones.contains($0) }
            guard !zones.isEmpty else { continue }
            var failovers: [InjectedFailover] = []
            if !lost {
                for change in changes {
                    let name: String, writerRegion: String
                    switch change {
                    case .multiAZ(let datastore, let region, _): (name, writerRegion) = (datastore, region)
                    // An in-region replica the engine itself fails over to (Aurora, Multi-AZ DB
                    // cluster, ElastiCache); an RDS instance's read replica is promoted by command.
                    case .inRegion(let datastore, let region, _)
                        where FailoverEngine.named(blueprint.datastore(datastore)?.engine) != .rdsMultiAZInstance:
                        (name, writerRegion) = (datastore, region)
                    default: continue
                    }
                    guard writerRegion == region.name, let datastore = blueprint.datastore(name),
                          let fault = FailoverEngine.named(datastore.engine)?.zoneFault else { continue }
                    // The zone that held the writer: the primary's, the region's first (docs/recovery-model.md).
                    failovers.append(InjectedFailover(datastore: name, zone: zones.first { $0 == region.zones.first } ?? zones[0], fault: fault))
                }
            }
            experiments.append(RegionExperiment(region: region.name, zones: zones, regionLost: lost, failovers: failovers))
        }
        return experiments
    }

    /// The CreateExperimentTemplate request of one Region's experiment, and what is missing before
    /// it can be created: the IAM role FIS assumes and the stop-condition alarm in that Region,
    /// which only the account knows. Meridian writes no placeholder in their place.
    public func fisRequest(_ experiment: RegionExperiment, roleArn: String?, stopAlarmArn: String?) -> (request: [String: Any], missing: [String]) {
        var targets: [String: Any] = [:]
        var actions: [String: Any] = [:]
        let duration = Self.iso8601(faultDuration)
        // Bound to the Region twice: created there (FIS acts where the experiment runs), and
        // filtered to its zones, so a template created in the wrong Region matches no subnet.
        targets["subnets"] = [
            "resourceType": "aws:ec2:subnet",
            "resourceTags": ["meridian.dev/blueprint": blueprint],
            "filters": [["path": "AvailabilityZone", "values": experiment.zones]],
            "selectionMode": "ALL",
        ] as [String: Any]
        actions["disrupt-subnets"] = [
            "actionId": "aws:network:disrupt-connectivity",
            "description": "cut all traffic of \(experiment.regionLost ? experiment.region : experiment.zones.joined(separator: ", "))'s subnets for the drill",
            "parameters": ["duration": duration, "scope": "all"],
            "targets": ["Subnets": "subnets"],
        ] as [String: Any]
        for failover in experiment.failovers {
            var target: [String: Any] = [
                "resourceType": failover.fault.resourceType,
                "resourceTags": ["meridian.dev/datastore": failover.datastore],
                "selectionMode": "ALL",
            ]
            if failover.fault.targetsZone { target["parameters"] = ["availabilityZoneIdentifier": failover.zone] }
            targets["datastore-\(failover.datastore)"] = target
            var parameters = failover.fault.parameters
            if failover.fault.takesDuration { parameters["duration"] = duration }
            actions["failover-\(failover.datastore)"] = [
                "actionId": failover.fault.actionId,
                "description": "force \(failover.datastore)'s zone failover out of \(failover.zone), as the plan times it",
                "parameters": parameters,
                "targets": [failover.fault.targetKey: "datastore-\(failover.datastore)"],
            ] as [String: Any]
        }
        var request: [String: Any] = [
            "description": "Meridian drill of \(blueprint): outage of \(outage.label), part in \(experiment.region)",
            "targets": targets,
            "actions": actions,
            "tags": ["meridian.dev/blueprint": blueprint, "meridian.dev/drill": outage.label, "meridian.dev/region": experiment.region],
        ]
        var missing: [String] = []
        if let roleArn { request["roleArn"] = roleArn } else { missing.append("--fis-role-arn") }
        if let stopAlarmArn {
            request["stopConditions"] = [["source": "aws:cloudwatch:alarm", "value": stopAlarmArn]]
        } else {
            missing.append("--stop-alarm-arn for a CloudWatch alarm in \(experiment.region)")
        }
        return (request, missing)
    }

    /// Creates one Region's experiment template, in that Region, from its request saved as `fis-<region>.json`.
    public static func createCommand(region: String) -> AWSCommand {
        AWSCommand("fis", "create-experiment-template", region: region, [.value("--cli-input-json", .literal("file://fis-\(region).json"))])
    }

    public static func startCommand(region: String) -> AWSCommand {
        AWSCommand("fis", "start-experiment", region: region, [
            .value("--experiment-template-id", .variable("FIS_TEMPLATE_\(AWSCommand.variablePrefix(region))", "the id create-experiment-template returned in \(region)")),
        ])
    }

    public static func stopCommand(region: String) -> AWSCommand {
        AWSCommand("fis", "stop-experiment", region: region, [
            .value("--id", .variable("FIS_EXPERIMENT_\(AWSCommand.variablePrefix(region))", "the id start-experiment returned in \(region)")),
        ])
    }

    /// Every command the plan prints, in order.
    public var commands: [AWSCommand] {
        experiments.flatMap { [Self.createCommand(region: $0.region), Self.startCommand(region: $0.region)] }
            + steps.flatMap(\.commands) + untimed.flatMap(\.commands) + rollback.flatMap(\.commands)
    }

    /// The shell variables the commands read, each once, with what it must hold.
    public var variables: [(name: String, meaning: String)] {
        var seen: Set<String> = []
        return commands.flatMap(\.variables).filter { seen.insert($0.name).inserted }
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
