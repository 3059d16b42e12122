import Compiler
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
}
