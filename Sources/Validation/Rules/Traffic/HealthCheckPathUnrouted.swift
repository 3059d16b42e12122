import BlueprintModel

/// Route53's health check path that a region's generated Ingress does not route to any service.
public struct HealthCheckPathUnrouted: Rule {
    public static let id = "health-check-path-unrouted"
    public static let summary = "With `traffic.routes`, every region's load balancer must route the Route53 health check path."
    public static let rationale = """
        Route53 checks each region at its load balancer with `traffic.healthCheck.path`. The generated \
        Ingress routes only the declared path prefixes of services that run in that region; any other \
        path gets the ALB's default 404, so the region is always unhealthy: traffic never reaches it, \
        and when every region is unhealthy Route53 stops checking and answers with all of them.
        """
    public static let examples: [RuleExample] = [
        .triggering(("  healthCheck: { interval: 10s, failureThreshold: 3 }\n",
                     "  ↓healthCheck: { interval: 10s, failureThreshold: 3 }\n  routes: { /api: api }\n")),
        .clean(("  healthCheck: { interval: 10s, failureThreshold: 3 }\n",
                "  healthCheck: { interval: 10s, failureThreshold: 3, path: /api/health }\n  routes: { /api: api }\n")),
    ]

    public init() {}

    /// Kubernetes `pathType: Prefix`: matches whole path elements (`/api` covers `/api/health`, not `/apis`).
    static func covers(_ prefix: String, _ path: String) -> Bool {
        let trimmed = prefix.count > 1 && prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        return trimmed == "/" || path == trimmed || path.hasPrefix(trimmed + "/")
    }

    public func check(_ context: ValidationContext) -> [Finding] {
        guard let traffic = context.blueprint.traffic, !traffic.routes.isEmpty else { return [] }
        let path = traffic.healthCheck.path
        let unrouted = context.topology.servingRegions.filter { region in
            let running = Set(context.topology.placements(inRegion: region).map(\.service))
            let routed = traffic.routes.filter { running.contains($0.service) }
            return !routed.isEmpty && !routed.contains { Self.covers($0.path, path) }
        }
        guard !unrouted.isEmpty else { return [] }
        return [Finding(
            at: "traffic.healthCheck",
            "Route53 checks '\(path)', which the load balancer of \(unrouted.joined(separator: ", ")) routes to no service (404): those regions never count as healthy",
            fix: "set `traffic.healthCheck.path` to a path under a route of a service that runs in every region, or add a route for it")]
    }
}
