import BlueprintModel
import Compiler
import Cost
import Diagnostics
import Foundation
import Generators
import Resilience

/// `meridian optimize`: the cheapest blueprint reachable by the documented moves (MoveCatalogue)
/// that keeps every objective, the cost/promise frontier of every design it looked at, and, from a
/// budget, the strongest promise that fits it. docs/cost.md, "optimize".
///
/// Heuristic, and says so: a greedy local search. What it guarantees: the design it returns lints
/// with no error (every objective holds, checked by the same full analysis as `lint`) and costs no
/// more than the input (or, when the input misses objectives, is the cheapest repair it found);
/// it is a local optimum for single moves (no one remaining move lowers the cost and keeps the
/// objectives). It does not guarantee the global optimum: moves that only pay off together are
/// found only when each is also safe alone.
public struct Optimizer: Sendable {
    /// The promise of one design: the weakest figure of each kind over services, zones and datastores.
    public struct Promise: Sendable, Hashable {
        public var availability: Double
        public var rto: PerDisruption<Duration?>
        public var rpo: PerDisruption<Duration?>

        /// True when `self` promises at least as much as `other` on every figure.
        func covers(_ other: Promise) -> Bool {
            func atMost(_ a: Duration?, _ b: Duration?) -> Bool {
                switch (a, b) { case (nil, nil): true; case (nil, _): false; case (_, nil): true; case let (x?, y?): x <= y }
            }
            // Availability is a sum of products of floating-point probabilities: two designs whose
            // figures differ below 1e-9 (far under the 0.0001 % shown) promise the same.
            return availability >= other.availability - 1e-9
                && Disruption.allCases.allSatisfy { atMost(rto[$0], other.rto[$0]) && atMost(rpo[$0], other.rpo[$0]) }
        }
    }

    /// A design the search evaluated.
    public struct Design: Sendable {
        public var moves: [Move]
        public var text: String
        public var monthly: Decimal
        public var promise: Promise
        /// Errors `lint` reports on it; empty means every objective holds.
        public var errors: [Diagnostic]
        /// Warnings `lint` reports on it (a move may add one, e.g. zone-loss-needs-launch).
        public var warnings: [Diagnostic] = []
        /// The blueprint as decoded from `text`: what the next round's moves are read from.
        var blueprint: Blueprint?
        /// Items the catalogue has no price for: left out of `monthly`, so a move dropping one saves more than shown.
        public var unpriced: [String] = []
        public var keepsObjectives: Bool { errors.isEmpty }

        /// Keeps every objective and adds no warning the input did not have: `lint --strict`
        /// accepts it whenever it accepted the input.
        func acceptable(after input: Design) -> Bool {
            guard keepsObjectives else { return false }
            let before = Set(input.warnings.map { "\($0.rule)\u{0}\($0.path)" })
            return warnings.allSatisfy { before.contains("\($0.rule)\u{0}\($0.path)") }
        }
    }

    public struct Result: Sendable {
        public var input: Design
        /// The cheapest design that keeps every objective; nil when no move repairs the input.
        public var best: Design?
        /// The cheapest evaluated design for each level of promise: no other is both cheaper and promises as much.
        public var frontier: [Design]
        /// With a budget: the strongest promise whose design fits it.
        public var withinBudget: Design?
        public var evaluated: Int
    }

    let file: String
    /// Candidates evaluated ahead, on the other core, while the search looks at the current one.
    let ahead = Ahead()
    /// Off only in tests, which check that it changes nothing but the time.
    let evaluatingAhead: Bool
    /// Prices for every design: moves never touch `cost:`, so the input's catalogue prices them all.
    let catalogue: PriceCatalogue
    let today: String

    public init(file: String, today: String, catalogue: PriceCatalogue, evaluatingAhead: Bool = true) {
        self.file = file
        self.evaluatingAhead = evaluatingAhead
        self.today = today
        self.catalogue = catalogue
    }

    /// The whole analysis of one text: the figures and verdicts `lint` and `explain` give, and the bill.
    func evaluate(_ text: String, moves: [Move]) -> Design? {
        let analysis = Pipeline.analyze(file: file, bytes: Array(text.utf8), today: today)
        guard let blueprint = analysis.blueprint, let topology = analysis.topology, let explanation = analysis.explanation else { return nil }
        let report = CostModel(catalogue: catalogue).report(topology)
        let monthly = report.total
        // The worst figure of each kind; nil (unbounded) beats every bound.
        var rto: [Disruption: Duration?] = [.zone: .zero, .region: .zero]
        var rpo: [Disruption: Duration?] = [.zone: .zero, .region: .zero]
        func worse(_ a: Duration?, _ b: Duration?) -> Duration? {
            guard let a, let b else { return nil }
            return max(a, b)
        }
        for row in explanation.worstRTO { rto[row.disruption] = worse(rto[row.disruption] ?? nil, row.total) }
        for row in explanation.rpo { rpo[row.result.disruption] = worse(rpo[row.result.disruption] ?? nil, row.result.loss) }
        let availability = explanation.availability.map(\.availability).min() ?? 1
        let promise = Promise(availability: availability, rto: PerDisruption(zone: rto[.zone] ?? nil, region: rto[.region] ?? nil),
                              rpo: PerDisruption(zone: rpo[.zone] ?? nil, region: rpo[.region] ?? nil))
        return Design(moves: moves, text: text, monthly: monthly, promise: promise,
                      errors: analysis.diagnostics.filter { $0.severity == .error },
                      warnings: analysis.diagnostics.filter { $0.severity == .warning || Self.advice.contains($0.rule) },
                      blueprint: blueprint, unpriced: report.unpriced.map(\.item))
    }

