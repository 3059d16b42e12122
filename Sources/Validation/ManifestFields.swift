import BlueprintModel
import Diagnostics

extension Validator {
    /// What the rules find in the fields `Blueprint.manifestFieldsCleared` clears — an unpinned
    /// image (image-not-pinned), an env name Meridian generates (invalid-value) — and nothing else.
    /// No other rule reads those fields (`ManifestFieldsTests`), so two blueprints equal once they
    /// are cleared, and equal in these findings, get the same findings from every rule, waivers
    /// and "… and N more" included: compile then keeps the last analysis's findings instead of
    /// working out every figure again (`Pipeline.reuse`).
    public static func findingsOnManifestFields(_ blueprint: Blueprint) -> [Diagnostic] {
        blueprint.services.flatMap { service in
            (ImageNotPinned.finding(service).map { [diagnostic(ImageNotPinned.self, $0, in: blueprint)] } ?? [])
                + InvalidValue.reservedEnvironment(service).map { diagnostic(InvalidValue.self, $0, in: blueprint) }
        }
    }
}
