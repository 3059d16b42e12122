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
