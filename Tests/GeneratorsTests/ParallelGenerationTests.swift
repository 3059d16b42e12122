import BlueprintModel
import Compiler
import Foundation
import Generators
import Resilience
import Testing

/// Generation runs regions on several threads; the output must not depend on that.
@Suite struct ParallelGenerationTests {
    @Test func parallelMapKeepsInputOrder() {
        // Uneven work, so later items often finish first.
        let results = Parallel.map(500) { index -> String in
            var text = ""
            for step in 0..<((500 - index) % 37) { text += String(step % 10) }
            return "\(index):\(text.count)"
        }
        #expect(results == (0..<500).map { "\($0):\((500 - $0) % 37)" })
    }

    /// Each region job has its own YAML buffer; a shared one would interleave files.
    @Test func repeatedGenerationIsIdenticalAndMatchesOneRegionAtATime() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Blueprints/shop-geo-sharded.yaml").standardized
        let analysis = Pipeline.analyze(file: url.path, bytes: Array(try Data(contentsOf: url)), today: "2026-11-22")
        let topology = try #require(analysis.topology)
        #expect(topology.servingRegions.count > 2)

        let first = Pipeline.generate(analysis)!.files
        for _ in 0..<20 {
            #expect(Pipeline.generate(analysis)!.files == first)
        }
        let sequential = topology.servingRegions.flatMap { KubernetesGenerator.files(forRegion: $0, of: topology) }
        #expect(first.filter { $0.path.hasPrefix("clusters/") } == sequential.sorted { $0.path < $1.path })
        #expect(Set(first.map(\.path)).count == first.count)
    }

    /// Compile takes the files as they are made (regions in batches, from several threads); what
    /// it is handed must be exactly what the collected generation returns, each file once.
    @Test func streamedGenerationHandsOverEveryFileOnceAsCollected() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Blueprints/shop-geo-sharded.yaml").standardized
        let analysis = Pipeline.analyze(file: url.path, bytes: Array(try Data(contentsOf: url)), today: "2026-11-22")
        let collected = Pipeline.generate(analysis)!
        let received = Received()
        let notices = Pipeline.generate(analysis) { received.add($0) }
        #expect(notices == collected.notices)
        #expect(received.files.sorted { $0.path < $1.path } == collected.files)
        // Regions of 64 files or fewer come in one batch each, beside the report's and the Terraform's.
        #expect(received.batches == 2 + analysis.topology!.servingRegions.count)
        // REPORT.md is kept as the bytes it was built in, and reads back as the same text.
        let report = try #require(received.files.first { $0.path == "REPORT.md" })
        #expect(report == GeneratedFile(path: "REPORT.md", contents: report.contents))
        #expect(report.hashValue == GeneratedFile(path: "REPORT.md", contents: report.contents).hashValue)
        #expect(report.byteCount == report.contents.utf8.count)
    }
}

private final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var files: [GeneratedFile] = []
    private(set) var batches = 0
    func add(_ batch: [GeneratedFile]) {
        lock.lock()
        defer { lock.unlock() }
        files += batch
        batches += 1
    }
}
