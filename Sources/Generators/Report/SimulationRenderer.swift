import Diagnostics
import BlueprintModel
import Cost
import Diagnostics
import Foundation
import Resilience

/// Renders what an outage does (`meridian simulate`) as text, Markdown or JSON.
public enum SimulationRenderer {
    public enum Format: String, CaseIterable, Sendable { case text, markdown, json }

    static func tables(_ s: Simulation) -> [(title: String, table: Table)] {
        let services = Table(
            headers: ["service", "zone", "served", "why", "carriers (pods left / reachable / needed)"],
            rows: s.services.map { o in
                [o.service, o.residencyZone, o.served ? "yes" : "NO", o.why,
                 o.carriers.map { "\($0.region) \($0.share) rps: \($0.podsLeft)/\($0.ceiling)/\($0.need)" + ($0.deficit > 0 ? " short \($0.deficit)" : "") }
                    .joined(separator: "; ")]
            })
        let datastores = Table(
            headers: ["datastore", "new writer", "how", "data at risk", "residency", "RPO objective", "check"],
            rows: s.datastores.map { d in
                [d.datastore, d.writer ?? "none", d.how, d.dataAtRisk.map(\.description) ?? "unbounded", d.writerResidency ?? "-",
                 d.rpoObjective?.description ?? "-", d.rpoWithheld != nil ? "withheld" : d.withinObjective ? "ok" : "MISSED"]
            })
        var timeline: [[String]] = []
        for o in s.services {
            for result in o.recovery {
                let objective = o.rtoObjective?[result.event.disruption]
                // A figure explain withholds is shown but not judged (the withheld section says why).
                let withheld = o.rtoWithheld[result.event.label] != nil
                if let reason = result.unbounded {
                    timeline.append([o.service, o.residencyZone, result.event.label, "unbounded", reason, objective?.description ?? "-",
                                     withheld ? "withheld" : objective == nil ? "" : "MISSED"])
                    continue
                }
                var elapsed = Duration.zero
                let steps = result.terms.filter { $0.duration > .zero }.map { term -> String in
                    elapsed = elapsed + term.duration
                    return "\(term.name) +\(term.duration) → \(elapsed)"
                }
                let check = withheld ? "withheld" : objective.map { result.total <= $0 ? "ok" : "MISSED" } ?? ""
                timeline.append([o.service, o.residencyZone, result.event.label, result.total.description, steps.joined(separator: ", "),
                                 objective?.description ?? "-", check])
            }
        }
        let recovery = Table(headers: ["service", "zone", "event", "RTO", "timeline", "objective", "check"], rows: timeline)
        let routing = Table(headers: ["zone", "routing"], rows: s.routing.map { [$0.residencyZone, $0.change] })
        return [("Services", services), ("Datastores", datastores), ("Recovery timeline", recovery), ("Routing", routing)]
    }

    /// `cost`: the outage-mode bill (docs/cost.md, "Outage mode") and the normal one it is compared with.
    /// `withheld`: the checks explain withholds; JSON lists them (text and Markdown print them after).
    public static func render(_ s: Simulation, blueprint: String, format: Format,
                              cost: (outage: CostReport, normal: CostReport)? = nil, withheld: [WithheldCheck] = []) -> String {
        let verdict = s.holds ? (withheld.isEmpty ? "every objective holds" : "every objective that could be checked holds")
            : "an objective does not hold"
        switch format {
        case .json:
            return json(s, blueprint: blueprint, cost: cost, withheld: withheld)
        case .markdown:
            var out = "## Outage of \(Markdown.text(s.outage.label)) — \(Markdown.text(blueprint))\n\n**Result:** \(verdict).\n\n"
            for (title, table) in tables(s) where !table.rows.isEmpty { out += "### \(title)\n\n\(table.markdown)\n" }
            if let cost { out += "### Cost in outage mode\n\n\(CostRenderer.outageLine(cost.outage, normal: cost.normal))\n" }
            return out
        case .text:
            var out = "Outage of \(TerminalText.escaped(s.outage.label)) in \(TerminalText.escaped(blueprint)): \(verdict)\n"
            for (title, table) in tables(s) where !table.rows.isEmpty { out += "\n\(title)\n\(table.text)" }
            if let cost { out += "\nCost in outage mode\n\(CostRenderer.outageLine(cost.outage, normal: cost.normal))\n" }
            return out
        }
    }

