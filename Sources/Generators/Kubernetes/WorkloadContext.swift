import BlueprintModel
import BlueprintYAML
import Resilience

/// Everything a per-service resource needs: the service, where it runs, how it is sized.
///
/// The generators of a service's file read these inputs and nothing else (no whole blueprint or
/// topology is in reach), so two equal `Inputs` make byte-identical files: `diff` relies on that
/// to generate only the service files whose inputs changed (`ServiceFile`).
struct WorkloadContext {
    struct Inputs: Sendable, Equatable {
        var blueprintName: String
        var namespace: String
        /// Where the datastores' writer and reader names live (`Blueprint.dnsDomain`).
        var dnsDomain: String
        var assumptions: Assumptions
        /// `networkPolicy: default-deny`: each service gets its own NetworkPolicy back.
        var denyByDefault: Bool
        /// Whether the region's ALB Ingress routes to this service: its pods are then targets of an
        /// ALB target group, registered by IP.
        var isBehindLoadBalancer: Bool
        var service: Service
        var placement: Placement
        /// D(s, J) for the zone this placement serves.
        var datastores: [Datastore]

        init(topology: Topology, service: Service, placement: Placement) {
            // Read through `topology.blueprint` field by field: a `let` of the whole blueprint
            // copied (retained) every field of it, once per service file.
            blueprintName = topology.blueprint.name
            namespace = topology.blueprint.namespace
            dnsDomain = topology.blueprint.dnsDomain
            assumptions = topology.blueprint.assumptions
            denyByDefault = topology.blueprint.networkPolicy == .defaultDeny
            isBehindLoadBalancer = topology.blueprint.traffic?.routes.contains(where: { $0.service == service.name }) == true
            self.service = service
            self.placement = placement
            datastores = topology.dependencies(of: service, serving: placement.residencyZone)
        }
    }

    let inputs: Inputs
    /// Built once and shared by the documents of the file.
    let selectorLabels: [(StaticString, String)]
    let labels: [(StaticString, String)]

    init(_ inputs: Inputs) {
        self.inputs = inputs
        // Stable across releases: a Deployment's selector cannot change once created.
        selectorLabels = [("app.kubernetes.io/name", inputs.service.name),
                          ("app.kubernetes.io/part-of", inputs.blueprintName)]
        labels = selectorLabels + [
            ("app.kubernetes.io/managed-by", "meridian"),
            ("meridian.dev/region", inputs.placement.region),
            ("meridian.dev/residency-zone", inputs.placement.residencyZone),
            ("meridian.dev/role", inputs.placement.role.rawValue),
        ]
    }

    var service: Service { inputs.service }
    var placement: Placement { inputs.placement }
    var datastores: [Datastore] { inputs.datastores }
    var isBehindLoadBalancer: Bool { inputs.isBehindLoadBalancer }
    var name: String { inputs.service.name }
    var namespace: String { inputs.namespace }
    var configMapName: String { "\(inputs.service.name)-env" }

    /// `metadata:` with the name, the namespace and the labels; `annotations` after them when any.
    func metadata(_ y: inout YAMLWriter, name: String? = nil, annotations: [(StaticString, String)] = []) {
        y.mapping("metadata") { y in
            y.field("name", name ?? self.name)
            y.field("namespace", namespace)
            y.mapping("labels", fields: labels)
            if !annotations.isEmpty { y.mapping("annotations", fields: annotations) }
        }
    }

    /// `key:` holding `matchLabels:` with the selector labels.
    func selector(_ y: inout YAMLWriter, key: StaticString = "selector") {
        y.mapping(key) { $0.mapping("matchLabels", fields: selectorLabels) }
    }
}
