import BlueprintModel
import Diagnostics

/// A check that was not made, and the refused value that blocked it. Shown once by lint (a
/// located note), and as a withheld row by explain, simulate and drill plan.
public struct WithheldCheck: Sendable, Hashable {
    /// `availability of web in eu`, `RTO of web in eu after region failure of eu-west-1`.
    public var subject: String
    public var cause: RejectedValue

    public var message: String { "\(subject) not checked: \(cause.description)" }
}

/// Why one row of the explanation carries no verdict.
public struct Withholding: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// The figure reads a refused value: it was computed from a default and is not shown.
        case figure
        /// The figure stands; only the objective it is judged against was refused.
        case verdict
    }

    public var kind: Kind
    public var cause: RejectedValue
}

/// What each figure of the recovery model reads from the blueprint, in one place: lint, explain,
/// simulate, drill plan and diff withhold exactly the figures and verdicts that read a refused
/// value, and compute everything else. docs/recovery-model.md, "What each figure depends on",
/// is this table in prose.
public struct FigureDependencies: Sendable {
    /// The blueprint as written (overrides, stated keys) and the refused values.
    public let whole: Blueprint
    public let rejected: RejectedParts

    /// Datastore name to the services that use it, built once: an RPO verdict reads their objectives.
    let users: [String: [String]]

    public init(whole: Blueprint, rejected: RejectedParts) {
        self.whole = whole
        self.rejected = rejected
        var users: [String: [String]] = [:]
        for service in whole.services {
            for name in Set(service.uses) { users[name, default: []].append(service.name) }
        }
        self.users = users
    }

    // MARK: The table

    /// Inputs of the detection term of routing failover (Route53 health checks), which a region
    /// failure's `detect` and an automatic `resync` use.
    static let healthCheckInputs = ["traffic.healthCheck.interval", "traffic.healthCheck.failureThreshold"]
    static let availabilityInputs = ["assumptions.zoneAvailability", "assumptions.regionAvailability"]

    /// The inputs one RTO term reads, by the term's name and what it says it used.
    static func inputs(of term: RTOTerm) -> [String] {
        let detail = term.detail ?? ""
        var inputs: [String]
        switch term.name {
        case "detect": inputs = detail == "zone detection" ? ["assumptions.zoneDetection"] : healthCheckInputs
        case "promote": inputs = []
        case "dns": inputs = ["traffic.ttl"]
        case "scale": inputs = term.duration > .zero ? ["assumptions.scaleReaction", "assumptions.podStartup"] : []
        case "resync": inputs = detail.hasSuffix(", manual") ? [] : healthCheckInputs
        case "reconnect": inputs = ["assumptions.connectionRefresh"]
        // A term this table does not know yet reads, to be safe, every timing input.
        default: inputs = healthCheckInputs + ["traffic.ttl", "assumptions"]
        }
        if detail.contains("manual") { inputs.append("assumptions.manualResponse") }
        if detail.contains("TTL") { inputs.append("traffic.ttl") }
        return inputs
    }

    // MARK: Causes

    func firstRejected(_ paths: [String]) -> RejectedValue? {
        for path in paths { if let value = rejected.value(at: path) { return value } }
        return nil
    }

    /// Why datastore `name` is not (wholly) in the model: a refused value of its own, or of a
    /// region or residency zone it names.
    func datastoreCause(_ name: String, sound: Blueprint) -> RejectedValue? {
        if let own = rejected.values(of: "datastores.\(name)").first { return own }
        guard whole.datastore(name) != nil, sound.datastore(name) == nil else { return nil }
        return dependencyCause(of: "datastores.\(name)")
    }

    /// For a part left out only because something it names was: the first refused region or
    /// residency zone (the order they are reported in).
    func dependencyCause(of path: String) -> RejectedValue {
        let names = whole.residency.map { "residency.\($0.name)" } + whole.regions.map { "regions.\($0.name)" }
            + whole.datastores.map { "datastores.\($0.name)" }
        for name in names where name != path {
            if let value = rejected.values(of: name).first { return value }
        }
        return firstRejected(["residency", "regions", "datastores", "traffic.within", "traffic"])
            ?? RejectedValue(path: path, reason: "depends on a part with errors")
    }

    /// The refused objective a verdict of `service` would be judged against, if any: its own
    /// override when it states (or tried to state) one, else the blueprint's.
    func objectiveCause(service: String, _ key: String, _ disruption: Disruption? = nil) -> RejectedValue? {
        let leaf = disruption.map { "\(key).\($0.rawValue)" } ?? key
        if let own = rejected.value(at: "services.\(service).objectives.\(leaf)") { return own }
        let stated = whole.service(service).map { objectivesStated($0.objectives, key) } ?? false
        if stated || rejected.value(at: "services.\(service).objectives.\(key)") != nil { return nil }
        return rejected.value(at: "objectives.\(leaf)")
    }

    func objectivesStated(_ objectives: Objectives, _ key: String) -> Bool {
        switch key {
        case "availability": objectives.availability != nil
        case "rto": objectives.rto != nil
        default: objectives.rpo != nil
        }
    }

    func datastoreCauses(of service: String, sound: Blueprint) -> RejectedValue? {
        for name in whole.service(service)?.uses ?? [] {
            if let cause = datastoreCause(name, sound: sound) { return cause }
        }
        return nil
    }

    // MARK: Rows

    func availability(_ row: Explanation.AvailabilityRow, sound: Blueprint) -> Withholding? {
        if let cause = firstRejected(Self.availabilityInputs) ?? datastoreCauses(of: row.service, sound: sound) {
            return Withholding(kind: .figure, cause: cause)
        }
        return objectiveCause(service: row.service, "availability").map { Withholding(kind: .verdict, cause: $0) }
    }

