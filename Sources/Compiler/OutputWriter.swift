import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Generators

public struct OutputError: Error, CustomStringConvertible {
    public var description: String
}

/// Writes one blueprint's output directory so that, whatever happens to the process, it is always
/// either the complete old tree or the complete new one (docs/output.md explains the design):
///
/// - the new tree is built beside the old one in `.<blueprint>.staging-<pid>`; files whose bytes
///   did not change are hard links to the old ones, so they keep their inode and mtime;
/// - entries meridian did not generate (no generated header: the user's files, symbolic links,
///   FIFOs, sockets, empty folders) are hard-linked into the new tree, never copied or dropped;
/// - the two trees are swapped in one `renameat2(RENAME_EXCHANGE)`, then the old one is deleted;
/// - all of it under the output root's lock, after cleaning up what a killed compile left behind.
public struct OutputWriter {
    public let root: URL
    public let blueprint: String
    /// The target as the user named it (`Output/shop`), for messages.
    public let displayPath: String
    let rootPath: String
    let targetPath: String
    /// Tests turn this off to take the path of file systems without `RENAME_EXCHANGE`.
    var exchangeSupported = true

    public init(outputDirectory: String, blueprint: String) {
        self.root = URL(fileURLWithPath: outputDirectory, isDirectory: true)
        self.blueprint = blueprint
        var rootPath = outputDirectory
        while rootPath.count > 1 && rootPath.hasSuffix("/") { rootPath.removeLast() }
        self.rootPath = rootPath.isEmpty ? "." : rootPath
        self.targetPath = (rootPath == "/" ? "" : self.rootPath) + "/" + blueprint
        self.displayPath = targetPath
    }

    public var target: URL { root.appendingPathComponent(blueprint, isDirectory: true) }

    public enum Change: Equatable, Sendable {
        case added(String), modified(String), removed(String)
        /// Something meridian did not create is where generated output must go: compile refuses.
        case blocked(String, reason: String)

        public var path: String {
            switch self {
            case .added(let p), .modified(let p), .removed(let p), .blocked(let p, _): p
            }
        }
    }

    public struct Summary: Equatable, Sendable {
        /// Generated files written with new bytes (added or modified).
        public var written = 0
        /// Generated files whose bytes were already right: untouched, same inode and mtime.
        public var unchanged = 0
        /// Generated files that are no longer generated, deleted.
        public var removed = 0
        /// The user's entries carried into the new tree.
        public var kept = 0
        /// What the cleanup of interrupted compiles did, one sentence each.
        public var notes: [String] = []
    }

    /// What writing `files` would change on disk; empty when the committed output is current.
    public func changes(_ files: [GeneratedFile]) -> [Change] {
        do {
            return try survey(files).changes.sorted { $0.path < $1.path }
        } catch {
            return [.blocked("", reason: "\(error)")]
        }
    }

    /// Replaces the output with `files`, keeping the user's entries. Takes the output root's lock
    /// unless the caller holds it already (`lock`). `rootRecovered`: the caller ran
    /// `OutputRoot.recoverInterrupted(root:)` under that lock, so this blueprint's leftovers are
    /// gone — listing the root again for each of thousands of blueprints would be quadratic.
    @discardableResult
    public func write(_ files: [GeneratedFile], lock: OutputLock? = nil, rootRecovered: Bool = false) throws -> Summary {
        let held = try lock ?? OutputLock.exclusive(root: rootPath)
        defer { withExtendedLifetime(held) {} }
        var summary = Summary()
        if !(rootRecovered && lock != nil) { summary.notes = OutputRoot.recoverInterrupted(root: rootPath, blueprint: blueprint) }
        let survey: Survey
        do {
            survey = try self.survey(files)
        } catch {
            throw OutputError(description: "cannot read \(displayPath): \(error); nothing written")
        }
        try refuseBlocked(survey.changes)
        summary.unchanged = survey.unchanged.filter { $0 }.count
        summary.kept = survey.userEntries.count
        for change in survey.changes {
            switch change {
            case .added, .modified: summary.written += 1
            case .removed: summary.removed += 1
            case .blocked: break
            }
        }
        if survey.changes.isEmpty && (survey.targetExists || files.isEmpty) { return summary }
        if files.isEmpty && survey.userEntries.isEmpty {
            try retireTarget()
            return summary
        }
        let staging = try buildStaging(files, survey)
        try swapIn(staging, targetExists: survey.targetExists)
        return summary
    }

