import BlueprintModel
import Diagnostics
import Resilience

/// A finding before it is located: the blueprint path it is about and what is wrong.
public struct Finding: Sendable {
    public var path: String
    public var message: String
    public var notes: [Note]
    public var fix: String?

    public init(at path: String, _ message: String, notes: [Note] = [], fix: String? = nil) {
        self.path = path
        self.message = message
        self.notes = notes
        self.fix = fix
    }
}

/// What every rule may look at.
public struct ValidationContext: Sendable {
    /// For the structural rules (RuleRegistry.structural) the whole blueprint; for every other
    /// rule its sound part (`Blueprint.soundPart`): what was rejected is not looked at again.
    public let blueprint: Blueprint
    public let topology: Topology
    /// Availability, RTO and RPO with their objectives, computed once for all objective rules.
    public let explanation: Explanation
    /// ISO date `YYYY-MM-DD` that waivers expire against.
    public let today: String
    /// Every value refused so far (the decoder's and the structural rules'): what `blueprint`
    /// was cut down by, and what anything built from it (a diff of its resources) must not trust.
    public let rejected: RejectedParts
    /// The rollout plan and each wave's proof, computed once: rule rollout-wave-breaks-objective
    /// judges them, REPORT.md, `explain` and `diff` show them. nil when there is nothing to roll
    /// out (no region, or no service placed), where the rule has nothing to judge.
    public var rollout: RolloutReport? { rolloutProof?.value }
    /// Proved on a thread of its own while the other rules run: only one rule reads it.
    private let rolloutProof: Parallel.Background<RolloutReport?>?

    public init(blueprint: Blueprint, today: String) {
        self.blueprint = blueprint
        self.rejected = blueprint.rejected
        let topology = Topology(blueprint), explanation = Explanation(topology)
        self.topology = topology
        self.explanation = explanation
        self.rolloutProof = Self.proving(blueprint, topology, explanation, spreadFrom: Parallel.servicesWorthSpreading)
        self.today = today
    }

    /// A context for the structural rules, which read names and values only: its model is
    /// empty, so no figure is computed from parts not yet known to be sound.
    init(structureOf blueprint: Blueprint, today: String) {
        self.blueprint = blueprint
        self.rejected = blueprint.rejected
        self.topology = Topology(Self.nothing(like: blueprint))
        self.explanation = Explanation(topology)
        self.rolloutProof = nil
        self.today = today
    }

    /// A context for the model rules over a sound part, its figures and verdicts withheld
    /// where they read a refused value (`dependencies`), so no rule judges them.
    /// `whenTopologyIsBuilt` sees the topology once its figures are worked out (on every core),
    /// as the rollout proofs and the rules start, which leave a core partly idle: a caller can
    /// start work of its own on it meanwhile.
    /// `topology`: `Topology(blueprint)`, when already built.
    init(soundPart blueprint: Blueprint, dependencies: FigureDependencies, today: String, spreadFrom: Int,
         whenTopologyIsBuilt: ((Topology) -> Void)? = nil, topology prebuilt: Topology? = nil) {
        self.blueprint = blueprint
        self.rejected = dependencies.rejected
        let topology = prebuilt ?? Topology(blueprint)
        self.topology = topology
        let explanation = PhaseTimings.measure("availability, RTO, RPO") {
            dependencies.apply(to: Explanation(topology, spreadFrom: spreadFrom), sound: blueprint)
        }
        self.explanation = explanation
        self.rolloutProof = Self.proving(blueprint, topology, explanation, spreadFrom: spreadFrom)
        whenTopologyIsBuilt?(topology)
        self.today = today
    }

    /// The rollout proofs, on a thread of their own for a blueprint worth spreading.
    private static func proving(_ blueprint: Blueprint, _ topology: Topology, _ explanation: Explanation,
                                spreadFrom: Int) -> Parallel.Background<RolloutReport?> {
        guard blueprint.services.count >= spreadFrom else { return Parallel.Background(ready: rollout(blueprint, topology, explanation)) }
        return Parallel.Background { rollout(blueprint, topology, explanation) }
    }

    private static func rollout(_ blueprint: Blueprint, _ topology: Topology, _ explanation: Explanation) -> RolloutReport? {
        guard !blueprint.regions.isEmpty, !topology.placements.isEmpty else { return nil }
        return PhaseTimings.measure("rollout waves") { RolloutReport(topology: topology, explanation: explanation) }
    }

    private static func nothing(like blueprint: Blueprint) -> Blueprint {
        Blueprint(
            file: blueprint.file, name: blueprint.name, provider: blueprint.provider, namespace: blueprint.namespace,
            gitops: nil, objectives: Objectives(), assumptions: Assumptions(), residency: [], regions: [], services: [],
            datastores: [], traffic: nil, waivers: [], sourceMap: blueprint.sourceMap)
    }
}

/// One invariant of a blueprint. The type's doc comment, `summary` and `rationale` are its
/// documentation; its id never changes once published.
public protocol Rule: Sendable {
    static var id: String { get }
    static var severity: Severity { get }
    /// One line: what the rule finds.
    static var summary: String { get }
    /// A paragraph: why it matters in production.
    static var rationale: String { get }

    /// Triggering and clean examples; each rule has at least one of each.
    static var examples: [RuleExample] { get }

    init()
    func check(_ context: ValidationContext) -> [Finding]
}

extension Rule {
    public static var severity: Severity { .error }
}

/// Rules whose findings the YAML layer or the decoder reports, because they are about the
/// text itself (a duplicate key never reaches the model). Listed so the catalogue is whole.
public protocol DecoderRule: Rule {}

extension DecoderRule {
    public func check(_ context: ValidationContext) -> [Finding] { [] }
}
