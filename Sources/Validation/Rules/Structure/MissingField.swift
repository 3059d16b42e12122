/// A required key that is absent.
public struct MissingField: DecoderRule {
    public static let id = "missing-field"
    public static let summary = "Required keys must be present."
    public static let rationale = """
        Without an image, a port, a demand or a cluster there is nothing sound to generate; the \
        finding names the missing key where it belongs.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    image: registry.example/api:1.0.0\n    port: 8080\n", "    ↓image: registry.example/api:1.0.0\n")),
        .clean(("    port: 8080\n", "    port: 9090\n")),
    ]

    public init() {}
}
