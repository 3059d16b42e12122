import Foundation

/// Reads files as of a git revision, for `diff --base` and for `lint --changed-since`.
public struct GitSource {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Where the command runs; paths given on the command line are relative to it.
    let directory: String

    public init(directory: String = FileManager.default.currentDirectoryPath) {
        self.directory = directory
    }

    func git(_ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Paths with spaces or non-ASCII bytes are printed as they are, not C-quoted.
        process.arguments = ["git", "-c", "core.quotePath=false"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw Failure(description: "cannot run git: \(error.localizedDescription)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }

    func text(_ arguments: [String]) throws -> String? {
        let result = try git(arguments)
        guard result.status == 0 else { return nil }
        return String(decoding: result.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The top of the working tree; fails with its own message outside a repository.
    public func repositoryRoot() throws -> String {
        guard let root = try text(["rev-parse", "--show-toplevel"]), !root.isEmpty else {
            throw Failure(description: "\(directory) is not inside a git repository (or git is not installed); --base needs one")
        }
        return root
    }

    /// Fails unless `revision` names a commit, saying why: no repository, a shallow clone that
    /// lacks the history, or a name git does not know.
    public func verify(_ revision: String) throws {
        _ = try repositoryRoot()
        guard try git(["rev-parse", "--verify", "--quiet", "\(revision)^{commit}"]).status != 0 else { return }
        if try text(["rev-parse", "--is-shallow-repository"]) == "true" {
            throw Failure(description: """
                unknown revision '\(revision)' in a shallow clone: the history or branch it names was not fetched. \
                Fetch it (`git fetch origin <branch>`), or check out with full history \
                (actions/checkout: `fetch-depth: 0`)
                """)
        }
        throw Failure(description: "unknown revision '\(revision)': no branch, tag or commit by that name (try `git branch -a`, or origin/<branch>)")
    }

    /// The file's bytes at `revision`, or nil when it did not exist there. `path` is relative to the repository root.
    public func contents(ofRootRelative path: String, at revision: String) throws -> [UInt8]? {
        let result = try git(["show", "\(revision):\(path)"])
        return result.status == 0 ? [UInt8](result.output) : nil
    }

    /// Blueprint files in `folder` (relative to the repository root) at `revision`, root-relative.
    public func files(inRootRelative folder: String, at revision: String) throws -> [String] {
        let result = try git(["ls-tree", "--name-only", "--full-tree", revision, "\(folder)/"])
        guard result.status == 0 else { return [] }
        return String(decoding: result.output, as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
    }

    /// `path` (relative to `directory`, or absolute) as a path relative to the repository root, or nil
    /// when it lies outside the repository.
    public func rootRelative(_ path: String, root: String) -> String? {
        let absolute = path.hasPrefix("/") ? path : directory + "/" + path
        let standardized = URL(fileURLWithPath: absolute).standardizedFileURL.resolvingSymlinksInPath().path
        let top = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
        if standardized == top { return "" }
        guard standardized.hasPrefix(top + "/") else { return nil }
        return String(standardized.dropFirst(top.count + 1))
    }

    /// Lines added or changed since `revision`, per file (paths relative to `directory`, as git
    /// prints them with `--relative`), working tree against the revision.
    public func changedLines(since revision: String, paths: [String]) throws -> [String: Set<Int>] {
        try verify(revision)
        let result = try git(["diff", "--no-color", "--no-ext-diff", "--unified=0", "--relative", revision, "--"] + paths)
        guard result.status == 0 else { throw Failure(description: "git diff against '\(revision)' failed") }
        return Self.addedLines(unifiedDiff: String(decoding: result.output, as: UTF8.self))
    }

    /// The new-side line numbers of every hunk in a `--unified=0` diff, per `+++ b/<path>` file.
    public static func addedLines(unifiedDiff: String) -> [String: Set<Int>] {
        var lines: [String: Set<Int>] = [:]
        var current: String?
        for line in unifiedDiff.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("+++ ") {
                let target = line.dropFirst(4)
                current = target.hasPrefix("b/") ? String(target.dropFirst(2)) : nil   // `/dev/null`: file deleted
            } else if line.hasPrefix("@@ "), let file = current {
                // @@ -old[,count] +new[,count] @@ — a count of 0 is a pure deletion, nothing to annotate.
                guard let plus = line.split(separator: " ").first(where: { $0.hasPrefix("+") }) else { continue }
                let numbers = plus.dropFirst().split(separator: ",").compactMap { Int($0) }
                guard let start = numbers.first else { continue }
                let count = numbers.count > 1 ? numbers[1] : 1
                if count > 0 { lines[file, default: []].formUnion(start..<(start + count)) }
            }
        }
        return lines
    }
}
