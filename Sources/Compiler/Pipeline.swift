import BlueprintModel
import BlueprintYAML
import Diagnostics
import Foundation
import Generators
import Resilience
import Validation

/// A blueprint read, decoded and validated: what `lint` reports and `compile` builds on.
public struct Analysis: Sendable {
    public var file: String
    /// nil when the source is not a blueprint at all (syntax error, empty, not a mapping).
    public var blueprint: Blueprint?
    public var diagnostics: [Diagnostic]
    /// What validation computed, reused by generation so nothing is evaluated twice.
    public var topology: Topology?
    public var explanation: Explanation?
    /// The rollout plan and its wave proofs, from the same topology and explanation.
    public var rollout: RolloutReport?
    /// The values refused by the decoder and the structural rules; `topology` is built from
    /// what they left (`Blueprint.soundPart`).
    public var rejected = RejectedParts()
    /// The findings are the last analysis's (`Pipeline.reuse`): `explanation` and `rollout` were
    /// not worked out, and whoever needs them works them out (`figures`).
    public var findingsReused = false
    /// Checks not made because a value they read was refused; each is a `check-withheld` note
    /// (past the per-rule cap, counted in its "… and N more").
    public var withheldChecks: Int { explanation?.withheld.count ?? 0 }

    public var hasErrors: Bool { diagnostics.hasErrors }

    /// The explanation and rollout the rules worked out, or, when the findings were reused, the
    /// same worked out now, as `Validator.check` works them out (they do not depend on the date).
    func figures(of topology: Topology) -> (Explanation, RolloutReport?) {
        if let explanation { return (explanation, rollout) }
        guard findingsReused, let blueprint else { return (Explanation(topology), rollout) }
        let context = Validator.check(blueprint, today: Pipeline.today()).context
        return (context.explanation, context.rollout)
    }
}

/// The compiler's stages, each a pure function of its input: parse -> decode -> validate -> generate.
public enum Pipeline {
    /// `whenTopologyIsBuilt` sees the decoded blueprint and the topology the analysis will
    /// return, as soon as it exists: explain prices it while the rules run.
    public static func analyze(file: String, bytes: [UInt8], today: String = Pipeline.today(),
                               whenTopologyIsBuilt: ((Blueprint, Topology) -> Void)? = nil) -> Analysis {
        validate(decode(file: file, bytes: bytes), today: today, whenTopologyIsBuilt: whenTopologyIsBuilt)
    }

    /// A blueprint parsed and decoded, before any rule: the first half of `analyze`.
    public struct Decoded: Sendable {
        public var file: String
        /// The source is not YAML at all: the one finding.
        var failure: Diagnostic?
        /// nil when the source is not a blueprint at all (syntax error, empty, not a mapping).
        public var blueprint: Blueprint?
        /// The parser's and the decoder's findings, and those they only counted.
        var diagnostics: [Diagnostic]
        var hidden: [HiddenFindings]
    }

    public static func decode(file: String, bytes: [UInt8]) -> Decoded {
        // The syntax tree is let go once decoded, before the rules run: at 1,000 services it is
        // megabytes that nothing after the decoder reads.
        let parser = YAMLParser(file: file)
        let parsing = PhaseTimings.measure("parse") { Result<YAMLParser.Result, Diagnostic> { () throws(Diagnostic) in try parser.parse(bytes) } }
        switch parsing {
        case .success(let parsed):
            let decoded = PhaseTimings.measure("decode") { BlueprintDecoder.decode(parsed.root, file: file) }
            return Decoded(file: file, blueprint: decoded.blueprint, diagnostics: parsed.diagnostics + decoded.diagnostics,
                           hidden: decoded.hidden + hiddenDuplicates(parsed, file: file))
        case .failure(let error):
            return Decoded(file: file, failure: error, blueprint: nil, diagnostics: [], hidden: [])
        }
    }

