import Compiler
import Foundation
import Generators
import Resilience
import Testing

/// `diff` generates a service's file only where the two sides describe it differently
/// (`ServiceFile`). That is sound only if every change to a file's bytes changes its description:
/// checked here against full generation, over every example blueprint and one-token edits of each.
@Suite struct DescribedServiceFileTests {
    static let examples: [String] = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Blueprints")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { folder.appendingPathComponent($0).path }
    }()

    /// The YAML `diff` compares, by path, as full generation writes it.
    static func generated(_ text: String) -> (files: [String: String], described: [String: ServiceFile])? {
        let analysis = Pipeline.analyze(file: "edited.yaml", bytes: Array(text.utf8), today: "2026-11-22")
        guard !analysis.hasErrors, let blueprint = analysis.blueprint, let topology = analysis.topology else { return nil }
        let files = Pipeline.generate(blueprint, topology: topology, explanation: analysis.explanation, rollout: analysis.rollout).files
            .filter { $0.path.hasSuffix(".yaml") }
        let described = Pipeline.describe(topology).serviceFiles
        return (Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.contents) }),
                Dictionary(uniqueKeysWithValues: described.map { ($0.path, $0) }))
    }

    /// Edits of one token each: a number raised by one, or a word lengthened, at spread-out places.
    static func edits(of text: String, count: Int) -> [String] {
        let lines = text.components(separatedBy: "\n")
        var edits: [String] = []
        let token = try! NSRegularExpression(pattern: #"(?<=[:\[ ,{-])\s*([0-9]+|[a-z][a-z0-9.-]*[a-z0-9])(?=[\s,}\]%smhd]|$)"#)
        for (index, line) in lines.enumerated() where line.contains(":") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
            let whole = NSRange(line.startIndex..., in: line)
            for match in token.matches(in: line, range: whole) {
                guard let range = Range(match.range(at: 1), in: line) else { continue }
                let word = String(line[range])
                // Keys stay as they are: only values change.
                if line[range.upperBound...].hasPrefix(":") { continue }
                let replacement = Int(word).map { String($0 + 1) } ?? word + "x"
                var changed = lines
                changed[index] = line.replacingCharacters(in: range, with: replacement)
                edits.append(changed.joined(separator: "\n"))
            }
        }
        // Spread over the file, deterministically.
        let step = max(1, edits.count / count)
        return stride(from: 0, to: edits.count, by: step).map { edits[$0] }
    }

    @Test(arguments: examples)
    func everyChangedServiceFileHasAChangedDescription(_ path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let original = try #require(Self.generated(text))
        // Describing and then generating gives exactly the files full generation gives.
        for (filePath, file) in original.described {
            #expect(file.generate().contents == original.files[filePath], "\(filePath)")
        }
        var compared = 0, changedFiles = 0
        for edit in Self.edits(of: text, count: 150) {
            guard let edited = Self.generated(edit) else { continue }
            compared += 1
            for filePath in Set(original.described.keys).union(edited.described.keys) {
                guard original.files[filePath] != edited.files[filePath] else { continue }
                changedFiles += 1
                let sameDescription = original.described[filePath] == edited.described[filePath]
                #expect(!sameDescription, "\(filePath) changed but its description did not")
            }
        }
        // The edits must reach the service files, or the check above proves nothing.
        #expect(compared >= 40, "\(compared) edits compiled")
        #expect(changedFiles >= 30, "\(changedFiles) service files changed")
    }
}
