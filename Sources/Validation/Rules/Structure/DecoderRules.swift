/// Findings about the text of a blueprint, reported while reading it. Each type documents one
/// rule id; the YAML layer and decoder emit them, so `check` has nothing left to do.

/// The file is not valid YAML, holds more than one document, nests too deep or expands aliases too far.
public struct Syntax: DecoderRule {
    public static let id = "syntax"
    public static let summary = "The file must be one well-formed YAML document within the parser's limits."
    public static let rationale = """
        A blueprint that does not parse cannot be checked at all. Alias bombs and absurd nesting are \
        refused early so a hostile or broken file fails in milliseconds instead of exhausting memory.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    demand: { eu: 1000 }\n    perReplica", "    demand: { eu: 1000\n    perReplica↓")),
        .clean(("    demand: { eu: 1000 }", "    demand: { eu: 1200 }")),
    ]

    public init() {}
}

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

/// A name that is not a DNS-1123 label.
public struct InvalidName: DecoderRule {
    public static let id = "invalid-name"
    public static let summary = "Blueprint, region, zone, service and datastore names must be DNS-1123 labels."
    public static let rationale = """
        Names become Kubernetes object names, DNS labels and output directories. A label can \
        neither be rejected by the API server nor climb out of Output/ with `../`.
        """
    public static let examples: [RuleExample] = [
        .triggering(("  api:\n", "  ↓Api_Service:\n")),
        .clean(("  api:\n", "  api-v2:\n")),
    ]

    public init() {}
}

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
