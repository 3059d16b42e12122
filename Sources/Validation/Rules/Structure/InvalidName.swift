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
