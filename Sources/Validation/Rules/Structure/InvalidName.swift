/// A name that is not a DNS-1123 label.
public struct InvalidName: DecoderRule {
    public static let id = "invalid-name"
    public static let summary = "Blueprint, region, zone, service and datastore names must be DNS-1123 labels; service names must also start with a letter."
    public static let rationale = """
        Names become Kubernetes object names, DNS labels and output directories. A label can \
        neither be rejected by the API server nor climb out of Output/ with `../`. A service's \
        name is also its Kubernetes Service's, which must be an RFC 1035 label: one starting \
        with a digit is refused by the API server.
        """
    public static let examples: [RuleExample] = [
        .triggering(("  api:\n", "  ↓Api_Service:\n")),
        .triggering(("  api:\n", "  ↓2fa:\n")),
        .clean(("  api:\n", "  api-v2:\n")),
    ]

    public init() {}
}