    /// The failure-mode table: every single-region and single-zone outage, worst first.
    public static func renderAll(_ summaries: [Simulation.Summary], blueprint: String, format: Format) -> String {
        let rows = summaries.map { s -> [String] in
            let unserved = s.unserved.map { "\($0.service)/\($0.zone)" }
            return [s.outage.label, s.outage.regions.isEmpty ? "zone" : "region", unserved.isEmpty ? "none" : unserved.joined(separator: ", "),
                    s.worstRecovery.map(\.description) ?? "unbounded", String(s.missed), s.holds ? "ok" : "MISSED"]
        }
        let table = Table(headers: ["outage", "kind", "unserved", "worst RTO", "objectives missed", "check"], rows: rows)
        switch format {
        case .json:
            let object = summaries.map { s -> [String: Any] in
                ["outage": s.outage.label, "holds": s.holds, "worstRTOSeconds": s.worstRecovery.map { Double($0.milliseconds) / 1000 } ?? NSNull(),
                 "unserved": s.unserved.map { ["service": $0.service, "zone": $0.zone] }]
            }
            return encode(["blueprint": blueprint, "outages": object])
        case .markdown:
            return "## Failure modes — \(Markdown.text(blueprint))\n\n\(table.markdown)"
        case .text:
            return "Failure modes of \(TerminalText.escaped(blueprint)), worst first\n\(table.text)"
        }
    }

    /// One withheld check as JSON, shared by simulate and drill plan.
    public static func json(_ check: WithheldCheck) -> [String: Any] {
        ["check": check.subject, "because": check.cause.description,
         "line": check.cause.mark.map { $0.line as Any } ?? NSNull(), "column": check.cause.mark.map { $0.column as Any } ?? NSNull()]
    }

    static func json(_ withholding: Withholding?) -> Any {
        guard let withholding else { return NSNull() }
        return ["kind": withholding.kind == .figure ? "figure" : "verdict", "because": withholding.cause.description] as [String: Any]
    }

    static func json(_ s: Simulation, blueprint: String, cost: (outage: CostReport, normal: CostReport)? = nil,
                     withheld: [WithheldCheck] = []) -> String {
        let seconds = { (d: Duration) in Double(d.milliseconds) / 1000 }
        var object: [String: Any] = [
            "blueprint": blueprint,
            "outage": ["regions": s.outage.regions.sorted(), "zones": s.outage.zones.sorted()],
            "holds": s.holds,
            "services": s.services.map { o -> [String: Any] in
                ["service": o.service, "zone": o.residencyZone, "served": o.served, "why": o.why, "withinObjective": o.withinObjective,
                 "carriers": o.carriers.map { ["region": $0.region, "shareRPS": $0.share, "podsLeft": $0.podsLeft, "reachablePods": $0.ceiling,
                                               "neededPods": $0.need, "deficit": $0.deficit] as [String: Any] },
                 "recovery": o.recovery.map { r -> [String: Any] in
                     ["event": r.event.label, "unbounded": r.unbounded ?? NSNull(), "withheld": json(o.rtoWithheld[r.event.label]),
                      "totalSeconds": r.unbounded == nil ? seconds(r.total) : NSNull() as Any,
                      "terms": r.terms.map { ["name": $0.name, "seconds": seconds($0.duration), "detail": $0.detail ?? NSNull()] as [String: Any] }]
                 }]
            },
            "datastores": s.datastores.map { d -> [String: Any] in
                ["datastore": d.datastore, "writer": d.writer ?? NSNull(), "how": d.how,
                 "dataAtRiskSeconds": d.dataAtRisk.map(seconds) ?? NSNull(), "writerResidency": d.writerResidency ?? NSNull(),
                 "withinObjective": d.withinObjective, "needsPerson": d.needsPerson, "withheld": json(d.rpoWithheld)]
            },
            "routing": s.routing.map { ["zone": $0.residencyZone, "change": $0.change] },
            // Checks not made because a value they read has an error: never an empty, clean-looking result.
            "withheld": withheld.map(json),
        ]
        if let cost {
            object["cost"] = CostRenderer.json(cost.outage).adding([
                JSONMember("normalMonthlyTotal", .double(CostRenderer.number(cost.normal.total))),
                JSONMember("deltaMonthly", .double(CostRenderer.number(cost.outage.total - cost.normal.total))),
            ])
        }
        return encode(object)
    }

    static func encode(_ object: Any) -> String {
        return JSONText.serialize(object)
    }
}
