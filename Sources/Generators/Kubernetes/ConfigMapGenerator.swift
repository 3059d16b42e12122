import BlueprintModel
import BlueprintYAML

/// v1 ConfigMap: where the pod runs, the literal env, and failover-safe datastore names.
enum ConfigMapGenerator {
    /// Key/value pairs sorted by key: the order is irrelevant to Kubernetes and must not churn diffs.
    static func data(_ w: WorkloadContext) -> [(String, String)] {
        var data: [String: String] = [
            "REGION": w.placement.region,
            "RESIDENCY_ZONE": w.placement.residencyZone,
        ]
        for variable in w.service.env {
            if case .literal(let text) = variable.value { data[variable.name] = text }
        }
        for datastore in w.datastores {
            let prefix = EndpointNames.environmentPrefix(datastore.name)
            data["\(prefix)_WRITER_HOST"] = EndpointNames.writer(datastore, region: w.placement.region, domain: w.inputs.dnsDomain)
            data["\(prefix)_READER_HOST"] = EndpointNames.reader(datastore.name, region: w.placement.region, domain: w.inputs.dnsDomain)
        }
        return data.sorted { $0.key < $1.key }
    }

    static func make(_ w: WorkloadContext, data: [(String, String)]) -> YAMLValue {
        .mapping([
            ("apiVersion", .string("v1")),
            ("kind", .string("ConfigMap")),
            ("metadata", w.metadata(name: w.configMapName)),
            ("data", .mapping(data.map { ($0.0, .string($0.1)) })),
        ])
    }
}
