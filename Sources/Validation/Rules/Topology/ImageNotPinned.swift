import BlueprintModel

/// A container image without a tag or digest, or tagged `latest`.
public struct ImageNotPinned: Rule {
    public static let id = "image-not-pinned"
    public static let summary = "Images must carry a tag or a digest, and never `latest`."
    public static let rationale = """
        Regions sync in waves; an unpinned image means each region (and each restarted pod) may run \
        a different build, so a rollout can neither be staged nor rolled back.
        """
    public static let examples: [RuleExample] = [
        .triggering(("    image: registry.example/api:1.0.0", "    ↓image: registry.example/api:latest")),
        .triggering(("    image: registry.example/api:1.0.0", "    ↓image: registry.example:5000/api")),
        .clean(("    image: registry.example/api:1.0.0", "    image: registry.example:5000/api@sha256:4f1c9a7e3b2d8c6a5f0e1d2c3b4a59687766554433221100ffeeddccbbaa9988")),
    ]

    public init() {}

    public func check(_ context: ValidationContext) -> [Finding] {
        context.blueprint.services.compactMap(Self.finding)
    }

    /// The service's finding, from its image alone (`Validator.findingsOnManifestFields`).
    static func finding(_ service: Service) -> Finding? {
        let image = service.image
        guard !image.isEmpty else { return nil }
        if image.contains("@sha256:") { return nil }
        // The tag follows the last ':' after the last '/', so a registry port is not a tag.
        let lastComponent = image.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        let tag = lastComponent.split(separator: ":", omittingEmptySubsequences: false).dropFirst().last
        let path = "services.\(service.name).image"
        guard let tag, !tag.isEmpty else {
            return Finding(at: path, "image '\(image)' has no tag or digest", fix: "pin a release tag or an @sha256 digest")
        }
        if tag == "latest" {
            return Finding(at: path, "image '\(image)' uses the 'latest' tag", fix: "pin a release tag or an @sha256 digest")
        }
        return nil
    }
}
