import Diagnostics
import BlueprintModel
import Cost
import Diagnostics
import Foundation
import Resilience

/// Renders an `Explanation` for people (text, Markdown) and for tools (JSON).
public enum ExplainRenderer {
    public enum Format: String, CaseIterable, Sendable { case text, markdown, json }

    /// The verdict column: empty when there is no objective to meet.
    static func check(_ ok: Bool) -> String { ok ? "ok" : "MISSED" }

    /// `objectives.availability is invalid (line 3)`: why a row carries no verdict.
    public static func cause(_ value: RejectedValue) -> String {
        value.description + (value.mark.map { " (line \($0.line))" } ?? "")
    }

    /// The verdict cell: withheld (with its cause), empty without an objective, else ok or MISSED.
    static func verdict(_ withheld: Withholding?, objective: Bool, ok: Bool) -> String {
        if let withheld { return "withheld: " + cause(withheld.cause) }
        return objective ? check(ok) : ""
    }

    /// The withheld checks as a section of their own, for views without an explain table
    /// (simulate, drill plan); empty when none was withheld.
    public static func withheldSection(_ checks: [WithheldCheck], markdown: Bool) -> String {
        guard !checks.isEmpty else { return "" }
        let table = Table(headers: ["check", "because"], rows: checks.map { [$0.subject, cause($0.cause)] })
        return markdown ? "\n### Checks withheld (a value they read has an error)\n\n" + table.markdown
            : "\nChecks withheld (a value they read has an error)\n" + table.text
    }

    /// A figure that read a refused value was computed from a default: not shown.
    static func figure(_ withheld: Withholding?, _ text: String) -> String {
        withheld?.kind == .figure ? "withheld" : text
    }

    /// `EU, AF; default: addresses Route53 cannot place and locations not listed`.
    static func reach(_ row: Explanation.RoutingRow) -> String {
        guard !row.locations.isEmpty || row.receivesUnplaced else { return "no location (its users are answered by another zone's record)" }
        let listed = row.locations.isEmpty ? [] : [row.locations.joined(separator: ", ")]
        let unplaced = row.receivesUnplaced ? ["default: addresses Route53 cannot place and locations not listed"] : []
        return (listed + unplaced).joined(separator: "; ")
    }

    /// The report's tables, each built only when asked for: a 1,000-service report renders one
    /// table's cells at a time instead of holding every table's cells and the text together.
    static func tables(_ e: Explanation) -> [(title: String, table: () -> Table)] {
        var result: [(title: String, table: () -> Table)] = [
            ("Capacity per region", { Table(
                headers: ["service", "zone", "region", "role", "AZs", "normal rps", "region-loss rps", "pods needed", "replicas", "PDB maxUnavailable", "HPA min-max", "placement"],
                of: e.capacity) { row in
                    [row.service, row.residencyZone, row.region, row.role.rawValue, String(row.zones), row.normalShare,
                     row.regionLossShare ?? "-", String(row.need), String(row.replicas), String(row.pdbMaxUnavailable), "\(row.hpaMin)-\(row.hpaMax)", row.placement]
                } }),
            ("Availability per service and residency zone", { Table(
                headers: ["service", "zone", "availability", "downtime", "objective", "compute", "data", "verdict"],
                of: e.availability) { row in
                    [row.service, row.residencyZone, figure(row.withheld, AvailabilityModel.percent(row.availability)),
                     figure(row.withheld, AvailabilityModel.minutes(row.downtimeMinutesPerYear)), row.objective?.text ?? "-",
                     figure(row.withheld, AvailabilityModel.percent(row.compute)), figure(row.withheld, AvailabilityModel.percent(row.data)),
                     verdict(row.withheld, objective: row.objective != nil, ok: row.meetsObjective)]
                } }),
            ("Recovery time (RTO)", { Table(
                headers: ["service", "zone", "disruption", "arithmetic", "RTO", "objective", "verdict"],
                of: e.rto) { row in
                    let arithmetic = row.result.unbounded.map { "unbounded: \($0)" }
                        ?? row.result.terms.map { "\($0.name) \($0.duration)" + ($0.detail.map { " (\($0))" } ?? "") }.joined(separator: " + ")
                    return [row.result.service, row.result.residencyZone, row.result.event.label, figure(row.withheld, arithmetic),
                            figure(row.withheld, row.total?.description ?? "unbounded"),
                            row.objective?.description ?? (row.notPromised ? "not promised" : "-"),
                            verdict(row.withheld, objective: row.objective != nil, ok: row.meetsObjective)]
                } }),
            ("Data loss (RPO)", { Table(
                headers: ["datastore", "disruption", "data loss", "because", "objective", "verdict"],
                of: e.rpo) { row in
                    [row.result.datastore, row.result.disruption.rawValue, figure(row.withheld, row.result.loss?.description ?? "unbounded"),
                     figure(row.withheld, row.result.reason), row.objective?.description ?? (row.notPromised ? "not promised" : "-"),
                     verdict(row.withheld, objective: row.objective != nil, ok: row.meetsObjective)]
                } }),
        ]
        if !e.withheld.isEmpty {
            result.append(("Checks withheld (a value they read has an error)",
                           { Table(headers: ["check", "because"], rows: e.withheld.map { [$0.subject, cause($0.cause)] }) }))
        }
        if !e.routing.isEmpty {
            result.append(("Who reaches which residency zone (Route53 geolocation)",
                           { Table(headers: ["zone", "users"], rows: e.routing.map { [$0.residencyZone, reach($0)] }) }))
        }
        if !e.zoneLoss.isEmpty {
            result.append(("Zone loss without launches (static stability)", { Table(
                headers: ["region", "recovery of", "must already run", "launches during the event"],
                of: e.zoneLoss) { [$0.region, "\($0.name) \($0.kind)", $0.mustRun, $0.launches ?? "none"] } }))
        }
        if !e.waivers.isEmpty {
            result.append(("Waivers", { Table(headers: ["rule", "at", "expires", "reason"],
                                              rows: e.waivers.map { [$0.rule, $0.at, $0.expires, $0.reason] }) }))
        }
        return result
    }

