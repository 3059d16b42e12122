@testable import Validation
import Testing

/// image-not-pinned reads an image reference over its bytes: the tag follows the last ':' of the
/// last '/'-separated part, so a registry port is not a tag, and a digest pins whatever the tag.
struct ImageTagTests {
    @Test(arguments: [
        ("registry.example/api:1.0.0", ImageNotPinned.Tag.pinned),
        ("registry.example:5000/api:2", .pinned),
        ("api:1.0.0:rc1", .pinned),
        ("registry.example/api@sha256:4f1c9a7e3b2d", .pinned),
        ("registry.example/api:latest@sha256:4f1c9a7e3b2d", .pinned),
        ("registry.example/api", .missing),
        ("registry.example:5000/api", .missing),
        ("registry.example/api:", .missing),
        ("registry.example/", .missing),
        ("api@sha:1", .pinned),
        ("api@sha", .missing),
        ("registry.example/api:latest", .latest),
        ("registry.example:5000/api:latest", .latest),
        ("api:latest2", .pinned),
        ("é/api:latest", .latest),
    ])
    func theTagIsReadAsARegistryReadsIt(_ image: String, _ expected: ImageNotPinned.Tag) {
        #expect(ImageNotPinned.tag(of: image) == expected, "\(image)")
    }
}
