import BlueprintModel
import BlueprintYAML
import Diagnostics
import Resilience

/// Per-region manifests: `clusters/<region>/{namespace,<service>,kustomization}.yaml`.
public enum KubernetesGenerator {
    /// Every region's files, regions in `servingRegions` order, generated in parallel.
    public static func files(for topology: Topology) -> [GeneratedFile] {
        let regions = topology.servingRegions
        return Parallel.map(regions.count) { files(forRegion: regions[$0], of: topology) }.flatMap { $0 }
    }

    /// One region's directory: its namespace, one file per service placed there, and the
    /// kustomization listing them.
    public static func files(forRegion region: String, of topology: Topology) -> [GeneratedFile] {
        var all: [GeneratedFile] = []
        files(forRegion: region, of: topology, batch: .max) { all += $0 }
        return all
    }

    /// Hands the region's files to `sink` `batch` at a time (and the rest at the end), so a
    /// 1,000-service region is never held whole while it is written.
    public static func files(forRegion region: String, of topology: Topology, batch: Int, into sink: ([GeneratedFile]) -> Void) {
        let blueprint = topology.blueprint
        let header = GeneratedHeader.lines(blueprint: blueprint.name)
        let placements = topology.placements(inRegion: region)
        let directory = "clusters/\(region)"
        // One buffer for the whole region: each file is written into it and copied out.
        var writer = YAMLWriter(capacity: 1 << 16)
        func file(_ name: String, _ documents: [YAMLValue]) -> GeneratedFile {
            for line in header { writer.comment(line) }
            for document in documents { writer.document(document) }
            return GeneratedFile(path: "\(directory)/\(name)", contents: writer.takeText())
        }

        var files: [GeneratedFile] = []
        files.reserveCapacity(min(batch, placements.count + 2))
        let zone = placements.first?.residencyZone ?? ""
        let ingress = blueprint.traffic.flatMap { traffic in
            IngressGenerator.make(blueprint, traffic: traffic, region: region, residencyZone: zone,
                                  routes: IngressGenerator.routes(traffic, servicesInRegion: Set(placements.map(\.service))))
        }
        let namespace = NamespaceGenerator.make(blueprint, region: region, residencyZone: zone, readinessGate: ingress != nil)
        let denyByDefault = blueprint.networkPolicy == .defaultDeny
        files.append(file("namespace.yaml", [namespace] + (denyByDefault
            ? NetworkPolicyGenerator.namespaceWide(blueprint, labels: NamespaceGenerator.commonLabels(blueprint, region: region, residencyZone: zone))
            : [])))
        var resources = ["namespace.yaml"]
        for placement in placements {
            guard let service = blueprint.service(placement.service) else { continue }
            let workload = WorkloadContext(blueprint: blueprint, topology: topology, service: service, placement: placement)
            let data = ConfigMapGenerator.data(workload)
            var configHash = StableHash()
            for (index, (key, value)) in data.enumerated() {
                if index > 0 { configHash.add("\n") }
                configHash.add(key)
                configHash.add("=")
                configHash.add(value)
            }
            let name = "\(service.name).yaml"
            resources.append(name)
            let networkPolicy = denyByDefault ? NetworkPolicyGenerator.make(workload) : nil
            files.append(file(name, [
                DeploymentGenerator.make(workload, configHash: configHash.hex),
                ServiceGenerator.make(workload),
                PodDisruptionBudgetGenerator.make(workload),
                HorizontalPodAutoscalerGenerator.make(workload),
                ConfigMapGenerator.make(workload, data: data),
            ] + (networkPolicy.map { [$0] } ?? [])))
            if files.count >= batch {
                sink(files)
                files.removeAll(keepingCapacity: true)
            }
        }
        if let ingress {
            files.append(file("ingress.yaml", [ingress]))
            resources.append("ingress.yaml")
        }
        files.append(file("kustomization.yaml", [KustomizationGenerator.make(resources: resources)]))
        sink(files)
    }
}
