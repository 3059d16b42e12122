@testable import Compiler
import Foundation
import Generators
import Testing

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func snapshot(_ directory: URL) -> [String: Data] {
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: directory.path)
    while let relative = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let full = directory.appendingPathComponent(relative).path
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
            files[relative] = FileManager.default.contents(atPath: full)
        }
    }
    return files
}

private func generated(_ path: String, _ body: String) -> GeneratedFile {
    GeneratedFile(path: path, contents: GeneratedHeader.comment(blueprint: "demo") + body)
}

@Suite struct OutputWriterTests {
    @Test func writesRemovesStaleGeneratedFilesAndKeepsUserFiles() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        try writer.write([generated("clusters/a/x.yaml", "x: 1\n"), generated("clusters/b/y.yaml", "y: 1\n")])
        try Data("my notes\n".utf8).write(to: writer.target.appendingPathComponent("NOTES.md"))

        try writer.write([generated("clusters/a/x.yaml", "x: 2\n")])
        let files = snapshot(writer.target)
        #expect(files.keys.sorted() == ["NOTES.md", "clusters/a/x.yaml"])
        // The folder of a region that is no longer generated goes with its files.
        #expect(!FileManager.default.fileExists(atPath: writer.target.appendingPathComponent("clusters/b").path))
        #expect(String(decoding: files["clusters/a/x.yaml"]!, as: UTF8.self).hasSuffix("x: 2\n"))
        #expect(files["NOTES.md"] == Data("my notes\n".utf8))
        // No staging or retired trees are left beside the output.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["demo"])
    }

    @Test func userDirectoriesAndSymbolicLinksSurviveARecompile() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        try writer.write([generated("clusters/a/x.yaml", "x: 1\n")])
        let fm = FileManager.default
        try fm.createDirectory(at: writer.target.appendingPathComponent("notes/empty"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: writer.target.appendingPathComponent("latest").path, withDestinationPath: "clusters/a")
        try writer.write([generated("clusters/a/x.yaml", "x: 2\n")])
        var isDirectory: ObjCBool = false
        #expect(fm.fileExists(atPath: writer.target.appendingPathComponent("notes/empty").path, isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(try fm.destinationOfSymbolicLink(atPath: writer.target.appendingPathComponent("latest").path) == "clusters/a")
    }

    @Test func changesListsAddedModifiedAndRemovedFiles() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        try writer.write([generated("a.yaml", "a: 1\n"), generated("b.yaml", "b: 1\n")])
        #expect(writer.changes([generated("a.yaml", "a: 1\n"), generated("b.yaml", "b: 1\n")]).isEmpty)
        let changes = writer.changes([generated("a.yaml", "a: 2\n"), generated("c.yaml", "c: 1\n")])
        #expect(changes == [.modified("a.yaml"), .removed("b.yaml"), .added("c.yaml")])
    }

    /// Files are compared with the disk a chunk at a time; a difference anywhere, in the head, at a
    /// chunk's edge or in the last byte, is a change, and so is a length that differs by one.
    @Test func largeFilesAreComparedWholeChunkByChunk() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        let body = String((0..<200_000).map { _ in "abcdefghijklmnopqrstuvwxyz\n".randomElement()! })
        let file = generated("REPORT.md", body)
        try writer.write([file])
        #expect(writer.changes([file]).isEmpty)
        let length = file.byteCount
        for offset in [100, 600, 512 + 65_536 - 1, 512 + 65_536, length - 1] {
            var bytes = Array(file.contents.utf8)
            bytes[offset] = bytes[offset] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(writer.changes([GeneratedFile(path: "REPORT.md", utf8: bytes)]) == [.modified("REPORT.md")], "byte \(offset)")
        }
        #expect(writer.changes([generated("REPORT.md", body + "x")]) == [.modified("REPORT.md")])
        #expect(writer.changes([generated("REPORT.md", String(body.dropLast()))]) == [.modified("REPORT.md")])
    }

    /// The same file made in pieces (REPORT.md is) is compared and written piece by piece, with the
    /// outcomes of the file held whole: unchanged, modified anywhere, longer, shorter, added, and
    /// refused over a file of the user's.
    @Test func aFileMadeInPiecesIsComparedAndWrittenAsIfWhole() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        func inPieces(_ bytes: [UInt8], path: String = "REPORT.md") -> GeneratedFile {
            // Pieces of uneven sizes, some empty, one larger than the comparison's chunk.
            let cuts = [0, 0, 7, 600, 600, 70_000, 70_001, 150_000].filter { $0 <= bytes.count } + [bytes.count]
            return GeneratedFile(path: path) { emit in
                for (start, end) in zip(cuts, cuts.dropFirst()) {
                    guard bytes[start..<end].withUnsafeBytes(emit) else { return }
                }
            }
        }
        let whole = Array(generated("REPORT.md", String((0..<200_000).map { _ in "abcdefghijklmnopqrstuvwxyz\n".randomElement()! })).contents.utf8)
        try writer.write([inPieces(whole)])
        #expect(try Data(contentsOf: writer.target.appendingPathComponent("REPORT.md")) == Data(whole))
        #expect(writer.changes([inPieces(whole)]).isEmpty)
        for offset in [100, 600, 65_000, 70_000, whole.count - 1] {
            var bytes = whole
            bytes[offset] = bytes[offset] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(writer.changes([inPieces(bytes)]) == [.modified("REPORT.md")], "byte \(offset)")
            try writer.write([inPieces(bytes)])
            #expect(try Data(contentsOf: writer.target.appendingPathComponent("REPORT.md")) == Data(bytes), "byte \(offset)")
            try writer.write([inPieces(whole)])
        }
        for other in [whole + Array("more\n".utf8), Array(whole.dropLast(1)), Array(whole.prefix(70_000))] {
            try writer.write([inPieces(other)])
            #expect(try Data(contentsOf: writer.target.appendingPathComponent("REPORT.md")) == Data(other))
            let summary = try writer.write([inPieces(other)])
            #expect(summary.unchanged == 1 && summary.written == 0)
        }
        try writer.write([inPieces(whole), inPieces(whole, path: "more/REPORT.md")])
        #expect(try Data(contentsOf: writer.target.appendingPathComponent("more/REPORT.md")) == Data(whole))
        try Data("# my own notes\n".utf8).write(to: writer.target.appendingPathComponent("NOTES.md"))
        #expect(throws: OutputError.self) { try writer.write([inPieces(whole), inPieces(whole, path: "NOTES.md")]) }
        #expect(try Data(contentsOf: writer.target.appendingPathComponent("NOTES.md")) == Data("# my own notes\n".utf8))
    }

    @Test func anUnchangedRecompileTouchesNothing() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        let files = [generated("clusters/a/x.yaml", "x: 1\n"), generated("REPORT.md", "r\n")]
        try writer.write(files)
        let before = try identity(writer.target.path)
        let summary = try writer.write(files)
        #expect(summary.written == 0 && summary.unchanged == 2 && summary.removed == 0)
        // Not even the folder was swapped.
        #expect(try identity(writer.target.path) == before)
    }

    @Test func aOneFileChangeKeepsTheOtherFilesInodeAndMtime() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        let paths = ["clusters/a/x.yaml", "clusters/a/y.yaml", "clusters/b/x.yaml", "REPORT.md"]
        try writer.write(paths.map { generated($0, "v: 1\n") })
        // Back-date everything so a rewrite could not keep the mtime by accident.
        for path in paths { try backdate(writer.target.appendingPathComponent(path).path) }
        let before = try Dictionary(uniqueKeysWithValues: paths.map { ($0, try identity(writer.target.appendingPathComponent($0).path)) })

        let summary = try writer.write(paths.map { generated($0, $0 == "clusters/a/y.yaml" ? "v: 2\n" : "v: 1\n") })
        #expect(summary == OutputWriter.Summary(generatedPaths: paths.sorted(), written: 1, unchanged: 3, removed: 0, kept: 0))
        for path in paths {
            let after = try identity(writer.target.appendingPathComponent(path).path)
            if path == "clusters/a/y.yaml" {
                #expect(after.inode != before[path]!.inode && after.mtime != before[path]!.mtime)
            } else {
                #expect(after == before[path]!, "\(path) was rewritten")
            }
        }
        #expect(String(decoding: snapshot(writer.target)["clusters/a/y.yaml"]!, as: UTF8.self).hasSuffix("v: 2\n"))
    }

    @Test func fifosSocketsAndLinksOfTheUserKeepTheirInode() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        try writer.write([generated("clusters/a/x.yaml", "x: 1\n")])
        let target = writer.target.path
        #expect(mkfifo(target + "/clusters/a/pipe", 0o600) == 0)
        try bindSocket(target + "/sock")
        try FileManager.default.createSymbolicLink(atPath: target + "/dangling", withDestinationPath: "nowhere/at/all")
        try FileManager.default.createSymbolicLink(atPath: target + "/outside", withDestinationPath: root.path)
        try Data([0, 255, 1]).write(to: URL(fileURLWithPath: target + "/clusters/a/blob.bin"))
        let kept = ["clusters/a/pipe", "sock", "dangling", "outside", "clusters/a/blob.bin"]
        let before = try Dictionary(uniqueKeysWithValues: kept.map { ($0, try identity(target + "/" + $0)) })

        let summary = try writer.write([generated("clusters/a/x.yaml", "x: 2\n")])
        #expect(summary.kept == kept.count)
        for path in kept { #expect(try identity(target + "/" + path) == before[path]!, "\(path)") }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: target + "/dangling") == "nowhere/at/all")
    }

    @Test(arguments: ["file", "symlink", "fifo"])
    func aNonDirectoryAtTheTargetIsRefusedAndKept(_ kind: String) throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        let target = writer.target.path
        switch kind {
        case "file": try Data("mine\n".utf8).write(to: writer.target)
        case "symlink":
            try FileManager.default.createDirectory(at: root.appendingPathComponent("elsewhere"), withIntermediateDirectories: true)
            try Data("behind the link\n".utf8).write(to: root.appendingPathComponent("elsewhere/kept.txt"))
            try FileManager.default.createSymbolicLink(atPath: target, withDestinationPath: "elsewhere")
        default: #expect(mkfifo(target, 0o600) == 0)
        }
        let before = try identity(target)
        let error = #expect(throws: OutputError.self) { try writer.write([generated("x.yaml", "x: 1\n")]) }
        #expect(error?.description.contains("not a directory") == true, "\(String(describing: error))")
        #expect(try identity(target) == before)
        #expect(writer.changes([generated("x.yaml", "x: 1\n")]).map(\.path) == [""])
        if kind == "symlink" {
            #expect(snapshot(root.appendingPathComponent("elsewhere")) == ["kept.txt": Data("behind the link\n".utf8)])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == (kind == "symlink" ? ["demo", "elsewhere"] : ["demo"]))
    }

    @Test func aFileOfTheUserWhereAGeneratedFileGoesIsRefused() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        try writer.write([generated("clusters/a/x.yaml", "x: 1\n")])
        try Data("hand-written, no header\n".utf8).write(to: writer.target.appendingPathComponent("clusters/a/y.yaml"))
        try Data("a file where a folder must go\n".utf8).write(to: writer.target.appendingPathComponent("terraform"))
        let before = snapshot(writer.target)
        let wanted = [generated("clusters/a/x.yaml", "x: 2\n"), generated("clusters/a/y.yaml", "y: 1\n"), generated("terraform/main.tf", "t\n")]
        let error = #expect(throws: OutputError.self) { try writer.write(wanted) }
        #expect(error?.description.contains("clusters/a/y.yaml is not generated by meridian") == true, "\(String(describing: error))")
        #expect(error?.description.contains("terraform is a regular file where generated files need a directory") == true)
        #expect(snapshot(writer.target) == before)
    }

    /// Compile hands the writer a region's files at a time, from several threads, and keeps none of
    /// them: files unchanged before the staging tree exists are linked in at the end, the others at once.
    @Test func filesHandedOverInPartsFromManyThreadsMakeTheSameTreeAsOneList() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        let paths = (0..<40).map { "clusters/r\($0 % 4)/svc-\($0).yaml" } + ["REPORT.md", "terraform/main.tf"]
        try writer.write(paths.map { generated($0, "v: 1\n") } + [generated("gone/old.yaml", "o\n")])
        try Data("mine\n".utf8).write(to: writer.target.appendingPathComponent("NOTES.md"))
        for path in paths { try backdate(writer.target.appendingPathComponent(path).path) }
        let before = try Dictionary(uniqueKeysWithValues: paths.map { ($0, try identity(writer.target.appendingPathComponent($0).path)) })
        // Every fifth file changes; one is new; gone/old.yaml is no longer generated.
        let wanted = paths.enumerated().map { generated($1, $0 % 5 == 3 ? "v: 2\n" : "v: 1\n") } + [generated("clusters/r9/new.yaml", "n\n")]
        let parts = stride(from: 0, to: wanted.count, by: 3).map { Array(wanted[$0..<min($0 + 3, wanted.count)]) }

        let summary = try writer.write { sink in
            DispatchQueue.concurrentPerform(iterations: parts.count) { sink(parts[$0]) }
        }
        #expect(summary.generatedPaths == wanted.map(\.path).sorted())
        #expect(summary.written == 9 && summary.unchanged == 34 && summary.removed == 1 && summary.kept == 1)
        var expected = Dictionary(uniqueKeysWithValues: wanted.map { ($0.path, Data($0.contents.utf8)) })
        expected["NOTES.md"] = Data("mine\n".utf8)
        #expect(snapshot(writer.target) == expected)
        for (index, path) in paths.enumerated() {
            let after = try identity(writer.target.appendingPathComponent(path).path)
            #expect((after == before[path]!) == (index % 5 != 3), "\(path)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["demo"])
    }

    /// A file of the user's met after files were already staged still refuses the whole write, and
    /// the half-built staging tree goes.
    @Test func aLateBlockedFileRefusesTheWriteAndLeavesNoStaging() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        try writer.write([generated("a.yaml", "a: 1\n"), generated("z/z.yaml", "z: 1\n")])
        try Data("hand-written\n".utf8).write(to: writer.target.appendingPathComponent("z/z.yaml"))
        let before = snapshot(writer.target)
        let error = #expect(throws: OutputError.self) {
            try writer.write { sink in
                sink([generated("a.yaml", "a: 2\n"), generated("b.yaml", "b: 1\n")])
                sink([generated("z/z.yaml", "z: 2\n")])
            }
        }
        #expect(error?.description.contains("z/z.yaml is not generated by meridian") == true, "\(String(describing: error))")
        #expect(snapshot(writer.target) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["demo"])
        // --check sees the same, part by part.
        let comparison = writer.compare { sink in
            sink([generated("a.yaml", "a: 2\n")])
            sink([generated("z/z.yaml", "z: 2\n")])
        }
        #expect(comparison.changes.map(\.path) == ["a.yaml", "z/z.yaml"] && comparison.generatedPaths == ["a.yaml", "z/z.yaml"])
    }

    @Test func theNextRunRepairsWhatAKilledCompileLeft() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        try writer.write([generated("x.yaml", "x: 1\n")])
        try Data("mine\n".utf8).write(to: writer.target.appendingPathComponent("NOTES.md"))
        // A fallback swap killed between its two renames: the old tree is aside, the new one staged.
        let dead = try deadProcessID()
        let fm = FileManager.default
        try fm.moveItem(at: writer.target, to: root.appendingPathComponent(".demo.previous-\(dead)"))
        try fm.createDirectory(at: root.appendingPathComponent(".demo.staging-\(dead)/half"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent(".demo.removed-\(dead)"), withIntermediateDirectories: true)
        // Litter of a live process (pid 1) and another blueprint's are not ours to touch.
        try fm.createDirectory(at: root.appendingPathComponent(".demo.staging-1"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent(".other.staging-\(dead)"), withIntermediateDirectories: true)

        let summary = try writer.write([generated("x.yaml", "x: 2\n")])
        #expect(summary.notes.count == 3, "\(summary.notes)")
        #expect(summary.notes.contains { $0.hasPrefix("restored \(writer.displayPath) from") })
        // The user's file came back with the restored tree and into the new one.
        #expect(snapshot(writer.target)["NOTES.md"] == Data("mine\n".utf8))
        #expect(String(decoding: snapshot(writer.target)["x.yaml"]!, as: UTF8.self).hasSuffix("x: 2\n"))
        #expect(try fm.contentsOfDirectory(atPath: root.path).sorted() == [".demo.staging-1", ".other.staging-\(dead)", "demo"])
    }

    @Test func theFallbackSwapWithoutExchangeGivesTheSameTree() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        var writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        writer.exchangeSupported = false
        try writer.write([generated("a/x.yaml", "x: 1\n"), generated("b/y.yaml", "y: 1\n")])
        try Data("mine\n".utf8).write(to: writer.target.appendingPathComponent("NOTES.md"))
        try writer.write([generated("a/x.yaml", "x: 2\n")])
        #expect(snapshot(writer.target).keys.sorted() == ["NOTES.md", "a/x.yaml"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["demo"])
    }

    @Test func anOutputRootThatIsAFileIsReportedAsNotADirectory() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("out")
        try Data().write(to: file)
        let writer = OutputWriter(outputDirectory: file.path, blueprint: "demo")
        let error = #expect(throws: OutputError.self) { try writer.write([generated("x.yaml", "x\n")]) }
        #expect(error?.description.hasSuffix("\(file.path): Not a directory") == true, "\(String(describing: error))")
    }

    @Test(.enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func aFullDiskSaysSoAndLeavesTheOutputAlone() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        guard mount("tmpfs", root.path, "tmpfs", 0, "size=64k") == 0 else {
            Issue.record("cannot mount tmpfs: \(String(cString: strerror(errno)))")
            return
        }
        defer { umount(root.path) }
        let writer = OutputWriter(outputDirectory: root.path, blueprint: "demo")
        try writer.write([generated("x.yaml", "x: 1\n")])
        let before = snapshot(writer.target)
        let big = generated("big.yaml", String(repeating: "k: v\n", count: 40_000))
        let error = #expect(throws: OutputError.self) { try writer.write([generated("x.yaml", "x: 2\n"), big]) }
        #expect(error?.description.contains("No space left on device") == true, "\(String(describing: error))")
        #expect(error?.description.hasSuffix("previous output left untouched") == true)
        #expect(snapshot(writer.target) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["demo"])
    }

    @Test func aSecondWriterWaitsForTheLock() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try OutputLock.exclusive(root: root.path)
        let waitedFor = LockedValue<Int32?>(nil)
        let second = Task.detached { () throws -> Bool in
            let lock = try OutputLock.exclusive(root: root.path) { holder in waitedFor.withLock { $0 = holder } }
            lock.release()
            return true
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(waitedFor.withLock { $0 } == getpid())
        first.release()
        #expect(try await second.value)
        // The last holder deletes the lock file: a committed Output/ does not carry it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == [])
    }

    @Test func orphansAreFoldersWhoseHeaderNamesThemAndPruningKeepsUserFiles() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        func write(_ blueprint: String, as folder: String, _ path: String) throws {
            let url = root.appendingPathComponent("\(folder)/\(path)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((GeneratedHeader.comment(blueprint: blueprint) + "k: v\n").utf8).write(to: url)
        }
        try write("live", as: "live", "REPORT.md")
        try write("gone", as: "gone", "REPORT.md")
        try write("gone", as: "gone", "clusters/a/x.yaml")
        try write("kept", as: "kept", "REPORT.md")
        try Data("mine\n".utf8).write(to: root.appendingPathComponent("kept/NOTES.md"))
        // A folder of the user's holding a copy of another blueprint's file is not an orphan.
        try write("live", as: "reference", "copy.yaml")
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".hidden"), withIntermediateDirectories: true)

        let orphans = try OutputRoot.orphans(root: root.path, keeping: ["live"])
        #expect(orphans == [OutputRoot.Orphan(blueprint: "gone", generatedFiles: ["REPORT.md", "clusters/a/x.yaml"]),
                            OutputRoot.Orphan(blueprint: "kept", generatedFiles: ["REPORT.md"])])
        for orphan in orphans {
            try OutputWriter(outputDirectory: root.path, blueprint: orphan.blueprint).removeGeneratedFiles()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == [".hidden", "kept", "live", "reference"])
        #expect(snapshot(root.appendingPathComponent("kept")) == ["NOTES.md": Data("mine\n".utf8)])
    }
}

struct Identity: Equatable {
    var inode: UInt64
    var mtime: Int
    var mtimeNanoseconds: Int
}

func identity(_ path: String) throws -> Identity {
    var status = stat()
    guard lstat(path, &status) == 0 else { throw SystemCallError(path) }
    return Identity(inode: UInt64(status.st_ino), mtime: status.st_mtim.tv_sec, mtimeNanoseconds: status.st_mtim.tv_nsec)
}

/// Sets the file's mtime an hour back.
func backdate(_ path: String) throws {
    var times = [timespec(tv_sec: time(nil) - 3600, tv_nsec: 0), timespec(tv_sec: time(nil) - 3600, tv_nsec: 0)]
    guard utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0 else { throw SystemCallError(path) }
}

/// The id of a process that has exited (and been reaped), for litter of a "killed" compile.
func deadProcessID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}

/// Leaves a Unix-domain socket file at `path` (the socket itself is closed).
func bindSocket(_ path: String) throws {
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw SystemCallError(path) }
    defer { close(descriptor) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        let bytes = Array(path.utf8.prefix(buffer.count - 1))
        buffer.copyBytes(from: bytes)
    }
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard result == 0 else { throw SystemCallError(path) }
}


final class LockedValue<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
