/// A key that the blueprint language does not define.
public struct UnknownKey: DecoderRule {
    public static let id = "unknown-key"
    public static let summary = "Every key must be one the blueprint language defines."
    public static let rationale = """
        A misspelt key (`replcias`) would otherwise be ignored silently and its intent lost; the \
        finding suggests the nearest known key.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    perReplica: 100\n", "    perReplica: 100\n    ↓replcias: { eu-west-1: 15 }\n")),
        .clean(("    perReplica: 100\n", "    perReplica: 100\n    replicas: { eu-west-1: 15 }\n")),
    ]

    public init() {}
}