    /// The second half of `analyze`: every rule over a decoded blueprint. `topology`: what
    /// `topology(ifReused:)` built for it, when it did.
    public static func validate(_ decoded: Decoded, today: String, whenTopologyIsBuilt: ((Blueprint, Topology) -> Void)? = nil,
                                topology: Topology? = nil) -> Analysis {
        if let failure = decoded.failure { return Analysis(file: decoded.file, blueprint: nil, diagnostics: [failure]) }
        var diagnostics = decoded.diagnostics
        var context: ValidationContext?
        if let blueprint = decoded.blueprint {
            let validation = PhaseTimings.measure("rules") {
                Validator.check(blueprint, today: today, whenTopologyIsBuilt: whenTopologyIsBuilt.map { hook in { hook(blueprint, $0) } },
                                topology: topology)
            }
            diagnostics += validation.diagnostics
            context = validation.context
        }
        // Each rule's findings are capped, with one "… and N more" closing them: a million
        // repeated mistakes print fifty lines, not a million.
        return Analysis(file: decoded.file, blueprint: decoded.blueprint,
                        diagnostics: FindingBudget.limit(diagnostics, alreadyHidden: decoded.hidden),
                        topology: context?.topology, explanation: context?.explanation, rollout: context?.rollout,
                        rejected: context?.rejected ?? decoded.blueprint?.rejected ?? RejectedParts())
    }

    /// What the last analysis of a blueprint found, with what it was made from, for `reuse`.
    public struct EarlierFindings: Sendable {
        /// Decoded as the analysis decoded it, with its manifest fields cleared.
        let decoded: Decoded
        let cleared: Blueprint
        let onManifestFields: [Diagnostic]
        /// What that analysis reported.
        let diagnostics: [Diagnostic]

        /// nil when they prove nothing: a source that did not decode cleanly, or a price override
        /// file (read from disk, its findings and figures may have moved).
        public init?(_ decoded: Decoded, diagnostics: [Diagnostic]) {
            guard let blueprint = decoded.blueprint, Pipeline.isReusable(decoded), !diagnostics.hasErrors else { return nil }
            self.decoded = decoded
            cleared = blueprint.manifestFieldsCleared
            onManifestFields = Validator.findingsOnManifestFields(blueprint)
            self.diagnostics = diagnostics
        }
    }

    /// The topology of `decoded` should `reuse` answer for it: with no error, the rules refused
    /// nothing, so it is the whole blueprint's, as `Validator.check` builds it. nil when `reuse` cannot answer.
    public static func topology(ifReused decoded: Decoded) -> Topology? {
        guard isReusable(decoded), let blueprint = decoded.blueprint else { return nil }
        return Topology(blueprint.soundPart(excluding: blueprint.rejected))
    }

    /// Whether `after` differs from `before` in manifest fields only, so that the findings of
    /// `before`, should it have no error, answer for `after` too (`reuse`). Before any rule runs:
    /// `diff` checks this first.
    public static func isManifestOnlyEdit(from before: Decoded, to after: Decoded) -> Bool {
        guard let blueprint = before.blueprint, isReusable(before) else { return false }
        return isManifestOnlyEdit(from: before, cleared: blueprint.manifestFieldsCleared,
                                  onManifestFields: Validator.findingsOnManifestFields(blueprint), to: after)
    }

    private static func isManifestOnlyEdit(from before: Decoded, cleared then: Blueprint, onManifestFields: [Diagnostic], to after: Decoded) -> Bool {
        guard isReusable(after), let blueprint = after.blueprint else { return false }
        let file = before.file
        var cleared = blueprint.manifestFieldsCleared
        cleared.file = file
        return renamed(after.diagnostics, to: file) == before.diagnostics && cleared == then
            && renamed(Validator.findingsOnManifestFields(blueprint), to: file) == onManifestFields
    }

    /// `diagnostics` as found in `file`: the name is all a finding reads of it without a price override file.
    private static func renamed(_ diagnostics: [Diagnostic], to file: String) -> [Diagnostic] {
        diagnostics.allSatisfy { $0.file == file } ? diagnostics : diagnostics.map { var renamed = $0; renamed.file = file; return renamed }
    }

    private static func isReusable(_ decoded: Decoded) -> Bool {
        guard let blueprint = decoded.blueprint else { return false }
        return decoded.failure == nil && decoded.hidden.isEmpty && blueprint.rejected == RejectedParts() && blueprint.cost.prices == nil
    }

