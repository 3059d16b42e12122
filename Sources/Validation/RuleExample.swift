import Foundation

/// A documented example of a rule: edits to a small clean blueprint (`RuleExample.base`), and
/// whether the result triggers the rule. In triggering examples a `↓` marks exactly where the
/// finding must be reported. The examples are the rule's tests and what `meridian rules ID` shows.
public struct RuleExample: Sendable {
    public var triggers: Bool
    public var edits: [Edit]

    public struct Edit: Sendable {
        public var replace: String
        public var with: String
    }

    public static let marker: Character = "↓"

    public static func triggering(_ edits: (String, String)...) -> RuleExample {
        RuleExample(triggers: true, edits: edits.map { Edit(replace: $0.0, with: $0.1) })
    }

    public static func clean(_ edits: (String, String)...) -> RuleExample {
        RuleExample(triggers: false, edits: edits.map { Edit(replace: $0.0, with: $0.1) })
    }

    /// The example blueprint, marker included; nil if an edit does not apply to the base.
    public var text: String? {
        var text = Self.base
        for edit in edits {
            guard let range = text.range(of: edit.replace) else { return nil }
            text.replaceSubrange(range, with: edit.with)
        }
        return text
    }

    /// A clean two-region blueprint every example starts from; it triggers no rule.
    public static let base = """
        blueprint: shop
        objectives:
          availability: 99.9%
          rto: { zone: 5m, region: 15m }
          rpo: { zone: 0s, region: 5s }
        residency:
          eu: [eu-west-1, eu-central-1]
        regions:
          eu-west-1:
            zones: [eu-west-1a, eu-west-1b, eu-west-1c]
            cluster: { name: euw1, server: "https://euw1.k8s.example" }
          eu-central-1:
            zones: [eu-central-1a, eu-central-1b, eu-central-1c]
            cluster: { name: euc1, server: "https://euc1.k8s.example" }
            wave: 2
        services:
          api:
            image: registry.example/api:1.0.0
            port: 8080
            demand: { eu: 1000 }
            perReplica: 100
            uses: [orders]
        datastores:
          orders:
            residency: eu
            primary: eu-west-1
            replicas:
              - { region: eu-west-1, mode: sync }
              - { region: eu-central-1, mode: async, lag: 1s }
            failover: { automatic: true, promotion: { zone: 30s, region: 2m }, automation: "Lambda orders-failover" }
            backups: { every: 1h, retain: 30d, regions: [eu-central-1] }
        traffic:
          hostname: api.shop.example
          hostedZoneId: Z123
          healthCheck: { interval: 10s, failureThreshold: 3 }
          geolocation: { EU: eu, default: eu }

        """

    /// Edits adding a US residency zone with one region, for examples that cross zones.
    static let usZone: [(String, String)] = [
        ("  eu: [eu-west-1, eu-central-1]\n", "  eu: [eu-west-1, eu-central-1]\n  us: [us-east-1]\n"),
        ("services:\n", "  us-east-1:\n    zones: [us-east-1a, us-east-1b]\n    cluster: { name: use1, server: \"https://use1.k8s.example\" }\nservices:\n"),
    ]

    public static func triggering(with extra: [(String, String)], _ edits: (String, String)...) -> RuleExample {
        RuleExample(triggers: true, edits: (extra + edits).map { Edit(replace: $0.0, with: $0.1) })
    }

    public static func clean(with extra: [(String, String)], _ edits: (String, String)...) -> RuleExample {
        RuleExample(triggers: false, edits: (extra + edits).map { Edit(replace: $0.0, with: $0.1) })
    }
}