    /// Deletes the generated files of an output whose blueprint is gone; the user's entries stay.
    @discardableResult
    public func removeGeneratedFiles(lock: OutputLock? = nil) throws -> Summary {
        try write([], lock: lock)
    }


    private func refuseBlocked(_ changes: [Change]) throws {
        let blocked = changes.compactMap { change -> String? in
            guard case .blocked(let path, let reason) = change else { return nil }
            return path.isEmpty ? "\(displayPath) is \(reason)" : "\(displayPath)/\(path) is \(reason)"
        }
        guard !blocked.isEmpty else { return }
        let shown = blocked.prefix(5).joined(separator: "; ") + (blocked.count > 5 ? "; … and \(blocked.count - 5) more" : "")
        throw OutputError(description: "refusing to write \(displayPath): \(shown). meridian replaces only what it generated; move these away and compile again")
    }

    // MARK: - Comparing the wanted files with the disk

    struct Survey {
        var targetExists = false
        var changes: [Change] = []
        /// Per wanted file: its bytes on disk are already right.
        var unchanged: [Bool] = []
        /// Entries of the current tree that are not generated, to carry into the new one.
        var userEntries: [FileSystem.Entry] = []
    }

    /// Longest header we look at to tell a generated file from the user's.
    private static let headerLength = 512

    func survey(_ files: [GeneratedFile]) throws -> Survey {
        var survey = Survey()
        survey.unchanged = Array(repeating: false, count: files.count)
        guard let targetKind = try FileSystem.kind(targetPath) else {
            survey.changes = files.map { .added($0.path) }
            return survey
        }
        guard targetKind == .directory else {
            survey.changes = [.blocked("", reason: "\(targetKind.noun), not a directory (meridian writes a directory there)")]
            return survey
        }
        survey.targetExists = true
        let entries = try FileSystem.walk(targetPath)
        var kinds: [String: FileSystem.Kind] = [:]
        kinds.reserveCapacity(entries.count)
        for entry in entries { kinds[entry.path] = entry.kind }

        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var wanted = Set<String>()
        var checkedDirectories = Set<String>()
        wanted.reserveCapacity(files.count)
        for (index, file) in files.enumerated() {
            wanted.insert(file.path)
            // Every folder on the way must be a folder, or a generated file that is going away.
            var slash = file.path.firstIndex(of: "/")
            while let end = slash {
                let directory = String(file.path[..<end])
                if checkedDirectories.insert(directory).inserted, let kind = kinds[directory], kind != .directory,
                   !(kind == .regular && isGenerated(directory, &buffer)) {
                    survey.changes.append(.blocked(directory, reason: "\(kind.noun) where generated files need a directory"))
                }
                slash = file.path[file.path.index(after: end)...].firstIndex(of: "/")
            }
            guard let kind = kinds[file.path] else {
                survey.changes.append(.added(file.path))
                continue
            }
            guard kind == .regular else {
                survey.changes.append(.blocked(file.path, reason: "\(kind.noun) where a generated file goes"))
                continue
            }
            let expected = file.contents.utf8.count
            let size = FileSystem.read(targetPath + "/" + file.path, upTo: max(expected, Self.headerLength), into: &buffer)
            if size == expected && Self.bytes(of: file.contents, equal: buffer) {
                survey.unchanged[index] = true
            } else if let size, GeneratedHeader.isGenerated(Self.head(buffer, size)) {
                survey.changes.append(.modified(file.path))
            } else {
                survey.changes.append(.blocked(file.path, reason: "not generated by meridian (no generated header) and a generated file goes there"))
            }
        }

        var parents = Set<String>()
        for entry in entries {
            if let slash = entry.path.lastIndex(of: "/") { parents.insert(String(entry.path[..<slash])) }
        }
        for entry in entries where !wanted.contains(entry.path) {
            switch entry.kind {
            case .directory:
                // A folder with entries comes back with what it holds (a removed region's folder of
                // generated files goes with them); only an empty one is the user's as such.
                if !parents.contains(entry.path) && !checkedDirectories.contains(entry.path) { survey.userEntries.append(entry) }
            case .regular where isGenerated(entry.path, &buffer):
                survey.changes.append(.removed(entry.path))
            default:
                survey.userEntries.append(entry)
            }
        }
        return survey
    }

