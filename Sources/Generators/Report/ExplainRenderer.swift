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
    static func tables(_ e: Explanation) -> [(title: String, table: @Sendable () -> Table)] {
        var result: [(title: String, table: @Sendable () -> Table)] = [
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
            ("Recovery time (RTO)", {
                // Thousands of rows share a few sums: each is written out once.
                let sums = RTOSums()
                return Table(
                headers: ["service", "zone", "disruption", "arithmetic", "RTO", "objective", "verdict"],
                of: e.rto) { row in
                    let arithmetic = row.result.unbounded.map { "unbounded: \($0)" } ?? sums.arithmetic(row.result.terms)
                    return [row.result.service, row.result.residencyZone, row.result.event.label, figure(row.withheld, arithmetic),
                            figure(row.withheld, row.total?.description ?? "unbounded"),
                            row.objective?.description ?? (row.notPromised ? "not promised" : "-"),
                            verdict(row.withheld, objective: row.objective != nil, ok: row.meetsObjective)]
                }
            }),
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

    /// `detect 1m + promote 30s (…)` for each distinct list of terms, written once; one table's rows
    /// are made one at a time on one thread.
    private final class RTOSums {
        /// Keyed by a signature of the cheap parts (durations and lengths), each candidate then
        /// compared whole: hashing every detail's bytes for each of 16,000 rows cost more than
        /// writing the table.
        private var written: [Int: [(terms: [RTOTerm], text: String)]] = [:]

        func arithmetic(_ terms: [RTOTerm]) -> String {
            var signature = terms.count
            for term in terms {
                signature = signature &* 31 &+ term.duration.milliseconds
                signature = signature &* 31 &+ term.name.utf8.count
                signature = signature &* 31 &+ (term.detail?.utf8.count ?? -1)
            }
            if let candidates = written[signature] {
                for candidate in candidates where Self.same(candidate.terms, terms) { return candidate.text }
            }
            let text = terms.map { "\($0.name) \($0.duration)" + ($0.detail.map { " (\($0))" } ?? "") }.joined(separator: " + ")
            written[signature, default: []].append((terms, text))
            return text
        }

        /// `==` field by field, without copying the terms.
        private static func same(_ a: [RTOTerm], _ b: [RTOTerm]) -> Bool {
            guard a.count == b.count else { return false }
            for index in a.indices {
                guard a[index].duration == b[index].duration, a[index].name == b[index].name, a[index].detail == b[index].detail else { return false }
            }
            return true
        }
    }

    /// `diagram` is the rendered diagram source and its language; Markdown fences it once, in that language.
    public static func render(_ e: Explanation, format: Format, diagram: (format: Diagram.Format, source: String)? = nil,
                              cost: CostReport? = nil, rollout: RolloutReport? = nil) -> String {
        switch format {
        case .text:
            var costText: (@Sendable () -> [UInt8])?
            if let cost { costText = { CostRenderer.textUTF8(cost) } }
            return String(decoding: textUTF8(e, diagram: diagram, costText: costText, rollout: rollout), as: UTF8.self)
        case .markdown:
            return markdown(e, diagram: diagram, cost: cost, rollout: rollout)
        case .json:
            return json(e, diagram: diagram?.source, cost: cost, rollout: rollout)
        }
    }

    /// Where a view's cost section comes from: pricing every line of a large blueprint takes as
    /// long as writing its other tables, so the views work it out on a second core meanwhile.
    public typealias CostSource = @Sendable () -> CostReport

    static func source(_ report: CostReport?) -> CostSource? {
        guard let report else { return nil }
        return { report }
    }

    /// The plain-text explanation as UTF-8 bytes (8 MB for 1,000 services × 8 regions).
    public static func textUTF8(_ e: Explanation, diagram: (format: Diagram.Format, source: String)? = nil,
                                costText: (@Sendable () -> [UInt8])? = nil, rollout: RolloutReport? = nil) -> [UInt8] {
        let sections = textSections(e, diagram: diagram, costText: costText, rollout: rollout)
        var out: [UInt8] = []
        out.reserveCapacity(sections.reduce(0) { $0 + $1.count })
        for section in sections { out += section }
        return out
    }

    /// The plain-text explanation in its sections, in order: the tables and the cost section
    /// (`costText`) are written on every core, each into its own buffer. Every section but the
    /// last ends with a line break, and never with a raw CR before it (its user text is escaped
    /// already), so a section can be escaped (`TerminalText.lines`) and written on its own:
    /// explain never holds the 8 MB twice to join them.
    public static func textSections(_ e: Explanation, diagram: (format: Diagram.Format, source: String)? = nil,
                                    costText: (@Sendable () -> [UInt8])? = nil, rollout: RolloutReport? = nil) -> [[UInt8]] {
        let tables = tables(e)
        var sections = [Array("Blueprint \(TerminalText.escaped(e.blueprint))\n".utf8)]
        sections += PhaseTimings.measure("explain tables and cost (parallel, wall)") {
            Parallel.map(tables.count + 1) { index -> [UInt8] in
                guard index < tables.count else { return costText?() ?? [] }
                var out = Array("\n\(tables[index].title)\n\n".utf8)
                tables[index].table().text(into: &out)
                return out
            }
        }
        if let rollout { sections.append(Array(RolloutRenderer.text(rollout).utf8)) }
        if let diagram { sections.append(Array(("\nDiagram\n\n" + diagram.source).utf8)) }
        return sections.filter { !$0.isEmpty }
    }

    /// About what each table's rows take (a little more than measured at 1,000 services), so the
    /// buffer is not outgrown: growing it would hold the old and the doubled copy at once.
    static func sizeEstimate(_ e: Explanation, cost: CostReport?) -> Int {
        110 * e.capacity.count + 90 * e.availability.count + 190 * e.rto.count + 130 * e.zoneLoss.count
            + 180 * (cost?.lines.count ?? 0) + 64 * 1024
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
        out.reserveCapacity(sizeEstimate(e, cost: cost))
        markdown(e, diagram: { diagram }, cost: { cost }, rollout: rollout, preamble: preamble, into: &out) { _ in true }
        return out
    }

    /// The same Markdown a section at a time: each goes to `emit` as soon as it is made and is let
    /// go after, and the diagram and the cost report are made only when their section is.
    static func markdownPieces(_ e: Explanation, diagram: () -> (format: Diagram.Format, source: String)?, cost: () -> CostReport?,
                               rollout: RolloutReport?, preamble: String, emit: (UnsafeRawBufferPointer) -> Bool) {
        var out: [UInt8] = []
        markdown(e, diagram: diagram, cost: cost, rollout: rollout, preamble: preamble, into: &out) { section in
            defer { section.removeAll(keepingCapacity: true) }
            return section.withUnsafeBytes(emit)
        }
    }

    /// Appends the Markdown to `out` and calls `sectionDone` after each section, which may empty
    /// `out`, and returns false to stop.
    private static func markdown(_ e: Explanation, diagram: () -> (format: Diagram.Format, source: String)?, cost: () -> CostReport?,
                                 rollout: RolloutReport?, preamble: String, into out: inout [UInt8],
                                 sectionDone: (inout [UInt8]) -> Bool) {
        out += preamble.utf8
        out += "# \(Markdown.text(e.blueprint)): objectives and capacity\n\n".utf8
        out += "Availability is exact over every region and availability-zone state involved, truncated; ".utf8
        out += "RTO is the sum of the named terms; RPO is the newest copy that survives.\n".utf8
        if let diagram = diagram() { out += "\n## Architecture\n\n".utf8; out += Diagram.fenced(diagram.source, format: diagram.format).utf8 }
        guard sectionDone(&out) else { return }
        for (title, table) in tables(e) {
            out += "\n## \(title)\n\n".utf8
            table().markdown(into: &out)
            guard sectionDone(&out) else { return }
        }
        if let cost = cost() {
            CostRenderer.markdown(cost, into: &out)
            guard sectionDone(&out) else { return }
        }
        if let rollout {
            out += RolloutRenderer.markdown(rollout).utf8
            _ = sectionDone(&out)
        }
    }

    static func json(_ e: Explanation, diagram: String?, cost: CostReport? = nil, rollout: RolloutReport? = nil) -> String {
        JSONText.serialize(jsonValue(e, diagram: diagram, cost: source(cost), rollout: rollout))
    }

    /// `explain --format json`'s document, for writing in pieces (`JSONText.serialize(_:chunk:into:)`).
    public static func jsonValue(_ e: Explanation, diagram: String?, cost: CostSource? = nil, rollout: RolloutReport? = nil) -> JSONValue {
        var (members, costValue) = Parallel.both({ explanationMembers(e) }, { cost.map { CostRenderer.json($0()) } })
        if let diagram { members.append(JSONMember("diagram", .string(diagram))) }
        if let costValue { members.append(JSONMember("cost", costValue)) }
        if let rollout { members.append(JSONMember("rollout", RolloutRenderer.json(rollout))) }
        return .object(members)
    }

    static func explanationMembers(_ e: Explanation) -> [JSONMember] {
        let seconds = { (duration: Duration) -> JSONValue in .double(Double(duration.milliseconds) / 1000) }
        return [
            JSONMember("blueprint", .string(e.blueprint)),
            JSONMember("capacity", .array(e.capacity.map { row in
                ["service": .string(row.service), "zone": .string(row.residencyZone), "region": .string(row.region),
                 "role": .string(row.role.rawValue), "availabilityZones": .int(row.zones), "normalShare": .string(row.normalShare),
                 "regionLossShare": JSONValue(row.regionLossShare), "need": .int(row.need), "replicas": .int(row.replicas),
                 "pdbMaxUnavailable": .int(row.pdbMaxUnavailable), "hpaMin": .int(row.hpaMin), "hpaMax": .int(row.hpaMax),
                 "placement": .string(row.placement)]
            })),
            JSONMember("availability", .array(e.availability.map { row in
                ["service": .string(row.service), "zone": .string(row.residencyZone),
                 "availability": .string(AvailabilityModel.percent(row.availability)), "value": .double(row.availability),
                 "downtimeMinutesPerYear": .double((row.downtimeMinutesPerYear * 10).rounded() / 10),
                 "objective": JSONValue(row.objective?.text), "meetsObjective": .bool(row.meetsObjective), "withheld": withheld(row.withheld)]
            })),
            JSONMember("rto", .array(e.rto.map { row in
                ["service": .string(row.result.service), "zone": .string(row.result.residencyZone), "event": .string(row.result.event.label),
                 "disruption": .string(row.result.event.disruption.rawValue),
                 "terms": .array(row.result.terms.map { ["name": .string($0.name), "seconds": seconds($0.duration), "detail": JSONValue($0.detail)] }),
                 "totalSeconds": row.total.map(seconds) ?? .null,
                 "unbounded": JSONValue(row.result.unbounded),
                 "objectiveSeconds": row.objective.map(seconds) ?? .null, "meetsObjective": .bool(row.meetsObjective),
                 "notPromised": .bool(row.notPromised), "withheld": withheld(row.withheld)]
            })),
            JSONMember("rpo", .array(e.rpo.map { row in
                ["datastore": .string(row.result.datastore), "disruption": .string(row.result.disruption.rawValue),
                 "lossSeconds": row.result.loss.map(seconds) ?? .null, "because": .string(row.result.reason),
                 "objectiveSeconds": row.objective.map(seconds) ?? .null, "meetsObjective": .bool(row.meetsObjective),
                 "notPromised": .bool(row.notPromised), "withheld": withheld(row.withheld)]
            })),
            JSONMember("withheld", .array(e.withheld.map {
                ["check": .string($0.subject), "path": .string($0.cause.path), "because": .string(cause($0.cause))]
            })),
            JSONMember("waivers", .array(e.waivers.map {
                ["rule": .string($0.rule), "at": .string($0.at), "expires": .string($0.expires), "reason": .string($0.reason)]
            })),
            JSONMember("routing", .array(e.routing.map {
                ["zone": .string($0.residencyZone), "locations": JSONValue($0.locations), "receivesUnplaced": .bool($0.receivesUnplaced)]
            })),
            JSONMember("zoneLoss", .array(e.zoneLoss.map { row in
                ["region": .string(row.region), "kind": .string(row.kind), "name": .string(row.name), "mustRun": .string(row.mustRun),
                 "launches": JSONValue(row.launches), "needsLaunch": .bool(row.launches != nil)]
            })),
        ]
    }

    static func withheld(_ withholding: Withholding?) -> JSONValue {
        withholding.map { .string(cause($0.cause)) } ?? .null
    }
}
