import BlueprintModel
import BlueprintYAML
import Resilience

/// Everything a per-service resource needs: the service, where it runs, how it is sized.
struct WorkloadContext {
    let blueprint: Blueprint
    let topology: Topology
    let service: Service
    let placement: Placement
    /// Built once and shared by the five documents (the values are copy-on-write).
    let selectorLabels: [(String, YAMLValue)]
    let labels: [(String, YAMLValue)]

    init(blueprint: Blueprint, topology: Topology, service: Service, placement: Placement) {
        self.blueprint = blueprint
        self.topology = topology
        self.service = service
        self.placement = placement
        // Stable across releases: a Deployment's selector cannot change once created.
        selectorLabels = [("app.kubernetes.io/name", .string(service.name)),
                          ("app.kubernetes.io/part-of", .string(blueprint.name))]
        labels = selectorLabels + [
            ("app.kubernetes.io/managed-by", .string("meridian")),
            ("meridian.dev/region", .string(placement.region)),
            ("meridian.dev/residency-zone", .string(placement.residencyZone)),
            ("meridian.dev/role", .string(placement.role.rawValue)),
        ]
    }

    var name: String { service.name }
    var namespace: String { blueprint.namespace }
    var configMapName: String { "\(service.name)-env" }

    func metadata(name: String? = nil) -> YAMLValue {
        .mapping([
            ("name", .string(name ?? self.name)),
            ("namespace", .string(namespace)),
            ("labels", .mapping(labels)),
        ])
    }

    /// Whether the region's ALB Ingress routes to this service: its pods are then targets of an
    /// ALB target group, registered by IP.
    var isBehindLoadBalancer: Bool {
        blueprint.traffic?.routes.contains(where: { $0.service == name }) == true
    }

    var selector: YAMLValue { .mapping([("matchLabels", .mapping(selectorLabels))]) }

    /// D(s, J) for the zone this placement serves.
    var datastores: [Datastore] {
        topology.dependencies(of: service, serving: placement.residencyZone)
    }
}
