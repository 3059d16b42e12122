import Foundation
import Testing

/// Runs git in `directory` with a throwaway identity; returns its exit status.
@discardableResult
func runGit(_ arguments: [String], in directory: URL) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main",
                         "-c", "protocol.file.allow=always"] + arguments
    process.currentDirectoryURL = directory
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// A repository with Blueprints/bank.yaml committed, then its demand raised in the working tree.
func repositoryWithAChange() throws -> URL {
    let work = try temporaryDirectory()
    let blueprints = work.appendingPathComponent("Blueprints")
    try FileManager.default.createDirectory(at: blueprints, withIntermediateDirectories: true)
    let original = try String(contentsOf: exampleBlueprint, encoding: .utf8)
    try original.write(to: blueprints.appendingPathComponent("bank.yaml"), atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(at: work.appendingPathComponent("docs"), withIntermediateDirectories: true)
    try "notes\n".write(to: work.appendingPathComponent("docs/notes.md"), atomically: true, encoding: .utf8)
    #expect(try runGit(["init", "-q"], in: work) == 0)
    #expect(try runGit(["add", "."], in: work) == 0)
    #expect(try runGit(["commit", "-q", "-m", "base"], in: work) == 0)
    try original.replacingOccurrences(of: "demand: { eu: 4000 }", with: "demand: { eu: 5000 }")
        .write(to: blueprints.appendingPathComponent("bank.yaml"), atomically: true, encoding: .utf8)
    return work
}

@Suite(.serialized) struct DiffBaseTests {
    @Test func fromASubdirectoryTheRepositoryRootIsUsed() throws {
        let work = try repositoryWithAChange()
        defer { try? FileManager.default.removeItem(at: work) }
        let atRoot = try meridian(["diff", "--base", "HEAD", "--format", "json"], in: work)
        for subdirectory in ["docs", "Blueprints"] {
            let inside = try meridian(["diff", "--base", "HEAD", "--format", "json"], in: work.appendingPathComponent(subdirectory))
            #expect(inside.status == 0, "\(inside.stderr)")
            #expect(inside.stdout == atRoot.stdout, "from \(subdirectory)/")
        }
        #expect(atRoot.stdout.contains("\"blueprint\" : \"Blueprints/bank.yaml\""))
        #expect(atRoot.stdout.contains("\"spec.replicas\""))
        // A file named relative to the subdirectory is the same file.
        let named = try meridian(["diff", "--base", "HEAD", "bank.yaml", "--format", "json"], in: work.appendingPathComponent("Blueprints"))
        #expect(named.stdout == atRoot.stdout)
    }

    @Test func eachGitProblemHasItsOwnMessage() throws {
        let work = try repositoryWithAChange()
        defer { try? FileManager.default.removeItem(at: work) }
        let unknown = try meridian(["diff", "--base", "no-such-ref"], in: work)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown revision 'no-such-ref'"))
        #expect(!unknown.stderr.contains("shallow"))

        let outside = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outside) }
        let noRepository = try meridian(["diff", "--base", "HEAD"], in: outside)
        #expect(noRepository.status == 2)
        #expect(noRepository.stderr.contains("is not inside a git repository"))
        #expect(!noRepository.stderr.contains("revision"))

        // A depth-1 clone knows HEAD but not its parent: the message says how to fetch it.
        #expect(try runGit(["commit", "-q", "-am", "second"], in: work) == 0)
        let clone = outside.appendingPathComponent("clone")
        #expect(try runGit(["clone", "-q", "--depth", "1", "file://\(work.path)", clone.path], in: outside) == 0)
        let shallow = try meridian(["diff", "--base", "HEAD~1"], in: clone)
        #expect(shallow.status == 2)
        #expect(shallow.stderr.contains("shallow clone"))
        #expect(shallow.stderr.contains("fetch-depth: 0"))
        #expect(try meridian(["diff", "--base", "HEAD"], in: clone).status == 0)
    }

    @Test func aFileInNeitherSideIsAnError() throws {
        let work = try repositoryWithAChange()
        defer { try? FileManager.default.removeItem(at: work) }
        let result = try meridian(["diff", "--base", "HEAD", "Blueprints/typo.yaml"], in: work)
        #expect(result.status == 2)
        #expect(result.stderr.contains("exists neither in the working tree nor at 'HEAD'"))
    }
}

