import BlueprintModel

/// The DNS names services use to reach datastores. They are failover-managed (Route53
/// records generated next to the manifests), so a ConfigMap never pins another region's
/// address and stays right after a promotion.
public enum EndpointNames {
    /// Follows the primary: the primary region's writer, then the promotable replica.
    public static func writer(_ datastore: String, in blueprint: Blueprint) -> String {
        "writer.\(datastore).db.\(blueprint.dnsDomain)"
    }

    /// The replica nearest to `region` inside the datastore's residency zone.
    public static func reader(_ datastore: String, region: String, in blueprint: Blueprint) -> String {
        "reader.\(region).\(datastore).db.\(blueprint.dnsDomain)"
    }

    /// `ledger-eu` -> `LEDGER_EU`, the prefix of its environment variables.
    public static func environmentPrefix(_ datastore: String) -> String {
        String(datastore.uppercased().map { $0 == "-" ? "_" : $0 })
    }
}
