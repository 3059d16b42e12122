import BlueprintModel
import Diagnostics

extension Validator {
    /// What the rules find in the fields `Blueprint.manifestFieldsCleared` clears — an unpinned
    /// image (image-not-pinned), an env name Meridian generates (invalid-value) — and nothing else.
    /// No other rule reads those fields (`ManifestFieldsTests`), so two blueprints equal once they
    /// are cleared, and equal in these findings, get the same findings from every rule, waivers
    /// and "… and N more" included: compile then keeps the last analysis's findings instead of
    /// working out every figure again (`Pipeline.analyze(…reusing:)`).
    public static func findingsOnManifestFields(_ blueprint: Blueprint) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        func add(_ rule: any Rule.Type, _ finding: Finding) {
            diagnostics.append(Diagnostic(rule.severity, rule: rule.id, message: finding.message, file: blueprint.file,
                                          mark: blueprint.sourceMap.mark(for: finding.path), path: finding.path,
                                          notes: finding.notes, fix: finding.fix))
        }
        for service in blueprint.services {
            if let finding = ImageNotPinned.finding(service) { add(ImageNotPinned.self, finding) }
            for finding in InvalidValue.reservedEnvironment(service) { add(InvalidValue.self, finding) }
        }
        return diagnostics
    }
}
