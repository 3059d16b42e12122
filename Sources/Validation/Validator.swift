import BlueprintModel
import Diagnostics

/// Runs every rule over a decoded blueprint and locates the findings in its source.
public enum Validator {
    public static func validate(_ blueprint: Blueprint, today: String) -> [Diagnostic] {
        let context = ValidationContext(blueprint: blueprint, today: today)
        var diagnostics: [Diagnostic] = []
        for rule in RuleRegistry.all {
            for finding in rule.init().check(context) {
                diagnostics.append(Diagnostic(
                    rule.severity, rule: rule.id, message: finding.message, file: blueprint.file,
                    mark: blueprint.sourceMap.mark(for: finding.path), path: finding.path,
                    notes: finding.notes, fix: finding.fix))
            }
        }
        return diagnostics
    }
}
