/// A waiver that silences nothing. Checked by the validator when it applies waivers.
public struct WaiverUnused: Rule {
    public static let id = "waiver-unused"
    public static let summary = "A waiver must match a finding (same rule, same location)."
    public static let rationale = """
        A waiver that matches nothing is either stale — the problem was fixed — or mistyped, and then \
        the finding it was meant for is not silenced. Both deserve a look.
        """
    public static let examples: [RuleExample] = [
        .triggering(("traffic:\n", "waivers:\n  - ↓{ rule: image-not-pinned, at: services.api, reason: pinned by the registry, expires: 2099-01-31 }\ntraffic:\n")),
        .clean(("    wave: 2\n", ""), ("  eu-west-1:\n", "  eu-west-1:\n    wave: 1\n"), ("traffic:\n", "waivers:\n  - { rule: rollout-wave-covers-zone, at: residency.eu, reason: one wave during migration, expires: 2099-01-31 }\ntraffic:\n")),
    ]

    public init() {}
    public func check(_ context: ValidationContext) -> [Finding] { [] }
}
