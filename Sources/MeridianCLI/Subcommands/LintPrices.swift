import BlueprintModel
import Cost
import Diagnostics
import Foundation

/// What lint says about the prices the cost figures rest on (docs/cost.md).
extension Lint {
    static let priceRules = [
        RuleMetadata(
            id: "price-catalogue-stale", summary: "The committed price catalogue is older than 90 days.",
            rationale: "AWS changes prices; cost figures from an old catalogue drift. Refresh it with scripts/refresh-prices.py or override prices with cost.prices.",
            severity: .note),
        RuleMetadata(
            id: "price-override-unreadable", summary: "The price override file named by cost.prices cannot be read or parsed.",
            rationale: "Every cost figure would silently fall back to the committed list prices instead of the negotiated ones.",
            severity: .error),
    ]

    static func priceFindings(_ blueprint: Blueprint) -> [Diagnostic] { PriceFindings.of(blueprint) }
}
