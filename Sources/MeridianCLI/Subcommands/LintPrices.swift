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

    static func priceFindings(_ blueprint: Blueprint, today: Date = Date()) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        if case .failure(let error) = PriceCatalogue.resolve(for: blueprint) {
            findings.append(Diagnostic(
                .error, rule: "price-override-unreadable", message: error.description, file: blueprint.file,
                mark: blueprint.sourceMap.mark(for: "cost.prices"), path: "cost.prices",
                fix: "give a file in the format of docs/prices/aws.json, relative to the blueprint"))
        }
        // Names under cost: that match nothing would leave their inputs at the defaults unnoticed.
        let named = blueprint.cost.nodes.keys.sorted().filter { blueprint.region($0) == nil }.map { ("cost.nodes.\($0)", "region", $0) }
            + blueprint.cost.datastores.keys.sorted().filter { blueprint.datastore($0) == nil }.map { ("cost.datastores.\($0)", "datastore", $0) }
        for (path, what, name) in named {
            findings.append(Diagnostic(
                .error, rule: "undefined-reference", message: "\(path): no \(what) is named '\(name)'", file: blueprint.file,
                mark: blueprint.sourceMap.mark(for: path), path: path))
        }
        let catalogue = PriceCatalogue.committed
        if let age = catalogue.age(today: today), age > PriceCatalogue.staleAfterDays {
            findings.append(Diagnostic(
                .note, rule: "price-catalogue-stale",
                message: "the price catalogue was read \(catalogue.read), \(age) days ago; cost figures may have drifted",
                file: blueprint.file, mark: blueprint.sourceMap.mark(for: "cost"), path: "cost",
                fix: "refresh it with scripts/refresh-prices.py, or set current prices with cost.prices"))
        }
        return findings
    }
}
