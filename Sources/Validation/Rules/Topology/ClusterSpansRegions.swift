/// Two regions that name the same Kubernetes cluster (by name or API server).
public struct ClusterSpansRegions: Rule {
    public static let id = "cluster-spans-regions"
    public static let summary = "Each region needs its own cluster: no two regions share a cluster name or server."
    public static let rationale = """
        A cluster lives in one region; if two regions point at it, a region failure takes both \
        "regions" down together, every failover figure is fiction, and Argo CD would deliver two \
        regions' manifests into one cluster where they overwrite each other.
        """
    public static let examples: [RuleExample] = [
        .triggering(("{ name: euc1, server: \"https://euc1.k8s.example\" }", "{ ↓name: euw1, server: \"https://euc1.k8s.example\" }")),
        .clean(),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        var names: [String: String] = [:]
        var servers: [String: String] = [:]
        var findings: [Finding] = []
        for region in context.blueprint.regions where !region.cluster.name.isEmpty {
            if let other = names[region.cluster.name] {
                findings.append(Finding(at: "regions.\(region.name).cluster.name",
                                        "region \(region.name) uses cluster '\(region.cluster.name)', already the cluster of \(other)"))
            } else {
                names[region.cluster.name] = region.name
            }
            if let other = servers[region.cluster.server] {
                findings.append(Finding(at: "regions.\(region.name).cluster.server",
                                        "region \(region.name) uses API server \(region.cluster.server), already the server of \(other)"))
            } else {
                servers[region.cluster.server] = region.name
            }
        }
        return findings
    }
}
