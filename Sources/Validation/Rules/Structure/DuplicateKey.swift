/// The same key twice in one mapping, or the same name twice in a list of names.
public struct DuplicateKey: DecoderRule {
    public static let id = "duplicate-key"
    public static let summary = "A mapping must not repeat a key, nor a list of names (zones, regions, `uses`) a name."
    public static let rationale = """
        YAML parsers disagree on which of two equal keys wins, so a repeated region or service \
        would silently drop one definition. libyaml does not report it; Meridian does. A list of \
        names is a set written as a list: a region listed twice in a residency zone, a zone twice \
        in a region or a datastore twice in `uses` would be counted twice, so the repeat is \
        reported and left out.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    port: 8080\n", "    port: 8080\n    ↓port: 8080\n")),
        .triggering(("  eu: [eu-west-1, eu-central-1]\n", "  eu: [eu-west-1, eu-central-1, ↓eu-west-1]\n")),
        .clean(("    port: 8080\n", "    port: 8081\n")),
    ]

    public init() {}
}
