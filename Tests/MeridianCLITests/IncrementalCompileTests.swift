import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A blueprint edited in one place: compile regenerates only the service files whose inputs the
/// edit changed, and reuses the rest from its last output (`PreviousOutput`), with exactly the
/// result of a compile from scratch.
@Suite(.serialized) struct IncrementalCompileTests {
    let example = repositoryRoot.appendingPathComponent("Blueprints/shop-geo-sharded.yaml")

    /// Stamps taken within a clock tick of their files' writes prove nothing (`OutputStamp.isRacy`),
    /// as a small blueprint's are: a compile that finds nothing to change stores them again, by then
    /// older than the stamping.
    func settle(_ work: URL) throws {
        #expect(try meridian(["compile", "shop.yaml"], in: work, environment: Self.environment(work)).status == 0)
    }

    /// A cache of the test's own, and the phase timings that show the previous output was recalled.
    static func environment(_ work: URL) -> [String: String] {
        ["MERIDIAN_CACHE_DIR": work.appendingPathComponent("cache").path, "MERIDIAN_TIMINGS": "1"]
    }

    func inode(_ url: URL) throws -> UInt64 {
        try #require(FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? UInt64)
    }

    @Test func eachEditGivesWhatACompileFromScratchGives() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let (environment, blueprint) = (Self.environment(work), work.appendingPathComponent("shop.yaml"))
        var text = try String(contentsOf: example, encoding: .utf8)
        try text.write(to: blueprint, atomically: true, encoding: .utf8)
        let first = try meridian(["compile", "shop.yaml"], in: work, environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        // checkout's file in us-east-1 (serving na: orders-na and catalog) is reached only by the last edit.
        let checkout = work.appendingPathComponent("Output/shop-geo-sharded/clusters/us-east-1/checkout.yaml")
        let checkoutInode = try inode(checkout)

        // Each edit reaches different files: one service, one service's replicas, a datastore its
        // users' files name, a service gone, a service renamed, and the whole namespace.
        let edits: [(String, [(String, String)])] = [
            ("one image", [("ghcr.io/example-shop/cart:4.2.0", "ghcr.io/example-shop/cart:4.2.1")]),
            ("one service's demand", [("demand: { na: 8000, eu: 5000, apac: 1500 }", "demand: { na: 16000, eu: 5000, apac: 1500 }")]),
            ("a datastore's replica", [("- { region: eu-central-1, mode: async, lag: 500ms }", "- { region: eu-central-1, mode: async, lag: 200ms }")]),
            ("an environment variable", [("SESSION_TTL: 30m", "SESSION_TTL: 45m")]),
            ("a service renamed", [("  search:\n", "  finder:\n"), ("/api/search: search", "/api/search: finder")]),
            ("every service's NetworkPolicy", [("\nservices:\n", "\nnetworkPolicy: none\n\nservices:\n")]),
        ]
        for (what, replacements) in edits {
            if what == "every service's NetworkPolicy" {
                #expect(try inode(checkout) == checkoutInode, "never rewritten by the edits before")
            }
            try settle(work)
            for (old, new) in replacements {
                #expect(text.contains(old), "\(what)")
                text = text.replacingOccurrences(of: old, with: new)
            }
            try text.write(to: blueprint, atomically: true, encoding: .utf8)
            let incremental = try meridian(["compile", "shop.yaml"], in: work, environment: environment)
            #expect(incremental.status == 0, "\(what): \(incremental.stderr)")
            #expect(incremental.stderr.contains("recall the previous output"), "\(what): \(incremental.stderr)")
            // REPORT.md is kept, not made, and the rules do not run again, when only fields that
            // reach the service's own manifests changed (ReportInputsTests, ManifestFieldsTests).
            let manifestsOnly = ["one image", "an environment variable"].contains(what)
            #expect(incremental.stderr.contains("timing: REPORT.md:") != manifestsOnly, "\(what): \(incremental.stderr)")
            #expect(incremental.stderr.contains("timing: rules:") != manifestsOnly, "\(what): \(incremental.stderr)")
            let scratch = work.appendingPathComponent("scratch")
            try? FileManager.default.removeItem(at: scratch)
            let fresh = try meridian(["compile", "shop.yaml", "-o", "scratch"], in: work, environment: ["MERIDIAN_CACHE": "off"])
            #expect(fresh.status == 0, "\(what): \(fresh.stderr)")
            // The same findings, word for word, whether the rules ran or their findings were reused.
            let findings = incremental.stderr.split(separator: "\n").filter { !$0.hasPrefix("meridian timing:") }
            #expect(findings == fresh.stderr.split(separator: "\n"), "\(what)")
            let got = tree(work.appendingPathComponent("Output")), want = tree(scratch)
            #expect(got == want, "\(what): \(Set(got.keys).symmetricDifference(want.keys).sorted()) \(got.keys.filter { got[$0] != want[$0] }.sorted())")
        }
        #expect(try inode(checkout) != checkoutInode, "every service file without its NetworkPolicy")
    }

