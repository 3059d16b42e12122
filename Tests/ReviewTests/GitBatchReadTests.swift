import Foundation
@testable import Review
import Testing

/// `diff --base` reads every blueprint at the base revision through one `git cat-file --batch`;
/// each path must get what the one-file-at-a-time read gives it, refusals included.
@Suite struct GitBatchReadTests {
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

    @Test func theBatchReadGivesWhatOneReadPerFileGives() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-git-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let folder = work.appendingPathComponent("Blueprints")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dir.yaml"), withIntermediateDirectories: true)
        let files: [String: [UInt8]] = [
            "a.yaml": Array("blueprint: a\n".utf8),
            "empty.yaml": [],
            // Larger than the reader's 64 KiB chunks, so a file spans several reads.
            "large.yaml": Array(String(repeating: "# padding line\n", count: 9_000).utf8),
            "over the limit.yaml": Array(repeating: UInt8(ascii: "x"), count: 3_000),
            "quote\"tab\t.yaml": Array("blueprint: q\n".utf8),
            "new\nline.yaml": Array("blueprint: n\n".utf8),
            "ünï.yaml": Array("blueprint: u\n".utf8),
            "dir.yaml/inside.yaml": Array("blueprint: d\n".utf8),
        ]
        for (name, bytes) in files { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
        try git(["init", "-q"], in: work)
        try git(["add", "."], in: work)
        try git(["commit", "-q", "-m", "base"], in: work)
        let source = GitSource(directory: work.path)
        let paths = (files.keys.map { "Blueprints/\($0)" } + ["Blueprints/missing.yaml", "Blueprints/dir.yaml", "Blueprints/a.yaml"]).sorted()
        let limit = 2_000
        let batched = try source.contents(ofRootRelative: paths, at: "HEAD", limit: limit)
        #expect(batched.count == paths.count)
        for (path, result) in zip(paths, batched) {
            let single = Result { try source.contents(ofRootRelative: path, at: "HEAD", limit: limit) }
            switch (result, single) {
            case (.success(let a), .success(let b)): #expect(a == b, "\(path)")
            case (.failure(let a), .failure(let b as GitSource.Failure)): #expect(a.description == b.description, "\(path)")
            default: Issue.record("\(path): batch \(result), one file \(single)")
            }
        }
        // The answers themselves: present, empty, absent, not a file, over the limit.
        let byPath = Dictionary(zip(paths, batched).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
        #expect((try? byPath["Blueprints/a.yaml"]?.get()) == files["a.yaml"])
        #expect((try? byPath["Blueprints/empty.yaml"]?.get()) == [])
        #expect((try? byPath["Blueprints/new\nline.yaml"]?.get()) == files["new\nline.yaml"])
        #expect((try? byPath["Blueprints/missing.yaml"]?.get()) == .some(nil))
        #expect((try? byPath["Blueprints/dir.yaml"]?.get()) == .some(nil))
        if case .failure(let failure)? = byPath["Blueprints/large.yaml"] {
            #expect(failure.description.contains("blueprints are limited to 2000 bytes"))
        } else {
            Issue.record("a file over the limit must be refused")
        }
        // With the limit raised, the large file spanning several reads comes back whole.
        let whole = try source.contents(ofRootRelative: ["Blueprints/large.yaml", "Blueprints/a.yaml"], at: "HEAD", limit: 1 << 20)
        #expect((try? whole[0].get()) == files["large.yaml"])
        #expect((try? whole[1].get()) == files["a.yaml"])
    }
}
