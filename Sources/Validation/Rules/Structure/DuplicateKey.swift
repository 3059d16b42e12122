/// The same key twice in one mapping.
public struct DuplicateKey: DecoderRule {
    public static let id = "duplicate-key"
    public static let summary = "A mapping must not repeat a key."
    public static let rationale = """
        YAML parsers disagree on which of two equal keys wins, so a repeated region or service \
        would silently drop one definition. libyaml does not report it; Meridian does.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    port: 8080\n", "    port: 8080\n    ↓port: 8080\n")),
        .clean(("    port: 8080\n", "    port: 8081\n")),
    ]

    public init() {}
}
