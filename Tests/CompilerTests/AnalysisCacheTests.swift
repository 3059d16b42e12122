@testable import Compiler
import Diagnostics
import Foundation
import Testing

@Suite struct AnalysisCacheTests {
    let finding = Diagnostic(.error, rule: "rto-exceeded", message: "api in eu: RTO 2m20s exceeds 2m0s", file: "bp.yaml",
                             mark: SourceMark(line: 39, column: 15), path: "services.api",
                             notes: [Note("detect 1m0s + promote 1m0s + reconnect 20s", at: SourceMark(line: 3, column: 1))],
                             fix: "raise the objective")

    func cache(_ directory: URL, tool: String = "binary-1", today: String = "2026-12-02") -> AnalysisCache {
        AnalysisCache(directory: directory.path, tool: tool, today: today)
    }

    @Test func anEntryAnswersOnlyForTheSameBinaryDayContextAndBytes() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = Array("blueprint: bank\n".utf8)
        let stamp = AnalysisCache.OutputStamp(path: "clusters/eu/a b.yaml", size: 120, modified: .init(seconds: 1764700000, nanoseconds: 123456789), inode: 42)
        // Numbers at their edges: no fraction, a fraction of one digit, the largest inode.
        let edge = AnalysisCache.OutputStamp(path: "REPORT.md", size: 0, modified: .init(seconds: 0, nanoseconds: 5), inode: .max)
        let whole = AnalysisCache.OutputStamp(path: "b.yaml", size: 9_000_000_000, modified: .init(seconds: 1764700000, nanoseconds: 0), inode: 0)
        let entry = AnalysisCache.Entry(blueprint: "bank", diagnostics: [finding], outputs: [stamp, edge, whole],
                                        stampedAt: .init(seconds: 1764700001, nanoseconds: 7))
        cache(directory).store(entry, file: "bp.yaml", context: "lint", source: source)

        let found = try #require(cache(directory).lookup(file: "bp.yaml", context: "lint", source: source))
        #expect(found == entry)
        // Each input the answer depends on, changed alone, is a miss.
        #expect(cache(directory).lookup(file: "bp.yaml", context: "lint", source: source + [10]) == nil)
        #expect(cache(directory).lookup(file: "bp.yaml", context: "lint", source: Array("blueprint: bamk\n".utf8)) == nil)
        #expect(cache(directory).lookup(file: "other.yaml", context: "lint", source: source) == nil)
        #expect(cache(directory).lookup(file: "bp.yaml", context: "compile", source: source) == nil)
        #expect(cache(directory, tool: "binary-2").lookup(file: "bp.yaml", context: "lint", source: source) == nil)
        #expect(cache(directory, today: "2026-12-03").lookup(file: "bp.yaml", context: "lint", source: source) == nil)
    }

    @Test func aStampTakenWithinAClockTickOfItsFileProvesNothing() throws {
        // File times are coarse: a file rewritten in the same tick, at the same size and inode,
        // keeps its stamp. With nanoseconds, a stamp 20 ms older than the stamping is trusted.
        let fine = AnalysisCache.OutputStamp(path: "a.yaml", size: 1, modified: .init(seconds: 1000, nanoseconds: 990_000_000), inode: 1)
        #expect(fine.isRacy(stampedAt: .init(seconds: 1000, nanoseconds: 995_000_000)))
        #expect(fine.isRacy(stampedAt: .init(seconds: 1001, nanoseconds: 9_000_000)))
        #expect(!fine.isRacy(stampedAt: .init(seconds: 1001, nanoseconds: 11_000_000)))
        #expect(fine.isRacy(stampedAt: .init(seconds: 999, nanoseconds: 5)), "modified after the stamping")
        // A time with no fraction may be whole seconds (or two, FAT): two seconds more.
        let coarse = AnalysisCache.OutputStamp(path: "a.yaml", size: 1, modified: .init(seconds: 1000, nanoseconds: 0), inode: 1)
        #expect(coarse.isRacy(stampedAt: .init(seconds: 1002, nanoseconds: 500_000_000)))
        #expect(!coarse.isRacy(stampedAt: .init(seconds: 1003, nanoseconds: 5)))
        #expect(fine.isRacy(stampedAt: .init(seconds: 1002, nanoseconds: 0)), "an entry whose time has no fraction")
    }

    @Test func aDamagedEntryIsAMiss() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = Array("blueprint: bank\n".utf8)
        let store = cache(directory)
        store.store(.init(blueprint: "bank", diagnostics: [finding]), file: "bp.yaml", context: "lint", source: source)
        let path = store.entryPath(file: "bp.yaml", context: "lint")
        let whole = try #require(FileManager.default.contents(atPath: path))
        for cut in [1, whole.count / 2, whole.count - 1] {
            try whole.prefix(cut).write(to: URL(fileURLWithPath: path))
            #expect(store.lookup(file: "bp.yaml", context: "lint", source: source) == nil, "cut at \(cut)")
        }
        // Nothing half-written is left beside the entries.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    @Test func aFolderNamesEveryBlueprintDirectlyInsideItSorted() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["b.yaml", "a.yml", ".hidden.yaml", "notes.md"] {
            try Data("x: 1\n".utf8).write(to: directory.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("nested"), withIntermediateDirectories: true)
        try Data("x: 1\n".utf8).write(to: directory.appendingPathComponent("nested/c.yaml"))
        let expanded = BlueprintSet.expand([directory.path, "given.yaml"])
        #expect(expanded.files == [directory.path + "/a.yml", directory.path + "/b.yaml", "given.yaml"])
        #expect(expanded.unreadable.isEmpty)
        let empty = BlueprintSet.expand([directory.appendingPathComponent("nested").path + "/../nested/"]).files
        #expect(empty.count == 1 && empty[0].hasSuffix("/c.yaml"))
        let none = BlueprintSet.expand([directory.appendingPathComponent("nothing").path])
        #expect(none.files.count == 1, "a missing path stays a file, for SourceLoader to refuse")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("void"), withIntermediateDirectories: true)
        #expect(BlueprintSet.expand([directory.appendingPathComponent("void").path]).unreadable.count == 1)
    }
}
