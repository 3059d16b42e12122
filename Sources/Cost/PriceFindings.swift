import BlueprintModel
import Diagnostics
import Foundation

/// What lint says about the prices the cost figures rest on (docs/cost.md): an override file that
/// cannot be read (error), names under `cost:` that match nothing (error), a catalogue older than
/// 90 days (note).
public enum PriceFindings {
    public static func of(_ blueprint: Blueprint, today: Date = Date()) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        // Only an override file can fail to resolve; without one the committed catalogue is not parsed.
        if PriceCatalogue.overrideFile(of: blueprint) != nil, case .failure(let error) = PriceCatalogue.resolve(for: blueprint) {
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
        let read = PriceCatalogue.committedRead
        if let age = PriceCatalogue.age(read: read, today: today), age > PriceCatalogue.staleAfterDays {
            findings.append(Diagnostic(
                .note, rule: "price-catalogue-stale",
                message: "the price catalogue was read \(read), \(age) days ago; cost figures may have drifted",
                file: blueprint.file, mark: blueprint.sourceMap.mark(for: "cost"), path: "cost",
                fix: "refresh it with scripts/refresh-prices.py, or set current prices with cost.prices"))
        }
        return findings
    }
}
