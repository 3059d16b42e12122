/// A waiver past its expiry date. Checked by the validator when it applies waivers.
public struct WaiverExpired: Rule {
    public static let id = "waiver-expired"
    public static let summary = "A waiver must not be past its `expires` date."
    public static let rationale = """
        A waiver records a decision for a time. Once it expires the finding it silenced is back, and \
        so is the question it answered: re-review it, then renew or remove it.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    wave: 2\n", ""), ("  eu-west-1:\n", "  eu-west-1:\n    wave: 1\n"), ("traffic:\n", "waivers:\n  - ↓{ rule: rollout-wave-covers-zone, at: residency.eu, reason: one wave during migration, expires: 2020-01-31 }\ntraffic:\n")),
        .clean(("    wave: 2\n", ""), ("  eu-west-1:\n", "  eu-west-1:\n    wave: 1\n"), ("traffic:\n", "waivers:\n  - { rule: rollout-wave-covers-zone, at: residency.eu, reason: one wave during migration, expires: 2099-01-31 }\ntraffic:\n")),
    ]

    public init() {}
    public func check(_ context: ValidationContext) -> [Finding] { [] }
}
