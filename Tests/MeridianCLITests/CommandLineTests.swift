import Foundation
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `meridian` binary built next to this test bundle.
let meridianBinary: URL = {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("meridian")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    return repositoryRoot.appendingPathComponent(".build/debug/meridian")
}()

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the binary to its end (a hung command is killed after 10 minutes; see `meridianWithin`).
func meridian(_ arguments: [String], in directory: URL = repositoryRoot, environment: [String: String] = [:]) throws -> RunResult {
    try meridianWithin(600, arguments, in: directory, environment: environment)
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func tree(_ directory: URL) -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: directory.path)
    while let relative = enumerator?.nextObject() as? String {
        if let data = FileManager.default.contents(atPath: directory.appendingPathComponent(relative).path) {
            files[relative] = data
        }
    }
    return files
}

let exampleBlueprint = repositoryRoot.appendingPathComponent("Blueprints/neobank-active-standby.yaml")

@Suite(.serialized) struct CommandLineTests {
    @Test func compileWritesOutputAndCheckPasses() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let compile = try meridian(["compile", exampleBlueprint.path, "-o", work.path])
        #expect(compile.status == 0, "\(compile.stderr)")
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("neobank-active-standby/clusters/eu-west-1/namespace.yaml").path))
        let check = try meridian(["compile", "--check", exampleBlueprint.path, "-o", work.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    /// A report redirected to a full disk must not end with exit 0 and a truncated file: the
    /// direct byte writer (explain), `print` (explain --format markdown, rules), JSON, and the help
    /// and version ArgumentParser composes, alike.
    @Test func aFullDiskOnStandardOutputIsExitTwoNotASilentTruncation() throws {
        let commands = [["explain", exampleBlueprint.path], ["explain", "--format", "json", exampleBlueprint.path],
                        ["explain", "--format", "markdown", exampleBlueprint.path], ["rules"],
                        ["--help"], ["compile", "--help"], ["help", "lint"], ["--version"]]
        for arguments in commands {
            let process = Process()
            process.executableURL = meridianBinary
            process.arguments = arguments
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 2, "\(arguments)")
            #expect(message.contains("meridian: cannot write standard output: No space left on device"), "\(arguments): \(message)")
            // The same command into a writable file succeeds.
            let fine = try meridian(arguments)
            #expect(fine.status == 0 && !fine.stdout.isEmpty, "\(arguments): \(fine.stderr)")
        }
    }

    /// Each process hashes with its own seed, so anything summed in a Dictionary's order changed
    /// from run to run: explain's JSON gave this blueprint's availability as …7494 or …7496.
    @Test func explainJSONIsTheSameInEveryProcess() throws {
        var outputs = Set<String>()
        for _ in 0..<10 {
            let run = try meridian(["explain", "--format", "json", exampleBlueprint.path])
            #expect(run.status == 0, "\(run.stderr)")
            outputs.insert(run.stdout)
        }
        #expect(outputs.count == 1)
    }

    @Test func checkExitsThreeAndNamesStaleFiles() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        _ = try meridian(["compile", exampleBlueprint.path, "-o", work.path])
        let edited = work.appendingPathComponent("neobank-active-standby/clusters/eu-west-1/accounts-api.yaml")
        try Data("# Generated by meridian, edited by hand\n".utf8).write(to: edited)
        let check = try meridian(["compile", "--check", exampleBlueprint.path, "-o", work.path])
        #expect(check.status == 3)
        #expect(check.stdout.contains("clusters/eu-west-1/accounts-api.yaml (differs from the blueprint)"))
    }

    @Test func failedCompileLeavesOutputByteIdentical() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        _ = try meridian(["compile", exampleBlueprint.path, "-o", work.path])
        let before = tree(work)
        // Same blueprint name, one broken reference: the compile must fail and touch nothing.
        let broken = work.appendingPathComponent("broken.yaml")
        let text = try String(contentsOf: exampleBlueprint, encoding: .utf8)
            .replacingOccurrences(of: "uses: [core-ledger, payment-events]", with: "uses: [core-ledger, payment-evnets]")
        try text.write(to: broken, atomically: true, encoding: .utf8)
        let result = try meridian(["compile", broken.path, "-o", work.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: datastore 'payment-evnets' is not declared [undefined-reference]"))
        #expect(result.stderr.contains("nothing written"))
        var after = tree(work)
        after["broken.yaml"] = nil
        #expect(after == before)
    }

    @Test func unreadableInputsExitTwo() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let binary = work.appendingPathComponent("blob.yaml")
        try Data([0x62, 0x3a, 0x00, 0x01]).write(to: binary)
        let huge = work.appendingPathComponent("huge.yaml")
        try Data(repeating: 0x23, count: 16 * 1024 * 1024 + 1).write(to: huge)
        try FileManager.default.createDirectory(at: work.appendingPathComponent("empty"), withIntermediateDirectories: true)

        let cases: [(String, String)] = [
            (work.appendingPathComponent("missing.yaml").path, "no such file"),
            (work.appendingPathComponent("empty").path, "is a folder with no *.yaml or *.yml blueprint in it"),
            (binary.path, "is a binary file (it contains NUL bytes), not a YAML blueprint"),
            (huge.path, "blueprints are limited to 16777216 bytes (16 MiB)"),
        ]
        for (path, message) in cases {
            for command in ["compile", "lint"] {
                let output = work.appendingPathComponent("Output").path
                let result = try meridian(command == "compile" ? [command, path, "-o", output] : [command, path])
                #expect(result.status == 2, "\(command) \(path)")
                #expect(result.stderr.hasPrefix("\(path): error: "), "\(result.stderr)")
                #expect(result.stderr.contains(message), "\(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: output))
            }
        }
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try meridian(["compile"]).status == 2)
        #expect(try meridian(["lint", "--no-such-flag", exampleBlueprint.path]).status == 2)
    }

    @Test func lintPrintsLocatedDiagnosticsAndExitsOne() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let file = work.appendingPathComponent("bad.yaml")
        try "blueprint: Bad_Name\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try meridian(["lint", file.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("\(file.path):1:12: error: blueprint name 'Bad_Name' is not a DNS-1123 label"))
        #expect(result.stdout.contains("fix: rename it to 'bad-name'"))
        #expect(result.stdout.contains("\(file.path):1:1: error: the blueprint is missing the required key 'residency' [missing-field]"))
    }

    @Test func cleanExampleLintsCleanly() throws {
        let result = try meridian(["lint", exampleBlueprint.path])
        #expect(result.status == 0)
        #expect(result.stdout == "0 errors, 0 warnings, 0 checks withheld in 1 file\n")
    }
}

