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
        // An empty image is `missing-field`'s finding, not this rule's.
        guard !service.image.isEmpty else { return nil }
        let problem: String
        switch tag(of: service.image) {
        case .pinned: return nil
        case .missing: problem = "has no tag or digest"
        case .latest: problem = "uses the 'latest' tag"
        }
        return Finding(at: "services.\(service.name).image", "image '\(service.image)' \(problem)", fix: "pin a release tag or an @sha256 digest")
    }

    enum Tag { case pinned, missing, latest }

    /// What pins `image`: a digest, or the tag after the last ':' of its last '/'-separated part
    /// (so a registry port is not a tag). Over the UTF-8 bytes: it runs for every service on every
    /// compile, and a registry reads the reference as bytes too.
    static func tag(of image: String) -> Tag {
        let bytes = image.utf8
        let digest = "@sha256:".utf8
        var index = bytes.startIndex
        while let at = bytes[index...].firstIndex(of: UInt8(ascii: "@")) {
            if bytes[at...].starts(with: digest) { return .pinned }
            index = bytes.index(after: at)
        }
        let lastPart = bytes.lastIndex(of: UInt8(ascii: "/")).map { bytes[bytes.index(after: $0)...] } ?? bytes[...]
        guard let colon = lastPart.lastIndex(of: UInt8(ascii: ":")) else { return .missing }
        let tag = lastPart[lastPart.index(after: colon)...]
        if tag.isEmpty { return .missing }
        return tag.elementsEqual("latest".utf8) ? .latest : .pinned
    }
}