    /// `design` with `move` made, evaluated; nil when the move cannot be made or breaks the blueprint itself.
    func trying(_ move: Move, on design: Design) -> Design? { trying([move], on: design) }

    /// `design` with every move of `moves` made that can be made, evaluated as one design.
    func trying(_ moves: [Move], on design: Design) -> Design? {
        let (text, made) = MoveCatalogue.apply(moves, to: design.text)
        guard !made.isEmpty else { return nil }
        if let early = ahead.take(text) {
            return early.map { var found = $0; found.moves = design.moves + made; return found }
        }
        return evaluate(text, moves: design.moves + made)
    }

    /// Evaluates the candidates the search will try next from `design` (the parts of a split
    /// group, or the next groups of a round) two at a time. An evaluation depends on its text
    /// alone, so the search, which stays sequential, finds the same designs in the same order
    /// whether or not they were evaluated ahead; a candidate whose design has moved on is simply
    /// evaluated again.
    func evaluateAhead(_ groups: [[Move]], on design: Design) {
        guard evaluatingAhead else { return }
        var texts: [(text: String, moves: [Move])] = []
        for group in groups where !group.isEmpty {
            let (text, made) = MoveCatalogue.apply(group, to: design.text)
            guard !made.isEmpty, !ahead.holds(text), !texts.contains(where: { $0.text == text }) else { continue }
            texts.append((text, design.moves + made))
        }
        // One candidate alone gains nothing from being evaluated now rather than when it is asked for.
        guard texts.count > 1 else { return }
        let candidates = texts
        let designs = Parallel.map(candidates.count) { evaluate(candidates[$0].text, moves: candidates[$0].moves) }
        for (candidate, design) in zip(candidates, designs) { ahead.keep(candidate.text, design) }
    }

    /// Makes the largest part of `group` that keeps every objective and lowers the cost; true when `design` changed.
    func reduce(_ group: [Move], _ design: inout Design, _ seen: inout [Design], accepting: (Design) -> Bool) -> Bool {
        guard !group.isEmpty, let candidate = trying(group, on: design) else { return false }
        seen.append(candidate)
        if accepting(candidate) {
            guard candidate.monthly < design.monthly else { return false }
            design = candidate
            ahead.forget()
            return true
        }
        guard group.count > 1 else { return false }
        // The moves whose subject an error names are the likely culprits: try the rest at once.
        let findings = candidate.errors + candidate.warnings
        let named = group.filter { move in findings.contains { $0.path == move.subject || $0.path.hasPrefix(move.subject + ".") } }
        if !named.isEmpty, named.count < group.count {
            let rest = group.filter { !named.contains($0) }
            evaluateAhead([rest, named], on: design)
            let changed = reduce(rest, &design, &seen, accepting: accepting)
            return changed || (named.count > 1 && reduce(named, &design, &seen, accepting: accepting))
        }
        let half = group.count / 2
        evaluateAhead([Array(group[..<half]), Array(group[half...])], on: design)
        let first = reduce(Array(group[..<half]), &design, &seen, accepting: accepting)
        let second = reduce(Array(group[half...]), &design, &seen, accepting: accepting)
        return first || second
    }

    /// Notes a move must not bring about either: advice the model cannot price (ARC's data-plane
    /// failover does not shorten an RTO term, but takes the Route 53 control plane out of it).
    static let advice: Set<String> = ["arc-recommended"]

    /// Errors that are verdicts on a promise (an objective missed), as opposed to a blueprint that no longer reads.
    static let objectiveRules: Set<String> = ["availability-below-objective", "rto-exceeded", "rpo-exceeded", "rpo-async-claimed-zero",
                                              "region-loss-capacity", "zone-loss-capacity", "rollout-wave-breaks-objective", "quorum-zone-loss"]

    static func onlyMissesObjectives(_ design: Design) -> Bool {
        design.errors.allSatisfy { objectiveRules.contains($0.rule) }
    }