    /// An image edit that a rule objects to is not a manifest-only edit: the findings are not the
    /// last ones, so compile reports the new one and writes nothing. Once it is waived, an env edit
    /// reuses the findings, the waiver's effect with them, exactly as a full analysis finds them.
    @Test func anImageEditThatBreaksARuleIsFound() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let (environment, blueprint, compiled) = try compiledExample(in: work)
        var text = compiled
        try settle(work)
        let edits = [
            ("ghcr.io/example-shop/cart:4.2.0", "ghcr.io/example-shop/cart:latest"),
            ("\nwaivers:\n", "\nwaivers:\n  - { rule: image-not-pinned, at: services.cart, reason: rebuilt nightly by test, expires: 2099-01-31 }\n"),
            ("SESSION_TTL: 30m", "SESSION_TTL: 45m"),
        ]
        for (step, (old, new)) in edits.enumerated() {
            #expect(text.contains(old))
            text = text.replacingOccurrences(of: old, with: new)
            try text.write(to: blueprint, atomically: true, encoding: .utf8)
            let compile = try meridian(["compile", "shop.yaml"], in: work, environment: environment)
            let fresh = try meridian(["compile", "shop.yaml", "-o", "scratch"], in: work, environment: ["MERIDIAN_CACHE": "off"])
            #expect(compile.stderr.split(separator: "\n").filter { !$0.hasPrefix("meridian timing:") } == fresh.stderr.split(separator: "\n"))
            #expect(compile.status == (step == 0 ? 1 : 0), "\(compile.stderr)")
            #expect(compile.stderr.contains("timing: rules:") == (step < 2), "\(step): \(compile.stderr)")
            if step == 0 {
                #expect(compile.stderr.contains("image 'ghcr.io/example-shop/cart:latest' uses the 'latest' tag [image-not-pinned]"), "\(compile.stderr)")
                #expect(compile.stderr.contains("nothing written"))
            } else {
                try settle(work)
            }
        }
    }

    /// The example compiled into `work`: the compile's environment, the blueprint's path and text.
    func compiledExample(in work: URL) throws -> (environment: [String: String], blueprint: URL, text: String) {
        let (environment, blueprint) = (Self.environment(work), work.appendingPathComponent("shop.yaml"))
        let text = try String(contentsOf: example, encoding: .utf8)
        try text.write(to: blueprint, atomically: true, encoding: .utf8)
        #expect(try meridian(["compile", "shop.yaml"], in: work, environment: environment).status == 0)
        return (environment, blueprint, text)
    }

    /// A folder of blueprints, one of them edited: it alone is compiled again, reusing what the edit
    /// did not reach, the others are answered by the cache, and the output is a compile from scratch.
    @Test func anEditInAFleetGivesWhatACompileFromScratchGives() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let folder = work.appendingPathComponent("Blueprints")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let original = try String(contentsOf: example, encoding: .utf8)
        for index in 0..<3 {
            try original.replacingOccurrences(of: "blueprint: shop-geo-sharded", with: "blueprint: shop-\(index)")
                .write(to: folder.appendingPathComponent("shop-\(index).yaml"), atomically: true, encoding: .utf8)
        }
        let environment = Self.environment(work)
        for _ in 0..<2 {  // the second compile stamps what the first wrote too recently to trust
            let compile = try meridian(["compile", "Blueprints/"], in: work, environment: environment)
            #expect(compile.status == 0, "\(compile.stderr)")
        }
        let edited = folder.appendingPathComponent("shop-1.yaml")
        try original.replacingOccurrences(of: "blueprint: shop-geo-sharded", with: "blueprint: shop-1")
            .replacingOccurrences(of: "ghcr.io/example-shop/cart:4.2.0", with: "ghcr.io/example-shop/cart:4.2.1")
            .write(to: edited, atomically: true, encoding: .utf8)
        let incremental = try meridian(["compile", "Blueprints/"], in: work, environment: environment)
        #expect(incremental.status == 0, "\(incremental.stderr)")
        #expect(incremental.stderr.contains("recall the previous output"), "\(incremental.stderr)")
        #expect(incremental.stdout.components(separatedBy: "is up to date").count == 3, "\(incremental.stdout)")
        let fresh = try meridian(["compile", "Blueprints/", "-o", "scratch"], in: work, environment: ["MERIDIAN_CACHE": "off"])
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(tree(work.appendingPathComponent("Output")) == tree(work.appendingPathComponent("scratch")))
    }

    /// What proves a file reusable is its stamp, as for a whole cached output: a file changed
    /// behind compile's back is regenerated, and one rewritten with its stamp forged is kept —
    /// which `compile --check` (that never reuses) still catches.
    @Test func aFileIsReusedOnlyWhileItIsStillTheFileCompileWrote() throws {
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let (environment, blueprint, compiled) = try compiledExample(in: work)
        var text = compiled
        let region = work.appendingPathComponent("Output/shop-geo-sharded/clusters/eu-west-1")
        let edited = region.appendingPathComponent("storefront.yaml"), forged = region.appendingPathComponent("search.yaml")
        let originalEdited = try Data(contentsOf: edited), originalForged = try Data(contentsOf: forged)
        try settle(work)

        // Edited by hand: a new modification time, so it is generated again and restored.
        let handle = try FileHandle(forWritingTo: edited)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("# edited by hand\n".utf8))
        try handle.close()
        // Rewritten in place with the same size and its old modification time put back: the stamp
        // cannot tell, so compile keeps it.
        var status = stat()
        #expect(stat(forged.path, &status) == 0)
        var bytes = [UInt8](originalForged)
        let at = try #require(bytes.lastIndex(of: UInt8(ascii: "1")))
        bytes[at] = UInt8(ascii: "2")
        let writing = try FileHandle(forWritingTo: forged)
        try writing.write(contentsOf: Data(bytes))
        try writing.close()
        let times = [status.st_atim, status.st_mtim]
        #expect(utimensat(AT_FDCWD, forged.path, times, 0) == 0)

        text = text.replacingOccurrences(of: "ghcr.io/example-shop/cart:4.2.0", with: "ghcr.io/example-shop/cart:4.2.1")
        try text.write(to: blueprint, atomically: true, encoding: .utf8)
        let compile = try meridian(["compile", "shop.yaml"], in: work, environment: environment)
        #expect(compile.status == 0, "\(compile.stderr)")
        #expect(compile.stderr.contains("recall the previous output"), "\(compile.stderr)")
        #expect(try Data(contentsOf: edited) == originalEdited)
        #expect(try Data(contentsOf: forged) == Data(bytes))

        let check = try meridian(["compile", "--check", "shop.yaml"], in: work, environment: environment)
        #expect(check.status == 3)
        #expect(check.stdout.contains("clusters/eu-west-1/search.yaml (differs from the blueprint)"), "\(check.stdout)")
        #expect(try meridian(["compile", "shop.yaml"], in: work, environment: ["MERIDIAN_CACHE": "off"]).status == 0)
        #expect(try Data(contentsOf: forged) == originalForged)
    }
}
