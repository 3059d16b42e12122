import BlueprintModel
import Diagnostics

/// Runs every rule over a decoded blueprint, locates the findings in its source, and applies
/// the blueprint's waivers.
public enum Validator {
    public static func validate(_ blueprint: Blueprint, today: String) -> [Diagnostic] {
        validate(ValidationContext(blueprint: blueprint, today: today))
    }

    public static func validate(_ context: ValidationContext) -> [Diagnostic] {
        let blueprint = context.blueprint
        let today = context.today
        var diagnostics: [Diagnostic] = []
        for rule in RuleRegistry.all {
            for finding in rule.init().check(context) {
                diagnostics.append(Diagnostic(
                    rule.severity, rule: rule.id, message: finding.message, file: blueprint.file,
                    mark: blueprint.sourceMap.mark(for: finding.path), path: finding.path,
                    notes: finding.notes, fix: finding.fix))
            }
        }
        return applyWaivers(blueprint.waivers, to: diagnostics, blueprint: blueprint, today: today)
    }

    /// A waiver silences the findings of its rule located at its path or below it. Expired
    /// waivers silence nothing and are errors; waivers that match nothing are errors too.
    static func applyWaivers(_ waivers: [Waiver], to diagnostics: [Diagnostic], blueprint: Blueprint, today: String) -> [Diagnostic] {
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
            } else {
                problems.append(Diagnostic(.error, rule: WaiverUnused.id,
                                           message: "waiver for \(waiver.rule) at \(waiver.at) matches no finding",
                                           file: blueprint.file, mark: mark, path: waiver.path,
                                           fix: "remove the waiver, or correct its 'rule' or 'at'"))
            }
        }
        return kept + problems
    }
}
