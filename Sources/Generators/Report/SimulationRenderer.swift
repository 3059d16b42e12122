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
            for (title, table) in tables(s) where table.rowCount > 0 { out += "### \(title)\n\n\(table.markdown)\n" }
            if let cost { out += "### Cost in outage mode\n\n\(CostRenderer.outageLine(cost.outage, normal: cost.normal))\n" }
            return out
        case .text:
            var out = "Outage of \(TerminalText.escaped(s.outage.label)) in \(TerminalText.escaped(blueprint)): \(verdict)\n"
            for (title, table) in tables(s) where table.rowCount > 0 { out += "\n\(title)\n\(table.text)" }
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
    public static func json(_ check: WithheldCheck) -> JSONValue {
        ["check": .string(check.subject), "because": .string(check.cause.description),
         "line": JSONValue(check.cause.mark?.line), "column": JSONValue(check.cause.mark?.column)]
    }

    static func json(_ withholding: Withholding?) -> JSONValue {
        guard let withholding else { return .null }
        return ["kind": .string(withholding.kind == .figure ? "figure" : "verdict"), "because": .string(withholding.cause.description)]
    }

    static func json(_ s: Simulation, blueprint: String, cost: (outage: CostReport, normal: CostReport)? = nil,
                     withheld: [WithheldCheck] = []) -> String {
        let seconds = { (d: Duration) -> JSONValue in .double(Double(d.milliseconds) / 1000) }
        var members: [JSONMember] = [
            JSONMember("blueprint", .string(blueprint)),
            JSONMember("outage", ["regions": JSONValue(s.outage.regions.sorted()), "zones": JSONValue(s.outage.zones.sorted())]),
            JSONMember("holds", .bool(s.holds)),
            JSONMember("services", .array(s.services.map { o in
                ["service": .string(o.service), "zone": .string(o.residencyZone), "served": .bool(o.served), "why": .string(o.why),
                 "withinObjective": .bool(o.withinObjective),
                 "carriers": .array(o.carriers.map {
                     ["region": .string($0.region), "shareRPS": .string($0.share), "podsLeft": .int($0.podsLeft), "reachablePods": .int($0.ceiling),
                      "neededPods": .int($0.need), "deficit": .int($0.deficit)]
                 }),
                 "recovery": .array(o.recovery.map { r in
                     ["event": .string(r.event.label), "unbounded": JSONValue(r.unbounded), "withheld": json(o.rtoWithheld[r.event.label]),
                      "totalSeconds": r.unbounded == nil ? seconds(r.total) : .null,
                      "terms": .array(r.terms.map { ["name": .string($0.name), "seconds": seconds($0.duration), "detail": JSONValue($0.detail)] })]
                 })]
            })),
            JSONMember("datastores", .array(s.datastores.map { d in
                ["datastore": .string(d.datastore), "writer": JSONValue(d.writer), "how": .string(d.how),
                 "dataAtRiskSeconds": d.dataAtRisk.map(seconds) ?? .null, "writerResidency": JSONValue(d.writerResidency),
                 "withinObjective": .bool(d.withinObjective), "needsPerson": .bool(d.needsPerson), "withheld": json(d.rpoWithheld)]
            })),
            JSONMember("routing", .array(s.routing.map { ["zone": .string($0.residencyZone), "change": .string($0.change)] })),
            // Checks not made because a value they read has an error: never an empty, clean-looking result.
            JSONMember("withheld", .array(withheld.map(json))),
        ]
        if let cost {
            members.append(JSONMember("cost", CostRenderer.json(cost.outage).adding([
                JSONMember("normalMonthlyTotal", .double(CostRenderer.number(cost.normal.total))),
                JSONMember("deltaMonthly", .double(CostRenderer.number(cost.outage.total - cost.normal.total))),
            ])))
        }
        return JSONText.serialize(JSONValue.object(members))
    }

    static func encode(_ object: Any) -> String {
        return JSONText.serialize(object)
    }
}
