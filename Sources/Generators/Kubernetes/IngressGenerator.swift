import BlueprintModel
import BlueprintYAML

/// networking.k8s.io/v1 Ingress for the AWS Load Balancer Controller: the region's internet-facing
/// ALB that Route53 aliases to. Every region's Ingress joins the IngressGroup named after the
/// blueprint, so the controller tags the ALB `ingress.k8s.aws/stack = <blueprint>` and
/// `elbv2.k8s.aws/cluster = <cluster name>`, the tags the Route53 Terraform finds it by.
enum IngressGenerator {
    static let ingressClass = "alb"

    /// The IngressGroup name, which the controller writes into the ALB's `ingress.k8s.aws/stack` tag.
    static func groupName(_ blueprint: Blueprint) -> String { blueprint.name }

    /// Routes whose service runs in the region, longest prefix first so `/api/cart` wins over `/`.
    static func routes(_ traffic: Traffic, servicesInRegion: Set<String>) -> [(path: String, service: String)] {
        traffic.routes.filter { servicesInRegion.contains($0.service) }
            .sorted { ($0.path.count, $1.path) > ($1.path.count, $0.path) }
    }

    static func make(_ blueprint: Blueprint, traffic: Traffic, region: String, residencyZone: String,
                     routes: [(path: String, service: String)]) -> YAMLValue? {
        guard !routes.isEmpty else { return nil }
        let https = traffic.healthCheck.protocolName == "HTTPS"
        var annotations: [(String, YAMLValue)] = [
            ("alb.ingress.kubernetes.io/scheme", .string("internet-facing")),
            // Pod IPs as targets: the ALB health-checks each pod, not a node port.
            ("alb.ingress.kubernetes.io/target-type", .string("ip")),
            ("alb.ingress.kubernetes.io/group.name", .string(groupName(blueprint))),
            ("alb.ingress.kubernetes.io/listen-ports", .string(https ? #"[{"HTTP":80},{"HTTPS":443}]"# : #"[{"HTTP":80}]"#)),
            // Explicit, and matched by every routed pod's preStop sleep (TargetDrain).
            ("alb.ingress.kubernetes.io/target-group-attributes", .string(TargetDrain.targetGroupAttributes)),
        ]
        if https {
            annotations.append(("alb.ingress.kubernetes.io/ssl-redirect", .string("443")))
            annotations.append(("alb.ingress.kubernetes.io/ssl-policy", .string(TargetDrain.sslPolicy)))
        }
        let paths: [YAMLValue] = routes.map { route in
            .mapping([
                ("path", .string(route.path)),
                ("pathType", .string("Prefix")),
                ("backend", .mapping([("service", .mapping([
                    ("name", .string(route.service)),
                    ("port", .mapping([("name", .string("http"))])),
                ]))])),
            ])
        }
        var spec: [(String, YAMLValue)] = [("ingressClassName", .string(ingressClass))]
        if https {
            // The controller finds the ACM certificate by these hosts. The rules stay host-less:
            // Route53 health checks arrive with the load balancer's own name as Host.
            spec.append(("tls", .sequence([.mapping([
                ("hosts", .sequence([.string(traffic.hostname), .string("\(residencyZone).\(traffic.hostname)")])),
            ])])))
        }
        spec.append(("rules", .sequence([.mapping([("http", .mapping([("paths", .sequence(paths))]))])])))
        return .mapping([
            ("apiVersion", .string("networking.k8s.io/v1")),
            ("kind", .string("Ingress")),
            ("metadata", .mapping([
                ("name", .string(blueprint.name)),
                ("namespace", .string(blueprint.namespace)),
                ("labels", .mapping(NamespaceGenerator.commonLabels(blueprint, region: region, residencyZone: residencyZone).map { ($0.description, .string($1)) })),
                ("annotations", .mapping(annotations)),
            ])),
            ("spec", .mapping(spec)),
        ])
    }
}
