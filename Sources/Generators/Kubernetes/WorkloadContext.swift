import BlueprintModel
import BlueprintYAML
import Resilience

/// Everything a per-service resource needs: the service, where it runs, how it is sized.
struct WorkloadContext {
    let blueprint: Blueprint
    let topology: Topology
    let service: Service
    let placement: Placement

    var name: String { service.name }
    var namespace: String { blueprint.namespace }
    var configMapName: String { "\(service.name)-env" }

    /// Stable across releases: a Deployment's selector cannot change once created.
    var selectorLabels: [(String, YAMLValue)] {
        [("app.kubernetes.io/name", .string(service.name)),
         ("app.kubernetes.io/part-of", .string(blueprint.name))]
    }

    var labels: [(String, YAMLValue)] {
        selectorLabels + [
            ("app.kubernetes.io/managed-by", .string("meridian")),
            ("meridian.dev/region", .string(placement.region)),
            ("meridian.dev/residency-zone", .string(placement.residencyZone)),
            ("meridian.dev/role", .string(placement.role.rawValue)),
        ]
    }

    func metadata(name: String? = nil) -> YAMLValue {
        .mapping([
            ("name", .string(name ?? self.name)),
            ("namespace", .string(namespace)),
            ("labels", .mapping(labels)),
        ])
    }

    var selector: YAMLValue { .mapping([("matchLabels", .mapping(selectorLabels))]) }

    /// D(s, J) for the zone this placement serves.
    var datastores: [Datastore] {
        topology.dependencies(of: service, serving: placement.residencyZone)
    }
}
