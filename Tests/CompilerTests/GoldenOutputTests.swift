import Compiler
import Foundation
import Generators
import Testing

/// The repository root, found from this file so tests run from any directory.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func exampleBlueprints() -> [String] {
    let directory = repositoryRoot.appendingPathComponent("Blueprints")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted().map { directory.appendingPathComponent($0).path }
}

func compileInMemory(_ path: String) throws -> (Analysis, Pipeline.Generated?) {
    let analysis = Pipeline.analyze(file: path, bytes: try SourceLoader.load(path), today: "2026-11-22")
    return (analysis, Pipeline.generate(analysis))
}

/// Output/ is the golden copy of what the example blueprints compile to. Re-record it with
/// `swift run meridian compile Blueprints/*.yaml` and review the diff like code.
@Suite struct GoldenOutputTests {
    @Test func thereAreExampleBlueprints() {
        #expect(exampleBlueprints().count >= 3)
    }

    @Test(arguments: exampleBlueprints())
    func committedOutputMatchesTheCompiler(_ path: String) throws {
        let (analysis, generated) = try compileInMemory(path)
        // Notes record deliberate trade-offs (where unplaced users are served); they do not fail examples.
        #expect(analysis.diagnostics.allSatisfy { $0.severity == .note }, "\(analysis.diagnostics)")
        let generatedFiles = try #require(generated).files
        let blueprint = try #require(analysis.blueprint)
        let writer = OutputWriter(outputDirectory: repositoryRoot.appendingPathComponent("Output").path, blueprint: blueprint.name)
        let changes = writer.changes(generatedFiles)
        #expect(changes.isEmpty, """
            Output/\(blueprint.name) is stale: \(changes.map(\.path).joined(separator: ", ")).
            Re-record with `swift run meridian compile Blueprints/*.yaml` and review `git diff Output/`.
            """)
    }

    @Test(arguments: exampleBlueprints())
    func outputIsDeterministicAndIndependentOfDeclarationOrder(_ path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let first = try #require(compileInMemory(path).1).files
        let second = try #require(compileInMemory(path).1).files
        #expect(first == second)
        // Reversing the order of the services must not change a byte of the output.
        let reordered = try #require(reverseServices(text))
        let analysis = Pipeline.analyze(file: path, bytes: Array(reordered.utf8), today: "2026-11-22")
        let third = Pipeline.generate(try #require(analysis.blueprint)).files
        #expect(first == third)
    }

    @Test(arguments: exampleBlueprints())
    func everyFileEndsInANewlineAndStartsWithTheHeader(_ path: String) throws {
        for file in try #require(compileInMemory(path).1).files {
            #expect(file.contents.hasSuffix("\n"), "\(file.path)")
            #expect(GeneratedHeader.isGenerated(Substring(file.contents)), "\(file.path)")
        }
    }

    /// Reverses the top-level entries under `services:` (each a block starting at two spaces).
    func reverseServices(_ text: String) -> String? {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "services:") else { return nil }
        var end = start + 1
        while end < lines.count, lines[end].isEmpty || lines[end].hasPrefix(" ") || lines[end].hasPrefix("#") { end += 1 }
        var blocks: [[String]] = []
        for line in lines[(start + 1)..<end] {
            if line.hasPrefix("  ") && !line.hasPrefix("   ") || blocks.isEmpty { blocks.append([line]) } else { blocks[blocks.count - 1].append(line) }
        }
        let body = blocks.reversed().flatMap { $0 }
        return (Array(lines[...start]) + body + Array(lines[end...])).joined(separator: "\n")
    }
}
