import BlueprintModel
import BlueprintYAML

/// v1 ConfigMap: where the pod runs, the literal env, and failover-safe datastore names.
enum ConfigMapGenerator {
    /// Key/value pairs sorted by key: the order is irrelevant to Kubernetes and must not churn diffs.
    /// A later pair replaces an earlier one with the same key (an env var named `REGION` wins).
    static func data(_ w: WorkloadContext) -> [(String, String)] {
        var pairs: [(key: String, value: String)] = [
            ("REGION", w.placement.region),
            ("RESIDENCY_ZONE", w.placement.residencyZone),
        ]
        pairs.reserveCapacity(2 + w.service.env.count + 2 * w.datastores.count)
        for variable in w.service.env {
            if case .literal(let text) = variable.value { pairs.append((variable.name, text)) }
        }
        for datastore in w.datastores {
            let prefix = EndpointNames.environmentPrefix(datastore.name)
            pairs.append((prefix + "_WRITER_HOST", EndpointNames.writer(datastore, region: w.placement.region, domain: w.inputs.dnsDomain)))
            pairs.append((prefix + "_READER_HOST", EndpointNames.reader(datastore.name, region: w.placement.region, domain: w.inputs.dnsDomain)))
        }
        // A dozen pairs: sorted in place (by key, then by position) and the last of each key kept,
        // rather than hashed into a dictionary first.
        var order = Array(pairs.indices)
        order.sort { pairs[$0].key != pairs[$1].key ? pairs[$0].key < pairs[$1].key : $0 < $1 }
        var sorted: [(String, String)] = []
        sorted.reserveCapacity(order.count)
        for (position, index) in order.enumerated() where position + 1 == order.count || pairs[order[position + 1]].key != pairs[index].key {
            sorted.append(pairs[index])
        }
        return sorted
    }

    static func write(_ w: WorkloadContext, data: [(String, String)], into y: inout YAMLWriter) {
        y.mapping { y in
            y.field("apiVersion", "v1")
            y.field("kind", "ConfigMap")
            w.metadata(&y, name: w.configMapName)
            y.mapping("data") { y in
                for (key, value) in data {
                    y.dynamicKey(key)
                    y.string(value)
                }
            }
        }
    }
}
