import BlueprintModel
import Diagnostics
import Resilience

/// A rollout wave during whose release the system does not keep its objectives.
public struct RolloutWaveBreaksObjective: Rule {
    public static let id = "rollout-wave-breaks-objective"
    public static let summary = "Every rollout wave must keep the objectives while its release rolls out, or when it is bad."
    public static let rationale = """
        A bad release is the most common way a region becomes partly unavailable, and a wave is \
        exactly the set of regions a release can break at once. Each wave is proved at two levels: \
        rolling (every Deployment of the wave's regions has its rolling update's maxUnavailable pods \
        out, and each region must still carry its normal share) and bad release (the wave's regions \
        lost whole, as Route53 health checks would take them out), each combined with the loss of \
        any one availability zone outside the wave, through the same outage evaluation as \
        `meridian simulate`. A wave that leaves users unserved is refused; move a region to another \
        wave, split the wave, or raise the capacity that must carry the load. Only what the wave \
        adds is reported here: what one region or zone loss already breaks is the region- and \
        zone-loss rules' finding, and RTO over the objective is rto-exceeded's (each region of the \
        wave fails as a region does).
        """
    public static let examples: [RuleExample] = [
        // Both regions of the two-region zone eu in wave 1: a bad release leaves eu unserved.
        .triggering(("    wave: 2\n", "    ↓wave: 1\n")),
        // Given waves that hold one region of eu each: safe.
        .clean(),
        // No wave given: the derived order (eu-central-1 first, then the primary's eu-west-1) is safe.
        .clean(("    wave: 2\n", "")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        let blueprint = context.blueprint
        guard let rollout = context.rollout else { return [] }
        let plan = rollout.plan
        return rollout.proofs.compactMap { proof in
            let own = proof.breaches.filter { $0.reportedBy == nil }
            guard let first = own.first else { return nil }
            let wave = proof.wave
            let when = first.level == .badRelease ? "with its regions lost to a bad release (outage \(first.outage))" : "during its rolling update"
            var notes: [Note] = []
            for breach in own.prefix(5) {
                notes.append(Note("\(breach.level.rawValue), \(breach.outage): \(breach.message)"))
                for line in breach.arithmetic.prefix(3) { notes.append(Note("  \(line)")) }
            }
            if own.count > 5 { notes.append(Note("… and \(own.count - 5) more")) }
            if plan.derived { notes.append(Note("the waves were derived (no region states a 'wave'); see REPORT.md, \"Rollout waves\"")) }
            return Finding(at: Self.location(of: wave, breach: first, blueprint: blueprint, derived: plan.derived),
                           "rollout wave \(wave.number) (\(wave.regions.joined(separator: ", "))) breaks an objective \(when): \(first.message)",
                           notes: notes, fix: Self.fix(for: first, wave: wave, blueprint: blueprint))
        }
    }

    /// The `wave` key of the wave's region that the breach is about (derived waves: the region).
    static func location(of wave: RolloutPlan.Wave, breach: WaveProof.Breach, blueprint: Blueprint, derived: Bool) -> String {
        let zoneRegions = breach.residencyZone.flatMap { blueprint.residencyZone($0)?.regions } ?? []
        // The zone's last region in the wave: the one the fix moves.
        let region = zoneRegions.last(where: wave.regions.contains) ?? wave.regions.first ?? ""
        return derived ? "regions.\(region)" : "regions.\(region).wave"
    }

    /// Move a region, split the wave, or raise what carries the load.
    static func fix(for breach: WaveProof.Breach, wave: RolloutPlan.Wave, blueprint: Blueprint) -> String {
        if breach.level == .rolling, let service = breach.service {
            return "raise \(service)'s replicas (replicas pin) so its rolling update keeps enough pods, or let it surge (zoneAntiAffinity spread)"
        }
        if let zone = breach.residencyZone.flatMap({ blueprint.residencyZone($0) }) {
            let inWave = zone.regions.filter(wave.regions.contains)
            if inWave.count >= 2 {
                return "split the wave: move \(inWave.dropFirst().joined(separator: ", ")) to another wave (a wave may hold one region of \(zone.name))"
            }
        }
        if let why = RolloutPlan.failoverPairs(blueprint).first(where: { wave.regions.contains($0.0) && wave.regions.contains($0.1) }) {
            return "move \(why.1) to another wave: \(why.why)"
        }
        return "raise the capacity that carries the wave's users (a standby's replicas, or capacity: static), or move \(wave.regions.last ?? "a region") to another wave"
    }
}