    private func isGenerated(_ path: String, _ buffer: inout [UInt8]) -> Bool {
        guard let size = FileSystem.read(targetPath + "/" + path, upTo: Self.headerLength, into: &buffer) else { return false }
        return GeneratedHeader.isGenerated(Self.head(buffer, size))
    }

    private static func head(_ buffer: [UInt8], _ size: Int) -> Substring {
        Substring(String(decoding: buffer[..<min(size, headerLength, buffer.count)], as: UTF8.self))
    }

    private static func bytes(of contents: String, equal buffer: [UInt8]) -> Bool {
        let count = contents.utf8.count
        guard buffer.count >= count else { return false }
        return contents.utf8.withContiguousStorageIfAvailable { wanted in
            buffer.withUnsafeBytes { memcmp($0.baseAddress!, wanted.baseAddress!, count) == 0 }
        } ?? contents.utf8.elementsEqual(buffer[..<count])
    }

    // MARK: - Building the new tree and swapping it in

    private var pid: Int32 { getpid() }
    private func sibling(_ role: String) -> String { rootPath + "/.\(blueprint).\(role)-\(pid)" }

    private func buildStaging(_ files: [GeneratedFile], _ survey: Survey) throws -> String {
        let staging = sibling("staging")
        do {
            try FileSystem.removeTree(staging)
            // The new tree takes the old one's permissions (a team may have restricted them, even
            // to read-only), but only once it is filled: each folder is created writable by us and
            // given its mode at the end, deepest first.
            var modes: [(path: String, mode: mode_t)] = [(staging, FileSystem.mode(targetPath) ?? 0o755)]
            try FileSystem.makeDirectory(staging, mode: 0o700)
            var directories = Set<String>()
            func makeParent(of path: String) throws {
                guard let slash = path.lastIndex(of: "/") else { return }
                let parent = String(path[..<slash])
                guard directories.insert(parent).inserted else { return }
                try makeParent(of: parent)
                if mkdir(staging + "/" + parent, 0o700) != 0 && errno != EEXIST {
                    throw SystemCallError(staging + "/" + parent)
                }
                modes.append((staging + "/" + parent, FileSystem.mode(targetPath + "/" + parent) ?? 0o755))
            }
            defer {
                for (path, mode) in modes.reversed() { _ = chmod(path, mode) }
            }
            for (index, file) in files.enumerated() {
                try makeParent(of: file.path)
                let destination = staging + "/" + file.path
                if survey.unchanged[index], (try? FileSystem.hardLink(targetPath + "/" + file.path, destination)) != nil { continue }
                try FileSystem.writeFile(destination, file.contents)
            }
            for entry in survey.userEntries {
                try makeParent(of: entry.path)
                try carry(entry, to: staging + "/" + entry.path)
            }
        } catch {
            try? FileSystem.removeTree(staging)
            throw OutputError(description: "cannot write \(displayPath): \(error); previous output left untouched")
        }
        return staging
    }