@Suite struct LintFormatTests {
    static let broken: String = {
        try! String(contentsOf: exampleBlueprint, encoding: .utf8)
            .replacingOccurrences(of: "interval: 10s, failureThreshold: 3", with: "interval: 60s, failureThreshold: 3")
    }()

    /// The line of the broken interval, wherever edits to the example move it.
    static let brokenLine: Int = {
        broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("interval: 60s") }! + 1
    }()

    func lint(_ format: String) throws -> RunResult {
        let work = try temporaryDirectory()
        let file = work.appendingPathComponent("bp.yaml")
        try Self.broken.write(to: file, atomically: true, encoding: .utf8)
        return try meridian(["lint", "--format", format, "bp.yaml"], in: work)
    }

    @Test func jsonHasTheSpecShape() throws {
        let result = try lint("json")
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        let first = try #require(diagnostics.first)
        #expect(first["rule"] as? String == "route53-health-interval")
        #expect(first["line"] as? Int == Self.brokenLine && first["column"] as? Int == 56)
        #expect(first["severity"] as? String == "error")
        #expect((first["file"] as? String)?.hasSuffix("bp.yaml") == true)
        #expect(first["fix"] as? String == "use 10s (fast, extra cost) or 30s")
        // The broken interval withholds the region-failure RTO verdict of each of the three services.
        #expect((object["summary"] as? [String: Int]) == ["errors": 1, "warnings": 0, "withheld": 3, "files": 1])
        #expect(diagnostics.filter { $0["rule"] as? String == "check-withheld" }.count == 3)
    }

    @Test func sarifCarriesRulesAndRegions() throws {
        let result = try lint("sarif")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["version"] as? String == "2.1.0")
        let run = try #require((object["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.contains { $0["id"] as? String == "rpo-async-claimed-zero" })
        let all = try #require(run["results"] as? [[String: Any]])
        // The three withheld region-failure RTO checks are notes; the summary is a run property.
        let results = all.filter { $0["level"] as? String != "note" }
        #expect(results.count == 1 && all.count == 4)
        #expect(((run["properties"] as? [String: Any])?["summary"] as? [String: Int]) == ["errors": 1, "warnings": 0, "withheld": 3, "files": 1])
        let location = try #require((results[0]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((location["region"] as? [String: Int]) == ["startLine": Self.brokenLine, "startColumn": 56])
        let index = try #require(results[0]["ruleIndex"] as? Int)
        #expect(rules[index]["id"] as? String == "route53-health-interval")
    }

    @Test func githubAnnotations() throws {
        let result = try lint("github")
        #expect(result.stdout.hasPrefix("::error file=bp.yaml,line=\(Self.brokenLine),col=56,title=route53-health-interval::Route53 health checks run every 10s or 30s"))
    }

    @Test func rulesReferenceIsCurrent() throws {
        let result = try meridian(["rules", "--markdown"])
        let committed = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/rules.md"), encoding: .utf8)
        #expect(result.stdout == committed, "docs/rules.md is stale: run `swift run meridian rules --markdown > docs/rules.md`")
    }

    @Test func rulesExplainsOneRule() throws {
        let result = try meridian(["rules", "pdb-blocks-drain"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("pdb-blocks-drain (error)\n"))
        #expect(result.stdout.contains("↓eu-west-1: 10"))
        #expect(try meridian(["rules", "no-such-rule"]).status == 2)
    }
}

