import Compiler
import Foundation
import Testing

/// Bad input must give diagnostics, never a crash: every example blueprint is mutated in
/// deterministic, seeded ways (deleted, duplicated and corrupted lines) and run through the
/// whole pipeline. A crash here takes the test run down, which is the failure.
@Suite struct MutationRobustnessTests {
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(bound, 1)))
        }
    }

    static let tokens = ["0", "-1", "99999999999999999999", "~", "[]", "{}", "\"x\"", "eu", "us-east-1", "*a", "&a x",
                         "<<: *a", "null", "1e3", "on", "../x", "{{.x}}", "${x}", "\t", "- ", "ä", "[", "}", ": :"]

    @Test(arguments: exampleBlueprints())
    func mutatedBlueprintsNeverCrash(_ path: String) throws {
        let original = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        var random = Generator(state: UInt64(original.count))
        var withErrors = 0
        for _ in 0..<40 {
            var lines = original
            for _ in 0...random.next(3) {
                let index = random.next(lines.count)
                switch random.next(4) {
                case 0: lines.remove(at: index)
                case 1: lines.insert(lines[random.next(lines.count)], at: index)
                case 2:
                    let line = lines[index]
                    let cut = line.index(line.startIndex, offsetBy: random.next(line.count + 1))
                    lines[index] = String(line[..<cut]) + Self.tokens[random.next(Self.tokens.count)] + String(line[cut...])
                default:
                    if let colon = lines[index].firstIndex(of: ":") {
                        lines[index] = String(lines[index][..<colon]) + ": " + Self.tokens[random.next(Self.tokens.count)]
                    }
                }
                if lines.isEmpty { lines = [""] }
            }
            let analysis = Pipeline.analyze(file: "mutant.yaml", bytes: Array(lines.joined(separator: "\n").utf8), today: "2026-11-22")
            if analysis.hasErrors {
                withErrors += 1
                #expect(analysis.diagnostics.allSatisfy { $0.mark.line >= 1 && $0.mark.column >= 1 && !$0.message.isEmpty })
            } else if let generated = Pipeline.generate(analysis) {
                #expect(generated.files.allSatisfy { $0.contents.hasSuffix("\n") })
            }
        }
        // The mutations are meant to break things; most mutants must be reported as broken.
        #expect(withErrors > 10)
    }
}
