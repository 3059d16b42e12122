import Foundation
import Testing

/// `compile` and the output directory as a user meets them: orphans of deleted blueprints, what is
/// in the way, concurrent compiles, and messages that keep their cause.
@Suite(.serialized) struct OutputDirectoryCommandTests {
    /// A folder of blueprints (copies of two examples) and an output folder, compiled once.
    private func compiledProject() throws -> (work: URL, blueprints: URL, output: URL) {
        let work = try temporaryDirectory()
        let blueprints = work.appendingPathComponent("Blueprints")
        try FileManager.default.createDirectory(at: blueprints, withIntermediateDirectories: true)
        for name in ["neobank-active-standby.yaml", "trading-platform.yaml"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Blueprints/\(name)"),
                                             to: blueprints.appendingPathComponent(name))
        }
        let output = work.appendingPathComponent("Out")
        let compile = try meridian(["compile", "Blueprints/neobank-active-standby.yaml", "Blueprints/trading-platform.yaml", "-o", "Out"], in: work)
        #expect(compile.status == 0, "\(compile.stderr)")
        return (work, blueprints, output)
    }

    @Test func aDeletedBlueprintsOutputIsReportedByCheckAndRemovedByCompileOfTheWholeSet() throws {
        let (work, blueprints, output) = try compiledProject()
        defer { try? FileManager.default.removeItem(at: work) }
        let generated = tree(output.appendingPathComponent("trading-platform")).count
        try Data("kept\n".utf8).write(to: output.appendingPathComponent("trading-platform/NOTES.md"))
        try FileManager.default.removeItem(at: blueprints.appendingPathComponent("trading-platform.yaml"))
        let remaining = ["Blueprints/neobank-active-standby.yaml"]

        let check = try meridian(["compile", "--check"] + remaining + ["-o", "Out"], in: work)
        #expect(check.status == 3, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("stale: Out/trading-platform/ (output of blueprint 'trading-platform', which is not among the given blueprints"))
        #expect(check.stderr.contains("1 orphaned output folder; run `meridian compile Blueprints/neobank-active-standby.yaml -o Out`"), "\(check.stderr)")

        let compile = try meridian(["compile"] + remaining + ["-o", "Out"], in: work)
        #expect(compile.status == 0, "\(compile.stderr)")
        #expect(compile.stdout.contains("removed \(generated) generated files of blueprint 'trading-platform' from Out/trading-platform/"), "\(compile.stdout)")
        // Only what meridian generated went; the user's note stays.
        #expect(tree(output.appendingPathComponent("trading-platform")) == ["NOTES.md": Data("kept\n".utf8)])
        #expect(try meridian(["compile", "--check"] + remaining + ["-o", "Out"], in: work).status == 0)
    }

    @Test func aPartOfTheSetPrunesNothingUnlessTold() throws {
        let (work, _, output) = try compiledProject()
        defer { try? FileManager.default.removeItem(at: work) }
        let one = ["Blueprints/neobank-active-standby.yaml", "-o", "Out"]
        // One blueprint of a folder of two (a pre-commit hook passing the changed file): not the whole set.
        let check = try meridian(["compile", "--check"] + one, in: work)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(try meridian(["compile"] + one, in: work).status == 0)
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("trading-platform/REPORT.md").path))

        let forced = try meridian(["compile", "--check", "--prune"] + one, in: work)
        #expect(forced.status == 3)
        #expect(forced.stderr.contains("run `meridian compile Blueprints/neobank-active-standby.yaml -o Out --prune`"), "\(forced.stderr)")
        #expect(try meridian(["compile", "--prune"] + one, in: work).status == 0)
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("trading-platform").path))
    }

    // A pull request with one broken blueprint still learns whether the others' output is current.
    @Test func checkChecksTheBlueprintsThatCompileBesideOnesWithErrors() throws {
        let (work, blueprints, output) = try compiledProject()
        defer { try? FileManager.default.removeItem(at: work) }
        let all = ["Blueprints/neobank-active-standby.yaml", "Blueprints/trading-platform.yaml", "-o", "Out"]
        let broken = blueprints.appendingPathComponent("neobank-active-standby.yaml")
        let text = try String(contentsOf: broken, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "interval: 10s", with: "interval: 15s").utf8).write(to: broken)

        let current = try meridian(["compile", "--check"] + all, in: work)
        #expect(current.status == 1, "\(current.stderr)")
        #expect(current.stderr.contains("1 blueprint with errors not checked (fix them first): Blueprints/neobank-active-standby.yaml"))
        #expect(current.stdout.contains("output is up to date for the 1 blueprint that compile"), "\(current.stdout)")
        // Its output folder is neither an orphan nor compared.
        #expect(!current.stdout.contains("neobank"), "\(current.stdout)")

        try Data("edited\n".utf8).write(to: output.appendingPathComponent("trading-platform/REPORT.md"))
        let stale = try meridian(["compile", "--check"] + all, in: work)
        #expect(stale.status == 3, "\(stale.stderr)")
        #expect(stale.stdout.contains("stale: Out/trading-platform/REPORT.md"), "\(stale.stdout)")
        // compile itself still writes nothing while any blueprint has errors.
        let compile = try meridian(["compile"] + all, in: work)
        #expect(compile.status == 1 && compile.stderr.contains("nothing written"))
        #expect(try String(contentsOf: output.appendingPathComponent("trading-platform/REPORT.md"), encoding: .utf8) == "edited\n")
    }

    @Test func checkSuggestsTheOutputFolderItWasGiven() throws {
        let (work, _, output) = try compiledProject()
        defer { try? FileManager.default.removeItem(at: work) }
        try Data("edited\n".utf8).write(to: output.appendingPathComponent("neobank-active-standby/REPORT.md"))
        let check = try meridian(["compile", "--check", "Blueprints/neobank-active-standby.yaml", "-o", "Out"], in: work)
        #expect(check.status == 3)
        #expect(check.stdout.contains("stale: Out/neobank-active-standby/REPORT.md (not generated by meridian"), "\(check.stdout)")
        #expect(check.stderr.contains("`meridian compile Blueprints/neobank-active-standby.yaml -o Out`"), "\(check.stderr)")
    }

    @Test func aSymbolicLinkAtTheTargetIsRefusedWithExitTwo() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let output = work.appendingPathComponent("Out")
        try FileManager.default.createDirectory(at: work.appendingPathComponent("mine"), withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: work.appendingPathComponent("mine/file.txt"))
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: output.appendingPathComponent("neobank-active-standby").path, withDestinationPath: "../mine")

        let result = try meridian(["compile", exampleBlueprint.path, "-o", output.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("refusing to write \(output.path)/neobank-active-standby: \(output.path)/neobank-active-standby is a symbolic link, not a directory"), "\(result.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: output.appendingPathComponent("neobank-active-standby").path) == "../mine")
        #expect(tree(work.appendingPathComponent("mine")) == ["file.txt": Data("mine\n".utf8)])
    }

    @Test func anOutputThatIsAFileSaysNotADirectory() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let file = work.appendingPathComponent("out.txt")
        try Data("x\n".utf8).write(to: file)
        for arguments in [["compile"], ["compile", "--check"]] {
            let result = try meridian(arguments + [exampleBlueprint.path, "-o", file.path])
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains("\(file.path): Not a directory"), "\(result.stderr)")
            #expect(!result.stderr.contains("error 512"))
        }
        #expect(try Data(contentsOf: file) == Data("x\n".utf8))
    }

    @Test func aCompileWaitsWhileAnotherHoldsTheLock() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let output = work.appendingPathComponent("Out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        // util-linux flock(1) stands in for another compile holding the lock for a second.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [output.appendingPathComponent(".meridian.lock").path, "sleep", "1"]
        try holder.run()
        Thread.sleep(forTimeInterval: 0.2)
        let started = Date()
        let result = try meridian(["compile", exampleBlueprint.path, "-o", output.path])
        holder.waitUntilExit()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("compile: waiting for"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) >= 0.5)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["neobank-active-standby"])
    }

    @Test func concurrentCompilesIntoOneFolderEndWithOneCompleteTree() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let reference = work.appendingPathComponent("reference")
        let shared = work.appendingPathComponent("shared")
        let blueprint = repositoryRoot.appendingPathComponent("Blueprints/shop-geo-sharded.yaml").path
        #expect(try meridian(["compile", blueprint, "-o", reference.path]).status == 0)
        let results = LockedResults()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            results.append(try? meridian(["compile", blueprint, "-o", shared.path]))
        }
        #expect(results.all.count == 4 && results.all.allSatisfy { $0?.status == 0 }, "\(results.all.map { $0?.stderr ?? "did not run" })")
        #expect(tree(shared) == tree(reference))
        #expect(try FileManager.default.contentsOfDirectory(atPath: shared.path) == ["shop-geo-sharded"])
    }
}

private final class LockedResults: @unchecked Sendable {
    private var results: [RunResult?] = []
    private let lock = NSLock()
    func append(_ result: RunResult?) { lock.lock(); results.append(result); lock.unlock() }
    var all: [RunResult?] { lock.lock(); defer { lock.unlock() }; return results }
}
