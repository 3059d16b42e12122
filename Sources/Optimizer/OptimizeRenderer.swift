import BlueprintModel
import Cost
import Diagnostics
import Foundation
import Generators
import Resilience

/// `meridian optimize` output: the input, the proposal, the frontier, and the patch.
public enum OptimizeRenderer {
    static func figure(_ duration: Duration?) -> String { duration.map(\.description) ?? "unbounded" }

    static func row(_ design: Optimizer.Design, input: Optimizer.Design) -> [String] {
        let p = design.promise
        let objectives = design.keepsObjectives ? (design.acceptable(after: input) ? "yes" : "yes, new warnings") : "no (\(design.errors.count))"
        return [Money.dollars(design.monthly), AvailabilityModel.percent(p.availability), figure(p.rto.zone), figure(p.rto.region),
                figure(p.rpo.zone), figure(p.rpo.region), objectives,
                design.moves.isEmpty ? "(input)" : "\(design.moves.count): " + design.moves.map(\.description).joined(separator: "; ")]
    }

    static func verdict(_ design: Optimizer.Design, against input: Optimizer.Design? = nil) -> String {
        guard !design.keepsObjectives else {
            let before = Set((input?.warnings ?? []).map(\.rule))
            let added = Set(design.warnings.map(\.rule)).subtracting(before).sorted()
            return "keeps every objective" + (input == nil || added.isEmpty ? "" : "; new warnings: " + added.joined(separator: ", "))
        }
        let rules = Dictionary(grouping: design.errors, by: \.rule).map { "\($0.key) (\($0.value.count))" }.sorted()
        return "misses: " + rules.joined(separator: ", ")
    }

    public static func text(_ r: Optimizer.Result, file: String, diff: String, budget: Decimal?) -> String {
        var out = "optimize \(TerminalText.path(file)): heuristic search, \(r.evaluated) designs analysed\n"
        out += "input:     \(Money.dollars(r.input.monthly))/month, \(verdict(r.input))\n"
        if let best = r.best {
            out += "proposal:  \(Money.dollars(best.monthly))/month (\(Money.signedDollars(best.monthly - r.input.monthly))), \(verdict(best, against: r.input))\n"
            out += best.moves.isEmpty ? "  no move makes it cheaper and keeps every objective\n"
                : best.moves.map { "  - \(TerminalText.escaped($0.description))\n" }.joined()
        } else {
            out += "proposal:  none: no sequence of moves repairs the missed objectives\n"
        }
        if let budget {
            if let fit = r.withinBudget {
                out += "budget \(Money.dollars(budget)): strongest promise found at \(Money.dollars(fit.monthly))/month, \(verdict(fit)): "
                    + (fit.moves.isEmpty ? "the input" : fit.moves.map(\.description).joined(separator: "; ")) + "\n"
            } else {
                out += "budget \(Money.dollars(budget)): no design found that costs that little\n"
            }
        }
        let unpriced = Set(r.input.unpriced).union(r.best?.unpriced ?? []).sorted()
        if !unpriced.isEmpty {
            out += "not priced (the catalogue has no figure; totals leave them out): \(unpriced.joined(separator: ", "))\n"
        }
        let headers = ["monthly", "availability", "RTO zone", "RTO region", "RPO zone", "RPO region", "objectives", "moves"]
        // The whole frontier is in --format json; the terminal gets the input, the proposal and the
        // cheapest designs around them.
        let shown = frontierRows(r)
        out += "\nFrontier (the cheapest design seen for each level of promise\(shown.count < r.frontier.count ? "; \(shown.count) of \(r.frontier.count), the rest in --format json" : ""))\n"
        out += Table(headers: headers, rows: shown.map { row($0, input: r.input) }).text
        if !diff.isEmpty {
            out += "\nPatch (lint accepts it; `git apply` or `patch -p1`):\n"
            out += diff.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText.escaped(String($0)) }.joined(separator: "\n")
        }
        return out
    }

    static let frontierShown = 12

    /// At most `frontierShown` rows: every design that keeps the objectives (cheapest first), then
    /// the cheapest that do not, in frontier order.
    static func frontierRows(_ r: Optimizer.Result) -> [Optimizer.Design] {
        guard r.frontier.count > frontierShown else { return r.frontier }
        let keeping = r.frontier.filter(\.keepsObjectives).prefix(frontierShown / 2)
        let others = r.frontier.filter { !$0.keepsObjectives }.prefix(frontierShown - keeping.count)
        let chosen = Set((keeping + others).map(\.text))
        return r.frontier.filter { chosen.contains($0.text) }
    }

    public static func json(_ r: Optimizer.Result, diff: String) -> String {
        func seconds(_ d: Duration?) -> Any { d.map { Double($0.milliseconds) / 1000 } ?? NSNull() }
        func design(_ d: Optimizer.Design?) -> Any {
            guard let d else { return NSNull() }
            return [
                "monthly": Money.double(Money.rounded(d.monthly, scale: 6)),
                "availability": d.promise.availability,
                "rtoSeconds": ["zone": seconds(d.promise.rto.zone), "region": seconds(d.promise.rto.region)],
                "rpoSeconds": ["zone": seconds(d.promise.rpo.zone), "region": seconds(d.promise.rpo.region)],
                "keepsObjectives": d.keepsObjectives, "warnings": d.warnings.map(\.rule), "unpriced": d.unpriced,
                "errors": d.errors.map { ["rule": $0.rule, "line": $0.mark.line, "message": $0.message] as [String: Any] },
                "moves": d.moves.map { ["kind": $0.kind.rawValue, "subject": $0.subject, "value": $0.value, "description": $0.description] },
            ] as [String: Any]
        }
        return JSONText.serialize([
            "search": "heuristic", "evaluated": r.evaluated,
            "input": design(r.input), "proposal": design(r.best), "withinBudget": design(r.withinBudget),
            "frontier": r.frontier.map(design), "patch": diff,
        ] as [String: Any])
    }
}
