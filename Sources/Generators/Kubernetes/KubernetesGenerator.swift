import BlueprintModel
import BlueprintYAML
import Diagnostics
import Resilience

/// One service's file in one region (`clusters/<region>/<service>.yaml`), described by everything
/// it is made from. Two equal descriptions make byte-identical files (`WorkloadContext`), so a
/// comparison can skip the pairs that are equal and generate only the others.
public struct ServiceFile: Sendable, Equatable {
    public let path: String
    let inputs: WorkloadContext.Inputs

    public func generate() -> GeneratedFile {
        var writer = ManifestWriter(blueprint: inputs.blueprintName, capacity: 1 << 14)
        return writer.serviceFile(self)
    }
}

/// Files that need not be generated because the same bytes are already on disk: the caller
/// proves it, for a service file either from the service alone (`isOnDiskByService`, when nothing
/// else the file reads can have changed) or from the inputs the file was last made from
/// (`isOnDisk`); for REPORT.md from the blueprint it is made from (`reportIsOnDisk`,
/// `ReportGenerator.inputs`). Generation hands their paths to `keep` instead of their bytes.
public struct ReusableFiles: Sendable {
    public let isOnDiskByService: (@Sendable (_ path: String, _ service: String) -> Bool)?
    public let isOnDisk: @Sendable (ServiceFile) -> Bool
    public let reportIsOnDisk: @Sendable (Blueprint) -> Bool
    public let keep: @Sendable ([String]) -> Void

    public init(isOnDiskByService: (@Sendable (_ path: String, _ service: String) -> Bool)? = nil,
                isOnDisk: @escaping @Sendable (ServiceFile) -> Bool = { _ in false },
                reportIsOnDisk: @escaping @Sendable (Blueprint) -> Bool = { _ in false }, keep: @escaping @Sendable ([String]) -> Void) {
        self.isOnDiskByService = isOnDiskByService
        self.isOnDisk = isOnDisk
        self.reportIsOnDisk = reportIsOnDisk
        self.keep = keep
    }

    /// nil when `service`'s file at `path` is proved on disk; otherwise its description, to generate.
    /// Described only when needed: proved by the service, most files never are.
    func fileToGenerate(path: String, service: String, describe: () -> ServiceFile) -> ServiceFile? {
        if let isOnDiskByService { return isOnDiskByService(path, service) ? nil : describe() }
        let file = describe()
        return isOnDisk(file) ? nil : file
    }
}

/// Writes a region's files through one buffer: each file is written into it and copied out.
struct ManifestWriter: ~Copyable {
    private var yaml: YAMLWriter
    private let header: [String]

    init(blueprint: String, capacity: Int) {
        yaml = YAMLWriter(capacity: capacity)
        header = GeneratedHeader.lines(blueprint: blueprint)
    }

    /// A file of the documents `write` writes, after the generated-file header.
    mutating func file(_ path: String, _ write: (inout YAMLWriter) -> Void) -> GeneratedFile {
        for line in header { yaml.comment(line) }
        write(&yaml)
        return GeneratedFile(path: path, contents: yaml.takeText())
    }