    /// The analysis of `decoded` without running the rules, when it differs from the one `earlier`
    /// analysed only in fields that reach its manifests (`Blueprint.manifestFieldsCleared`) and the
    /// findings on those fields agree: every rule then finds what it found before
    /// (`Validator.findingsOnManifestFields`), so those findings are the answer. Its figures are not
    /// worked out (`Analysis.figures(of:)` works them out when REPORT.md is made). nil when anything else differs.
    /// `topology`: `topology(ifReused:)`, when already built. `decoded` may be another file than
    /// the earlier one (`diff` of two files): findings name their file, and with no price override
    /// file nothing else reads the name, so the earlier findings are compared and reused renamed.
    public static func reuse(_ earlier: EarlierFindings, for decoded: Decoded, topology: Topology? = nil) -> Analysis? {
        PhaseTimings.measure("compare with the last analysis") { () -> Analysis? in
            guard let blueprint = decoded.blueprint,
                  isManifestOnlyEdit(from: earlier.decoded, cleared: earlier.cleared, onManifestFields: earlier.onManifestFields, to: decoded),
                  let topology = topology ?? Self.topology(ifReused: decoded) else { return nil }
            var analysis = Analysis(file: decoded.file, blueprint: blueprint, diagnostics: renamed(earlier.diagnostics, to: decoded.file),
                                    topology: topology)
            analysis.findingsReused = true
            return analysis
        }
    }

    /// The parser's duplicate keys it only counted, for the same "… and N more" closing finding.
    static func hiddenDuplicates(_ parsed: YAMLParser.Result, file: String) -> [HiddenFindings] {
        guard parsed.hiddenDuplicateKeys > 0, let mark = parsed.firstHiddenDuplicateKey else { return [] }
        return [HiddenFindings(rule: "duplicate-key", severity: .error, count: parsed.hiddenDuplicateKeys, file: file, mark: mark, path: "")]
    }

    public struct Generated: Sendable {
        public var files: [GeneratedFile]
        /// Things compile tells the user on stderr (an output it skipped and why).
        public var notices: [String]
    }

    /// Every output file of a valid analysed blueprint, sorted by path.
    public static func generate(_ analysis: Analysis) -> Generated? {
        guard let blueprint = analysis.blueprint else { return nil }
        return generate(blueprint, topology: analysis.topology, explanation: analysis.explanation, rollout: analysis.rollout)
    }

    /// Hands every output file of a valid analysed blueprint to `sink`; nil when there is no blueprint.
    /// `reusing`: service files already on disk, handed over by path (see `ReusableFiles`).
    public static func generate(_ analysis: Analysis, reusing: ReusableFiles? = nil, into sink: GeneratedFileSink) -> [String]? {
        guard let blueprint = analysis.blueprint else { return nil }
        let topology = analysis.topology ?? Topology(blueprint)
        return generate(blueprint, topology, figures: { analysis.figures(of: topology) }, reusing: reusing, into: sink)
    }

    /// Every output file of a valid blueprint, sorted by path (see `generate(_:topology:explanation:rollout:for:into:)`).
    /// `rollout`: the analysis's, when `topology` is the analysis's own (not an outage's).
    public static func generate(_ blueprint: Blueprint, topology: Topology? = nil, explanation: Explanation? = nil,
                                rollout: RolloutReport? = nil) -> Generated {
        let topology = topology ?? Topology(blueprint)
        let files = PhaseTimings.measure("generate (parallel, wall)") {
            Parallel.map(jobCount(topology)) { job -> [GeneratedFile] in
                var files: [GeneratedFile] = []
                Self.run(job: job, topology, figures: { (explanation ?? Explanation(topology), rollout) }, batch: .max) { files += $0 }
                return files
            }.flatMap { $0 }
        }
        return Generated(files: files.sorted { $0.path < $1.path }, notices: Self.notices(blueprint))
    }

