import BlueprintYAML
import Diagnostics
import Testing

private func parse(_ text: String) throws(Diagnostic) -> YAMLParser.Result {
    try YAMLParser(file: "t.yaml").parse(Array(text.utf8))
}

private func pairs(_ node: YAMLNode?) -> [YAMLNode.Pair] {
    guard case .mapping(let pairs)? = node?.content else { return [] }
    return pairs
}

@Suite struct ParserTests {
    @Test func nodesCarryOneBasedMarks() throws {
        let result = try parse("a: 1\nlist:\n  - x\n  - { y: 2 }\n")
        let top = pairs(result.root)
        #expect(top.map { $0.key.scalar } == ["a", "list"])
        #expect(top[0].key.mark == SourceMark(line: 1, column: 1))
        #expect(top[0].value.mark == SourceMark(line: 1, column: 4))
        guard case .sequence(let items) = top[1].value.content else { Issue.record("not a list"); return }
        #expect(items[1].mark == SourceMark(line: 4, column: 5))
        #expect(pairs(items[1])[0].value.mark == SourceMark(line: 4, column: 10))
    }

    @Test func syntaxErrorKeepsProblemAndContextMarks() {
        #expect {
            _ = try parse("services:\n  api: { image: x\n  other: 1\n")
        } throws: { error in
            let d = error as! Diagnostic
            return d.rule == "syntax" && d.message == "YAML syntax error: did not find expected ',' or '}'"
                && d.mark == SourceMark(line: 3, column: 8)
                && d.notes == [Note("while parsing a flow mapping", at: SourceMark(line: 2, column: 8))]
        }
    }

    @Test func duplicateKeysAreReportedWithTheFirstDefinition() throws {
        let result = try parse("regions:\n  us-east-1: {}\n  us-east-1: {}\n")
        #expect(result.diagnostics.count == 1)
        let d = result.diagnostics[0]
        #expect(d.rule == "duplicate-key")
        #expect(d.message == "duplicate key 'us-east-1'")
        #expect(d.mark == SourceMark(line: 3, column: 3))
        #expect(d.notes == [Note("first defined here", at: SourceMark(line: 2, column: 3))])
    }

    @Test func aliasesAndMergeKeysResolve() throws {
        let result = try parse("base: &b { cpu: 1, memory: 2Gi }\nsvc:\n  <<: *b\n  memory: 4Gi\n")
        let svc = pairs(pairs(result.root)[1].value)
        #expect(svc.map { $0.key.scalar } == ["memory", "cpu"])
        #expect(svc[0].value.scalar == "4Gi")
        #expect(result.diagnostics.isEmpty)
    }

    @Test func billionLaughsFailsFast() {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let clock = ContinuousClock()
        let start = clock.now
        #expect {
            _ = try parse(text)
        } throws: { error in
            let d = error as! Diagnostic
            return d.rule == "syntax" && d.message.hasPrefix("alias expansion exceeds 10000 nodes") && d.mark.line == 4
        }
        #expect(clock.now - start < .seconds(1))
    }

    @Test func deepNestingIsRefused() {
        let text = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect {
            _ = try parse(text)
        } throws: { error in
            (error as! Diagnostic).message == "nesting deeper than 64 levels"
        }
    }

    @Test func secondDocumentIsRefused() {
        #expect {
            _ = try parse("a: 1\n---\nb: 2\n")
        } throws: { error in
            let d = error as! Diagnostic
            return d.message == "a blueprint file holds one YAML document; found a second one" && d.mark.line == 2
        }
    }

    @Test func emptyDocumentHasNoRoot() throws {
        #expect(try parse("").root == nil)
        #expect(try parse("# only a comment\n").root == nil)
    }
}
