import BlueprintModel
import Diagnostics
import Resilience

/// Runs every rule over a decoded blueprint, locates the findings in its source, and applies
/// the blueprint's waivers.
public enum Validator {
    /// The findings, and the context the model rules saw (its topology and explanation are
    /// those of the blueprint's sound part, what `compile` and `explain` build on).
    public struct Outcome: Sendable {
        public var diagnostics: [Diagnostic]
        public var context: ValidationContext
    }

    public static func validate(_ blueprint: Blueprint, today: String) -> [Diagnostic] {
        check(blueprint, today: today).diagnostics
    }

    /// Two passes, so one bad value is reported once, as itself. First the structural rules on
    /// the whole blueprint; then the model — placements, sizing, availability, RTO, RPO — is
    /// built from the part neither the decoder nor those rules rejected, and every other rule
    /// runs on that part. A missing `primary:` is a `missing-field`, never also "region '' is
    /// not declared"; an invalid replica mode is not also an RPO finding computed without it.
    /// `spreadFrom`: the number of services from which figures and rules run on every core
    /// (tests set it to compare with one thread).
    /// `whenTopologyIsBuilt`: see `ValidationContext.init(soundPart:…)`.
    /// `topology`: `Topology(blueprint.soundPart(excluding: blueprint.rejected))` when already built;
    /// used when the structural rules refuse nothing more, so the sound part is that one.
    public static func check(_ blueprint: Blueprint, today: String, spreadFrom: Int = Parallel.servicesWorthSpreading,
                             whenTopologyIsBuilt: ((Topology) -> Void)? = nil, topology: Topology? = nil) -> Outcome {
        let structural = Set(RuleRegistry.structural.map { $0.id })
        let spread = blueprint.services.count >= spreadFrom
        var diagnostics = run(RuleRegistry.structural, ValidationContext(structureOf: blueprint, today: today), file: blueprint, spread: spread)
        var rejected = blueprint.rejected
        for finding in diagnostics where finding.severity == .error && RuleRegistry.modelInputs.contains(finding.rule) {
            rejected.reject(path: finding.path, reason: RuleRegistry.refusal(finding.rule), at: finding.mark)
        }
        let context = ValidationContext(soundPart: blueprint.soundPart(excluding: rejected),
                                        dependencies: FigureDependencies(whole: blueprint, rejected: rejected), today: today,
                                        spreadFrom: spreadFrom, whenTopologyIsBuilt: whenTopologyIsBuilt,
                                        topology: rejected == blueprint.rejected ? topology : nil)
        diagnostics += run(RuleRegistry.all.filter { !structural.contains($0.id) }, context, file: blueprint, spread: spread)
        diagnostics += withheldNotes(context.explanation.withheld, in: blueprint)
        // Structural rules saw the whole blueprint, so only waivers of the others can be left out.
        // A waiver of a finding whose verdict was withheld may well match once the error is fixed.
        let withheld = withheldParts(context.explanation)
        let leftOut = { (waiver: Waiver) in
            !structural.contains(waiver.rule) && (isLeftOut(waiver.at, of: blueprint, in: context.blueprint, rejected: rejected)
                || withheld.contains { part in [(waiver.at, part), (part, waiver.at)].contains { $0 == $1 || $0.hasPrefix($1 + ".") } })
        }
        return Outcome(diagnostics: applyWaivers(blueprint.waivers, to: diagnostics, blueprint: blueprint, today: today, leftOut: leftOut),
                       context: context)
    }

    /// The rule id of the note that announces a check not made because a value it reads was refused.
    public static let withheldRule = "check-withheld"

    /// The services and datastores with a withheld figure or verdict.
    static func withheldParts(_ explanation: Explanation) -> Set<String> {
        Set(explanation.availability.filter { $0.withheld != nil }.map { "services.\($0.service)" }
            + explanation.rto.filter { $0.withheld != nil }.map { "services.\($0.result.service)" }
            + explanation.rpo.filter { $0.withheld != nil }.map { "datastores.\($0.result.datastore)" })
    }