    public func run(_ text: String, budget: Decimal? = nil, rounds: Int = 8) -> Result? {
        guard let input = evaluate(text, moves: []) else { return nil }
        var seen: [Design] = [input]
        var current = input

        // 1. Repair: while objectives are missed, take the single move that leaves the fewest errors (then the cheapest).
        var round = 0
        while !current.keepsObjectives && round < rounds {
            round += 1
            guard let blueprint = current.blueprint else { break }
            let moves = Move.untouched(MoveCatalogue.moves(in: blueprint), after: current.moves)
            let snapshot = current
            let tried = Parallel.map(moves.count) { trying(moves[$0], on: snapshot) }.compactMap { $0 }.filter(Self.onlyMissesObjectives)
            seen += tried
            guard let next = tried.min(by: { ($0.errors.count, $0.monthly) < ($1.errors.count, $1.monthly) }),
                  next.errors.count < current.errors.count else { break }
            current = next
        }
        let repaired: Design? = current.keepsObjectives ? current : nil

        // 2. Cheaper: the moves of one kind are tried together (every service elastic at once);
        // a group that breaks an objective drops the moves the errors name and tries again, then
        // is split in halves, so a safe group costs one analysis however many services it holds.
        var best = repaired
        if var design = repaired {
            for _ in 0..<rounds {
                guard let blueprint = design.blueprint else { break }
                let moves = Move.untouched(MoveCatalogue.moves(in: blueprint), after: design.moves)
                let groups = Dictionary(grouping: moves) { "\($0.kind.rawValue)\u{0}\($0.value)" }.sorted { $0.key < $1.key }.map(\.value)
                var improved = false
                for (index, group) in groups.enumerated() {
                    evaluateAhead(Array(groups[index..<min(index + 2, groups.count)]), on: design)
                    if reduce(group, &design, &seen, accepting: { $0.acceptable(after: input) }) { improved = true }
                }
                ahead.forget()
                guard improved else { break }
            }
            best = design
        }

        // 3. From a budget: keep taking the largest saving, objectives or not, until the design fits.
        var withinBudget: Design?
        if let budget {
            var design = best ?? input
            for _ in 0..<(rounds * 4) where design.monthly > budget {
                guard let blueprint = design.blueprint else { break }
                let moves = Move.untouched(MoveCatalogue.moves(in: blueprint), after: design.moves)
                let snapshot = design
                let tried = Parallel.map(moves.count) { trying(moves[$0], on: snapshot) }.compactMap { $0 }.filter(Self.onlyMissesObjectives)
                seen += tried
                guard let cheaper = tried.filter({ $0.monthly < snapshot.monthly }).min(by: { $0.monthly < $1.monthly }) else { break }
                design = cheaper
            }
            withinBudget = Self.strongest(seen.filter { $0.monthly <= budget && Self.onlyMissesObjectives($0) })
        }
        ahead.forget()
        return Result(input: input, best: best, frontier: Self.frontier(seen), withinBudget: withinBudget, evaluated: seen.count)
    }

    /// The designs no other design beats on both cost and promise, cheapest first.
    static func frontier(_ designs: [Design]) -> [Design] {
        let readable = designs.filter(onlyMissesObjectives)
        var kept: [Design] = []
        for design in readable.sorted(by: { ($0.monthly, $0.moves.count) < ($1.monthly, $1.moves.count) }) {
            // Sorted by cost: a design is on the frontier when no cheaper (or equal) one kept promises as much.
            if kept.contains(where: { $0.promise.covers(design.promise) }) { continue }
            kept.append(design)
        }
        return kept
    }

    /// The strongest promise: highest availability, then the shortest region RTO and RPO, then the cheapest.
    static func strongest(_ designs: [Design]) -> Design? {
        func seconds(_ d: Duration?) -> Int64 { d.map { Int64($0.milliseconds) } ?? .max }
        return designs.min { a, b in
            (-a.promise.availability, seconds(a.promise.rto.region), seconds(a.promise.rpo.region), a.monthly)
                < (-b.promise.availability, seconds(b.promise.rto.region), seconds(b.promise.rpo.region), b.monthly)
        }
    }
}

/// Designs evaluated ahead of the search, by text; each is taken once. Forgotten whenever the
/// search's design changes, since candidates made from the old one will not be asked for again.
final class Ahead: @unchecked Sendable {
    private var designs: [String: Optimizer.Design?] = [:]
    private let lock = NSLock()

    func keep(_ text: String, _ design: Optimizer.Design?) { lock.withLock { designs[text] = .some(design) } }
    func holds(_ text: String) -> Bool { lock.withLock { designs[text] != nil } }
    func take(_ text: String) -> Optimizer.Design?? { lock.withLock { designs.removeValue(forKey: text) } }
    func forget() { lock.withLock { designs.removeAll() } }
}
