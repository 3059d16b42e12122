import Foundation
import Testing

/// A fleet compile keeps only the first analyses whole and analyses the rest again while writing
/// (`BlueprintSet.keptAnalyses`). With none kept, every output, message and refusal must be what
/// keeping them all gives.
@Suite(.serialized) struct BoundedMemoryTests {
    let keepNone = ["MERIDIAN_KEPT_ANALYSES": "0", "MERIDIAN_CACHE": "off"]
    let keepAll = ["MERIDIAN_KEPT_ANALYSES": "1000", "MERIDIAN_CACHE": "off"]

    func fleet() throws -> URL {
        let work = try temporaryDirectory()
        let blueprints = work.appendingPathComponent("Blueprints")
        try FileManager.default.createDirectory(at: blueprints, withIntermediateDirectories: true)
        for name in ["neobank-active-standby", "shop-geo-sharded", "trading-platform"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Blueprints/\(name).yaml"),
                                            to: blueprints.appendingPathComponent("\(name).yaml"))
        }
        return work
    }

    @Test func releasedAnalysesWriteTheSameOutputAndSayTheSame() throws {
        let work = try fleet()
        defer { try? FileManager.default.removeItem(at: work) }
        let kept = try meridian(["compile", "Blueprints", "-o", "kept"], in: work, environment: keepAll)
        let released = try meridian(["compile", "Blueprints", "-o", "released"], in: work, environment: keepNone)
        #expect(kept.status == 0 && released.status == 0, "\(released.stderr)")
        #expect(tree(work.appendingPathComponent("released")) == tree(work.appendingPathComponent("kept")))
        #expect(tree(work.appendingPathComponent("released")).filter { !$0.key.hasPrefix(".") } == tree(repositoryRoot.appendingPathComponent("Output")).filter { !$0.key.hasPrefix(".") })
        #expect(released.stdout.replacingOccurrences(of: "released/", with: "kept/") == kept.stdout)
        #expect(released.stderr == kept.stderr)
        let check = try meridian(["compile", "--check", "Blueprints", "-o", "released"], in: work, environment: keepNone)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test func anErrorInAReleasedBlueprintStillWritesNothing() throws {
        let work = try fleet()
        defer { try? FileManager.default.removeItem(at: work) }
        let broken = try String(contentsOf: exampleBlueprint, encoding: .utf8).replacingOccurrences(of: "interval: 10s", with: "interval: 15s")
        try broken.write(to: work.appendingPathComponent("Blueprints/zz-broken.yaml"), atomically: true, encoding: .utf8)
        let result = try meridian(["compile", "Blueprints", "-o", "out"], in: work, environment: keepNone)
        #expect(result.status == 1 && result.stderr.contains("nothing written"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("out").path))
        // An outage region that a released blueprint lacks is refused before anything is written.
        let outage = try meridian(["compile", "Blueprints/neobank-active-standby.yaml", "Blueprints/trading-platform.yaml",
                                   "-o", "out", "--assume-down", "ap-southeast-1"], in: work, environment: keepNone)
        #expect(outage.status == 2 && outage.stderr.contains("not a region of neobank-active-standby"), "\(outage.stderr)")
        // The output root and its lock exist (the check runs under the lock); no blueprint's folder does.
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("out").path)) ?? []
        #expect(entries.allSatisfy { $0.hasPrefix(".") }, "\(entries)")
    }
}
