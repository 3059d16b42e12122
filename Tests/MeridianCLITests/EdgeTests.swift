import Foundation
import Testing

/// Where the tool meets the file system, git and the terminal (issue 20): links and FIFOs put
/// in its way, quoted file names, and user text on its way to a terminal or a CI log.

/// `meridian` with a deadline: a command that blocks (on a FIFO) is killed and reported as
/// status 124, like timeout(1), instead of hanging the suite. Not timeout(1) itself: the test
/// runner's children inherit a signal mask that blocks its SIGALRM and SIGTERM; SIGKILL cannot be.
func meridianWithin(_ seconds: Int, _ arguments: [String], in directory: URL = repositoryRoot,
                    environment: [String: String] = [:], asNobody: Bool = false) throws -> RunResult {
    let process = Process()
    // Root passes every permission check, so a read-only folder is only read-only to another user.
    if asNobody && getuid() == 0 {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", meridianBinary.path] + arguments
    } else {
        process.executableURL = meridianBinary
        process.arguments = arguments
    }
    process.currentDirectoryURL = directory
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Both pipes drained while waiting, so a chatty child never blocks on a full pipe.
    nonisolated(unsafe) var stdout = Data(), stderr = Data()
    let readers = DispatchGroup()
    DispatchQueue.global().async(group: readers) { stdout = out.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: readers) { stderr = err.fileHandleForReading.readDataToEndOfFile() }
    let deadline = Date().addingTimeInterval(TimeInterval(seconds))
    var timedOut = false
    while process.isRunning {
        if Date() > deadline {
            kill(process.processIdentifier, SIGKILL)
            timedOut = true
            break
        }
        usleep(10_000)
    }
    process.waitUntilExit()
    readers.wait()
    return RunResult(status: timedOut ? 124 : process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                     stderr: String(decoding: stderr, as: UTF8.self))
}

/// Bytes that would drive a terminal or hide text: ESC, BEL, CR, NEL, U+2028, a bidi override.
func hasRawControls(_ text: String) -> Bool {
    text.unicodeScalars.contains { [0x1B, 0x07, 0x0D, 0x85, 0x2028, 0x202E].contains($0.value) }
}

/// Lines GitHub's runner would obey as workflow commands: `::` after leading blanks
/// (`ActionCommand.TryParseV2`), or the legacy `##[` anywhere (`ActionCommand.TryParse`).
func workflowCommands(_ text: String) -> [Substring] {
    text.split(separator: "\n").filter { line in
        line.drop { $0.isWhitespace }.hasPrefix("::") || line.contains("##[")
    }
}

@Suite(.serialized) struct EdgeTests {
    let example = exampleBlueprint.path

    // MARK: item 1 — files the tool creates or truncates are opened without following links

