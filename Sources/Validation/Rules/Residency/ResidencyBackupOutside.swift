/// A backup of a residency-bound datastore copied to another residency zone.
public struct ResidencyBackupOutside: Rule {
    public static let id = "residency-backup-outside"
    public static let summary = "Backups of a residency-bound datastore are copied only to regions of its residency zone."
    public static let rationale = """
        A backup is a full copy of the data. Copying it to another jurisdiction breaks residency as \
        surely as a live replica, and for longer: backups are retained for years.
        """
    public static let examples: [RuleExample] = [
        .triggering(with: RuleExample.usZone, ("regions: [eu-central-1] }", "regions: [eu-central-1, ↓us-east-1] }")),
        .clean(with: RuleExample.usZone),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.blueprint.datastores.flatMap { datastore -> [Finding] in
            guard let residency = datastore.residency, let backups = datastore.backups else { return [] }
            return backups.regions.enumerated().compactMap { index, region in
                guard let zone = context.blueprint.residencyZone(ofRegion: region)?.name, zone != residency else { return nil }
                return Finding(at: "datastores.\(datastore.name).backups.regions[\(index)]",
                               "backups of \(datastore.name) are copied to \(region), in residency zone \(zone), not \(residency)",
                               fix: "copy backups to a region of \(residency)")
            }
        }
    }
}
