import Foundation
import Testing

/// A folder of blueprints made from the example by renaming it, so each compiles to its own folder.
private func fleet(_ count: Int, in work: URL) throws -> URL {
    let folder = work.appendingPathComponent("Blueprints")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let original = try String(contentsOf: exampleBlueprint, encoding: .utf8)
    let name = try #require(original.split(separator: "\n").first { $0.hasPrefix("blueprint: ") })
    for index in 0..<count {
        try original.replacingOccurrences(of: String(name), with: "blueprint: bank-\(index)")
            .write(to: folder.appendingPathComponent("bank-\(index).yaml"), atomically: true, encoding: .utf8)
    }
    return folder
}

@Suite(.serialized) struct FleetTests {
    @Test func aFolderCompilesOnceThenUnchangedBlueprintsAreAnsweredFromTheCache() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        _ = try fleet(3, in: work)
        let environment = ["MERIDIAN_CACHE_DIR": work.appendingPathComponent("cache").path]
        let cold = try meridian(["compile", "Blueprints/"], in: work, environment: environment)
        #expect(cold.status == 0, "\(cold.stderr)")
        #expect(cold.stdout.components(separatedBy: "wrote ").count == 4, "\(cold.stdout)")
        let written = tree(work.appendingPathComponent("Output"))

        // Stamps taken within a clock tick of the writes prove nothing (a small blueprint's are), so
        // the next compile may still analyse and store trustworthy stamps; then nothing is analysed.
        let settling = try meridian(["compile", "Blueprints/"], in: work, environment: environment)
        #expect(settling.status == 0)
        let warm = try meridian(["compile", "Blueprints/"], in: work, environment: environment.merging(["MERIDIAN_TIMINGS": "1"]) { $1 })
        #expect(warm.status == 0)
        #expect(warm.stdout.components(separatedBy: "is up to date").count == 4, "\(warm.stdout)")
        #expect(!warm.stderr.contains("analyze"), "answered from the cache: \(warm.stderr)")
        #expect(tree(work.appendingPathComponent("Output")) == written)

        // An output file edited by hand is no longer what compile wrote: that blueprint is compiled again.
        let report = work.appendingPathComponent("Output/bank-1/REPORT.md")
        let handle = try FileHandle(forWritingTo: report)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("edited by hand\n".utf8))
        try handle.close()
        let check = try meridian(["compile", "--check", "Blueprints/"], in: work, environment: environment)
        #expect(check.status == 3)
        #expect(check.stdout.contains("Output/bank-1/REPORT.md"), "\(check.stdout)")
        let repaired = try meridian(["compile", "Blueprints/"], in: work, environment: environment)
        #expect(repaired.stdout.contains("wrote 1 of"), "\(repaired.stdout)")
        #expect(tree(work.appendingPathComponent("Output")) == written)

        // A changed blueprint is analysed again, and its errors stop the whole compile as before.
        let blueprint = work.appendingPathComponent("Blueprints/bank-2.yaml")
        let text = try String(contentsOf: blueprint, encoding: .utf8)
        try text.replacingOccurrences(of: "blueprint: bank-2", with: "blueprint: bank-2\nunknownKey: 1").write(to: blueprint, atomically: true, encoding: .utf8)
        let broken = try meridian(["compile", "Blueprints/"], in: work, environment: environment)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("bank-2.yaml") && broken.stderr.contains("nothing written"))
        #expect(tree(work.appendingPathComponent("Output")) == written)
    }

    @Test func lintAnswersFromTheCacheExactlyAsItWouldWithout() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let folder = try fleet(2, in: work)
        // One finding of each severity, with notes, to survive the cache's encoding.
        let file = folder.appendingPathComponent("bank-0.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try (text + "\nsurprise: true\n").write(to: file, atomically: true, encoding: .utf8)
        let environment = ["MERIDIAN_CACHE_DIR": work.appendingPathComponent("cache").path]
        for format in ["text", "json", "sarif"] {
            let fresh = try meridian(["lint", "--no-cache", "--format", format, "Blueprints"], in: work)
            let first = try meridian(["lint", "--format", format, "Blueprints"], in: work, environment: environment)
            let second = try meridian(["lint", "--format", format, "Blueprints"], in: work, environment: environment)
            #expect(fresh.status == 1 && first.status == 1 && second.status == 1)
            #expect(first.stdout == fresh.stdout && second.stdout == fresh.stdout, "\(format)")
            #expect(fresh.stdout.contains("surprise"))
        }
        let entries = try FileManager.default.subpathsOfDirectory(atPath: work.appendingPathComponent("cache").path)
        #expect(entries.filter { $0.split(separator: "/").count == 3 }.count == 2, "one entry per blueprint: \(entries)")
    }

    @Test func aPriceOverrideFileIsAnInputOfTheCachedAnswer() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let folder = try fleet(1, in: work)
        let file = folder.appendingPathComponent("bank-0.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try (text + "\ncost: { prices: prices.json }\n").write(to: file, atomically: true, encoding: .utf8)
        let prices = folder.appendingPathComponent("prices.json")
        try "not json".write(to: prices, atomically: true, encoding: .utf8)
        let environment = ["MERIDIAN_CACHE_DIR": work.appendingPathComponent("cache").path]
        let broken = try meridian(["lint", "Blueprints/bank-0.yaml"], in: work, environment: environment)
        #expect(broken.status == 1 && broken.stdout.contains("price-override-unreadable"), "\(broken.stdout)")
        // The blueprint did not change, the file it names did: the cached findings no longer answer.
        try #"{"read": "2026-12-01", "prices": []}"#.write(to: prices, atomically: true, encoding: .utf8)
        let fixed = try meridian(["lint", "Blueprints/bank-0.yaml"], in: work, environment: environment)
        let fresh = try meridian(["lint", "--no-cache", "Blueprints/bank-0.yaml"], in: work)
        #expect(fixed.stdout == fresh.stdout && fixed.status == fresh.status, "\(fixed.stdout)")
        #expect(!fixed.stdout.contains("price-override-unreadable"))
        try FileManager.default.removeItem(at: prices)
        let gone = try meridian(["lint", "Blueprints/bank-0.yaml"], in: work, environment: environment)
        #expect(gone.stdout.contains("price-override-unreadable"), "\(gone.stdout)")
    }
}
