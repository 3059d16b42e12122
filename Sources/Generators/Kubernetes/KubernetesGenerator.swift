import BlueprintModel
import BlueprintYAML
import Resilience

/// Per-region manifests: `clusters/<region>/{namespace,<service>,kustomization}.yaml`.
public enum KubernetesGenerator {
    public static func files(for topology: Topology) -> [GeneratedFile] {
        let blueprint = topology.blueprint
        let header = GeneratedHeader.lines(blueprint: blueprint.name)
        var files: [GeneratedFile] = []
        for region in topology.servingRegions {
            let placements = topology.placements(inRegion: region)
            let directory = "clusters/\(region)"
            let zone = placements.first?.residencyZone ?? ""
            files.append(GeneratedFile(
                path: "\(directory)/namespace.yaml",
                contents: YAMLEmitter.emit([NamespaceGenerator.make(blueprint, region: region, residencyZone: zone)], header: header)))
            var resources = ["namespace.yaml"]
            for placement in placements {
                guard let service = blueprint.service(placement.service) else { continue }
                let workload = WorkloadContext(blueprint: blueprint, topology: topology, service: service, placement: placement)
                let data = ConfigMapGenerator.data(workload)
                let configHash = StableHash.fnv1a(data.map { "\($0.0)=\($0.1)" }.joined(separator: "\n"))
                let documents = [
                    DeploymentGenerator.make(workload, configHash: configHash),
                    ServiceGenerator.make(workload),
                    PodDisruptionBudgetGenerator.make(workload),
                    HorizontalPodAutoscalerGenerator.make(workload),
                    ConfigMapGenerator.make(workload, data: data),
                ]
                let name = "\(service.name).yaml"
                resources.append(name)
                files.append(GeneratedFile(path: "\(directory)/\(name)", contents: YAMLEmitter.emit(documents, header: header)))
            }
            files.append(GeneratedFile(
                path: "\(directory)/kustomization.yaml",
                contents: YAMLEmitter.emit([KustomizationGenerator.make(resources: resources)], header: header)))
        }
        return files
    }
}
