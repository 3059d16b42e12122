import BlueprintModel
import Diagnostics
import Foundation
import Resilience

/// The rollout plan and each wave's proof, as `explain`, REPORT.md and `explain --format json`
/// show them (docs/delivery.md, "Rollout waves").
enum RolloutRenderer {
    static let title = "Rollout waves"

    static func table(_ r: RolloutReport) -> Table {
        Table(
            headers: ["wave", "regions", "rolling: tightest Deployment (pods left / needed)", "bad release: states", "worst state", "verdict"],
            rows: r.proofs.map { proof in
                let margin = proof.rollingMargin.map { "\($0.service) in \($0.region): \($0.left) / \($0.need)" } ?? "-"
                let worst = proof.unservedInWorst > 0
                    ? "\(proof.worstOutage): \(proof.unservedInWorst) unserved"
                    : "\(proof.worstOutage): recovery \(proof.worstRecovery.map { "\($0)" } ?? "unbounded")"
                return [String(proof.wave.number), proof.wave.regions.joined(separator: ", "), margin, String(proof.statesChecked),
                        worst, RolloutReport.verdict(proof).components(separatedBy: ";").first ?? ""]
            })
    }

    /// How the plan came about, then what breaks, one line each.
    static func lines(_ r: RolloutReport) -> [String] {
        var lines = [r.plan.derived
            ? "No region states a `wave`: the order is derived from the topology."
            : "Waves as the blueprint states them."]
        lines += r.plan.reasons
        lines.append(bakeLine(r.plan))
        let single = Set(r.proofs.flatMap(\.singleRegionZones)).sorted()
        if !single.isEmpty {
            lines.append("not provable by waves: \(single.joined(separator: ", ")) has a single region, so a bad release there reaches all its users")
        }
        for proof in r.proofs {
            for breach in proof.breaches {
                lines.append("wave \(proof.wave.number), \(breach.level.rawValue) (\(breach.outage)): \(breach.message)"
                             + (breach.reportedBy.map { " (not the wave's own: \($0))" } ?? ""))
            }
        }
        return lines
    }

    /// The timing between waves: Argo CD starts a wave as soon as the previous one is Healthy, so
    /// a stated bake is a gate the operator holds; with W waves it adds (W - 1) bakes to a rollout.
    static func bakeLine(_ plan: RolloutPlan) -> String {
        guard let bake = plan.bake, bake > .zero else {
            return "Argo CD starts a wave as soon as every Application of the previous one is Healthy; no bake time is stated (gitops.bake), and Argo CD has none of its own (docs/delivery.md)."
        }
        let gaps = max(0, plan.waves.count - 1)
        return "Bake time \(bake): each wave stays Healthy for \(bake) before the next starts, so the \(plan.waves.count) wave\(plan.waves.count == 1 ? "" : "s") take at least \(gaps) × \(bake) = \(bake * gaps) plus each wave's own sync. Argo CD has no bake time (docs/delivery.md): it would start the next wave at once, so holding it (the ApplicationSet's meridian.dev/bake annotation says how long) is the operator's."
    }

    static func markdown(_ r: RolloutReport) -> String {
        var out = "\n## \(title)\n\n"
        out += "Each wave is proved at two levels, each with any one availability zone outside the wave lost: rolling "
        out += "(each Deployment of the wave's regions has its rolling update's maxUnavailable pods out) and bad release "
        out += "(the wave's regions lost whole).\n\n"
        out += table(r).markdown + "\n"
        out += lines(r).map { "- " + Markdown.text($0) + "\n" }.joined()
        return out
    }

    static func text(_ r: RolloutReport) -> String {
        "\n\(title)\n\n" + table(r).text + lines(r).map { "  " + TerminalText.escaped($0) + "\n" }.joined()
    }

    static func json(_ r: RolloutReport) -> JSONValue {
        let seconds = { (duration: Duration) -> JSONValue in .double(Double(duration.milliseconds) / 1000) }
        return [
            "derived": .bool(r.plan.derived),
            "bakeSeconds": r.plan.bake.map(seconds) ?? .null,
            "reasons": JSONValue(r.plan.reasons),
            "waves": .array(r.proofs.map { proof in
                [
                    "wave": .int(proof.wave.number), "regions": JSONValue(proof.wave.regions),
                    "holds": .bool(proof.breaches.allSatisfy { $0.reportedBy != nil }),
                    "statesChecked": .int(proof.statesChecked), "worstOutage": JSONValue(proof.worstOutage),
                    "worstRecoverySeconds": proof.worstRecovery.map(seconds) ?? .null,
                    "unservedInWorst": .int(proof.unservedInWorst),
                    "rollingMargin": proof.rollingMargin.map {
                        ["service": .string($0.service), "region": .string($0.region), "podsLeft": .int($0.left), "need": .int($0.need)]
                    } ?? .null,
                    "breaches": .array(proof.breaches.map { breach in
                        ["level": .string(breach.level.rawValue), "outage": JSONValue(breach.outage), "message": .string(breach.message),
                         "arithmetic": JSONValue(breach.arithmetic), "reportedBy": JSONValue(breach.reportedBy)]
                    }),
                ]
            }),
        ]
    }
}
