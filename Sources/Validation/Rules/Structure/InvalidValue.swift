import BlueprintModel

/// A value of the wrong type or outside its range. The decoder reports types, units and
/// ranges; this rule adds what needs the whole service: a `maxReplicas` pin below its replicas.
public struct InvalidValue: Rule {
    public static let id = "invalid-value"
    public static let summary = "Values must have the expected type, unit and range."
    public static let rationale = """
        Durations, percentages, quantities and counts feed the capacity and objective arithmetic; \
        a value that cannot be read exactly cannot be reasoned about, and an autoscaler ceiling \
        below its floor is rejected by the API server. A service named `namespace`, `ingress` or \
        `kustomization` would share its file with the one every region's folder holds, and one of \
        the two would be lost.
        """
    public static let examples: [RuleExample] = [
        .triggering(("demand: { eu: 1000 }", "demand: { eu: ↓lots }")),
        .triggering(("    perReplica: 100\n", "    perReplica: 100\n    replicas: { eu-west-1: 20 }\n    maxReplicas: { ↓eu-west-1: 16 }\n")),
        .triggering(("    perReplica: 100\n", "    perReplica: 100\n    env: { ↓REGION: eu }\n")),
        .triggering(("    perReplica: 100\n", "    perReplica: 100\n    replicas: { ↓us-east-1: 4 }\n"), ("services:\n", "  us-east-1:\n    zones: [us-east-1a, us-east-1b]\n    cluster: { name: use1, server: \"https://use1.k8s.example\" }\nservices:\n"), ("  eu: [eu-west-1, eu-central-1]\n", "  eu: [eu-west-1, eu-central-1]\n  us: [us-east-1]\n")),
        .triggering(("services:\n  api:", "services:\n  ↓ingress:"), ("api:1.0.0", "ingress:1.0.0")),
        .clean(("demand: { eu: 1000 }", "demand: { eu: 2000 }")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.blueprint.services.flatMap { service in
            reservedName(service) + pinsOutsidePlacement(service, context) + pinsInverted(service, context)
                + Self.reservedEnvironment(service)
        }
    }

    /// The files every region's folder holds besides one `<service>.yaml` per service.
    public static let regionFileStems = ["namespace", "ingress", "kustomization"]

    /// A service named after one of them would share its file: one of the two would be lost, and
    /// the kustomization would list the file twice.
    func reservedName(_ service: Service) -> [Finding] {
        guard Self.regionFileStems.contains(service.name) else { return [] }
        return [Finding(at: "services.\(service.name)",
                        "services.\(service.name): '\(service.name)' is the name of a file every region's folder holds (clusters/<region>/\(service.name).yaml), so the service's manifests would collide with it",
                        fix: "rename the service; \(Self.regionFileStems.joined(separator: ", ")) are taken")]
    }

    /// A pin for a region the service does not run in would be silently ignored.
    func pinsOutsidePlacement(_ service: Service, _ context: ValidationContext) -> [Finding] {
        [("replicas", service.replicaPins), ("maxReplicas", service.maxReplicaPins)].flatMap { key, pins in
            pins.keys.sorted().compactMap { region -> Finding? in
                guard context.blueprint.region(region) != nil, context.topology.placement(service: service.name, region: region) == nil else { return nil }
                return Finding(at: "services.\(service.name).\(key).\(region)",
                               "services.\(service.name).\(key).\(region): \(service.name) does not run in \(region) (it serves \(service.servedZones.joined(separator: ", ")))",
                               fix: "remove the pin, or give \(service.name) demand in the residency zone of \(region)")
            }
        }
    }

    func pinsInverted(_ service: Service, _ context: ValidationContext) -> [Finding] {
        service.maxReplicaPins.keys.sorted().compactMap { region -> Finding? in
            guard let ceiling = service.maxReplicaPins[region],
                  let floor = service.replicaPins[region] ?? context.topology.placement(service: service.name, region: region)?.sizing.replicas,
                  ceiling < floor else { return nil }
            return Finding(at: "services.\(service.name).maxReplicas.\(region)",
                           "services.\(service.name).maxReplicas.\(region): \(ceiling) is below the \(floor) replicas it runs with",
                           fix: "raise maxReplicas to at least \(floor)")
        }
    }

    /// Variables the ConfigMap generates per region must not be overridden by literal env.
    /// From the service's env alone (`Validator.findingsOnManifestFields`).
    static func reservedEnvironment(_ service: Service) -> [Finding] {
        service.env.compactMap { variable -> Finding? in
            let name = variable.name
            let reserved = name == "REGION" || name == "RESIDENCY_ZONE" || name.hasSuffix("_WRITER_HOST") || name.hasSuffix("_READER_HOST")
            guard reserved else { return nil }
            return Finding(at: "services.\(service.name).env.\(name)",
                           "services.\(service.name).env.\(name): \(name) is generated per region and cannot be set",
                           fix: "rename the variable; REGION, RESIDENCY_ZONE and *_WRITER_HOST/*_READER_HOST are Meridian's")
        }
    }
}
