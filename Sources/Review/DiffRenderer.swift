import Cost
import Diagnostics
import Foundation

/// Renders blueprint diffs as terminal text, as Markdown for a pull-request comment, or as JSON.
public enum DiffRenderer {
    public enum Format: String, CaseIterable, Sendable { case text, markdown, json }

    /// `markdownBudget` bounds Markdown (a pull-request comment has a size limit); other formats are always whole.
    public static func render(_ diffs: [BlueprintDiff], format: Format, color: Bool = false, markdownBudget: MarkdownBudget? = nil) -> String {
        switch format {
        case .text: return diffs.map { text($0, color: color) }.joined(separator: "\n")
        case .markdown:
            if let markdownBudget { return markdownBudget.render(diffs.map(markdownParts)) }
            return diffs.map(markdown).joined(separator: "\n")
        case .json: return json(diffs)
        }
    }

    static func summary(_ diff: BlueprintDiff) -> String {
        let count = { (kind: BlueprintDiff.ResourceChange.Kind) in diff.resources.filter { $0.kind == kind }.count }
        return "\(count(.added)) added, \(count(.removed)) removed, \(count(.changed)) changed"
    }

    static func value(_ text: String?) -> String { text ?? "(none)" }

    /// `+$465.29/month ($5,547.04 → $6,012.33)`; nil when unchanged or unknown.
    static func costLine(_ diff: BlueprintDiff) -> String? {
        guard let old = diff.cost.old, let new = diff.cost.new, Money.rounded(old, scale: 2) != Money.rounded(new, scale: 2) else {
            if diff.cost.old == nil, let new = diff.cost.new { return "\(Money.dollars(new))/month (new)" }
            return nil
        }
        // Short, so it always fits the comment's head; the objective deltas it buys are the table beside it.
        return "\(Money.signedDollars(new - old))/month (\(Money.dollars(old)) → \(Money.dollars(new)))"
    }

    // MARK: Text

    static func text(_ diff: BlueprintDiff, color: Bool) -> String {
        let paint = { (code: String, text: String) in color ? "\u{1B}[\(code)m\(TerminalText.escaped(text))\u{1B}[0m" : TerminalText.escaped(text) }
        var out = paint("1", "\(diff.label): resources \(summary(diff))") + "\n"
        if let cost = costLine(diff) { out += "Monthly cost: \(TerminalText.escaped(cost))\n" }
        for note in diff.notes { out += "  note: \(TerminalText.escaped(note))\n" }
        if diff.isEmpty { return out + "  no changes\n" }
        for change in diff.resources {
            switch change.kind {
            case .added: out += paint("32", "+ \(change.resource.title)") + "\n"
            case .removed: out += paint("31", "- \(change.resource.title)") + "\n"
            case .changed:
                out += paint("33", "~ \(change.resource.title)") + "\n"
                for field in change.fields {
                    let line = "    \(field.path): \(value(field.old)) → \(value(field.new))" + (field.isCapacity ? "   [capacity]" : "")
                    out += (field.isCapacity ? paint("1;33", line) : TerminalText.escaped(line)) + "\n"
                }
            }
        }
        if !diff.objectives.isEmpty {
            out += paint("1", "Objectives") + "\n"
            for change in diff.objectives {
                let line = "  \(change.measure) \(change.subject): \(change.old) → \(change.new) (objective \(change.objective))"
                out += (change.worse ? paint("31", line) : paint("32", line)) + "\n"
            }
        }
        if !diff.findings.isEmpty {
            out += paint("1", "Findings") + "\n"
            for finding in diff.findings {
                let d = finding.diagnostic
                let line = "  \(finding.appeared ? "+" : "-") \(d.severity.rawValue) [\(d.rule)] \(d.message)"
                out += paint(finding.appeared ? "31" : "32", line) + "\n"
            }
        }
        return out
    }

    // MARK: Markdown

    /// User text in a table cell or list item: the one Markdown escape every report shares.
    static func cell(_ text: String) -> String { Markdown.text(text) }