    /// One located note per withheld check, at the value that blocked it.
    static func withheldNotes(_ checks: [WithheldCheck], in blueprint: Blueprint) -> [Diagnostic] {
        checks.map { check in
            Diagnostic(.note, rule: withheldRule, message: check.message, file: blueprint.file,
                       mark: check.cause.mark ?? blueprint.sourceMap.mark(for: check.cause.path), path: check.cause.path)
        }
    }

    /// Whether the part at `path` is missing from the sound part, so its rules never ran.
    static func isLeftOut(_ path: String, of whole: Blueprint, in sound: Blueprint, rejected: RejectedParts) -> Bool {
        if rejected.spoilsModel || rejected.covers(path: path) { return true }
        let parts = RejectedParts.entity(of: path).split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return false }
        switch parts[0] {
        case "services": return whole.service(parts[1]) != nil && sound.service(parts[1]) == nil
        case "datastores": return whole.datastore(parts[1]) != nil && sound.datastore(parts[1]) == nil
        case "regions": return whole.region(parts[1]) != nil && sound.region(parts[1]) == nil
        case "residency": return whole.residencyZone(parts[1]) != nil && sound.residencyZone(parts[1]) == nil
        default: return false
        }
    }

    /// Rules are independent readers of one context: when `spread`, they run on every core, their
    /// findings joined in catalogue order.
    static func run(_ rules: [any Rule.Type], _ context: ValidationContext, file blueprint: Blueprint, spread: Bool) -> [Diagnostic] {
        Parallel.map(rules.count, serialBelow: spread ? 2 : .max) { index in
            let rule = rules[index]
            return rule.init().check(context).map { diagnostic(rule, $0, in: blueprint) }
        }.flatMap { $0 }
    }

    /// `finding` of `rule`, located in `blueprint`'s source.
    static func diagnostic(_ rule: any Rule.Type, _ finding: Finding, in blueprint: Blueprint) -> Diagnostic {
        Diagnostic(rule.severity, rule: rule.id, message: finding.message, file: blueprint.file,
                   mark: blueprint.sourceMap.mark(for: finding.path), path: finding.path,
                   notes: finding.notes, fix: finding.fix)
    }

    /// A waiver silences the findings of its rule located at its path or below it. Expired
    /// waivers silence nothing and are errors; waivers that match nothing are errors too.
    /// A waiver for a part that was `leftOut` (rejected, so its rules did not run) is not
    /// reported unused: it may well match once the part is fixed.
    static func applyWaivers(_ waivers: [Waiver], to diagnostics: [Diagnostic], blueprint: Blueprint, today: String,
                             leftOut: (Waiver) -> Bool = { _ in false }) -> [Diagnostic] {
        var kept = diagnostics
        var problems: [Diagnostic] = []
        for waiver in waivers {
            let mark = blueprint.sourceMap.mark(for: waiver.path)
            if waiver.expires < today {
                problems.append(Diagnostic(.error, rule: WaiverExpired.id,
                                           message: "waiver for \(waiver.rule) at \(waiver.at) expired on \(waiver.expires)",
                                           file: blueprint.file, mark: mark, path: waiver.path,
                                           notes: [Note("reason given: \(waiver.reason)")],
                                           fix: "review the finding again, then renew 'expires' or remove the waiver"))
                continue
            }
            let matches = { (d: Diagnostic) in
                d.rule == waiver.rule && (d.path == waiver.at || d.path.hasPrefix(waiver.at + ".") || d.path.hasPrefix(waiver.at + "["))
            }
            if kept.contains(where: matches) {
                kept.removeAll(where: matches)
            } else if !leftOut(waiver) {
                problems.append(Diagnostic(.error, rule: WaiverUnused.id,
                                           message: "waiver for \(waiver.rule) at \(waiver.at) matches no finding",
                                           file: blueprint.file, mark: mark, path: waiver.path,
                                           fix: "remove the waiver, or correct its 'rule' or 'at'"))
            }
        }
        return kept + problems
    }
}
