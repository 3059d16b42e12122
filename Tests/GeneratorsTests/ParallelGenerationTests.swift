import BlueprintModel
import Compiler
import Diagnostics
import Foundation
@testable import Generators
import Resilience
import Testing
import Validation

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

    @Test func bothRunsTwoPiecesAndKeepsThemApart() {
        let (text, number) = Parallel.both({ String(repeating: "a", count: 3) }, { (1...100).reduce(0, +) })
        #expect(text == "aaa" && number == 5_050)
    }

    /// A large blueprint's per-service figures and its rules run on every core; findings and
    /// figures must be exactly what one thread gives, for the examples and for blueprints full of
    /// findings (the negative and withheld fixtures).
    @Test func spreadAnalysisGivesWhatOneThreadGives() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        var files: [URL] = []
        for folder in ["Blueprints", "Tests/CompilerTests/Fixtures/negative", "Tests/CompilerTests/Fixtures/withheld"] {
            let directory = root.appendingPathComponent(folder)
            files += try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "yaml" }
        }
        #expect(files.count > 10)
        var withFindings = 0
        for url in files {
            let bytes = Array(try Data(contentsOf: url))
            guard let blueprint = Pipeline.analyze(file: url.path, bytes: bytes, today: "2026-11-22").blueprint else { continue }
            let serial = Validator.check(blueprint, today: "2026-11-22", spreadFrom: .max)
            let spread = Validator.check(blueprint, today: "2026-11-22", spreadFrom: 1)
            #expect(spread.diagnostics == serial.diagnostics, "\(url.lastPathComponent)")
            #expect(ExplainRenderer.render(spread.context.explanation, format: .json)
                    == ExplainRenderer.render(serial.context.explanation, format: .json), "\(url.lastPathComponent)")
            // Spread, the rollout waves are proved on a thread of their own while the rules run.
            #expect(spread.context.rollout.map(RolloutRenderer.text) == serial.context.rollout.map(RolloutRenderer.text), "\(url.lastPathComponent)")
            if serial.diagnostics.contains(where: { $0.severity != .note }) { withFindings += 1 }
        }
        #expect(withFindings >= 6, "the comparison must cover blueprints with findings, \(withFindings) had")
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