    /// Hands every output file of a valid blueprint to `sink`, a job's files at a time, as the jobs
    /// finish: compile writes them out and lets them go, so it never holds the whole tree. Regions
    /// are generated in parallel, next to the delivery, DNS and report files; which finishes first
    /// decides only the order the sink sees. Returns the notices.
    public static func generate(_ blueprint: Blueprint, topology: Topology? = nil, explanation: Explanation? = nil,
                                rollout: RolloutReport? = nil, reusing: ReusableFiles? = nil, into sink: GeneratedFileSink) -> [String] {
        let topology = topology ?? Topology(blueprint)
        return generate(blueprint, topology, figures: { (explanation ?? Explanation(topology), rollout) }, reusing: reusing, into: sink)
    }

    private static func generate(_ blueprint: Blueprint, _ topology: Topology, figures: @Sendable () -> (Explanation, RolloutReport?),
                                 reusing: ReusableFiles?, into sink: GeneratedFileSink) -> [String] {
        PhaseTimings.measure("generate and hand over (parallel, wall)") {
            // A region's files go out in batches, so at most a batch per core is held.
            _ = Parallel.map(jobCount(topology)) { Self.run(job: $0, topology, figures: figures, batch: 64, reusing: reusing, into: sink) }
        }
        return notices(blueprint)
    }

    private static func jobCount(_ topology: Topology) -> Int { 2 + topology.servingRegions.count }

    /// Runs one job, handing its files to `emit`: a region's `batch` at a time, the others whole.
    /// The report and the Terraform are the longest single jobs, so they come first.
    /// `figures`: the explanation and rollout REPORT.md shows, asked for only when it is made.
    private static func run(job: Int, _ topology: Topology, figures: () -> (Explanation, RolloutReport?),
                            batch: Int, reusing: ReusableFiles? = nil, into emit: ([GeneratedFile]) -> Void) {
        switch job {
        case 0:
            // Handed to a writer (a batch), the report is made in pieces as the writer reads it, so
            // the time measured includes the writer's.
            if let reusing, reusing.reportIsOnDisk(topology.blueprint) {
                reusing.keep([ReportGenerator.path])
                return
            }
            PhaseTimings.measure("REPORT.md") {
                let (explanation, rollout) = figures()
                emit([ReportGenerator.file(for: topology, explanation: explanation, rollout: rollout, inPieces: batch != .max)])
            }
        case 1:
            let terraform = PhaseTimings.measure("terraform") { Route53Generator.files(for: topology) }
            emit(terraform + [ApplicationSetGenerator.file(for: topology)].compactMap { $0 })
        default:
            PhaseTimings.measure("kubernetes manifests (sum over threads)") {
                KubernetesGenerator.files(forRegion: topology.servingRegions[job - 2], of: topology, batch: batch, reusing: reusing, into: emit)
            }
        }
    }

    /// What `diff` compares: the YAML files every service shares (Argo CD, each region's namespace,
    /// ingress and kustomization) generated, and each service's file described, so that only the
    /// service files whose inputs differ between the two sides are generated (`ServiceFile`).
    /// Route53 resources are read from the topology, and REPORT.md is never compared.
    public struct Described: Sendable {
        public var files: [GeneratedFile]
        public var serviceFiles: [ServiceFile]
    }

    public static func describe(_ topology: Topology) -> Described {
        let regions = topology.servingRegions
        let parts = Parallel.map(regions.count + 1) { job -> (shared: [GeneratedFile], services: [ServiceFile]) in
            job == 0 ? ([ApplicationSetGenerator.file(for: topology)].compactMap { $0 }, [])
                : KubernetesGenerator.describe(region: regions[job - 1], of: topology)
        }
        return Described(files: parts.flatMap(\.shared), serviceFiles: parts.flatMap(\.services))
    }

    private static func notices(_ blueprint: Blueprint) -> [String] {
        var notices: [String] = []
        if blueprint.gitops == nil {
            notices.append("\(blueprint.file): note: no 'gitops' section, so no Argo CD ApplicationSet is generated")
        }
        if blueprint.traffic == nil {
            notices.append("\(blueprint.file): note: no 'traffic' section, so no Route53 Terraform is generated")
        }
        return notices
    }

    /// Today's date in UTC as `YYYY-MM-DD`, what waiver expiry is judged against. Computed with
    /// the C calendar functions: a DateFormatter loads ICU, which costs more than linting.
    public static func today() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        let two = { (n: Int32) in n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
    }
}