    /// The parts of one blueprint's Markdown: what is always shown, then sections whose rows may be cut.
    static func markdownParts(_ diff: BlueprintDiff) -> (head: String, sections: [MarkdownSection]) {
        var head = "### \(Markdown.code(diff.label))\n\n"
        // Notes say which side has errors and what they keep out of the comparison: a banner above everything.
        for note in diff.notes { head += "> **⚠️ Errors:** \(cell(note))\n\n" }
        if diff.isEmpty { return (head + "No changes to generated resources, objectives or findings.\n", []) }
        head += "**Resources:** \(summary(diff)).\n"
        if let cost = costLine(diff) { head += "\n**Monthly cost:** \(cell(cost))\n" }
        var sections: [MarkdownSection] = []
        if !diff.objectives.isEmpty {
            sections.append(MarkdownSection(
                priority: 0, head: "\n**Objectives:**\n\n| measure | for | before | after | objective |\n|---|---|---|---|---|\n",
                rows: diff.objectives.map { change in
                    "| \(cell(change.measure)) | \(cell(change.subject)) | \(cell(change.old)) | \(change.worse ? "🔻 " : "🟢 ")\(cell(change.new)) | \(cell(change.objective)) |\n"
                },
                what: "objective changes"))
        }
        if !diff.findings.isEmpty {
            sections.append(MarkdownSection(
                priority: 1, head: "\n**Findings:**\n\n",
                rows: diff.findings.map { finding in
                    let d = finding.diagnostic
                    return "- \(finding.appeared ? "➕ new" : "✅ resolved") \(d.severity.rawValue) `\(d.rule)` at line \(d.mark.line): \(cell(d.message))\n"
                },
                what: "finding changes"))
        }
        let capacity = diff.resources.flatMap { change in change.fields.filter(\.isCapacity).map { (change, $0) } }
        if !capacity.isEmpty {
            sections.append(MarkdownSection(
                priority: 2, head: "\n**Capacity changes:**\n\n| resource | field | before | after |\n|---|---|---|---|\n",
                rows: capacity.map { change, field in
                    "| \(cell(change.resource.title)) | \(Markdown.code(field.path)) | \(cell(value(field.old))) | **\(cell(value(field.new)))** |\n"
                },
                what: "capacity changes"))
        }
        // One collapsible section per region, then delivery and DNS.
        var groups: [(String, [BlueprintDiff.ResourceChange])] = []
        for change in diff.resources {
            let group = change.resource.region.map { "Region \($0)" } ?? (change.resource.origin == .argocd ? "Argo CD" : "Route53 (Terraform)")
            if let index = groups.firstIndex(where: { $0.0 == group }) { groups[index].1.append(change) } else { groups.append((group, [change])) }
        }
        for (group, changes) in groups {
            sections.append(MarkdownSection(
                priority: 3, head: "\n<details><summary>\(Markdown.html(group)): \(changes.count) resource\(changes.count == 1 ? "" : "s")</summary>\n\n",
                rows: changes.map { change in
                    let sign = change.kind == .added ? "+" : change.kind == .removed ? "-" : "~"
                    var item = "- `\(sign)` \(change.kind.rawValue) **\(cell(change.resource.title))**\n"
                    for field in change.fields {
                        item += "  - \(Markdown.code(field.path)): \(cell(value(field.old))) → \(field.isCapacity ? "**" : "")\(cell(value(field.new)))\(field.isCapacity ? "**" : "")\n"
                    }
                    return item
                },
                what: "resources", tail: "\n</details>\n", moreInside: true))
        }
        return (head, sections)
    }

    static func markdown(_ diff: BlueprintDiff) -> String {
        let (head, sections) = markdownParts(diff)
        return head + sections.map { $0.rendered(rows: $0.rows.count, elsewhere: "") }.joined()
    }

    // MARK: JSON

    static func json(_ diffs: [BlueprintDiff]) -> String {
        let object: [[String: Any]] = diffs.map { diff in
            [
                "blueprint": diff.label,
                "notes": diff.notes,
                "cost": ["oldMonthly": diff.cost.old.map { Money.double(Money.rounded($0, scale: 6)) } ?? NSNull(),
                         "newMonthly": diff.cost.new.map { Money.double(Money.rounded($0, scale: 6)) } ?? NSNull()] as [String: Any],
                "resources": diff.resources.map { change -> [String: Any] in
                    [
                        "change": change.kind.rawValue, "origin": change.resource.origin.rawValue, "kind": change.resource.kind,
                        "name": change.resource.name, "region": change.resource.region ?? NSNull(),
                        "fields": change.fields.map { ["path": $0.path, "old": $0.old ?? NSNull(), "new": $0.new ?? NSNull(), "capacity": $0.isCapacity] as [String: Any] },
                    ]
                },
                "objectives": diff.objectives.map {
                    ["measure": $0.measure, "subject": $0.subject, "old": $0.old, "new": $0.new, "worse": $0.worse, "objective": $0.objective] as [String: Any]
                },
                "findings": diff.findings.map { finding -> [String: Any] in
                    let d = finding.diagnostic
                    return ["change": finding.appeared ? "appeared" : "disappeared", "rule": d.rule, "severity": d.severity.rawValue,
                            "line": d.mark.line, "column": d.mark.column, "path": d.path, "message": d.message]
                },
            ]
        }
        return JSONText.serialize(["diffs": object])
    }
}