    func rto(_ row: Explanation.RTORow, sound: Blueprint) -> Withholding? {
        let inputs = row.result.terms.flatMap(Self.inputs(of:))
        if let cause = firstRejected(inputs) ?? datastoreCauses(of: row.result.service, sound: sound) {
            return Withholding(kind: .figure, cause: cause)
        }
        return objectiveCause(service: row.result.service, "rto", row.result.event.disruption).map { Withholding(kind: .verdict, cause: $0) }
    }

    func rpo(_ row: Explanation.RPORow, sound: Blueprint) -> Withholding? {
        let name = row.result.datastore
        var cause = datastoreCause(name, sound: sound)
        // An async replica without its own `lag` has assumptions.replicationLag.
        if cause == nil, let datastore = whole.datastore(name) {
            let defaulted = datastore.replicas.indices.contains { index in
                datastore.replicas[index].mode == .async && whole.sourceMap.marks["datastores.\(name).replicas[\(index)].lag"] == nil
            }
            if defaulted { cause = rejected.value(at: "assumptions.replicationLag") }
        }
        if let cause { return Withholding(kind: .figure, cause: cause) }
        // Judged against the strictest objective of the services that use it: any of theirs
        // refused, or a user left out of the model (its objective would be missing from the min).
        for service in users[name] ?? [] {
            if let cause = objectiveCause(service: service, "rpo", row.result.disruption) {
                return Withholding(kind: .verdict, cause: cause)
            }
            if sound.service(service) == nil {
                let cause = rejected.values(of: "services.\(service)").first ?? dependencyCause(of: "services.\(service)")
                return Withholding(kind: .verdict, cause: cause)
            }
        }
        return nil
    }

    // MARK: Applying it

    /// `explanation` (computed from `sound`, the part of `whole` the model could be built
    /// from) with every row that reads a refused value marked, and every check that did not run
    /// listed once in `withheld`.
    public func apply(to explanation: Explanation, sound: Blueprint) -> Explanation {
        // Nothing refused and nothing left out: no row can read a refused value (every cause
        // below is a refused value or a part missing from `sound`). The common case, and the
        // one lint, optimize and fleets hit thousands of times.
        if rejected.isEmpty, whole.services.count == sound.services.count, whole.datastores.count == sound.datastores.count,
           whole.regions.count == sound.regions.count, whole.residency.count == sound.residency.count,
           zip(whole.datastores, sound.datastores).allSatisfy({ $0.replicas.count == $1.replicas.count
               && $0.backups?.regions.count == $1.backups?.regions.count }) {
            return explanation
        }
        var result = explanation
        var checks: [WithheldCheck] = []
        // Services and datastores left out of the model: every check about them.
        for service in whole.services where sound.service(service.name) == nil {
            let cause = rejected.values(of: "services.\(service.name)").first ?? dependencyCause(of: "services.\(service.name)")
            checks.append(WithheldCheck(subject: "service \(service.name) (capacity, availability, RTO)", cause: cause))
        }
        for datastore in whole.datastores where sound.datastore(datastore.name) == nil {
            let cause = datastoreCause(datastore.name, sound: sound) ?? dependencyCause(of: "datastores.\(datastore.name)")
            checks.append(WithheldCheck(subject: "datastore \(datastore.name) (placement, residency, RPO)", cause: cause))
        }
        for index in result.availability.indices {
            let row = result.availability[index]
            guard let withholding = availability(row, sound: sound) else { continue }
            result.availability[index].withheld = withholding
            if row.objective != nil || withholding.kind == .verdict {
                checks.append(WithheldCheck(subject: "availability of \(row.service) in \(row.residencyZone)", cause: withholding.cause))
            }
        }
        // One note per service, zone, disruption and cause, naming every event it covers.
        var rtoGroups: [(key: String, events: [String], cause: RejectedValue, head: String)] = []
        for index in result.rto.indices {
            let row = result.rto[index]
            guard let withholding = rto(row, sound: sound) else { continue }
            result.rto[index].withheld = withholding
            guard row.objective != nil || withholding.kind == .verdict else { continue }
            let result = row.result
            let key = "\(result.service)\u{0}\(result.residencyZone)\u{0}\(result.event.disruption)\u{0}\(withholding.cause.path)"
            if let at = rtoGroups.firstIndex(where: { $0.key == key }) {
                rtoGroups[at].events.append(result.event.label)
            } else {
                rtoGroups.append((key, [result.event.label], withholding.cause, "RTO of \(result.service) in \(result.residencyZone) after"))
            }
        }
        checks += rtoGroups.map { WithheldCheck(subject: "\($0.head) \($0.events.joined(separator: ", "))", cause: $0.cause) }
        var rpoGroups: [(key: String, disruptions: [String], cause: RejectedValue, datastore: String)] = []
        for index in result.rpo.indices {
            let row = result.rpo[index]
            guard let withholding = rpo(row, sound: sound) else { continue }
            result.rpo[index].withheld = withholding
            guard row.objective != nil || withholding.kind == .verdict else { continue }
            let key = "\(row.result.datastore)\u{0}\(withholding.cause.path)"
            let what = "a \(row.result.disruption.rawValue) failure"
            if let at = rpoGroups.firstIndex(where: { $0.key == key }) {
                rpoGroups[at].disruptions.append(what)
            } else {
                rpoGroups.append((key, [what], withholding.cause, row.result.datastore))
            }
        }
        checks += rpoGroups.map {
            WithheldCheck(subject: "RPO of \($0.datastore) after \($0.disruptions.joined(separator: " and "))", cause: $0.cause)
        }
        result.withheld = checks
        return result
    }
}
