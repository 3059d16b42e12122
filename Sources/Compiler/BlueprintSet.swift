import BlueprintModel
import Diagnostics
import Foundation
import Cost
import Generators

/// The blueprints one command run reads: files and folders as given, read and analysed on every
/// core, each answered from the `AnalysisCache` when it can be. One process for a whole fleet.
public enum BlueprintSet {
    /// The files named by `arguments`: a file as itself, a folder as every `*.yaml`/`*.yml` file
    /// directly inside it (hidden ones aside), sorted, so `meridian lint Blueprints/` is the same
    /// set as `meridian lint Blueprints/*.yaml`. A folder with no blueprint is unreadable input.
    public static func expand(_ arguments: [String]) -> (files: [String], unreadable: [UnreadableInput]) {
        var files: [String] = []
        var unreadable: [UnreadableInput] = []
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue else {
                files.append(argument)
                continue
            }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: argument) else {
                unreadable.append(UnreadableInput(path: argument, reason: "is a folder that cannot be listed"))
                continue
            }
            let blueprints = names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }.sorted()
            if blueprints.isEmpty {
                unreadable.append(UnreadableInput(path: argument, reason: "is a folder with no *.yaml or *.yml blueprint in it"))
            }
            let prefix = argument.hasSuffix("/") ? argument : argument + "/"
            files += blueprints.map { prefix + $0 }
        }
        return (files, unreadable)
    }

    static func read(_ file: String) -> Result<[UInt8], UnreadableInput> {
        do throws(UnreadableInput) {
            return .success(try SourceLoader.load(file))
        } catch {
            return .failure(error)
        }
    }

    /// What one file came to.
    public enum Outcome: Sendable {
        case unreadable(UnreadableInput)
        /// Answered by the cache: the findings, and for compile the output it stamped.
        case remembered(AnalysisCache.Entry, source: [UInt8])
        /// `previous`: what compile wrote last time, when asked to recall it (`PreviousOutput`).
        case analysed(Analysis, source: [UInt8], previous: PreviousOutput? = nil)
        /// Analysed, then let go past `keptAnalyses` so a fleet's memory stays bounded: its findings,
        /// name and (when asked) decoded blueprint are kept for the checks over the whole set;
        /// whoever generates its output analyses `source` again, with the same `today`.
        case released(name: String?, blueprint: Blueprint?, diagnostics: [Diagnostic], source: [UInt8])

        public var diagnostics: [Diagnostic] {
            switch self {
            case .unreadable: []
            case .remembered(let entry, _): entry.diagnostics
            case .analysed(let analysis, _, _): analysis.diagnostics
            case .released(_, _, let diagnostics, _): diagnostics
            }
        }

        /// The decoded blueprint, when kept.
        public var blueprint: Blueprint? {
            switch self {
            case .unreadable, .remembered: nil
            case .analysed(let analysis, _, _): analysis.blueprint
            case .released(_, let blueprint, _, _): blueprint
            }
        }

        /// The blueprint's name, once it decoded that far.
        public var name: String? {
            switch self {
            case .unreadable: nil
            case .remembered(let entry, _): entry.blueprint
            case .analysed(let analysis, _, _): analysis.blueprint?.name
            case .released(let name, _, _, _): name
            }
        }
    }

    /// How many whole analyses `analyse` keeps when asked to bound memory: a 10-service blueprint's
    /// is about 110 KB, so 10,000 of them were 1.1 GiB. `MERIDIAN_KEPT_ANALYSES` sets it (tests).
    public static let keptAnalyses: Int = {
        guard let text = ProcessInfo.processInfo.environment["MERIDIAN_KEPT_ANALYSES"], let value = Int(text), value >= 0 else { return 256 }
        return value
    }()

    /// Reads every file and analyses those the cache cannot answer, in parallel, in input order.
    /// `remembered` decides whether an entry still answers (compile checks its output is intact).
    /// With `boundMemory`, analyses past the first `keptAnalyses` files come back `released`, with
    /// their decoded blueprint when `keepBlueprints`.
    /// With `recallPrevious`, an analysed blueprint kept whole comes with its `PreviousOutput`,
    /// worked out beside the analysis.
    public static func analyse(
        _ files: [String], cache: AnalysisCache?, context: String, today: String = Pipeline.today(), boundMemory: Bool = false,
        keepBlueprints: Bool = false, recallPrevious: Bool = false,
        remembered: @Sendable (AnalysisCache.Entry) -> Bool = { _ in true }
    ) -> [Outcome] {
        Parallel.map(files.count) { index in
            let file = files[index]
            let source: [UInt8]
            switch read(file) {
            case .success(let bytes): source = bytes
            case .failure(let error): return .unreadable(error)
            }
            if let entry = cache?.lookup(file: file, context: context, source: source), remembered(entry) {
                return .remembered(entry, source: source)
            }
            let kept = !boundMemory || index < keptAnalyses
            // A large blueprint's last entry is read and decoded on another thread while this one is.
            let recall: @Sendable () -> PreviousOutput.Earlier? = {
                cache?.previous(file: file, context: context).flatMap { PreviousOutput.earlier($0.entry, source: $0.source, file: file) }
            }
            let earlier = kept && recallPrevious && cache != nil
                ? source.count < 1 << 16 ? Parallel.Background(ready: recall()) : Parallel.Background(recall) : nil
            var previous: Parallel.Background<PreviousOutput?>?
            let analysis = PhaseTimings.measure("analyze (parse, decode, rules, availability)") { () -> Analysis in
                let decoded = Pipeline.decode(file: file, bytes: source)
                // Built while the last analysis's blueprint is still being decoded on the other core;
                // the rules use it too should the findings not be reusable.
                let topology = earlier?.isReady == false ? Pipeline.topology(ifReused: decoded) : nil
                if let earlier = earlier?.value ?? nil, let findings = earlier.findings, let reused = Pipeline.reuse(findings, for: decoded, topology: topology),
                   let blueprint = reused.blueprint {
                    previous = Parallel.Background(ready: PreviousOutput.byService(earlier, now: blueprint))
                    return reused
                }
                // The rules run; meanwhile the files written last time are described on another thread.
                previous = earlier.flatMap { $0.value }.map { earlier in
                    source.count < 1 << 16 ? Parallel.Background(ready: PreviousOutput.byDescription(earlier))
                        : Parallel.Background { PreviousOutput.byDescription(earlier) }
                }
                return Pipeline.validate(decoded, today: today, topology: topology)
            }
            guard kept else {
                return .released(name: analysis.blueprint?.name, blueprint: keepBlueprints ? analysis.blueprint : nil,
                                 diagnostics: analysis.diagnostics, source: source)
            }
            // A blueprint with errors writes nothing: its previous output is not waited for.
            return .analysed(analysis, source: source, previous: analysis.hasErrors ? nil : previous?.value)
        }
    }

    /// lint's findings for every file: from the cache, or analysed (then remembered) with the
    /// findings `extra` adds for a decoded blueprint. Analyses are dropped as soon as their
    /// findings are known, so memory stays flat in the number of blueprints.
    public static func lint(
        _ files: [String], cache: AnalysisCache?, extra: @Sendable (Analysis) -> [Diagnostic] = { _ in [] }
    ) -> [Result<[Diagnostic], UnreadableInput>] {
        let context = "lint"
        return Parallel.map(files.count) { index in
            let file = files[index]
            let source: [UInt8]
            switch read(file) {
            case .success(let bytes): source = bytes
            case .failure(let error): return .failure(error)
            }
            if let entry = cache?.lookup(file: file, context: context, source: source) {
                return .success(entry.diagnostics)
            }
            let analysis = PhaseTimings.measure("analyze (parse, decode, rules, availability)") {
                Pipeline.analyze(file: file, bytes: source)
            }
            let diagnostics = analysis.diagnostics + extra(analysis)
            cache?.store(.init(blueprint: analysis.blueprint?.name, diagnostics: diagnostics, dependencies: dependencies(of: analysis)),
                         file: file, context: context, source: source)
            return .success(diagnostics)
        }
    }

    /// The files besides the blueprint that its findings and output read, as they are now.
    public static func dependencies(of analysis: Analysis) -> [AnalysisCache.Dependency] {
        guard let blueprint = analysis.blueprint, let prices = PriceCatalogue.overrideFile(of: blueprint) else { return [] }
        return [.current(prices)]
    }

    /// True when every file stamped in `entry` is still, by size, modification time and inode,
    /// the file compile wrote into `folder`, and none is racily clean (`OutputStamp.isRacy`).
    public static func outputIntact(_ entry: AnalysisCache.Entry, in folder: String) -> Bool {
        guard !entry.outputs.isEmpty else { return false }
        return AnalysisCache.OutputStamp.inFolder(folder) { descriptor in
            entry.outputs.allSatisfy { !$0.isRacy(stampedAt: entry.stampedAt) && AnalysisCache.OutputStamp.of($0.path, in: descriptor) == $0 }
        } ?? false
    }

    /// The stamps of `files` as they are now in `folder`, and the time just before they were
    /// taken; nil when one is missing. `known` gives the stamps of files the caller knows are
    /// unchanged since it took them.
    public static func stamps(of paths: [String], in folder: String, known: (String) -> AnalysisCache.OutputStamp? = { _ in nil })
        -> (stamps: [AnalysisCache.OutputStamp], at: AnalysisCache.Instant)? {
        let at = AnalysisCache.Instant.now()
        return AnalysisCache.OutputStamp.inFolder(folder) { descriptor in
            var stamps: [AnalysisCache.OutputStamp] = []
            stamps.reserveCapacity(paths.count)
            for path in paths {
                guard let stamp = known(path) ?? AnalysisCache.OutputStamp.of(path, in: descriptor) else { return nil }
                stamps.append(stamp)
            }
            return (stamps, at)
        }
    }
}
