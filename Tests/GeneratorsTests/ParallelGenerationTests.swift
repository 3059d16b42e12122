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
}
