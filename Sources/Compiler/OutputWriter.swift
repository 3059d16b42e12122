import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Diagnostics
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
    /// Whether the old tree, once swapped out, is removed on another thread (`RetiredTrees`) while
    /// the caller goes on; the caller then waits for `RetiredTrees.waitUntilRemoved()` before exiting.
    public var removesOldTreeInBackground = false

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
        /// Every generated file's path, sorted.
        public var generatedPaths: [String] = []
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
        /// The files kept on the caller's proof (`write(lock:rootRecovered:keeping:)`), each still
        /// the same inode, so the caller's record of them still holds; empty when the file system
        /// made one a copy.
        public var keptAsTheyWere: [String] = []
    }

    /// What writing `files` would change on disk; empty when the committed output is current.
    public func changes(_ files: [GeneratedFile]) -> [Change] {
        compare { $0(files) }.changes
    }

    public struct Comparison: Sendable {
        /// What writing would change, sorted by path; empty when the output on disk is current.
        public var changes: [Change]
        /// Every generated file's path, sorted.
        public var generatedPaths: [String]
    }

    /// Compares the files `produce` hands to its sink with the disk as they arrive, keeping only
    /// their paths.
    public func compare(_ produce: (GeneratedFileSink) -> Void) -> Comparison {
        do {
            let session = try Session(self, writing: false)
            produce { session.accept($0) }
            session.surveyRemainder()
            return Comparison(changes: session.changes.sorted { $0.path < $1.path }, generatedPaths: session.wanted.sorted())
        } catch {
            return Comparison(changes: [.blocked("", reason: "\(error)")], generatedPaths: [])
        }
    }

    /// Replaces the output with `files`, keeping the user's entries (see `write(lock:rootRecovered:_:)`).
    @discardableResult
    public func write(_ files: [GeneratedFile], lock: OutputLock? = nil, rootRecovered: Bool = false) throws -> Summary {
        try write(lock: lock, rootRecovered: rootRecovered) { $0(files) }
    }

    /// Replaces the output with the files `produce` hands to its sink, keeping the user's entries.
    /// Each file is compared with the disk as it arrives and, when its bytes differ, written into
    /// the staging tree at once, so only paths are held, never the whole output. Takes the output
    /// root's lock unless the caller holds it already (`lock`). `rootRecovered`: the caller ran
    /// `OutputRoot.recoverInterrupted(root:)` under that lock, so this blueprint's leftovers are
    /// gone — listing the root again for each of thousands of blueprints would be quadratic.
    @discardableResult
    public func write(lock: OutputLock? = nil, rootRecovered: Bool = false, _ produce: (GeneratedFileSink) -> Void) throws -> Summary {
        try write(lock: lock, rootRecovered: rootRecovered) { files, _ in produce(files) }
    }

    /// Paths of generated files whose bytes the caller proved already on disk: kept as they are.
    public typealias KeptFileSink = @Sendable ([String]) -> Void

    /// As `write(lock:rootRecovered:_:)`, where `produce` may also hand over, by path alone, files
    /// it proved are on disk with the bytes it would generate (`ReusableFiles`): they are kept.
    @discardableResult
    public func write(lock: OutputLock? = nil, rootRecovered: Bool = false,
                      keeping produce: (@escaping GeneratedFileSink, @escaping KeptFileSink) -> Void) throws -> Summary {
        let held = try lock ?? OutputLock.exclusive(root: rootPath)
        defer { withExtendedLifetime(held) {} }
        var summary = Summary()
        if !(rootRecovered && lock != nil) { summary.notes = OutputRoot.recoverInterrupted(root: rootPath, blueprint: blueprint) }
        let session: Session
        do {
            session = try PhaseTimings.measure("list the current output") { try Session(self, writing: true) }
        } catch {
            throw OutputError(description: "cannot read \(displayPath): \(error); nothing written")
        }
        produce({ session.accept($0) }, { session.keep($0) })
        PhaseTimings.measure("survey what was not generated") { session.surveyRemainder() }
        let changes = session.changes.sorted { $0.path < $1.path }
        do {
            try refuseBlocked(changes)
        } catch {
            session.discardStaging()
            throw error
        }
        if let failure = session.failure {
            session.discardStaging()
            throw OutputError(description: "cannot write \(displayPath): \(failure); previous output left untouched")
        }
        summary.generatedPaths = session.wanted.sorted()
        summary.unchanged = session.unchangedCount
        if !session.copiedAnUnchangedFile { summary.keptAsTheyWere = session.keptPaths }
        summary.kept = session.userEntries.count
        for change in changes {
            switch change {
            case .added, .modified: summary.written += 1
            case .removed: summary.removed += 1
            case .blocked: break
            }
        }
        if changes.isEmpty && (session.targetExists || session.wanted.isEmpty) { return summary }
        if session.wanted.isEmpty && session.userEntries.isEmpty {
            try retireTarget()
            return summary
        }
        let staging: String
        do {
            staging = try PhaseTimings.measure("link unchanged files into the new tree") { try session.completeStaging() }
        } catch {
            session.discardStaging()
            throw OutputError(description: "cannot write \(displayPath): \(error); previous output left untouched")
        }
        try PhaseTimings.measure("swap in the new tree, remove the old") { try swapIn(staging, targetExists: session.targetExists) }
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

    // MARK: - Comparing the wanted files with the disk, and building the new tree

    /// Longest header we look at to tell a generated file from the user's.
    static let headerLength = 512

    /// One write (or check) while generation runs: the current tree is listed once, before the
    /// first file arrives; files then arrive from several threads, are compared with the disk and,
    /// when writing and their bytes differ, go straight into the staging tree, which is made at
    /// the first such file. Unchanged files are hard links to the old ones (same inode and mtime),
    /// made once a staging tree exists, so a compile that changes nothing creates nothing.
    final class Session: @unchecked Sendable {
        let writer: OutputWriter
        let writing: Bool
        let targetExists: Bool
        let targetIsNotADirectory: Bool
        /// The current tree, listed before generation starts; read-only afterwards.
        private let entries: [FileSystem.Entry]
        private let kinds: [String: FileSystem.Kind]

        // Everything below is guarded by `lock`.
        private let lock = NSLock()
        private(set) var wanted: [String] = []
        private var wantedSet = Set<String>()
        private var checkedDirectories = Set<String>()
        private(set) var changes: [Change] = []
        private(set) var unchangedCount = 0
        /// Paths handed to `keep`.
        private(set) var keptPaths: [String] = []
        /// Set when an unchanged file went into the new tree as a copy (no hard links there).
        private(set) var copiedAnUnchangedFile = false
        /// Unchanged files that arrived before the staging tree existed, linked in at the end.
        private var pendingLinks: [String] = []
        private(set) var userEntries: [FileSystem.Entry] = []
        private var staging: String?
        private var createdDirectories = Set<String>()
        /// Each staging folder a file was written into, open: files are created relative to it, so
        /// the kernel resolves one name per file instead of the whole path (8,000 files at 1,000 × 8).
        /// Closed with the session, after every writer is done.
        private var folderDescriptors: [String: Int32] = [:]
        /// The current tree's folders by the same names, open, for linking unchanged files from them.
        private var currentFolderDescriptors: [String: Int32] = [:]
        /// Each folder of the staging tree is created writable by us and given its mode (the old
        /// tree's, which a team may have restricted, even to read-only) once the tree is filled.
        private var modes: [(path: String, mode: mode_t)] = []
        private var blocked = false
        /// The first error writing the staging tree; the rest of the files are then only compared.
        private(set) var failure: Error?

        init(_ writer: OutputWriter, writing: Bool) throws {
            self.writer = writer
            self.writing = writing
            guard let targetKind = try FileSystem.kind(writer.targetPath) else {
                targetExists = false
                targetIsNotADirectory = false
                entries = []
                kinds = [:]
                return
            }
            guard targetKind == .directory else {
                targetExists = false
                targetIsNotADirectory = true
                entries = []
                kinds = [:]
                changes = [.blocked("", reason: "\(targetKind.noun), not a directory (meridian writes a directory there)")]
                blocked = true
                return
            }
            targetExists = true
            targetIsNotADirectory = false
            entries = try FileSystem.walk(writer.targetPath)
            var kinds: [String: FileSystem.Kind] = [:]
            kinds.reserveCapacity(entries.count)
            for entry in entries { kinds[entry.path] = entry.kind }
            self.kinds = kinds
        }

        deinit {
            for descriptor in folderDescriptors.values { close(descriptor) }
            for descriptor in currentFolderDescriptors.values where descriptor >= 0 { close(descriptor) }
        }

        private func locked<T>(_ body: () throws -> T) rethrows -> T {
            lock.lock()
            defer { lock.unlock() }
            return try body()
        }

        /// Takes one job's files: compares each with the disk and, when writing, puts it in the staging tree.
        func accept(_ files: [GeneratedFile]) {
            var buffer = [UInt8](repeating: 0, count: OutputWriter.headerLength + 64 * 1024)
            for file in files {
                let isNew = locked { () -> Bool in
                    guard wantedSet.insert(file.path).inserted else { return false }
                    wanted.append(file.path)
                    checkFolders(of: file.path, &buffer)
                    return true
                }
                // The target itself is in the way (a file where the folder goes): that alone is said.
                guard isNew, !targetIsNotADirectory else { continue }
                if file.isMadeInPieces && kinds[file.path] ?? .regular == .regular {
                    acceptInPieces(file, replacing: kinds[file.path] != nil)
                    continue
                }
                guard let kind = kinds[file.path] else {
                    put(file, change: .added(file.path))
                    continue
                }
                guard kind == .regular else {
                    locked { record(.blocked(file.path, reason: "\(kind.noun) where a generated file goes")) }
                    continue
                }
                let compared = file.withUTF8 { FileSystem.compare(writer.targetPath + "/" + file.path, with: $0, keepingHead: OutputWriter.headerLength, buffer: &buffer) }
                if let compared, compared.equal {
                    keepUnchanged(file.path)
                } else if let compared, GeneratedHeader.isGenerated(OutputWriter.head(buffer, compared.size)) {
                    put(file, change: .modified(file.path))
                } else {
                    locked { record(.blocked(file.path, reason: "not generated by meridian (no generated header) and a generated file goes there")) }
                }
            }
        }

        /// A file made in pieces (REPORT.md), never held whole: compared with the file on disk piece by
        /// piece and, from the first difference, written into the staging tree, the part that was
        /// equal copied from the old file. Same outcomes as `accept` gives a file held whole.
        private func acceptInPieces(_ file: GeneratedFile, replacing: Bool) {
            let path = file.path
            var old: Int32 = -1, oldSize = 0
            if replacing {
                if let opened = FileSystem.openRegularFile(writer.targetPath + "/" + path) { (old, oldSize) = opened }
                var head = [UInt8](repeating: 0, count: OutputWriter.headerLength)
                let count = old < 0 ? -1 : pread(old, &head, head.count, 0)
                guard count >= 0, GeneratedHeader.isGenerated(OutputWriter.head(head, count)) else {
                    if old >= 0 { close(old) }
                    locked { record(.blocked(path, reason: "not generated by meridian (no generated header) and a generated file goes there")) }
                    return
                }
            }
            defer { if old >= 0 { close(old) } }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            var equalSoFar = 0
            var output: PieceOutput?
            var differs = !replacing
            /// From the first difference on: the change recorded, the staging file opened (when
            /// writing) and the equal part copied into it from the old file.
            func startWriting() {
                differs = true
                output = PieceOutput(self, file: path, change: replacing ? .modified(path) : .added(path))
                var offset = 0
                while let output, offset < equalSoFar {
                    let got = chunk.withUnsafeMutableBytes { pread(old, $0.baseAddress!, min($0.count, equalSoFar - offset), offset) }
                    guard got > 0 else {
                        output.fail(SystemCallError(writer.targetPath + "/" + path))
                        break
                    }
                    chunk.withUnsafeBytes { output.write(UnsafeRawBufferPointer(rebasing: $0[..<got])) }
                    offset += got
                }
            }
            if differs { startWriting() }
            file.forEachPiece { piece in
                if !differs {
                    if readsEqual(old, piece, &chunk) {
                        equalSoFar += piece.count
                        return true
                    }
                    startWriting()
                }
                // Nothing is written for a compare-only session, or once writing failed: stop making pieces.
                guard let output, output.isOpen else { return false }
                output.write(piece)
                return true
            }
            if !differs && equalSoFar < oldSize { startWriting() }
            guard differs else {
                keepUnchanged(path)
                return
            }
            output?.finish()
        }

        /// Reads `piece.count` bytes of `descriptor` from where it is and compares them with `piece`.
        private func readsEqual(_ descriptor: Int32, _ piece: UnsafeRawBufferPointer, _ chunk: inout [UInt8]) -> Bool {
            var offset = 0
            while offset < piece.count {
                let wanted = min(chunk.count, piece.count - offset)
                guard chunk.withUnsafeMutableBytes({ FileSystem.readExactly(descriptor, into: $0.baseAddress!, count: wanted) }) else { return false }
                guard chunk.withUnsafeBytes({ memcmp($0.baseAddress!, piece.baseAddress! + offset, wanted) }) == 0 else { return false }
                offset += wanted
            }
            return true
        }

        /// A staging file written a piece at a time; errors end up in the session's `failure`.
        final class PieceOutput {
            let session: Session
            let path: String
            private(set) var descriptor: Int32 = -1
            var isOpen: Bool { descriptor >= 0 }

            /// Records `change`; opens the staging file when the session writes and nothing failed yet.
            init?(_ session: Session, file: String, change: Change) {
                self.session = session
                let destination = session.locked { () -> String? in
                    session.record(change)
                    guard session.writing, !session.blocked, session.failure == nil else { return nil }
                    do {
                        return try session.prepare(file)
                    } catch {
                        session.failure = error
                        return nil
                    }
                }
                guard let destination else { return nil }
                path = destination
                descriptor = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
                if descriptor < 0 { fail(SystemCallError(destination)) }
            }

            func write(_ bytes: UnsafeRawBufferPointer) {
                var offset = 0
                while isOpen && offset < bytes.count {
                    let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        fail(SystemCallError(path))
                        return
                    }
                    offset += written
                }
            }

            func fail(_ error: Error) {
                if isOpen { close(descriptor) }
                descriptor = -1
                session.locked { if session.failure == nil { session.failure = error } }
            }

            /// Closes the file: close reports deferred write errors, so it is part of writing.
            func finish() {
                guard isOpen else { return }
                let closed = close(descriptor)
                descriptor = -1
                if closed != 0 { session.locked { if session.failure == nil { session.failure = SystemCallError(path) } } }
            }
        }

        /// Takes the paths of files proved on disk with the bytes generation would give them: kept
        /// without reading them. The proof was made after the tree was listed, so each is there, a
        /// regular file; if one is not, something changed the tree meanwhile and nothing is written.
        func keep(_ paths: [String]) {
            var buffer: [UInt8] = []
            let new = locked { () -> [String] in
                keptPaths += paths
                return paths.filter { path in
                    guard wantedSet.insert(path).inserted else { return false }
                    wanted.append(path)
                    checkFolders(of: path, &buffer)
                    return true
                }
            }
            guard !targetIsNotADirectory else { return }
            for path in new {
                guard kinds[path] == .regular else {
                    locked { if failure == nil { failure = OutputError(description: "\(path) changed while compile ran") } }
                    continue
                }
                keepUnchanged(path)
            }
        }

        /// Every folder on the way must be a folder, or a generated file that is going away. Under the lock.
        private func checkFolders(of path: String, _ buffer: inout [UInt8]) {
            // Over bytes, as the file system reads a path (and without a Character walk per file).
            let bytes = path.utf8
            var slash = bytes.firstIndex(of: UInt8(ascii: "/"))
            while let end = slash {
                let directory = String(path[..<end])
                if checkedDirectories.insert(directory).inserted, let kind = kinds[directory], kind != .directory,
                   !(kind == .regular && isGenerated(directory, &buffer)) {
                    record(.blocked(directory, reason: "\(kind.noun) where generated files need a directory"))
                }
                slash = bytes[bytes.index(after: end)...].firstIndex(of: UInt8(ascii: "/"))
            }
        }

        /// Under the lock.
        private func record(_ change: Change) {
            changes.append(change)
            if case .blocked = change { blocked = true }
        }

        private func put(_ file: GeneratedFile, change: Change) {
            let destination = locked { () -> Destination? in
                record(change)
                guard writing, !blocked, failure == nil else { return nil }
                do {
                    return try self.destination(of: file.path)
                } catch {
                    failure = error
                    return nil
                }
            }
            guard let destination else { return }
            do {
                try file.withUTF8 { try FileSystem.writeFile(in: destination.folder, destination.name, $0, path: destination.path) }
            } catch {
                locked { if failure == nil { failure = error } }
            }
        }

        private func keepUnchanged(_ path: String) {
            let destination = locked { () -> Destination? in
                unchangedCount += 1
                guard staging != nil, !blocked, failure == nil else {
                    pendingLinks.append(path)
                    return nil
                }
                do {
                    return try self.destination(of: path, fromCurrentTree: true)
                } catch {
                    failure = error
                    return nil
                }
            }
            guard let destination else { return }
            do {
                try linkUnchanged(path, to: destination)
            } catch {
                locked { if failure == nil { failure = error } }
            }
        }

        /// Where a file goes in the staging tree: its path there, its folder there, open, and its
        /// name in it; for an unchanged file also its folder in the current tree, open (-1 when it
        /// cannot be opened).
        struct Destination {
            var path: String
            var folder: Int32
            var currentFolder: Int32 = -1
            var name: String
        }

        /// Under the lock: makes the staging tree and the folders on the way. `fromCurrentTree`:
        /// the file is linked from the current tree.
        private func destination(of path: String, fromCurrentTree: Bool = false) throws -> Destination {
            let destination = try prepare(path)
            // Split on the bytes: a Character search costs more than the file's creation saves.
            let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
            let parent = slash.map { String(path[..<$0]) } ?? ""
            let name = slash.map { String(path[path.utf8.index(after: $0)...]) } ?? path
            var result = Destination(path: destination, folder: try folderDescriptor(parent), name: name)
            if fromCurrentTree {
                result.currentFolder = currentFolderDescriptors[parent] ?? {
                    let descriptor = open(writer.targetPath + (parent.isEmpty ? "" : "/" + parent), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    currentFolderDescriptors[parent] = descriptor
                    return descriptor
                }()
            }
            return result
        }

        /// An unchanged file's place in the new tree: a hard link to the old one, or, where the file
        /// system has none, a copy of its bytes (the same bytes generation made: they were compared).
        /// Linked folder to folder, by name: two full paths cost the kernel a walk each, per file.
        private func linkUnchanged(_ path: String, to destination: Destination) throws {
            if destination.currentFolder >= 0, linkat(destination.currentFolder, destination.name, destination.folder, destination.name, 0) == 0 { return }
            let source = writer.targetPath + "/" + path
            if (try? FileSystem.hardLink(source, destination.path)) != nil { return }
            locked { copiedAnUnchangedFile = true }
            var bytes: [UInt8] = []
            guard let size = FileSystem.read(source, upTo: .max, into: &bytes) else { throw SystemCallError(source) }
            try bytes.withUnsafeBytes { try FileSystem.writeFile(destination.path, UnsafeRawBufferPointer(rebasing: $0[..<size])) }
        }

        /// The staging path for `path`, making the staging tree and the folders on the way. Under the lock.
        private func prepare(_ path: String) throws -> String {
            let staging = try stagingTree()
            try makeParent(of: path, in: staging)
            return staging + "/" + path
        }

        /// The staging folder `parent` (relative to the tree; "" is its root), open. Under the lock.
        private func folderDescriptor(_ parent: String) throws -> Int32 {
            if let known = folderDescriptors[parent] { return known }
            let path = try stagingTree() + (parent.isEmpty ? "" : "/" + parent)
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { throw SystemCallError(path) }
            folderDescriptors[parent] = descriptor
            return descriptor
        }

        private func stagingTree() throws -> String {
            if let staging { return staging }
            let path = writer.sibling("staging")
            try FileSystem.removeTree(path)
            modes.append((path, FileSystem.mode(writer.targetPath) ?? 0o755))
            try FileSystem.makeDirectory(path, mode: 0o700)
            staging = path
            return path
        }

        private func makeParent(of path: String, in staging: String) throws {
            guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return }
            let parent = String(path[..<slash])
            guard createdDirectories.insert(parent).inserted else { return }
            try makeParent(of: parent, in: staging)
            if mkdir(staging + "/" + parent, 0o700) != 0 && errno != EEXIST {
                throw SystemCallError(staging + "/" + parent)
            }
            modes.append((staging + "/" + parent, FileSystem.mode(writer.targetPath + "/" + parent) ?? 0o755))
        }

        /// After the last file: what the current tree holds that was not generated this time, either
        /// generated files to remove or the user's entries to carry over.
        func surveyRemainder() {
            var buffer = [UInt8](repeating: 0, count: OutputWriter.headerLength)
            var parents = Set<String>()
            for entry in entries {
                if let slash = entry.path.lastIndex(of: "/") { parents.insert(String(entry.path[..<slash])) }
            }
            locked {
                for entry in entries where !wantedSet.contains(entry.path) {
                    switch entry.kind {
                    case .directory:
                        // A folder with entries comes back with what it holds (a removed region's folder of
                        // generated files goes with them); only an empty one is the user's as such.
                        if !parents.contains(entry.path) && !checkedDirectories.contains(entry.path) { userEntries.append(entry) }
                    case .regular where isGenerated(entry.path, &buffer):
                        record(.removed(entry.path))
                    default:
                        userEntries.append(entry)
                    }
                }
            }
        }

        /// The staging tree with everything in it: the unchanged files not linked yet, the user's
        /// entries, and every folder's mode.
        func completeStaging() throws -> String {
            try locked {
                let staging = try stagingTree()
                defer {
                    for (path, mode) in modes.reversed() { _ = chmod(path, mode) }
                    modes = []
                }
                for path in pendingLinks {
                    try linkUnchanged(path, to: try destination(of: path, fromCurrentTree: true))
                }
                pendingLinks = []
                for entry in userEntries {
                    try makeParent(of: entry.path, in: staging)
                    try writer.carry(entry, to: staging + "/" + entry.path)
                }
                return staging
            }
        }

        func discardStaging() {
            locked {
                if let staging { try? FileSystem.removeTree(staging) }
                staging = nil
            }
        }

        private func isGenerated(_ path: String, _ buffer: inout [UInt8]) -> Bool {
            guard let size = FileSystem.read(writer.targetPath + "/" + path, upTo: OutputWriter.headerLength, into: &buffer) else { return false }
            return GeneratedHeader.isGenerated(OutputWriter.head(buffer, size))
        }
    }

    fileprivate static func head(_ buffer: [UInt8], _ size: Int) -> Substring {
        Substring(String(decoding: buffer[..<min(size, headerLength, buffer.count)], as: UTF8.self))
    }

    private var pid: Int32 { getpid() }
    fileprivate func sibling(_ role: String) -> String { rootPath + "/.\(blueprint).\(role)-\(pid)" }

    /// Moves one of the user's entries into the new tree as the same inode; where the file system
    /// refuses hard links, as a copy of the same kind. Never silently drops it.
    fileprivate func carry(_ entry: FileSystem.Entry, to destination: String) throws {
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
            if removesOldTreeInBackground {
                RetiredTrees.remove(staging)
            } else {
                try? FileSystem.removeTree(staging)
            }
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

/// Old output trees swapped out by a compile, removed one at a time on another thread while it
/// stamps and remembers the new ones: unlinking 8,000 files takes this machine's kernel 30 ms.
/// The new tree is complete and in place before an old one is handed here; a compile killed
/// meanwhile leaves the rest at its staging name, which the next compile clears before using it.
public enum RetiredTrees {
    private static let pending = DispatchGroup()
    private static let queue = DispatchQueue(label: "meridian.retired-trees")

    static func remove(_ path: String) {
        pending.enter()
        queue.async {
            PhaseTimings.measure("remove the old tree (another thread)") { try? FileSystem.removeTree(path) }
            pending.leave()
        }
    }

    /// Returns once every tree handed over is removed.
    public static func waitUntilRemoved() {
        pending.wait()
    }
}
