import BlueprintModel

/// A name that refers to a region, residency zone, availability zone, service or datastore
/// the blueprint never declares.
public struct UndefinedReference: Rule {
    public static let id = "undefined-reference"
    public static let summary = "Every referenced region, residency zone and datastore must be declared."
    public static let rationale = """
        A typo in `uses`, `primary` or a demand key would otherwise drop a dependency, a replica \
        or a whole market from the topology without a word, and the math would prove the wrong system.
        """
    public static let examples: [RuleExample] = [
        .triggering(("uses: [orders]", "uses: [↓order]")),
        .triggering(("demand: { eu: 1000 }", "demand: { eu: 1000, ↓us: 10 }")),
        .clean(),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        let blueprint = context.blueprint
        let regions = Set(blueprint.regions.map(\.name))
        let zones = Set(blueprint.residency.map(\.name))
        let datastores = Set(blueprint.datastores.map(\.name))
        // A section the decoder refused whole (too many entries, not a mapping, missing)
        // declares nothing; its own error is the cause, not every reference into it.
        let skipped = [
            "region": blueprint.rejected.rejectsWhole("regions"), "residency zone": blueprint.rejected.rejectsWhole("residency"),
            "datastore": blueprint.rejected.rejectsWhole("datastores"),
        ]
        var findings: [Finding] = []

        func expect(_ name: String, in names: Set<String>, what: String, at path: String) {
            // An empty name stands for a value the decoder rejected (a missing `primary:`); that
            // error is the cause and is reported already.
            guard !name.isEmpty, !names.contains(name), skipped[what] != true else { return }
            // Only shown findings get a suggestion: past the cap, thousands of undeclared names
            // compared with thousands of declared ones would cost more than the whole lint.
            let shown = findings.count < Limits.findingsPerRule
            let guess = shown ? Suggestion.closest(to: name, among: names.sorted()) : nil
            findings.append(Finding(at: path, "\(what) '\(name)' is not declared",
                                    fix: guess.map { "did you mean '\($0)'?" }))
        }

        for zone in blueprint.residency {
            for (index, region) in zone.regions.enumerated() {
                expect(region, in: regions, what: "region", at: "residency.\(zone.name)[\(index)]")
            }
        }
        for service in blueprint.services {
            let base = "services.\(service.name)"
            for entry in service.demand {
                expect(entry.zone, in: zones, what: "residency zone", at: "\(base).demand.\(entry.zone)")
            }
            for (index, name) in service.uses.enumerated() {
                expect(name, in: datastores, what: "datastore", at: "\(base).uses[\(index)]")
            }
            for region in service.replicaPins.keys.sorted() {
                expect(region, in: regions, what: "region", at: "\(base).replicas.\(region)")
            }
            for region in service.maxReplicaPins.keys.sorted() {
                expect(region, in: regions, what: "region", at: "\(base).maxReplicas.\(region)")
            }
        }
        let services = Set(blueprint.services.map(\.name))
        for route in blueprint.traffic?.routes ?? [] {
            expect(route.service, in: services, what: "service", at: "traffic.routes.\(route.path)")
        }
        for datastore in blueprint.datastores {
            let base = "datastores.\(datastore.name)"
            if let residency = datastore.residency {
                expect(residency, in: zones, what: "residency zone", at: "\(base).residency")
            }
            expect(datastore.primary, in: regions, what: "region", at: "\(base).primary")
            for (index, replica) in datastore.replicas.enumerated() {
                expect(replica.region, in: regions, what: "region", at: "\(base).replicas[\(index)].region")
            }
            for (index, region) in (datastore.backups?.regions ?? []).enumerated() {
                expect(region, in: regions, what: "region", at: "\(base).backups.regions[\(index)]")
            }
        }
        return findings
    }
}