@Suite(.serialized) struct ReviewCommandTests {
    func git(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"] + arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "git \(arguments)")
    }

    @Test func diffAgainstAGitBase() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let blueprints = work.appendingPathComponent("Blueprints")
        try FileManager.default.createDirectory(at: blueprints, withIntermediateDirectories: true)
        let original = try String(contentsOf: exampleBlueprint, encoding: .utf8)
        try original.write(to: blueprints.appendingPathComponent("bank.yaml"), atomically: true, encoding: .utf8)
        try git(["init", "-q"], in: work)
        try git(["add", "."], in: work)
        try git(["commit", "-q", "-m", "base"], in: work)
        try original.replacingOccurrences(of: "demand: { eu: 4000 }", with: "demand: { eu: 5000 }")
            .write(to: blueprints.appendingPathComponent("bank.yaml"), atomically: true, encoding: .utf8)

        let result = try meridian(["diff", "--base", "HEAD", "--format", "markdown"], in: work)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("### `Blueprints/bank.yaml`"))
        #expect(result.stdout.contains("| Deployment core-banking/accounts-api (eu-west-1) | `spec.replicas` | 21 | **26** |"))
        let unchanged = try meridian(["diff", "--base", "HEAD", "Blueprints/bank.yaml"], in: work)
        #expect(unchanged.stdout.contains("~ Deployment core-banking/accounts-api (eu-west-1)"))
        #expect(!unchanged.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
        #expect(try meridian(["diff", "--base", "no-such-ref"], in: work).status == 2)
        #expect(try meridian(["diff", "only-one.yaml"], in: work).status == 2)
    }

    @Test func explainShowsTheArithmetic() throws {
        let text = try meridian(["explain", exampleBlueprint.path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("detect 30s (10s x 3) + promote 3m0s (core-ledger cross-region, automated, managed writer endpoint) + dns 1m0s (load balancer alias TTL) + scale 0s + reconnect 20s"))
        let json = try meridian(["explain", exampleBlueprint.path, "--format", "json", "--diagram", "dot"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["diagram"] as? String)?.hasPrefix("digraph meridian {") == true)
        #expect((object["availability"] as? [[String: Any]])?.count == 3)
        let markdown = try meridian(["explain", exampleBlueprint.path, "--format", "markdown", "--diagram", "mermaid"])
        #expect(markdown.stdout.contains("```mermaid\nflowchart LR\n"))
    }
}