    /// `diagram` is the rendered diagram source and its language; Markdown fences it once, in that language.
    public static func render(_ e: Explanation, format: Format, diagram: (format: Diagram.Format, source: String)? = nil,
                              cost: CostReport? = nil, rollout: RolloutReport? = nil) -> String {
        switch format {
        case .text:
            var out = "Blueprint \(TerminalText.escaped(e.blueprint))\n"
            for (title, table) in tables(e) { out += "\n\(title)\n\n" + table().text }
            if let cost { out += CostRenderer.text(cost) }
            if let rollout { out += RolloutRenderer.text(rollout) }
            if let diagram { out += "\nDiagram\n\n" + diagram.source }
            return out
        case .markdown:
            return markdown(e, diagram: diagram, cost: cost, rollout: rollout)
        case .json:
            return json(e, diagram: diagram?.source, cost: cost, rollout: rollout)
        }
    }

    /// Markdown with headings; the diagram goes in a code block whose info string names its language.
    /// `preamble` goes first (REPORT.md's generated header): the report is built in one byte
    /// buffer, so a 1,000-service report is never copied to be prefixed.
    public static func markdown(_ e: Explanation, diagram: (format: Diagram.Format, source: String)?, cost: CostReport? = nil,
                                rollout: RolloutReport? = nil, preamble: String = "") -> String {
        String(decoding: markdownUTF8(e, diagram: diagram, cost: cost, rollout: rollout, preamble: preamble), as: UTF8.self)
    }

    /// The Markdown as UTF-8 bytes, which REPORT.md keeps as they are.
    static func markdownUTF8(_ e: Explanation, diagram: (format: Diagram.Format, source: String)?, cost: CostReport? = nil,
                             rollout: RolloutReport? = nil, preamble: String = "") -> [UInt8] {
        var out: [UInt8] = []
        // About what each table's rows take in a 1,000-service report (a little more than measured),
        // so the buffer is not outgrown: growing it would hold the old and the doubled copy at once.
        out.reserveCapacity(110 * e.capacity.count + 90 * e.availability.count + 190 * e.rto.count + 130 * e.zoneLoss.count
                            + 180 * (cost?.lines.count ?? 0) + 64 * 1024)
        out += preamble.utf8
        out += "# \(Markdown.text(e.blueprint)): objectives and capacity\n\n".utf8
        out += "Availability is exact over every region and availability-zone state involved, truncated; ".utf8
        out += "RTO is the sum of the named terms; RPO is the newest copy that survives.\n".utf8
        if let diagram { out += "\n## Architecture\n\n".utf8; out += Diagram.fenced(diagram.source, format: diagram.format).utf8 }
        for (title, table) in tables(e) {
            out += "\n## \(title)\n\n".utf8
            table().markdown(into: &out)
        }
        if let cost { CostRenderer.markdown(cost, into: &out) }
        if let rollout { out += RolloutRenderer.markdown(rollout).utf8 }
        return out
    }