    /// Deployment, Service, PodDisruptionBudget, HorizontalPodAutoscaler, ConfigMap and, under
    /// default-deny, the service's NetworkPolicy.
    mutating func serviceFile(_ file: ServiceFile) -> GeneratedFile {
        let workload = WorkloadContext(file.inputs)
        let data = ConfigMapGenerator.data(workload)
        var configHash = StableHash()
        for (index, (key, value)) in data.enumerated() {
            if index > 0 { configHash.add("\n") }
            configHash.add(key)
            configHash.add("=")
            configHash.add(value)
        }
        let hash = configHash.hex
        return self.file(file.path) { y in
            y.document { DeploymentGenerator.write(workload, configHash: hash, into: &$0) }
            y.document { ServiceGenerator.write(workload, into: &$0) }
            y.document { PodDisruptionBudgetGenerator.write(workload, into: &$0) }
            y.document { HorizontalPodAutoscalerGenerator.write(workload, into: &$0) }
            y.document { ConfigMapGenerator.write(workload, data: data, into: &$0) }
            if file.inputs.denyByDefault { NetworkPolicyGenerator.write(workload, into: &y) }
        }
    }
}

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
    /// A service file `reusing` proves on disk is handed to its `keep`, by path, not generated.
    public static func files(forRegion region: String, of topology: Topology, batch: Int, reusing: ReusableFiles? = nil,
                             into sink: ([GeneratedFile]) -> Void) {
        var writer = ManifestWriter(blueprint: topology.blueprint.name, capacity: 1 << 16)
        var files: [GeneratedFile] = []
        var kept: [String] = []
        files.reserveCapacity(min(batch, topology.placements(inRegion: region).count + 2))
        func add(_ file: GeneratedFile) {
            files.append(file)
            if files.count >= batch {
                sink(files)
                files.removeAll(keepingCapacity: true)
            }
        }
        layout(ofRegion: region, topology, shared: { add(writer.file($0, $1)) }, service: { path, service, describe in
            guard let reusing else { return add(writer.serviceFile(describe())) }
            if let file = reusing.fileToGenerate(path: path, service: service, describe: describe) { add(writer.serviceFile(file)) } else { kept.append(path) }
        })
        // The new files first: the first file written makes the new tree, which the kept ones are linked into as they come.
        sink(files)
        if let reusing, !kept.isEmpty { reusing.keep(kept) }
    }

    /// Every region's service files, described, not generated.
    public static func serviceFiles(of topology: Topology) -> [ServiceFile] {
        var services: [ServiceFile] = []
        services.reserveCapacity(topology.placements.count)
        for region in topology.servingRegions {
            layout(ofRegion: region, topology, shared: { _, _ in }, service: { services.append($2()) })
        }
        return services
    }

    /// The region's files as `diff` compares them: the shared ones generated, each service's described.
    public static func describe(region: String, of topology: Topology) -> (shared: [GeneratedFile], services: [ServiceFile]) {
        var writer = ManifestWriter(blueprint: topology.blueprint.name, capacity: 1 << 14)
        var shared: [GeneratedFile] = [], services: [ServiceFile] = []
        layout(ofRegion: region, topology, shared: { shared.append(writer.file($0, $1)) }, service: { services.append($2()) })
        return (shared, services)
    }

    /// The region's files in order: the namespace, each placed service's, the ingress, the
    /// kustomization. Shared files go to `shared` as path and what writes their documents;
    /// service files to `service` as path, service name and what describes them.
    static func layout(ofRegion region: String, _ topology: Topology, shared: (String, (inout YAMLWriter) -> Void) -> Void,
                       service: (_ path: String, _ service: String, _ describe: () -> ServiceFile) -> Void) {
        let blueprint = topology.blueprint
        let placements = topology.placements(inRegion: region)
        let directory = "clusters/\(region)"
        let zone = placements.first?.residencyZone ?? ""
        let ingress = blueprint.traffic.flatMap { traffic in
            IngressGenerator.make(blueprint, traffic: traffic, region: region, residencyZone: zone,
                                  routes: IngressGenerator.routes(traffic, servicesInRegion: Set(placements.map(\.service))))
        }
        shared("\(directory)/namespace.yaml") { y in
            NamespaceGenerator.write(blueprint, region: region, residencyZone: zone, readinessGate: ingress != nil, into: &y)
            if blueprint.networkPolicy == .defaultDeny {
                let labels = NamespaceGenerator.commonLabels(blueprint, region: region, residencyZone: zone)
                NetworkPolicyGenerator.writeNamespaceWide(blueprint, labels: labels, into: &y)
            }
        }
        var resources = ["namespace.yaml"]
        for placement in placements {
            guard let placed = blueprint.service(placement.service) else { continue }
            let name = "\(placed.name).yaml"
            resources.append(name)
            let path = "\(directory)/\(name)"
            service(path, placed.name) { ServiceFile(path: path, inputs: .init(topology: topology, service: placed, placement: placement)) }
        }
        if let ingress {
            shared("\(directory)/ingress.yaml") { $0.document(ingress) }
            resources.append("ingress.yaml")
        }
        shared("\(directory)/kustomization.yaml") { $0.document(KustomizationGenerator.make(resources: resources)) }
    }
}
