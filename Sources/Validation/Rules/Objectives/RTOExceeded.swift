import Diagnostics
import Resilience

/// A recovery time above the objective, or no recovery at all.
public struct RTOExceeded: Rule {
    public static let id = "rto-exceeded"
    public static let summary = "Recovery from a zone or region failure must fit the RTO objective."
    public static let rationale = """
        Recovery time is a sum of things that happen one after another: detection, promotion, DNS, \
        scaling and reconnection. Each term comes from the blueprint, so a promise that cannot be \
        kept shows up as arithmetic before it shows up as an outage.
        """
    public static let examples: [RuleExample] = [
        .triggering(("rto: { zone: 5m, region: 15m }", "rto: { zone: 5m, region: 3m }"), ("demand: { eu: 1000 }", "demand: { ↓eu: 1000 }")),
        .triggering(("failover: { automatic: true,", "failover: { automatic: false,"), ("demand: { eu: 1000 }", "demand: { ↓eu: 1000 }")),
        .clean(("rto: { zone: 5m, region: 15m }", "rto: { zone: 2m, region: 4m }")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        // By index: a row bound by iteration is a copy of every field of it (16,000 rows at
        // 1,000 × 8), and nearly all meet their objective.
        let rows = context.explanation.rto
        return rows.indices.compactMap { index in
            guard let limit = rows[index].objective, !rows[index].meetsObjective else { return nil }
            let result = rows[index].result
            let path = "services.\(result.service).demand.\(result.residencyZone)"
            if let reason = result.unbounded {
                return Finding(at: path, "\(result.service) in \(result.residencyZone): no recovery from a \(result.event.label); objective rto is \(limit)",
                               notes: [Note(reason)])
            }
            return Finding(at: path, "\(result.service) in \(result.residencyZone): RTO \(result.total) after a \(result.event.label) exceeds the objective \(limit)",
                           notes: [Note("\(result.arithmetic) > rto \(limit)")])
        }
    }
}
