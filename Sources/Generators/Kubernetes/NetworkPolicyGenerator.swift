import BlueprintModel
import BlueprintYAML

/// networking.k8s.io/v1 NetworkPolicies: every pod of the namespace is denied every connection,
/// then each service gets back exactly what the topology implies (docs/delivery.md, "Network policy").
///
/// NetworkPolicies are additive allow-lists: a pod selected by any policy of a direction accepts
/// only what one of them allows, and "traffic to and from the node where a Pod is running is always
/// allowed" (Kubernetes, "Network Policies"), so kubelet probes keep working. `networkPolicy: none`
/// turns all of it off.
enum NetworkPolicyGenerator {
    /// Names services cannot take: a service name is a DNS label, without dots.
    static let defaultDenyName = "meridian.default-deny"
    static let dnsName = "meridian.allow-dns"

    /// The namespace-wide documents: deny everything, then let every pod resolve names through the
    /// cluster DNS (CoreDNS keeps the `k8s-app: kube-dns` label on EKS and upstream).
    static func writeNamespaceWide(_ blueprint: Blueprint, labels: [(StaticString, String)], into y: inout YAMLWriter) {
        y.document { y in
            policy(&y, defaultDenyName, namespace: blueprint.namespace, labels: labels, selecting: []) { y in
                y.sequence("policyTypes", strings: ["Ingress", "Egress"])
            }
        }
        y.document { y in
            policy(&y, dnsName, namespace: blueprint.namespace, labels: labels, selecting: []) { y in
                y.sequence("policyTypes", strings: ["Egress"])
                y.sequence("egress") { y in
                    y.mapping { y in
                        y.sequence("to") { y in
                            y.mapping { y in
                                y.mapping("namespaceSelector") { $0.mapping("matchLabels", fields: [("kubernetes.io/metadata.name", "kube-system")]) }
                                y.mapping("podSelector") { $0.mapping("matchLabels", fields: [("k8s-app", "kube-dns")]) }
                            }
                        }
                        y.sequence("ports") { y in
                            port(&y, 53, "UDP")
                            port(&y, 53, "TCP")
                        }
                    }
                }
            }
        }
    }

    /// One service's allows, as a document of its own; none when it needs none beyond DNS:
    /// - ingress on its port from any address when the region's ALB routes to it. In IP mode the ALB
    ///   connects from its own private addresses in the VPC's subnets, which change as it scales and
    ///   which Meridian does not know; the ALB's security group (managed by the AWS Load Balancer
    ///   Controller) is what admits only the load balancer. Only this port of only these pods opens.
    /// - egress to its datastores on their engines' ports (DatastorePorts), to any address: the
    ///   writer and reader names follow failovers across regions, so no address range is stable.
    static func write(_ w: WorkloadContext, into y: inout YAMLWriter) {
        let datastores = w.datastores
        guard w.isBehindLoadBalancer || !datastores.isEmpty else { return }
        y.document { y in
            policy(&y, w.name, namespace: w.namespace, labels: w.labels, selecting: w.selectorLabels) { y in
                y.sequence("policyTypes", strings: (w.isBehindLoadBalancer ? ["Ingress"] : []) + (datastores.isEmpty ? [] : ["Egress"]))
                if w.isBehindLoadBalancer {
                    y.sequence("ingress") { y in
                        y.mapping { $0.sequence("ports") { port(&$0, w.service.port, "TCP") } }
                    }
                }
                if !datastores.isEmpty {
                    y.sequence("egress") { y in
                        y.mapping { y in
                            y.sequence("ports") { y in
                                if let ports = DatastorePorts.ports(of: datastores) {
                                    for number in ports { port(&y, number, "TCP") }
                                } else {
                                    // An engine outside the table: every TCP port, rather than a datastore the pods cannot reach.
                                    y.mapping { $0.field("protocol", "TCP") }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A NetworkPolicy whose spec holds `podSelector` (every pod when `selecting` is empty), then
    /// what `spec` writes.
    static func policy(_ y: inout YAMLWriter, _ name: String, namespace: String, labels: [(StaticString, String)], selecting: [(StaticString, String)],
                       spec: (inout YAMLWriter) -> Void) {
        y.mapping { y in
            y.field("apiVersion", "networking.k8s.io/v1")
            y.field("kind", "NetworkPolicy")
            y.mapping("metadata") { y in
                y.field("name", name)
                y.field("namespace", namespace)
                y.mapping("labels", fields: labels)
            }
            y.mapping("spec") { y in
                y.mapping("podSelector") { y in
                    if !selecting.isEmpty { y.mapping("matchLabels", fields: selecting) }
                }
                spec(&y)
            }
        }
    }

    static func port(_ y: inout YAMLWriter, _ number: Int, _ proto: String) {
        y.mapping { y in
            y.field("protocol", proto)
            y.field("port", number)
        }
    }
}

/// The TCP ports clients use to reach a datastore, by the row of the engine table
/// (FailoverEngine) its `engine` names — the switch is exhaustive, so a new row must say its ports.
/// RDS and Aurora: the RDS API's default `Port` per engine (CreateDBInstance/CreateDBCluster:
/// PostgreSQL 5432, MySQL and MariaDB 3306, Oracle 1521, SQL Server 1433, Db2 50000); Aurora DSQL
/// speaks the PostgreSQL protocol on 5432; Amazon MSK brokers 9092 plaintext, 9094 TLS, 9096
/// SASL/SCRAM and 9098 IAM from inside AWS (MSK Developer Guide, "Port information"); DynamoDB's
/// HTTPS endpoint 443; ElastiCache Valkey / Redis OSS 6379.
enum DatastorePorts {
    /// nil: a generic engine (or none), or an RDS engine name without a known default.
    static func ports(engine: String?) -> [Int]? {
        guard let row = FailoverEngine.named(engine), let name = engine?.lowercased() else { return nil }
        switch row {
        case .auroraGlobalDatabase, .rdsMultiAZInstance, .rdsMultiAZCluster:
            let defaults: [(prefix: String, port: Int)] = [
                ("aurora-postgresql", 5432), ("postgres", 5432), ("aurora-mysql", 3306), ("mysql", 3306), ("mariadb", 3306),
                ("oracle", 1521), ("sqlserver", 1433), ("db2", 50000),
            ]
            return defaults.first { name.hasPrefix($0.prefix) }.map { [$0.port] }
        case .auroraDSQL: return [5432]
        case .msk: return [9092, 9094, 9096, 9098]
        case .dynamoDBGlobalTable, .dynamoDBGlobalTableStrong: return [443]
        case .elastiCacheGlobalDatastore: return [6379]
        }
    }

    /// The sorted union of the datastores' ports (`port:` where the blueprint states one); nil
    /// when one of them has none known.
    static func ports(of datastores: [Datastore]) -> [Int]? {
        var union: Set<Int> = []
        for datastore in datastores {
            guard let known = datastore.port.map({ [$0] }) ?? ports(engine: datastore.engine) else { return nil }
            union.formUnion(known)
        }
        return union.sorted()
    }
}