    /// Moves one of the user's entries into the new tree as the same inode; where the file system
    /// refuses hard links, as a copy of the same kind. Never silently drops it.
    private func carry(_ entry: FileSystem.Entry, to destination: String) throws {
        let source = targetPath + "/" + entry.path
        if entry.kind == .directory {
            if mkdir(destination, FileSystem.mode(source) ?? 0o755) != 0 && errno != EEXIST { throw SystemCallError(destination) }
            return
        }
        do {
            try FileSystem.hardLink(source, destination)
        } catch let linkError as SystemCallError {
            guard linkError.code != EEXIST else { throw linkError }
            switch entry.kind {
            case .symbolicLink:
                var bytes = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let count = readlink(source, &bytes, bytes.count - 1)
                guard count >= 0 else { throw SystemCallError(source) }
                bytes[count] = 0
                guard symlink(bytes, destination) == 0 else { throw SystemCallError(destination) }
            case .fifo:
                guard mkfifo(destination, FileSystem.mode(source) ?? 0o644) == 0 else { throw SystemCallError(destination) }
            case .regular:
                var buffer: [UInt8] = []
                guard let size = FileSystem.read(source, upTo: .max, into: &buffer) else { throw SystemCallError(source) }
                try buffer.withUnsafeBytes { try FileSystem.writeFile(destination, UnsafeRawBufferPointer(rebasing: $0[..<size]), mode: FileSystem.mode(source) ?? 0o644) }
            default:
                throw linkError
            }
        }
    }

    private func swapIn(_ staging: String, targetExists: Bool) throws {
        guard targetExists else {
            do {
                try FileSystem.renameNoReplace(staging, targetPath)
            } catch {
                try? FileSystem.removeTree(staging)
                throw OutputError(description: "cannot create \(displayPath): \(error)")
            }
            return
        }
        switch exchangeSupported ? FileSystem.exchange(staging, targetPath) : .unsupported {
        case .exchanged:
            // The staging name now holds the old tree.
            try? FileSystem.removeTree(staging)
        case .failed(let code):
            try? FileSystem.removeTree(staging)
            throw OutputError(description: "cannot replace \(displayPath): \(SystemCallError(targetPath, code: code)); previous output left untouched")
        case .unsupported:
            try swapByTwoRenames(staging)
        }
    }

    /// For file systems without RENAME_EXCHANGE: between the two renames the target is missing;
    /// a compile killed there is repaired by the next one (OutputRoot.recoverInterrupted).
    private func swapByTwoRenames(_ staging: String) throws {
        let previous = sibling("previous")
        do {
            try FileSystem.rename(targetPath, previous)
        } catch {
            try? FileSystem.removeTree(staging)
            throw OutputError(description: "cannot replace \(displayPath): \(error); previous output left untouched")
        }
        do {
            try FileSystem.rename(staging, targetPath)
        } catch {
            let cause = "\(error)"
            if (try? FileSystem.rename(previous, targetPath)) != nil {
                try? FileSystem.removeTree(staging)
                throw OutputError(description: "cannot replace \(displayPath): \(cause); previous output restored")
            }
            throw OutputError(description: "cannot replace \(displayPath): \(cause); the previous output is in \(previous) and the new one in \(staging): move one of them to \(displayPath)")
        }
        try? FileSystem.removeTree(previous)
    }

    /// Removes the whole target (nothing generated is wanted and nothing of the user's is in it):
    /// one rename away, then deleted. A compile killed in between leaves `.removed-<pid>`, which
    /// the next run deletes, never restores.
    private func retireTarget() throws {
        let removed = sibling("removed")
        do {
            try FileSystem.rename(targetPath, removed)
        } catch {
            throw OutputError(description: "cannot remove \(displayPath): \(error)")
        }
        try? FileSystem.removeTree(removed)
    }
}
