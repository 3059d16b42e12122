import BlueprintModel
import Diagnostics
import Resilience

/// Renders a drill runbook and a graded drill, the audit evidence of a DR test.
public enum DrillRenderer {
    public enum Format: String, CaseIterable, Sendable { case text, markdown, json }

    static func stepsTable(_ plan: DrillPlan) -> Table {
        Table(headers: ["#", "step", "what to do or watch", "starts after", "expected", "done by"],
              rows: plan.steps.enumerated().map { index, step in
                  [String(index + 1), step.name, step.action, step.startsAfter.description, step.expected.description, step.doneBy.description]
              })
    }

    public static func plan(_ plan: DrillPlan, format: Format) -> String {
        switch format {
        case .json:
            return JSONText.serialize([
                "blueprint": plan.blueprint,
                "outage": ["regions": plan.outage.regions.sorted(), "zones": plan.outage.zones.sorted()],
                "preconditions": plan.preconditions,
                "criticalPath": plan.criticalPath,
                "steps": plan.steps.map { ["name": $0.name, "action": $0.action, "expectedSeconds": Double($0.expected.milliseconds) / 1000,
                                           "startsAfterSeconds": Double($0.startsAfter.milliseconds) / 1000] as [String: Any] },
                "plannedRTOSeconds": Double(plan.plannedRTO.milliseconds) / 1000,
                "rtoObjectiveSeconds": plan.rtoObjective.map { Double($0.milliseconds) / 1000 } as Any,
                "successCriteria": plan.successCriteria,
                "rollback": plan.rollback,
                "fisExperimentTemplate": plan.fisTemplate,
            ] as [String: Any])
        case .markdown, .text:
            let md = format == .markdown
            var out = md ? "# DR drill: outage of \(Markdown.text(plan.outage.label)) — \(Markdown.text(plan.blueprint))\n\n"
                         : "DR drill: outage of \(plan.outage.label) in \(plan.blueprint)\n\n"
            func section(_ title: String, _ items: [String]) {
                out += md ? "## \(title)\n\n" : "\(title)\n"
                for item in items { out += (md ? "- \(Markdown.text(item))" : "  - \(item)") + "\n" }
                out += "\n"
            }
            section("Preconditions", plan.preconditions)
            out += md ? "## Steps\n\nCritical path: \(Markdown.text(plan.criticalPath)), planned RTO \(plan.plannedRTO). Steps of different services overlap.\n\n\(stepsTable(plan).markdown)\n"
                      : "Steps (critical path: \(plan.criticalPath), planned RTO \(plan.plannedRTO))\n\(stepsTable(plan).text)\n"
            section("Success criteria", plan.successCriteria)
            section("Rollback", plan.rollback)
            out += md ? "## Fault injection\n\n`meridian drill plan --format json` carries an AWS FIS experiment template (`fisExperimentTemplate`) that cuts the network of the outage's subnets; fill in the role and the abort alarm.\n"
                      : "Fault injection: `--format json` carries an AWS FIS experiment template (fisExperimentTemplate).\n"
            return out
        }
    }

    public static func grade(_ grade: DrillGrade, plan: DrillPlan, started: String, format: Format) -> String {
        let verdict = grade.passed ? "passed" : "FAILED"
        switch format {
        case .json:
            return JSONText.serialize([
                "blueprint": plan.blueprint, "outage": plan.outage.label, "started": started, "passed": grade.passed,
                "measuredRTOSeconds": grade.measuredRTOSeconds, "findings": grade.findings,
                "steps": grade.rows.map { row -> [String: Any] in
                    ["step": row.step, "plannedSeconds": row.planned.map { Double($0.milliseconds) / 1000 } as Any,
                     "measuredSeconds": row.measuredSeconds as Any, "deviation": row.deviation as Any]
                },
            ] as [String: Any])
        case .markdown, .text:
            let table = Table(headers: ["step", "planned", "measured", "deviation", "finding"], rows: grade.rows.map { row in
                [row.step, row.planned?.description ?? "-", row.measuredSeconds.map(DrillGrade.seconds) ?? "-",
                 row.deviation.map { ($0 >= 0 ? "+" : "") + "\(Int(($0 * 100).rounded()))%" } ?? "-", row.finding ?? ""]
            })
            let rto = "measured RTO \(DrillGrade.seconds(grade.measuredRTOSeconds)) against \(plan.rtoObjective.map(\.description) ?? "no objective")"
            let loss = grade.measuredDataLossSeconds.map { "measured data loss \(DrillGrade.seconds($0)) against \(plan.rpoObjective.map(\.description) ?? "no objective")" }
            if format == .markdown {
                var out = "# Drill graded: outage of \(Markdown.text(plan.outage.label)) — \(Markdown.text(plan.blueprint)) — \(verdict)\n\n"
                out += "Started \(Markdown.text(started)); \(Markdown.text(rto))" + (loss.map { "; \(Markdown.text($0))" } ?? "") + ".\n\n"
                out += table.markdown
                if !grade.findings.isEmpty { out += "\n## Findings\n\n" + grade.findings.map { "- \(Markdown.text($0))\n" }.joined() }
                return out
            }
            var out = "Drill of \(plan.outage.label) in \(plan.blueprint), started \(started): \(verdict)\n\(rto)\n"
            if let loss { out += loss + "\n" }
            out += "\n" + table.text
            for finding in grade.findings { out += "finding: \(finding)\n" }
            return out
        }
    }

    /// Graded drills in time order: the trend of a recovery.
    public static func history(_ rows: [(started: String, outage: String, rtoSeconds: Double, dataLossSeconds: Double?, passed: Bool, findings: Int)],
                               format: Format) -> String {
        let table = Table(headers: ["started", "outage", "measured RTO", "data loss", "findings", "result"], rows: rows.map { row in
            [row.started, row.outage, DrillGrade.seconds(row.rtoSeconds), row.dataLossSeconds.map(DrillGrade.seconds) ?? "-",
             String(row.findings), row.passed ? "passed" : "FAILED"]
        })
        switch format {
        case .json:
            return JSONText.serialize(rows.map { ["started": $0.started, "outage": $0.outage, "measuredRTOSeconds": $0.rtoSeconds,
                                                  "passed": $0.passed, "findings": $0.findings] as [String: Any] })
        case .markdown: return "# Drill history\n\n" + table.markdown
        case .text: return "Drill history\n" + table.text
        }
    }
}
