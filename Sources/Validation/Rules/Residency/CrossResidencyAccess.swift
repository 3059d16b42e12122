import Diagnostics

/// A service that serves a zone from datastores of other zones only.
public struct CrossResidencyAccess: Rule {
    public static let id = "cross-residency-access"
    public static let summary = "A service serving a residency zone should use that zone's datastores."
    public static let rationale = """
        When a service uses residency-bound datastores but none of the zone it serves, that zone's \
        requests read and write another jurisdiction's data. Sometimes that is lawful (aggregate \
        reporting), but it is never the default: it is an error until a legal review is recorded \
        as a waiver for exactly this service.
        """
    public static let examples: [RuleExample] = [
        .triggering(with: RuleExample.usZone, ("  api:\n", "  ↓api:\n"), ("demand: { eu: 1000 }", "demand: { eu: 1000, us: 100 }")),
        .clean(with: RuleExample.usZone),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.servedPairs.compactMap { service, zone in
            let bound = service.uses.compactMap { context.blueprint.datastore($0) }.filter { !$0.isGlobal }
            guard !bound.isEmpty, !bound.contains(where: { $0.residency == zone }) else { return nil }
            let names = bound.map { "\($0.name) (\($0.residency ?? ""))" }.joined(separator: ", ")
            return Finding(at: context.servicePath(service.name),
                           "\(service.name) serves residency zone \(zone) but uses only datastores of other zones: \(names)",
                           fix: "add a datastore of \(zone), or get a legal review and record it as a waiver")
        }
    }
}
