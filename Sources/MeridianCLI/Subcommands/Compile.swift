import ArgumentParser
import Compiler
import Diagnostics
import Foundation
import Resilience
import BlueprintModel
import Generators

struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Validate blueprints, then write their manifests, delivery and DNS files.",
        discussion: """
            Writes <output>/<blueprint>/… for each blueprint, atomically: each folder is always the \
            complete old or the complete new tree, files whose bytes did not change are left untouched, \
            and files meridian did not generate are kept. Nothing is written while any blueprint has \
            errors. When the given files are every *.yaml/*.yml of their folders (as \
            `Blueprints/*.yaml` expands to), output folders of blueprints that no longer exist are \
            orphans: --check reports them and compile deletes their generated files (--prune / \
            --no-prune decide instead). Exit codes: 0 written, 1 errors found, 2 bad usage, unreadable \
            input or output that cannot be written, 3 (--check) committed output is stale. --check checks \
            the blueprints that compile even when others have errors: it exits 3 when their output is \
            stale, otherwise 1.
            """)

    @OptionGroup var inputs: BlueprintInputs

    @Option(name: [.short, .customLong("output")], help: "Output directory.")
    var output = "Output"

    @Flag(help: "Write nothing; exit 3 and list the files that would change.")
    var check = false

    @Flag(inversion: .prefixedNo, help: """
        Treat the given blueprints as the whole set: delete (--check: report) the generated files of \
        output folders whose blueprint is not among them. Default: only when the given files are \
        every *.yaml/*.yml of their folders.
        """)
    var prune: Bool?

    @Option(name: .customLong("assume-down"), help: ArgumentHelp(
        "Outage mode: a region assumed down (repeatable); compile without it to revert.",
        discussion: "Survivors are sized for the load now, the region's Applications leave the rollout, REPORT.md says so."))
    var assumeDown: [String] = []

    /// One date for the whole run: a released blueprint analysed again while writing must get the
    /// findings (waiver expiries) it got first, even across midnight. Static (read once per
    /// process) rather than a stored property, which ArgumentParser's decoding would skip.
    private static let runDate = Pipeline.today()
    var today: String { Self.runDate }

    /// The analysis of an item to generate from: the one kept, or, for a released one, made again.
    func analysis(of item: Item) -> (Analysis, source: [UInt8])? {
        switch item.outcome {
        case .analysed(let analysis, let source, _): (analysis, source)
        case .released(_, _, _, let source): (Pipeline.analyze(file: item.file, bytes: source, today: today), source)
        case .unreadable, .remembered: nil
        }
    }

    /// Hands the files of one analysed blueprint to `sink`, in outage mode when asked (regions
    /// checked by `checkAssumedDownRegions`); returns the notices, nil when there is no blueprint.
    func generate(_ analysis: Analysis, reusing: ReusableFiles? = nil, into sink: GeneratedFileSink) -> [String]? {
        guard !assumeDown.isEmpty, let blueprint = analysis.blueprint else { return Pipeline.generate(analysis, reusing: reusing, into: sink) }
        // The report keeps the blueprint's own figures; the manifests and rollout follow the outage.
        return Pipeline.generate(blueprint, topology: Topology(blueprint, assumingDown: Set(assumeDown)), explanation: analysis.explanation, into: sink)
    }

    /// One given blueprint: answered by the cache (its output intact) or analysed now.
    struct Item {
        var file: String
        var outcome: BlueprintSet.Outcome
        var name: String? { outcome.name }
    }

    /// What a cache entry of compile depends on besides the blueprint: the output folder and the outage.
    var cacheContext: String {
        let root = output.hasPrefix("/") ? output : FileManager.default.currentDirectoryPath + "/" + output
        return (["compile", root] + assumeDown.sorted()).joined(separator: "\n")
    }

    func folder(of blueprint: String) -> String { OutputWriter(outputDirectory: output, blueprint: blueprint).displayPath }

    func run() throws {
        let (files, unreadable) = inputs.expanded
        // Under --check nothing is written, so nothing is reused; an outage's manifests are not the ones remembered.
        let outcomes = BlueprintSet.analyse(files, cache: inputs.analysisCache, context: cacheContext, today: today, boundMemory: true,
                                            keepBlueprints: !assumeDown.isEmpty, recallPrevious: !check && assumeDown.isEmpty) { [self] entry in
            entry.blueprint.map { BlueprintSet.outputIntact(entry, in: folder(of: $0)) } ?? false
        }
        let items = zip(files, outcomes).map { Item(file: $0, outcome: $1) }
        let failures = unreadable + outcomes.compactMap { outcome -> UnreadableInput? in
            if case .unreadable(let error) = outcome { return error } else { return nil }
        }
        failures.forEach { printError($0.description) }
        let diagnostics = outcomes.flatMap(\.diagnostics)
        if !diagnostics.isEmpty { printError(TextFormatter.format(diagnostics)) }
        if !failures.isEmpty { throw ExitStatus.unreadableInput }
        // --check still checks the blueprints that compile: a pull request learns both that some
        // blueprints have errors (lint's findings) and whether the others' committed output is current.
        if diagnostics.hasErrors && !check {
            printError("compile: \(TextFormatter.summary(diagnostics)); nothing written")
            throw ExitStatus.errorsFound
        }
        let blueprints = items.filter { $0.name != nil }
        var owners: [String: String] = [:]
        for item in blueprints {
            let name = item.name!
            if let other = owners[name] {
                printError("\(item.file): error: blueprint name '\(name)' is also used by \(other); both would write \(output)/\(name)/")
                throw ExitStatus.errorsFound
            }
            owners[name] = item.file
        }
        // A folder given is its whole set by definition; only listed files need the look at their folders.
        let onlyFolders = inputs.files.allSatisfy { var folder: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &folder) && folder.boolValue }
        let wholeSet = prune ?? (onlyFolders || Self.areEveryBlueprintOfTheirFolders(files))
        if check {
            // A blueprint too broken to have a name may own any output folder: none is called an orphan.
            try checkOutput(blueprints, wholeSet: wholeSet && blueprints.count == items.count)
        } else {
            try writeOutput(blueprints, wholeSet: wholeSet)
        }
    }

    private func waitingMessage(_ holder: Int32?) {
        let who = holder.map { "process \($0)" } ?? "another process"
        printError("compile: waiting for \(who), which is writing into \(output)/ (lock \(output)/\(OutputLock.fileName))")
    }

    /// What writing one blueprint printed, kept until every blueprint is done so the lines come out in input order.
    struct Written {
        var stdout: [String] = []
        var stderr: [String] = []
        var failed = false
        var toRemember: ToRemember?
    }

    /// What the cache is told of a blueprint written now, once every blueprint is written.
    struct ToRemember {
        var blueprint: String
        var folder: String
        var diagnostics: [Diagnostic]
        var dependencies: [AnalysisCache.Dependency]
        var source: [UInt8]
        /// Every generated file's path, each ended by a line break: a fleet's 460,000 paths held as
        /// Strings until the end cost 32 MiB, as bytes half that.
        var generatedPaths: [UInt8]
        /// Files kept on `previous`'s proof, whose stamps it holds.
        var kept: [String]
        var previous: PreviousOutput?

        static func joined(_ paths: [String]) -> [UInt8] {
            var bytes: [UInt8] = []
            for path in paths {
                bytes.append(utf8Of: path)
                bytes.append(10)
            }
            return bytes
        }

        static func split(_ bytes: [UInt8]) -> [String] {
            bytes.split(separator: 10, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        }
    }

    private func writeOutput(_ items: [Item], wholeSet: Bool) throws {
        // Before the lock: a mistyped region must leave no output folder behind.
        try checkAssumedDownRegions(items)
        let lock: OutputLock
        do {
            lock = try OutputLock.exclusive(root: output, waiting: waitingMessage)
        } catch {
            printError("compile: error: \(error)")
            throw ExitStatus.unreadableInput
        }
        defer { lock.release() }
        OutputRoot.recoverInterrupted(root: output).forEach { printError("compile: note: \($0)") }
        // Old trees are removed while the new ones are stamped; all are gone before compile returns.
        defer { RetiredTrees.waitUntilRemoved() }
        let cache = inputs.analysisCache
        // Each blueprint has its own folder, staging directory and swap, so blueprints are written in parallel.
        let results = Parallel.map(items.count) { index -> Written in
            let item = items[index]
            var written = Written()
            switch item.outcome {
            case .unreadable: return written
            case .remembered(let entry, _):
                let count = entry.outputs.count
                written.stdout.append("\(folder(of: entry.blueprint!)) is up to date (\(count) file\(count == 1 ? "" : "s") unchanged)")
                return written
            case .analysed, .released:
                guard let (analysis, source) = analysis(of: item), let blueprint = analysis.blueprint else { return written }
                var writer = OutputWriter(outputDirectory: output, blueprint: blueprint.name)
                writer.removesOldTreeInBackground = true
                var previous: PreviousOutput?
                if case .analysed(_, _, let recalled) = item.outcome { previous = recalled }
                let summary: OutputWriter.Summary
                do {
                    // Files go to disk as each region is generated, so the whole tree is never held.
                    summary = try PhaseTimings.measure("generate and write output") {
                        try writer.write(lock: lock, rootRecovered: true) { sink, keep in
                            let notices = previous.map { previous in
                                previous.reusable(in: writer.displayPath, blueprint: blueprint.name, keep: keep) {
                                    generate(analysis, reusing: $0, into: sink)
                                }
                            } ?? generate(analysis, into: sink)
                            written.stderr += notices ?? []
                        }
                    }
                } catch {
                    written.stderr.append("compile: error: \(error)")
                    written.failed = true
                    return written
                }
                written.stderr += summary.notes.map { "compile: note: \($0)" }
                written.stdout.append(Self.describe(summary, of: summary.generatedPaths.count, in: writer.displayPath))
                if cache != nil {
                    written.toRemember = ToRemember(blueprint: blueprint.name, folder: writer.displayPath, diagnostics: analysis.diagnostics,
                                                    dependencies: BlueprintSet.dependencies(of: analysis), source: source,
                                                    generatedPaths: ToRemember.joined(summary.generatedPaths), kept: summary.keptAsTheyWere,
                                                    previous: previous)
                }
                return written
            }
        }
        // Stamped once every blueprint is written: a file's stamp proves something only when taken a
        // clock tick after the file was (`OutputStamp.isRacy`), and a small blueprint is written in less.
        if let cache {
            PhaseTimings.measure("stamp the output and remember it") {
                _ = Parallel.map(items.count) { index in
                    guard let what = results[index].toRemember else { return }
                    let kept = Set(what.kept)
                    guard let stamps = BlueprintSet.stamps(of: ToRemember.split(what.generatedPaths), in: what.folder, known: {
                        kept.contains($0) ? what.previous?.stamp(ofKept: $0) : nil
                    }) else { return }
                    cache.store(.init(blueprint: what.blueprint, diagnostics: what.diagnostics, outputs: stamps.stamps, stampedAt: stamps.at,
                                      dependencies: what.dependencies),
                                file: items[index].file, context: cacheContext, source: what.source)
                }
            }
        }
        for result in results {
            result.stderr.forEach(printError)
            result.stdout.forEach { printText($0 + "\n") }
            if result.failed { throw ExitStatus.unreadableInput }
        }
        guard wholeSet else { return }
        for orphan in try orphans(of: items) {
            let writer = OutputWriter(outputDirectory: output, blueprint: orphan.blueprint)
            do {
                let summary = try writer.removeGeneratedFiles(lock: lock)
                let kept = summary.kept == 0 ? "" : "; kept \(summary.kept) entr\(summary.kept == 1 ? "y" : "ies") meridian did not generate"
                printText("removed \(summary.removed) generated file\(summary.removed == 1 ? "" : "s") of blueprint '\(orphan.blueprint)' from \(writer.displayPath)/: no blueprint given has that name\(kept)\n")
            } catch {
                printError("compile: error: \(error)")
                throw ExitStatus.unreadableInput
            }
        }
    }

    /// --assume-down names regions of every blueprint analysed now; a cached one was checked when it was written.
    private func checkAssumedDownRegions(_ items: [Item]) throws {
        guard !assumeDown.isEmpty else { return }
        for item in items {
            guard let blueprint = item.outcome.blueprint else { continue }
            let unknown = assumeDown.filter { blueprint.region($0) == nil }
            guard unknown.isEmpty else {
                let regions = blueprint.regions.map(\.name)
                let hints = unknown.map { name in
                    "'\(TerminalText.escaped(name))' is not a region of \(blueprint.name)" + (Suggestion.closest(to: name, among: regions).map { "; did you mean '\($0)'?" } ?? "")
                }
                printError("\(TerminalText.path(blueprint.file)): error: --assume-down: " + hints.joined(separator: "; "))
                throw ExitStatus.unreadableInput
            }
            // Consistent with `simulate --down`: a residency zone with no region left serves no one,
            // and no output can change that; compile says so instead of writing it as if it were fine.
            let down = Set(assumeDown)
            let emptied = blueprint.residency.filter { !$0.regions.isEmpty && $0.regions.allSatisfy(down.contains) }
            guard emptied.isEmpty else {
                for zone in emptied {
                    let mark = blueprint.sourceMap.mark(for: "residency.\(zone.name)")
                    let regions = zone.regions.sorted()
                    printError("\(TerminalText.path(blueprint.file)):\(mark.line):\(mark.column): error: --assume-down takes down every region of residency zone '\(TerminalText.escaped(zone.name))' (\(regions.joined(separator: ", "))): its users are not served, and no output can serve them (`meridian simulate \(Self.shellQuoted(blueprint.file)) --down \(regions.joined(separator: ","))` says the same)")
                }
                printError("compile: nothing written")
                throw ExitStatus.errorsFound
            }
        }
    }

    static func describe(_ summary: OutputWriter.Summary, of total: Int, in path: String) -> String {
        guard summary.written > 0 || summary.removed > 0 else {
            return "\(path) is up to date (\(total) file\(total == 1 ? "" : "s") unchanged)"
        }
        var text = "wrote \(summary.written) of \(total) files to \(path)"
        if summary.unchanged > 0 { text += ", \(summary.unchanged) unchanged" }
        if summary.removed > 0 { text += ", removed \(summary.removed) no longer generated" }
        return text
    }

    private func checkOutput(_ items: [Item], wholeSet: Bool) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), !isDirectory.boolValue {
            printError("compile: error: cannot check \(output): \(SystemCallError(output, code: ENOTDIR))")
            throw ExitStatus.unreadableInput
        }
        try checkAssumedDownRegions(items)
        let lock = try? OutputLock.shared(root: output, waiting: waitingMessage)
        defer { lock?.release() }
        let cache = inputs.analysisCache
        let failing = items.filter { $0.outcome.diagnostics.hasErrors }.map(\.file)
        // A blueprint the cache answered has its output intact, so only the others are generated and
        // compared; one with errors has no output to compare with.
        let reports = Parallel.map(items.count) { index -> [String] in
            guard !items[index].outcome.diagnostics.hasErrors, let (analysis, source) = analysis(of: items[index]),
                  let blueprint = analysis.blueprint else { return [] }
            let writer = OutputWriter(outputDirectory: output, blueprint: blueprint.name)
            let comparison = PhaseTimings.measure("generate and compare with output") { writer.compare { _ = generate(analysis, into: $0) } }
            let changes = comparison.changes
            if changes.isEmpty, let cache, let stamps = BlueprintSet.stamps(of: comparison.generatedPaths, in: writer.displayPath) {
                cache.store(.init(blueprint: blueprint.name, diagnostics: analysis.diagnostics, outputs: stamps.stamps, stampedAt: stamps.at,
                                      dependencies: BlueprintSet.dependencies(of: analysis)),
                            file: items[index].file, context: cacheContext, source: source)
            }
            return changes.map { change in
                let path = change.path.isEmpty ? writer.displayPath : "\(writer.displayPath)/\(change.path)"
                switch change {
                case .added: return "stale: \(path) (missing, would be created)"
                case .modified: return "stale: \(path) (differs from the blueprint)"
                case .removed: return "stale: \(path) (no longer generated, would be removed)"
                case .blocked(_, let reason): return "stale: \(path) (\(reason); compile will refuse to replace it)"
                }
            }
        }
        reports.joined().forEach { printText($0 + "\n") }
        let stale = reports.reduce(0) { $0 + $1.count }
        let orphans = wholeSet ? try orphans(of: items) : []
        for orphan in orphans {
            let count = orphan.generatedFiles.count
            printText("stale: \(output)/\(orphan.blueprint)/ (output of blueprint '\(orphan.blueprint)', which is not among the given blueprints; its \(count) generated file\(count == 1 ? "" : "s") would be removed)\n")
        }
        let checked = items.count - failing.count
        let plural = { (count: Int) in "\(count) blueprint\(count == 1 ? "" : "s")" }
        if !failing.isEmpty {
            printError("compile --check: \(plural(failing.count)) with errors not checked (fix them first): \(failing.map(TerminalText.escaped).joined(separator: ", "))")
        }
        guard stale > 0 || !orphans.isEmpty else {
            printText("compile --check: output is up to date for \(failing.isEmpty ? "" : "the ")\(plural(checked))\(failing.isEmpty ? "" : " that compile")\n")
            if !failing.isEmpty { throw ExitStatus.errorsFound }
            return
        }
        var problems: [String] = []
        if stale > 0 { problems.append("\(stale) file\(stale == 1 ? "" : "s") out of date") }
        if !orphans.isEmpty { problems.append("\(orphans.count) orphaned output folder\(orphans.count == 1 ? "" : "s")") }
        printError("compile --check: \(problems.joined(separator: ", ")); run `\(fixCommand)` and commit the result")
        throw ExitStatus.outputStale
    }

    /// The compile that brings the output up to date: same files, same output folder, same pruning.
    var fixCommand: String {
        var words = ["meridian", "compile"] + inputs.files
        if output != "Output" { words += ["-o", output] }
        if let prune { words.append(prune ? "--prune" : "--no-prune") }
        return words.map(Self.shellQuoted).joined(separator: " ")
    }

    static func shellQuoted(_ word: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:@%+,")
        if !word.isEmpty && word.allSatisfy(plain.contains) { return word }
        // By scalar: Foundation's replacingOccurrences misses a `'` that a combining mark joins.
        var quoted = String.UnicodeScalarView()
        for scalar in word.unicodeScalars {
            if scalar == "'" { quoted.append(contentsOf: "'\\''".unicodeScalars) } else { quoted.append(scalar) }
        }
        return "'" + String(quoted) + "'"
    }

    private func orphans(of items: [Item]) throws -> [OutputRoot.Orphan] {
        do {
            return try OutputRoot.orphans(root: output, keeping: Set(items.compactMap(\.name)))
        } catch {
            printError("compile: error: cannot look for orphaned outputs: \(error)")
            throw ExitStatus.unreadableInput
        }
    }

    /// True when, for every folder a given file is in, every `*.yaml`/`*.yml` file of that folder
    /// was given: what `Blueprints/*.yaml` (or `*.y*ml`) expands to. Then the given blueprints are
    /// the whole set, and an output folder of any other blueprint is an orphan.
    static func areEveryBlueprintOfTheirFolders(_ files: [String]) -> Bool {
        let given = Set(files.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path })
        for folder in Set(given.map { ($0 as NSString).deletingLastPathComponent }) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return false }
            for name in names where !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) {
                let path = URL(fileURLWithPath: folder).appendingPathComponent(name).resolvingSymlinksInPath().path
                if !given.contains(path) { return false }
            }
        }
        return true
    }
}
