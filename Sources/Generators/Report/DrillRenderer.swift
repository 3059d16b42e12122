import BlueprintModel
import Diagnostics
import Resilience

/// Renders a drill runbook and a graded drill, the audit evidence of a DR test.
public enum DrillRenderer {
    public enum Format: String, CaseIterable, Sendable { case text, markdown, json }

    /// What the account supplies for the FIS experiments: the role FIS assumes and one
    /// stop-condition alarm per Region (a CloudWatch alarm ARN names its Region).
    public struct FISInputs: Sendable {
        public var roleArn: String?
        public var stopAlarmArns: [String]

        public init(roleArn: String? = nil, stopAlarmArns: [String] = []) {
            self.roleArn = roleArn
            self.stopAlarmArns = stopAlarmArns
        }

        /// `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:abort` → eu-west-1.
        public static func region(ofAlarm arn: String) -> String? {
            let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 7, parts[0] == "arn", parts[2] == "cloudwatch", parts[5] == "alarm", !parts[3].isEmpty else { return nil }
            return String(parts[3])
        }

        func alarm(in region: String) -> String? { stopAlarmArns.first { Self.region(ofAlarm: $0) == region } }
    }

    /// `withheld`: the checks explain withholds; JSON lists them (text and Markdown print them after the plan).
    public static func plan(_ plan: DrillPlan, format: Format, fis: FISInputs = FISInputs(), withheld: [WithheldCheck] = []) -> String {
        let experiments = plan.experiments.map { experiment in
            (experiment, plan.fisRequest(experiment, roleArn: fis.roleArn, stopAlarmArn: fis.alarm(in: experiment.region)))
        }
        switch format {
        case .json:
            return JSONText.serialize([
                "blueprint": plan.blueprint,
                "outage": ["regions": plan.outage.regions.sorted(), "zones": plan.outage.zones.sorted()],
                "survives": plan.survives,
                "verdict": plan.verdict,
                "preconditions": plan.preconditions,
                "variables": plan.variables.map { ["name": $0.name, "meaning": $0.meaning] },
                "criticalPath": plan.criticalPath,
                "steps": plan.steps.map { ["name": $0.name, "action": $0.action, "commands": $0.commands.map(\.description),
                                           "parts": $0.parts.map { ["text": $0.text, "commands": $0.commands.map(\.description)] as [String: Any] },
                                           "expectedSeconds": Double($0.expected.milliseconds) / 1000,
                                           "startsAfterSeconds": Double($0.startsAfter.milliseconds) / 1000] as [String: Any] },
                "plannedRTOSeconds": Double(plan.plannedRTO.milliseconds) / 1000,
                "unboundedRecoveries": plan.unboundedRecoveries,
                "rtoObjectiveSeconds": plan.rtoObjective.map { Double($0.milliseconds) / 1000 } as Any,
                "untimed": plan.untimed.map { ["text": $0.text, "commands": $0.commands.map(\.description)] as [String: Any] },
                "successCriteria": plan.successCriteria,
                "rollback": plan.rollback.map { ["text": $0.text, "commands": $0.commands.map(\.description)] as [String: Any] },
                "faultDurationSeconds": Double(plan.faultDuration.milliseconds) / 1000,
                "fisExperimentTemplates": experiments.map { experiment, built -> [String: Any] in
                    ["region": experiment.region,
                     "create": DrillPlan.createCommand(region: experiment.region).description,
                     "start": DrillPlan.startCommand(region: experiment.region).description,
                     "missing": built.missing,
                     "request": built.request]
                },
                "withheld": withheld.map(SimulationRenderer.json),
            ] as [String: Any])
        case .markdown, .text:
            let md = format == .markdown
            func code(_ commands: [AWSCommand], separator: String) -> String {
                commands.map { md ? Markdown.code($0.description) : $0.description }.joined(separator: separator)
            }
            func line(_ text: String, _ commands: [AWSCommand] = []) -> String {
                guard !commands.isEmpty else { return md ? Markdown.text(text) : text }
                return md ? Markdown.text(text) + ": " + code(commands, separator: ", ")
                          : text + ":\n" + commands.map { "      \($0.description)" }.joined(separator: "\n")
            }
            var out = md ? "# DR drill: outage of \(Markdown.text(plan.outage.label)) — \(Markdown.text(plan.blueprint))\n\n"
                         : "DR drill: outage of \(plan.outage.label) in \(plan.blueprint)\n\n"
            func section(_ title: String, _ items: [String]) {
                out += md ? "## \(title)\n\n" : "\(title)\n"
                for item in items { out += (md ? "- " : "  - ") + item + "\n" }
                out += "\n"
            }
            if !plan.survives {
                section("This design does not survive this outage: the drill is expected to fail",
                        plan.verdict.map { line($0) })
            }
            if !plan.untimed.isEmpty {
                section("Datastore failovers to run anyway (untimed: no recovery that needs them completes)",
                        plan.untimed.map { line($0.text, $0.commands) })
            }
            section("Preconditions", plan.preconditions.map { line($0) })
            if !plan.variables.isEmpty {
                section("Values the commands read (export them first)",
                        plan.variables.map { md ? "\(Markdown.code($0.name)): \(Markdown.text($0.meaning))" : "\($0.name): \($0.meaning)" })
            }
            let unbounded = plan.unboundedRecoveries.isEmpty ? "" : "; \(plan.unboundedRecoveries.count) recoveries never complete and are not timed"
            if md {
                let table = Table(headers: ["#", "step", "what to do or watch", "starts after", "expected", "done by"],
                                  rows: plan.steps.enumerated().map { index, step in
                                      [String(index + 1), step.name, step.parts.map { line($0.text, $0.commands) }.joined(separator: "<br>"),
                                       step.startsAfter.description, step.expected.description, step.doneBy.description]
                                  })
                out += "## Steps\n\nCritical path: \(Markdown.text(plan.criticalPath)), planned RTO \(plan.plannedRTO)\(Markdown.text(unbounded)). Steps of different services overlap.\n\n"
                out += table.markdown(verbatimColumns: [2]) + "\n"
            } else {
                // Long parts (one per datastore) go below the table, each with its commands.
                let detailed = Set(plan.steps.indices.filter { plan.steps[$0].parts.count > 1 || !plan.steps[$0].commands.isEmpty })
                let table = Table(headers: ["#", "step", "what to do or watch", "starts after", "expected", "done by"],
                                  rows: plan.steps.enumerated().map { index, step in
                                      [String(index + 1), step.name, detailed.contains(index) ? "see step \(index + 1) below" : step.action,
                                       step.startsAfter.description, step.expected.description, step.doneBy.description]
                                  })
                out += "Steps (critical path: \(plan.criticalPath), planned RTO \(plan.plannedRTO)\(unbounded))\n\(table.text)"
                for index in detailed.sorted() {
                    out += "  step \(index + 1) (\(plan.steps[index].name)):\n"
                    for part in plan.steps[index].parts { out += "    - " + line(part.text, part.commands) + "\n" }
                }
                out += "\n"
            }
            section("Success criteria", plan.successCriteria.map { line($0) })
            section("Rollback", plan.rollback.map { line($0.text, $0.commands) })
            var faults: [String] = []
            for (experiment, built) in experiments {
                var what = experiment.regionLost ? "the subnets of all of \(experiment.region)'s zones" : "the subnets of \(experiment.zones.joined(separator: ", "))"
                what += " lose all connectivity"
                for failover in experiment.failovers {
                    what += "; \(failover.datastore)'s zone failover is forced (\(failover.fault.actionId))"
                }
                var item = "\(experiment.region): \(what). Save its request (fisExperimentTemplates, region \(experiment.region), in --format json) as fis-\(experiment.region).json, then create and start it in \(experiment.region)"
                if !built.missing.isEmpty { item += " (before that, pass " + built.missing.joined(separator: " and ") + ")" }
                faults.append(line(item, [DrillPlan.createCommand(region: experiment.region), DrillPlan.startCommand(region: experiment.region)]))
            }
            let intro = "One AWS FIS experiment per affected Region, each created and run in its own Region (FIS acts in the Region where the experiment runs); start them within the same minute. Every action lasts \(plan.faultDuration): the planned recovery (or the RTO objective, if longer) plus a margin of half of it, at least 10 minutes."
            out += md ? "## Fault injection\n\n\(Markdown.text(intro))\n\n" : "Fault injection\n  \(intro)\n"
            for fault in faults { out += (md ? "- " : "  - ") + fault + "\n" }
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
