import ArgumentParser
import BlueprintModel
import Compiler
import Diagnostics
import Foundation
import Generators
import Resilience

extension DrillRenderer.Format: ExpressibleByArgument {}

struct Drill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Plan a DR drill from the blueprint, and grade what a drill measured against it.",
        subcommands: [Plan.self, Grade.self])

    /// The blueprint, analysed, with its topology: what both subcommands start from.
    static func plan(_ file: String, down: [String]) throws -> DrillPlan {
        try planned(file, down: down).plan
    }

    static func output(_ text: String, format: DrillRenderer.Format) {
        if format == .text { printText(text) } else { print(text, terminator: "") }
    }

    static func planned(_ file: String, down: [String]) throws -> (plan: DrillPlan, loaded: AnalysedBlueprint) {
        let loaded = try AnalysedBlueprint(file)
        let (blueprint, topology) = (loaded.blueprint, loaded.topology)
        let (outage, unknown) = Outage.parse(down, in: blueprint)
        guard unknown.isEmpty, !(outage.regions.isEmpty && outage.zones.isEmpty) else {
            printError("meridian drill: " + (unknown.isEmpty ? "name the failed regions or zones with --down"
                                             : unknown.map { "'\(TerminalText.escaped($0))' is neither a region nor a zone of \(blueprint.name)" }.joined(separator: "\n")))
            throw ExitStatus.unreadableInput
        }
        return (DrillPlan(Simulation(topology, outage: outage).withholding(loaded.analysis.explanation), blueprint: blueprint), loaded)
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Write the runbook of a drill: preconditions, timed steps, success criteria, rollback, and an AWS FIS template (json).")

        @Argument(help: "A blueprint file.", completion: .file(extensions: ["yaml", "yml"]))
        var file: String

        @Option(name: .customLong("down"), help: "Regions and/or zones the drill takes down, comma-separated; repeatable.")
        var down: [String] = []

        @Option(help: "text, markdown or json (json includes the FIS experiment templates, one per affected Region).")
        var format: DrillRenderer.Format = .markdown

        @Option(name: .customLong("fis-role-arn"), help: "The IAM role the FIS experiments run as (arn:aws:iam::<account>:role/<name>).")
        var fisRoleArn: String?

        @Option(name: .customLong("stop-alarm-arn"),
                help: "A CloudWatch alarm that stops the experiment of its Region (arn:aws:cloudwatch:<region>:<account>:alarm:<name>); one per affected Region, repeatable.")
        var stopAlarmArns: [String] = []

        func validate() throws {
            if let role = fisRoleArn {
                let parts = role.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
                guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[4].count == 12, parts[4].allSatisfy(\.isNumber),
                      parts[5].hasPrefix("role/"), parts[5].count > 5 else {
                    throw ValidationError("--fis-role-arn: expected arn:aws:iam::<12-digit account>:role/<name>, got '\(role)'")
                }
            }
            for alarm in stopAlarmArns {
                let parts = alarm.split(separator: ":", maxSplits: 6, omittingEmptySubsequences: false)
                guard DrillRenderer.FISInputs.region(ofAlarm: alarm) != nil, parts.count == 7, parts[4].count == 12,
                      parts[4].allSatisfy(\.isNumber), !parts[6].isEmpty else {
                    throw ValidationError("--stop-alarm-arn: expected arn:aws:cloudwatch:<region>:<12-digit account>:alarm:<name>, got '\(alarm)'")
                }
            }
        }

        func run() throws {
            let (plan, loaded) = try Drill.planned(file, down: down)
            let affected = Set(plan.experiments.map(\.region))
            for alarm in stopAlarmArns {
                let region = DrillRenderer.FISInputs.region(ofAlarm: alarm) ?? ""
                guard affected.contains(region) else {
                    printError("meridian drill: --stop-alarm-arn \(alarm) is in \(region), where this drill runs no experiment (affected: \(affected.sorted().joined(separator: ", ")))")
                    throw ExitStatus.unreadableInput
                }
            }
            Drill.output(DrillRenderer.plan(plan, format: format, fis: DrillRenderer.FISInputs(roleArn: fisRoleArn, stopAlarmArns: stopAlarmArns),
                                            withheld: loaded.analysis.explanation?.withheld ?? []),
                         format: format)
            // A plan from a blueprint with errors leaves out what they withheld: say so, and fail.
            if format != .json { print(loaded.withheldSection(markdown: format == .markdown), terminator: "") }
            try loaded.failIfErrors()
        }
    }

    struct Grade: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grade",
            abstract: "Grade a drill's measurements: each step against its plan, RTO and data loss against the objectives.",
            discussion: "Exit 1 when a finding exists (an objective missed, a step over its plan by more than --tolerance).")

        @Argument(help: "The blueprint file the drill was planned from.", completion: .file(extensions: ["yaml", "yml"]))
        var file: String

        @Argument(help: "The drill's results (YAML: outage, steps with start/end, dataLoss).", completion: .file(extensions: ["yaml", "yml"]))
        var results: String?

        @Option(help: "A folder of results files: grade each and show the trend.")
        var history: String?

        @Option(help: "How far over its planned duration a step may run, as a fraction.")
        var tolerance: Double = 0.10

        @Option(help: "text, markdown or json.")
        var format: DrillRenderer.Format = .markdown

        func validate() throws {
            if (results == nil) == (history == nil) { throw ValidationError("give a results file or --history DIR") }
            if !(0...10).contains(tolerance) { throw ValidationError("--tolerance is a fraction from 0 to 10") }
        }

        func grade(_ path: String) throws -> (DrillResults, DrillPlan, DrillGrade) {
            let bytes: [UInt8]
            do { bytes = try SourceLoader.load(path, what: "a drill results file") } catch {
                printError(error.description)
                throw ExitStatus.unreadableInput
            }
            let measured: DrillResults
            do { measured = try DrillResults.load(path, bytes: bytes) } catch {
                printError("\(error)")
                throw ExitStatus.errorsFound
            }
            let plan = try Drill.plan(file, down: measured.outage)
            return (measured, plan, DrillGrade(plan: plan, steps: measured.steps, dataLossSeconds: measured.dataLossSeconds, tolerance: tolerance))
        }

        func run() throws {
            if let results {
                let (measured, plan, graded) = try grade(results)
                Drill.output(DrillRenderer.grade(graded, plan: plan, started: measured.started, format: format), format: format)
                if !graded.passed { throw ExitStatus.errorsFound }
                return
            }
            let folder = history!
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            guard !names.isEmpty else {
                printError("meridian drill grade: no .yaml results in \(folder)")
                throw ExitStatus.unreadableInput
            }
            var rows: [(started: String, outage: String, rtoSeconds: Double, dataLossSeconds: Double?, passed: Bool, findings: Int)] = []
            for name in names {
                let (measured, plan, graded) = try grade((folder as NSString).appendingPathComponent(name))
                rows.append((measured.started, plan.outage.label, graded.measuredRTOSeconds, measured.dataLossSeconds, graded.passed, graded.findings.count))
            }
            rows.sort { $0.started < $1.started }
            Drill.output(DrillRenderer.history(rows, format: format), format: format)
            if rows.last?.passed == false { throw ExitStatus.errorsFound }
        }
    }
}
