import BlueprintModel

/// The DNS names services use to reach datastores. They are failover-managed (Route53
/// records generated next to the manifests), so a ConfigMap never pins another region's
/// address and stays right after a promotion.
public enum EndpointNames {
    /// Follows the primary: the primary region's writer, then the promotable replica.
    public static func writer(_ datastore: String, in blueprint: Blueprint) -> String {
        writer(datastore, domain: blueprint.dnsDomain)
    }

    static func writer(_ datastore: String, domain: String) -> String { "writer.\(datastore).db.\(domain)" }

    /// Whether every region's copy accepts writes (no single writer, docs/failover.md): then there
    /// is no writer name to move, and each region writes to its own copy.
    public static func writesLocally(_ datastore: Datastore) -> Bool {
        FailoverEngine.named(datastore.engine)?.hasSingleWriter == false
    }

    /// The writer name a service in `region` uses: the datastore's one writer name, or, for an
    /// engine without a single writer, the region's own copy.
    public static func writer(_ datastore: Datastore, region: String, in blueprint: Blueprint) -> String {
        writer(datastore, region: region, domain: blueprint.dnsDomain)
    }

    /// `writer(_:region:in:)` given the blueprint's DNS domain (`Blueprint.dnsDomain`).
    public static func writer(_ datastore: Datastore, region: String, domain: String) -> String {
        writesLocally(datastore) ? "writer.\(region).\(datastore.name).db.\(domain)" : writer(datastore.name, domain: domain)
    }

    /// The replica nearest to `region` inside the datastore's residency zone.
    public static func reader(_ datastore: String, region: String, in blueprint: Blueprint) -> String {
        reader(datastore, region: region, domain: blueprint.dnsDomain)
    }

    /// `reader(_:region:in:)` given the blueprint's DNS domain.
    public static func reader(_ datastore: String, region: String, domain: String) -> String {
        "reader.\(region).\(datastore).db.\(domain)"
    }

    /// `ledger-eu` -> `LEDGER_EU`, the prefix of its environment variables.
    public static func environmentPrefix(_ datastore: String) -> String {
        // Over the bytes when ASCII (every valid name is): it is made for every datastore of every
        // service file, and a Character walk cost more than the rest of the ConfigMap.
        guard datastore.utf8.allSatisfy({ $0 < 0x80 }) else { return String(datastore.uppercased().map { $0 == "-" ? "_" : $0 }) }
        return String(decoding: datastore.utf8.map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - 32
            case UInt8(ascii: "-"): UInt8(ascii: "_")
            default: byte
            }
        }, as: UTF8.self)
    }
}