@Suite struct ExplainDiagramTests {
    @Test func diagramFormatsPrintOnlyTheDiagram() throws {
        let dot = try meridian(["explain", exampleBlueprint.path, "--format", "dot"])
        #expect(dot.status == 0)
        #expect(dot.stdout.hasPrefix("digraph meridian {\n") && dot.stdout.hasSuffix("}\n"))
        let mermaid = try meridian(["explain", exampleBlueprint.path, "--format", "mermaid"])
        #expect(mermaid.stdout.hasPrefix("flowchart LR\n"))
        #expect(!mermaid.stdout.contains("|---|"))
        // The same drawing as the one inside the JSON report.
        let json = try meridian(["explain", exampleBlueprint.path, "--format", "json", "--diagram", "dot"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["diagram"] as? String == dot.stdout)
    }

    @Test func conflictingDiagramOptionsAreAUsageError() throws {
        let result = try meridian(["explain", exampleBlueprint.path, "--format", "dot", "--diagram", "mermaid"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--format dot prints a dot diagram"))
    }

    @Test func everyTableColumnHasAHeader() throws {
        let text = try meridian(["explain", exampleBlueprint.path]).stdout
        // The header line above each dashed rule names as many columns as the rule has.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var checked = 0
        for (index, line) in lines.enumerated() where index > 0 && !line.isEmpty && line.allSatisfy({ $0 == "-" || $0 == " " }) {
            let rules = line.split(separator: " ", omittingEmptySubsequences: true).count
            let header = lines[index - 1]
            // A column's header starts where its dashes start.
            var starts = 0
            var previous: Character = " "
            for (offset, character) in line.enumerated() {
                if character == "-" && previous == " " {
                    let headerIndex = header.index(header.startIndex, offsetBy: offset, limitedBy: header.endIndex) ?? header.endIndex
                    if headerIndex < header.endIndex, header[headerIndex] != " " { starts += 1 }
                }
                previous = character
            }
            #expect(starts == rules, "a column without a header under: \(header)")
            checked += 1
        }
        #expect(checked >= 4)
    }
}

@Suite struct RulesLookupTests {
    @Test func aPrefixOrTypoSuggestsTheRule() throws {
        for typed in ["rpo-async", "rpo-asynk-claimed-zero"] {
            let result = try meridian(["rules", typed])
            #expect(result.status == 2)
            #expect(result.stderr.contains("did you mean 'rpo-async-claimed-zero'?"), "\(typed): \(result.stderr)")
        }
        let nothingClose = try meridian(["rules", "kubernetes"])
        #expect(!nothingClose.stderr.contains("did you mean"))
    }

    @Test func oneRuleAsMarkdownIsThatRuleOnly() throws {
        let one = try meridian(["rules", "rpo-async-claimed-zero", "--markdown"])
        #expect(one.status == 0)
        #expect(one.stdout.hasPrefix("# rpo-async-claimed-zero\n"))
        let headings = one.stdout.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(headings == ["# rpo-async-claimed-zero"])
        // Its section of the catalogue, one heading level up.
        let catalogue = try meridian(["rules", "--markdown"]).stdout
        #expect(catalogue.contains("\n#" + one.stdout))
    }
}

@Suite struct ObjectivesNoteTests {
    func blueprintWithoutObjectives() throws -> (URL, URL) {
        let work = try temporaryDirectory()
        var text = try String(contentsOf: exampleBlueprint, encoding: .utf8)
        // Drop the top-level objectives block and every per-service override, and the waivers
        // of missed objectives (unused without objectives).
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var kept: [Substring] = []
        var skipping = false
        for line in lines {
            if line.hasPrefix("objectives:") || line.hasPrefix("waivers:") { skipping = true; continue }
            if skipping && (line.hasPrefix(" ") || line.isEmpty) { continue }
            skipping = false
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("objectives:") { continue }
            kept.append(line)
        }
        text = kept.joined(separator: "\n") + "\n"
        let file = work.appendingPathComponent("bare.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (work, file)
    }

    @Test func nothingProvedIsSaidAndStrictFails() throws {
        let (work, file) = try blueprintWithoutObjectives()
        defer { try? FileManager.default.removeItem(at: work) }
        let lint = try meridian(["lint", file.path])
        #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
        let keyLine = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.hasPrefix("blueprint:") }! + 1
        #expect(lint.stdout.contains("\(file.path):\(keyLine):1: note: blueprint 'neobank-active-standby' declares no objectives"))
        #expect(lint.stdout.contains("[no-objectives]"))
        let strict = try meridian(["lint", "--strict", file.path])
        #expect(strict.status == 1)
        let json = try meridian(["lint", "--format", "json", file.path])
        #expect(json.stdout.contains("\"rule\" : \"no-objectives\""))
        // SARIF describes the rule too, so code scanning can show what the note means.
        let sarif = try meridian(["lint", "--format", "sarif", file.path])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let run = try #require((object["runs"] as? [[String: Any]])?.first)
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let result = try #require((run["results"] as? [[String: Any]])?.first)
        #expect(result["ruleId"] as? String == "no-objectives" && result["level"] as? String == "note")
        #expect(rules[try #require(result["ruleIndex"] as? Int)]["id"] as? String == "no-objectives")
    }

    @Test func blueprintsWithObjectivesGetNoNote() throws {
        let result = try meridian(["lint", "--strict", exampleBlueprint.path])
        #expect(result.status == 0)
        #expect(result.stdout == "0 errors, 0 warnings, 0 checks withheld in 1 file\n")
    }
}

@Suite(.serialized) struct AnnotationTests {
    /// Committed: three unpinned images (findings early in the file). Then, uncommitted, a broken
    /// health check further down: the only finding on a changed line, and the last in source order.
    func repositoryWithOneNewFinding() throws -> (URL, Int) {
        let work = try repositoryWithAChange()
        let file = work.appendingPathComponent("Blueprints/bank.yaml")
        var text = try String(contentsOf: file, encoding: .utf8)
        for tag in [":5.3.1", ":2.9.0", ":1.12.4"] { text = text.replacingOccurrences(of: tag, with: ":latest") }
        try text.write(to: file, atomically: true, encoding: .utf8)
        #expect(try runGit(["commit", "-q", "-am", "unpinned"], in: work) == 0)
        text = text.replacingOccurrences(of: "interval: 10s, failureThreshold: 3", with: "interval: 60s, failureThreshold: 3")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("interval: 60s") }! + 1
        return (work, line)
    }

    @Test func changedLinesComeFirstAndTheSummaryCountsWhatWasNotShown() throws {
        let (work, changedLine) = try repositoryWithOneNewFinding()
        defer { try? FileManager.default.removeItem(at: work) }
        let summary = work.appendingPathComponent("summary.md")
        let result = try meridian(
            ["lint", "Blueprints/bank.yaml", "--format", "github", "--changed-since", "HEAD"], in: work,
            environment: ["GITHUB_STEP_SUMMARY": summary.path])
        #expect(result.status == 1)
        let annotations = result.stdout.split(separator: "\n").filter { $0.hasPrefix("::") }
        // Three images and the interval; the interval's withheld RTO checks are notices.
        #expect(annotations.filter { !$0.hasPrefix("::notice") }.count == 4)
        #expect(annotations.first?.hasPrefix("::error file=Blueprints/bank.yaml,line=\(changedLine),") == true, "\(result.stdout)")
        #expect(result.stdout.contains("(4 on changed lines)"))  // the error and the three checks it withheld
        // From a subdirectory, with the file named relative to it, the same line is found.
        let inside = try meridian(["lint", "bank.yaml", "--format", "github", "--changed-since", "HEAD"],
                                  in: work.appendingPathComponent("Blueprints"))
        #expect(inside.stdout.hasPrefix("::error file=bank.yaml,line=\(changedLine),"), "\(inside.stdout)")
        let table = try String(contentsOf: summary, encoding: .utf8)
        #expect(table.contains("### meridian lint"))
        #expect(table.contains("| yes | yes | error | Blueprints/bank.yaml:\(changedLine):"))
    }

    @Test func beyondTenPerKindTheRestAreCounted() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        // Twelve separate files, each with one error: more than GitHub annotates in a step.
        var files: [String] = []
        for index in 0..<12 {
            let file = work.appendingPathComponent("b\(index).yaml")
            try "blueprint: Bad_\(index)\n".write(to: file, atomically: true, encoding: .utf8)
            files.append(file.lastPathComponent)
        }
        let result = try meridian(["lint", "--format", "github"] + files, in: work)
        let errors = result.stdout.split(separator: "\n").filter { $0.hasPrefix("::error ") }.count
        #expect(errors > 10)
        #expect(result.stdout.contains("not annotated, because GitHub shows 10 of each kind per step: \(errors - 10) errors"))
    }

    @Test func changedSinceNeedsARepository() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.copyItem(at: exampleBlueprint, to: work.appendingPathComponent("bank.yaml"))
        let result = try meridian(["lint", "bank.yaml", "--format", "github", "--changed-since", "HEAD"], in: work)
        #expect(result.status == 2)
        #expect(result.stderr.contains("is not inside a git repository"))
    }
}