    static func json(_ e: Explanation, diagram: String?, cost: CostReport? = nil, rollout: RolloutReport? = nil) -> String {
        var object: [String: Any] = [
            "blueprint": e.blueprint,
            "capacity": e.capacity.map { row -> [String: Any] in
                ["service": row.service, "zone": row.residencyZone, "region": row.region, "role": row.role.rawValue,
                 "availabilityZones": row.zones, "normalShare": row.normalShare, "regionLossShare": row.regionLossShare ?? NSNull(),
                 "need": row.need, "replicas": row.replicas, "pdbMaxUnavailable": row.pdbMaxUnavailable,
                 "hpaMin": row.hpaMin, "hpaMax": row.hpaMax, "placement": row.placement]
            },
            "availability": e.availability.map { row -> [String: Any] in
                ["service": row.service, "zone": row.residencyZone, "availability": AvailabilityModel.percent(row.availability),
                 "value": row.availability, "downtimeMinutesPerYear": (row.downtimeMinutesPerYear * 10).rounded() / 10,
                 "objective": row.objective?.text ?? NSNull(), "meetsObjective": row.meetsObjective, "withheld": withheld(row.withheld)]
            },
            "rto": e.rto.map { row -> [String: Any] in
                ["service": row.result.service, "zone": row.result.residencyZone, "event": row.result.event.label,
                 "disruption": row.result.event.disruption.rawValue,
                 "terms": row.result.terms.map { ["name": $0.name, "seconds": Double($0.duration.milliseconds) / 1000, "detail": $0.detail ?? NSNull()] as [String: Any] },
                 "totalSeconds": row.total.map { Double($0.milliseconds) / 1000 } ?? NSNull(),
                 "unbounded": row.result.unbounded ?? NSNull(),
                 "objectiveSeconds": row.objective.map { Double($0.milliseconds) / 1000 } ?? NSNull(), "meetsObjective": row.meetsObjective,
                 "notPromised": row.notPromised, "withheld": withheld(row.withheld)]
            },
            "rpo": e.rpo.map { row -> [String: Any] in
                ["datastore": row.result.datastore, "disruption": row.result.disruption.rawValue,
                 "lossSeconds": row.result.loss.map { Double($0.milliseconds) / 1000 } ?? NSNull(), "because": row.result.reason,
                 "objectiveSeconds": row.objective.map { Double($0.milliseconds) / 1000 } ?? NSNull(), "meetsObjective": row.meetsObjective,
                 "notPromised": row.notPromised, "withheld": withheld(row.withheld)]
            },
            "withheld": e.withheld.map { ["check": $0.subject, "path": $0.cause.path, "because": cause($0.cause)] },
            "waivers": e.waivers.map { ["rule": $0.rule, "at": $0.at, "expires": $0.expires, "reason": $0.reason] },
            "routing": e.routing.map { ["zone": $0.residencyZone, "locations": $0.locations, "receivesUnplaced": $0.receivesUnplaced] as [String: Any] },
            "zoneLoss": e.zoneLoss.map { row -> [String: Any] in
                ["region": row.region, "kind": row.kind, "name": row.name, "mustRun": row.mustRun,
                 "launches": row.launches ?? NSNull(), "needsLaunch": row.launches != nil]
            },
        ]
        if let diagram { object["diagram"] = diagram }
        if let cost { object["cost"] = CostRenderer.json(cost) }
        if let rollout { object["rollout"] = RolloutRenderer.json(rollout) }
        return JSONText.serialize(object)
    }

    static func withheld(_ withholding: Withholding?) -> Any {
        withholding.map { cause($0.cause) } ?? NSNull()
    }
}