    @Test func aSymbolicLinkAtTheLockIsRefusedAndItsTargetKeepsItsBytes() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let victim = work.appendingPathComponent("victim.txt")
        try "precious\n".write(to: victim, atomically: true, encoding: .utf8)
        let output = work.appendingPathComponent("Output")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        // git stores symbolic links, so a pull request can commit this one.
        try FileManager.default.createSymbolicLink(atPath: output.appendingPathComponent(".meridian.lock").path, withDestinationPath: "../victim.txt")
        let compile = try meridianWithin(60, ["compile", example, "-o", output.path])
        #expect(compile.status == 2)
        #expect(compile.stderr.contains(".meridian.lock is a symbolic link"), "\(compile.stderr)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious\n")
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("neobank-active-standby").path))
    }

    @Test func aFIFOAtTheLockIsRefusedWithoutBlocking() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let output = work.appendingPathComponent("Output")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        #expect(mkfifo(output.appendingPathComponent(".meridian.lock").path, 0o644) == 0)
        let compile = try meridianWithin(60, ["compile", example, "-o", output.path])
        #expect(compile.status == 2, "\(compile.stderr)")
        #expect(compile.stderr.contains("is a named pipe (FIFO), not meridian's lock file"))
        let check = try meridianWithin(60, ["compile", "--check", example, "-o", output.path])
        #expect(check.status != 124, "compile --check blocked on the FIFO")
    }

    @Test func fullOutputAndTheJobSummaryAreNotWrittenThroughLinks() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let victim = work.appendingPathComponent("victim.txt")
        try "precious\n".write(to: victim, atomically: true, encoding: .utf8)
        let link = work.appendingPathComponent("link.md")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: victim.path)
        let diff = try meridianWithin(60, ["diff", example, example, "--full-output", link.path])
        #expect(diff.status == 2)
        #expect(diff.stderr.contains("is a symbolic link, not a regular file"), "\(diff.stderr)")
        let lint = try meridianWithin(60, ["lint", example, "--format", "github"], environment: ["GITHUB_STEP_SUMMARY": link.path])
        #expect(lint.status == 0)
        #expect(lint.stderr.contains("job summary not written"), "\(lint.stderr)")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious\n")
        // A regular file is still written, and replaced rather than appended to.
        let plain = work.appendingPathComponent("full.md")
        try "old contents that are longer than nothing\n".write(to: plain, atomically: true, encoding: .utf8)
        #expect(try meridianWithin(60, ["diff", example, example, "--full-output", plain.path]).status == 0)
        #expect(try String(contentsOf: plain, encoding: .utf8) == (try meridianWithin(60, ["diff", example, example]).stdout))
    }

    // MARK: item 3 — FIFOs are refused before they are opened

    @Test func everyReadPathRefusesAFIFOWithoutBlocking() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let fifo = work.appendingPathComponent("pipe.yaml").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let history = work.appendingPathComponent("history")
        try FileManager.default.createDirectory(at: history, withIntermediateDirectories: true)
        #expect(mkfifo(history.appendingPathComponent("2026-11-30.yaml").path, 0o644) == 0)
        let commands: [[String]] = [
            ["lint", fifo], ["compile", fifo, "-o", work.appendingPathComponent("Output").path], ["explain", fifo],
            ["simulate", fifo, "--down", "eu-west-1"], ["drill", "plan", fifo, "--down", "eu-west-1"],
            ["drill", "grade", example, fifo], ["drill", "grade", example, "--history", history.path],
            ["diff", fifo, example],
        ]
        for arguments in commands {
            let result = try meridianWithin(30, arguments)
            #expect(result.status == 2, "\(arguments): exit \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("is a named pipe (FIFO), not a"), "\(arguments): \(result.stderr)")
        }
    }

    @Test func aPriceOverrideLinkedToADeviceOrAFIFOIsRefused() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let blueprint = work.appendingPathComponent("bp.yaml")
        try String(contentsOf: exampleBlueprint, encoding: .utf8)
            .replacingOccurrences(of: "\nobjectives:", with: "\ncost: { prices: prices.json }\nobjectives:")
            .write(to: blueprint, atomically: true, encoding: .utf8)
        let prices = work.appendingPathComponent("prices.json").path
        // A committed symbolic link to /dev/zero was read without end; a FIFO blocked.
        try FileManager.default.createSymbolicLink(atPath: prices, withDestinationPath: "/dev/zero")
        let linked = try meridianWithin(60, ["lint", blueprint.path])
        #expect(linked.status == 1, "\(linked.status) \(linked.stderr)")
        #expect(linked.stdout.contains("prices.json: the price override file is not a regular file"), "\(linked.stdout)")
        try FileManager.default.removeItem(atPath: prices)
        #expect(mkfifo(prices, 0o644) == 0)
        let fifo = try meridianWithin(60, ["explain", blueprint.path])
        #expect(fifo.status != 124 && fifo.stderr.contains("is not a regular file"), "\(fifo.status) \(fifo.stderr)")
        // explain resolves the prices while the rules run; a bad override is still exit 2, with
        // nothing on standard output, in every format that prices.
        for format in ["text", "json", "markdown"] {
            let missing = try meridianWithin(60, ["explain", exampleBlueprint.path, "--format", format, "--prices", work.appendingPathComponent("none.json").path])
            #expect(missing.status == 2 && missing.stdout.isEmpty && missing.stderr.contains("none.json"), "\(format): \(missing.status) \(missing.stderr)")
        }
    }

    // MARK: item 4 — git output read NUL-separated

    @Test func fileNamesGitWouldQuoteStillReachTheDiffAndTheAnnotations() throws {
        let work = try repositoryWithAChange()
        defer { try? FileManager.default.removeItem(at: work) }
        let hostile = "Blueprints/a\"b\\c\td.yaml"
        let original = try String(contentsOf: exampleBlueprint, encoding: .utf8)
        try original.write(to: work.appendingPathComponent(hostile), atomically: true, encoding: .utf8)
        #expect(try runGit(["add", "."], in: work) == 0)
        #expect(try runGit(["commit", "-q", "-m", "quoted name"], in: work) == 0)
        // Deleted in the working tree: only `git ls-tree` at the base knows it.
        try FileManager.default.removeItem(at: work.appendingPathComponent(hostile))
        let diff = try meridianWithin(120, ["diff", "--base", "HEAD", "--format", "json"], in: work)
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains(#""blueprint" : "Blueprints\/a\"b\\c\td.yaml""#) || diff.stdout.contains(#""blueprint" : "Blueprints/a\"b\\c\td.yaml""#),
                "the deleted blueprint is missing: \(diff.stdout.prefix(600))")
        // Restored and edited: `git diff` names it C-quoted in its `+++` header.
        try original.replacingOccurrences(of: "interval: 10s, failureThreshold: 3", with: "interval: 60s, failureThreshold: 3")
            .write(to: work.appendingPathComponent(hostile), atomically: true, encoding: .utf8)
        let lint = try meridianWithin(120, ["lint", hostile, "--format", "github", "--changed-since", "HEAD"], in: work)
        #expect(lint.status == 1)
        // Before, the quoted `+++ "b/…"` name matched no file: "(0 on changed lines)".
        #expect(lint.stdout.contains(" on changed lines)") && !lint.stdout.contains("(0 on changed lines)"), "\(lint.stdout)")
    }

    // MARK: item 5 — one escaping for every user-controlled string printed

    @Test func namesFromArgumentsAndDrillResultsAreEscapedInErrors() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let hostile = "x\u{1B}]0;owned\u{07}\nfile.yaml:1:1: error: forged\u{202E}"
        let results = work.appendingPathComponent("results.yaml")
        try """
            outage: ["\\e[2J\\nforged: line", "::error::drill"]
            steps:
              - { name: "##[error]step", start: 2026-11-30T10:00:00Z, end: 2026-11-30T10:00:34Z }
            """.write(to: results, atomically: true, encoding: .utf8)
        let runs = [
            try meridianWithin(60, ["simulate", example, "--down", hostile]),
            try meridianWithin(60, ["drill", "plan", example, "--down", hostile]),
            try meridianWithin(60, ["compile", example, "--assume-down", hostile, "-o", work.appendingPathComponent("Output").path]),
            try meridianWithin(60, ["drill", "grade", example, results.path]),
            try meridianWithin(60, ["lint", example, "--format", "json", "--no-such-\u{1B}[31moption"]),
        ]
        for run in runs {
            #expect(run.status == 2, "\(run.stderr)")
            #expect(!hasRawControls(run.stderr), "\(run.stderr.debugDescription)")
            #expect(workflowCommands(run.stderr).isEmpty, "\(run.stderr)")
            #expect(!run.stderr.split(separator: "\n").contains { $0.hasPrefix("file.yaml:1:1: error: forged") || $0.hasPrefix("forged: line") })
        }
        #expect(runs[0].stderr.contains(#"'x\u{1B}]0;owned\u{7}\nfile.yaml:1:1: error: forged\u{202E}' is neither a region nor a zone"#), "\(runs[0].stderr)")
    }

    @Test func aFileNameStartingWithColonsCannotBecomeAWorkflowCommand() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let name = "::error::forged.yaml"
        try "blueprint: Bad_Name\n".write(to: work.appendingPathComponent(name), atomically: true, encoding: .utf8)
        let lint = try meridianWithin(60, ["lint", name], in: work)
        #expect(lint.status == 1)
        #expect(lint.stdout.hasPrefix("./::error::forged.yaml:1:"), "\(lint.stdout)")
        #expect(workflowCommands(lint.stdout + lint.stderr).isEmpty, "\(lint.stdout)")
        let missing = try meridianWithin(60, ["lint", "  ::warning::x.yaml"], in: work)
        #expect(missing.status == 2)
        #expect(workflowCommands(missing.stderr).isEmpty, "\(missing.stderr)")
    }

    @Test func diagramsShowControlsInNamesLintRejects() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let file = work.appendingPathComponent("geo.yaml")
        let text = try String(contentsOf: exampleBlueprint, encoding: .utf8).replacingOccurrences(
            of: "    EU: eu\n", with: "    EU: eu\n    \"\\e]8;;http://x\\a##[error]\\u2028\\N\\u202E\\r\": eu\n")
        try text.write(to: file, atomically: true, encoding: .utf8)
        for format in ["mermaid", "dot", "text", "markdown"] {
            let explain = try meridianWithin(60, ["explain", file.path, "--format", format] + (["text", "markdown"].contains(format) ? ["--diagram", "mermaid"] : []))
            #expect(explain.status <= 1, "\(format): \(explain.stderr)")
            #expect(!explain.stdout.isEmpty, "\(format)")
            #expect(!hasRawControls(explain.stdout + explain.stderr), "\(format): \(explain.stdout.debugDescription)")
            #expect(!(explain.stdout + explain.stderr).contains("##[error]"), "\(format)")
        }
    }

    // MARK: item 7 — bounds on every input path

    @Test func anOversizedBaseRevisionIsRefusedWithoutReadingIt() throws {
        let work = try repositoryWithAChange()
        defer { try? FileManager.default.removeItem(at: work) }
        // 17 MiB of comments: a valid YAML file past the 16 MiB bound, committed as the base.
        let big = work.appendingPathComponent("Blueprints/big.yaml")
        let line = "# " + String(repeating: "x", count: 1021) + "\n"
        try String(repeating: line, count: 17 * 1024).write(to: big, atomically: true, encoding: .utf8)
        #expect(try runGit(["add", "."], in: work) == 0)
        #expect(try runGit(["commit", "-q", "-m", "big"], in: work) == 0)
        try FileManager.default.removeItem(at: big)
        let diff = try meridianWithin(120, ["diff", "--base", "HEAD"], in: work)
        #expect(diff.status == 2)
        #expect(diff.stderr.contains("Blueprints/big.yaml at 'HEAD' is 17825792 bytes; blueprints are limited to 16777216 bytes (16 MiB)"), "\(diff.stderr)")
    }

    @Test func aRouteFiftyThreeTTLIsWholeSecondsOrRefused() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let original = try String(contentsOf: exampleBlueprint, encoding: .utf8)
        for (ttl, expected) in [("1ms", nil), ("1500ms", nil), ("0s", "0"), ("2s", "2"), ("1m", "60")] as [(String, String?)] {
            let file = work.appendingPathComponent("ttl.yaml")
            try original.replacingOccurrences(of: "  within: failover\n", with: "  within: failover\n  ttl: \(ttl)\n")
                .write(to: file, atomically: true, encoding: .utf8)
            let output = work.appendingPathComponent("Output-\(ttl)")
            let compile = try meridianWithin(120, ["compile", file.path, "-o", output.path])
            guard let expected else {
                #expect(compile.status == 1)
                #expect(compile.stderr.contains("traffic.ttl: '\(ttl)' is not a whole number of seconds"), "\(compile.stderr)")
                continue
            }
            #expect(compile.status == 0, "\(ttl): \(compile.stderr)")
            let terraform = try String(contentsOf: output.appendingPathComponent("neobank-active-standby/terraform/route53.tf"), encoding: .utf8)
            let ttls = Set(terraform.split(separator: "\n").filter { $0.contains(" ttl ") }.map { $0.split(separator: "=").last!.trimmingCharacters(in: .whitespaces) })
            #expect(ttls == [expected], "\(ttl): \(ttls)")
        }
    }

    @Test func aComputedReplicaCountPastTheBoundIsALocatedError() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let file = work.appendingPathComponent("huge.yaml")
        // accounts-api at 1e9 rps and 1 rps per pod: the one active region carries all of it,
        // 1e9 / 1 = 1,000,000,000 pods (before any zone margin), past the 100,000 bound.
        let text = try String(contentsOf: exampleBlueprint, encoding: .utf8)
            .replacingOccurrences(of: "demand: { eu: 4000 }", with: "demand: { eu: 1000000000 }")
        try text.replacingOccurrences(of: "perReplica: 300\n", with: "perReplica: 1\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let lint = try meridianWithin(120, ["lint", file.path])
        #expect(lint.status == 1)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("demand: { eu: 1000000000 }") }! + 1
        #expect(lint.stdout.contains("huge.yaml:\(line):"), "\(lint.stdout)")
        #expect(lint.stdout.contains("exceeds 100000, the most one region's cluster is given [replicas-out-of-range]"), "\(lint.stdout)")
    }

    // MARK: item 9

    @Test func aReadOnlyOutputFolderIsReplacedAndKeepsItsMode() throws {
        let work = try temporaryDirectory()
        defer {
            chmodTree(work, writable: true)
            try? FileManager.default.removeItem(at: work)
        }
        let output = work.appendingPathComponent("Output")
        #expect(try meridianWithin(120, ["compile", example, "-o", output.path]).status == 0)
        let file = work.appendingPathComponent("changed.yaml")
        try String(contentsOf: exampleBlueprint, encoding: .utf8).replacingOccurrences(of: "demand: { eu: 4000 }", with: "demand: { eu: 5000 }")
            .write(to: file, atomically: true, encoding: .utf8)
        _ = chown(work.path, 65534, 65534)
        chownTree(work)
        let target = output.appendingPathComponent("neobank-active-standby")
        chmodTree(target, writable: false)
        let compile = try meridianWithin(120, ["compile", file.path, "-o", output.path], in: work, asNobody: true)
        #expect(compile.status == 0, "\(compile.stderr)")
        #expect(compile.stdout.contains("wrote "), "\(compile.stdout)")
        var status = stat()
        #expect(stat(target.path, &status) == 0 && status.st_mode & 0o777 == 0o555)
        #expect(stat(target.appendingPathComponent("clusters").path, &status) == 0 && status.st_mode & 0o777 == 0o555)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasPrefix(".") } == [], "a staging tree was left behind")
    }

    @Test func assumingEveryRegionOfAResidencyZoneDownIsAFindingLikeSimulate() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let compile = try meridianWithin(120, ["compile", example, "--assume-down", "eu-west-1", "--assume-down", "eu-central-1", "-o", work.path])
        #expect(compile.status == 1)
        #expect(compile.stderr.contains("neobank-active-standby.yaml:20:3: error: --assume-down takes down every region of residency zone 'eu'"), "\(compile.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("neobank-active-standby").path))
        // simulate says the same of that outage: its users are not served.
        let simulate = try meridianWithin(120, ["simulate", example, "--down", "eu-west-1,eu-central-1", "--format", "json"])
        #expect(simulate.status == 1)
        #expect(simulate.stdout.contains("\"served\" : false"), "\(simulate.stdout.prefix(400))")
        // A region the blueprint does not have is bad usage, and neither compile nor --check creates the output folder.
        for extra in [[], ["--check"]] {
            let output = work.appendingPathComponent("never-created")
            let mistyped = try meridianWithin(120, ["compile", example, "--assume-down", "eu-west-9", "-o", output.path] + extra)
            #expect(mistyped.status == 2, "\(mistyped.stderr)")
            #expect(mistyped.stderr.contains("'eu-west-9' is not a region of"), "\(mistyped.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output.path), "\(extra)")
        }
        // One region down still compiles.
        #expect(try meridianWithin(120, ["compile", example, "--assume-down", "eu-west-1", "-o", work.path]).status == 0)
    }
}

func chmodTree(_ root: URL, writable: Bool) {
    let paths = [root.path] + (FileManager.default.subpaths(atPath: root.path) ?? []).map { root.path + "/" + $0 }
    for path in paths {
        var status = stat()
        guard lstat(path, &status) == 0 else { continue }
        let isDirectory = status.st_mode & S_IFMT == S_IFDIR
        _ = chmod(path, writable ? (isDirectory ? 0o755 : 0o644) : (isDirectory ? 0o555 : 0o444))
    }
}

func chownTree(_ root: URL) {
    for path in [root.path] + (FileManager.default.subpaths(atPath: root.path) ?? []).map({ root.path + "/" + $0 }) {
        _ = lchown(path, 65534, 65534)
    }
}
