import Diagnostics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call, worded by the C library: `strerror` keeps the cause ("No space left on
/// device", "Not a directory") that Foundation's NSError text hides behind "error 512".
public struct SystemCallError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var code: Int32

    public init(_ path: String, code: Int32 = errno) {
        self.path = path
        self.code = code
    }

    public var description: String { "\(path): \(String(cString: strerror(code)))" }
}

/// A path meridian will not write to or read from: something other than a regular file is there.
public struct RefusedPath: Error, CustomStringConvertible, Sendable {
    public var path: String
    var kind: FileSystem.Kind

    public var description: String {
        "\(path) is \(kind.noun), not a regular file; meridian does not write through links or into pipes or devices"
    }
}

/// Files the user names on the command line that the tool writes (`diff --full-output`, the
/// GitHub job summary): see `FileSystem.openForWriting`.
public enum UserFile {
    /// Replaces the file's contents (creating it).
    public static func write(_ path: String, _ text: String) throws {
        let descriptor = try FileSystem.openForWriting(path, append: false)
        var utf8 = text
        try utf8.withUTF8 { try FileSystem.writeAll(descriptor, UnsafeRawBufferPointer($0), path: path) }
    }

    /// Adds to the end of the file (creating it).
    public static func append(_ path: String, _ text: String) throws {
        let descriptor = try FileSystem.openForWriting(path, append: true)
        var utf8 = text
        try utf8.withUTF8 { try FileSystem.writeAll(descriptor, UnsafeRawBufferPointer($0), path: path) }
    }
}

/// The few POSIX file operations the output writer needs, on plain string paths, never following
/// symbolic links unless said so.
enum FileSystem {
    enum Kind: Equatable {
        case regular, directory, symbolicLink, fifo, socket, device, other

        var noun: String {
            switch self {
            case .regular: "a regular file"
            case .directory: "a directory"
            case .symbolicLink: "a symbolic link"
            case .fifo: "a named pipe (FIFO)"
            case .socket: "a socket"
            case .device: "a device file"
            case .other: "a special file"
            }
        }

        init(mode: mode_t) {
            switch mode & S_IFMT {
            case S_IFREG: self = .regular
            case S_IFDIR: self = .directory
            case S_IFLNK: self = .symbolicLink
            case S_IFIFO: self = .fifo
            case S_IFSOCK: self = .socket
            case S_IFCHR, S_IFBLK: self = .device
            default: self = .other
            }
        }
    }

    /// The entry at `path` itself (a symbolic link is reported as one), or nil when nothing is there.
    static func kind(_ path: String) throws -> Kind? {
        var status = stat()
        if lstat(path, &status) == 0 { return Kind(mode: status.st_mode) }
        if errno == ENOENT { return nil }
        throw SystemCallError(path)
    }

    /// The kind of an open file (what `fstat` says), nil when it cannot tell.
    static func openedKind(_ descriptor: Int32) -> Kind? {
        var status = stat()
        return fstat(descriptor, &status) == 0 ? Kind(mode: status.st_mode) : nil
    }

    static func mode(_ path: String) -> mode_t? {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & 0o7777 : nil
    }

    /// `mkdir -p`: a symbolic link to a directory counts as a directory, anything else in the way
    /// is reported with the cause of the failure.
    static func makeDirectories(_ path: String) throws {
        if mkdir(path, 0o755) == 0 { return }
        let code = errno
        switch code {
        case EEXIST:
            var status = stat()
            guard stat(path, &status) == 0 else { throw SystemCallError(path) }
            if status.st_mode & S_IFMT != S_IFDIR { throw SystemCallError(path, code: ENOTDIR) }
        case ENOENT:
            guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { throw SystemCallError(path, code: code) }
            try makeDirectories(String(path[..<slash]))
            if mkdir(path, 0o755) != 0 && errno != EEXIST { throw SystemCallError(path) }
        default:
            throw SystemCallError(path, code: code)
        }
    }

    static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws {
        guard mkdir(path, mode) == 0 else { throw SystemCallError(path) }
    }

    /// Plain open/write/close, no fsync: the directory swap is what makes the result atomic for a
    /// killed process, and fsyncing thousands of manifests made writing I/O-bound.
    static func writeFile(_ path: String, _ contents: String) throws {
        var utf8 = contents
        try utf8.withUTF8 { try writeFile(path, UnsafeRawBufferPointer($0)) }
    }

    static func writeFile(_ path: String, _ bytes: UnsafeRawBufferPointer, mode: mode_t = 0o644) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw SystemCallError(path) }
        try writeAll(descriptor, bytes, path: path)
    }

    /// `writeFile` for `name` in the folder open as `folder`; `path` names the file in errors.
    static func writeFile(in folder: Int32, _ name: String, _ bytes: UnsafeRawBufferPointer, path: String, mode: mode_t = 0o644) throws {
        let descriptor = openat(folder, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw SystemCallError(path) }
        try writeAll(descriptor, bytes, path: path)
    }

    /// Writes every byte, then closes `descriptor` (also on failure).
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var failure: Int32?
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            offset += written
        }
        // close reports deferred write errors (NFS, quota); it is part of writing.
        let closed = close(descriptor)
        if let failure { throw SystemCallError(path, code: failure) }
        if closed != 0 { throw SystemCallError(path) }
    }

    /// Reads up to `limit` bytes of `path` into `buffer` (reused between calls) and returns the
    /// file's full size, or nil when it cannot be opened.
    static func read(_ path: String, upTo limit: Int, into buffer: inout [UInt8]) -> Int? {
        guard let (descriptor, size) = openRegularFile(path) else { return nil }
        defer { close(descriptor) }
        let wanted = min(size, limit)
        if buffer.count < wanted { buffer = [UInt8](repeating: 0, count: max(wanted, buffer.count * 2)) }
        guard buffer.withUnsafeMutableBytes({ readExactly(descriptor, into: $0.baseAddress!, count: wanted) }) else { return nil }
        return size
    }

    /// `path` opened for reading, with its size, when it is a regular file (not through a link);
    /// nil otherwise. Non-blocking: a FIFO put there after a directory was listed must not hang
    /// the compile.
    static func openRegularFile(_ path: String) -> (descriptor: Int32, size: Int)? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, Kind(mode: status.st_mode) == .regular else {
            close(descriptor)
            return nil
        }
        return (descriptor, Int(status.st_size))
    }

    /// Reads `count` bytes from where `descriptor` is; false when the file ends first or reading fails.
    static func readExactly(_ descriptor: Int32, into destination: UnsafeMutableRawPointer, count: Int) -> Bool {
        var done = 0
        while done < count {
            let got = Glibc.read(descriptor, destination + done, count - done)
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return false }
            done += got
        }
        return true
    }

    /// Compares the file at `path` with `expected` a chunk at a time through `buffer`, so a large
    /// file (REPORT.md: 26 MB at 1,000 services × 32 regions) is never held twice. The first
    /// `headLength` bytes of the buffer are left holding the file's first bytes, for its header.
    /// Returns the file's size and whether its bytes are `expected`; nil when it cannot be read.
    static func compare(_ path: String, with expected: UnsafeRawBufferPointer, keepingHead headLength: Int,
                        buffer: inout [UInt8]) -> (size: Int, equal: Bool)? {
        guard let (descriptor, size) = openRegularFile(path) else { return nil }
        defer { close(descriptor) }
        let chunk = 1 << 16
        if buffer.count < headLength + chunk { buffer = [UInt8](repeating: 0, count: headLength + chunk) }
        return buffer.withUnsafeMutableBytes { scratch -> (size: Int, equal: Bool)? in
            func fill(_ start: Int, _ count: Int) -> Bool { readExactly(descriptor, into: scratch.baseAddress! + start, count: count) }
            let head = min(size, headLength)
            guard fill(0, head) else { return nil }
            var equal = size == expected.count && (head == 0 || memcmp(scratch.baseAddress!, expected.baseAddress!, head) == 0)
            var offset = head
            while equal && offset < size {
                let count = min(chunk, size - offset)
                guard fill(headLength, count) else { return nil }
                equal = memcmp(scratch.baseAddress! + headLength, expected.baseAddress! + offset, count) == 0
                offset += count
            }
            return (size, equal)
        }
    }

    struct Entry {
        var path: String
        var kind: Kind
    }

    /// Everything under `root`, as paths relative to it, parents before children; symbolic links
    /// are listed, not followed. Empty when `root` does not exist.
    static func walk(_ root: String) throws -> [Entry] {
        var entries: [Entry] = []
        try walk(root, prefix: "", into: &entries)
        return entries
    }

    private static func walk(_ directory: String, prefix: String, into entries: inout [Entry]) throws {
        guard let handle = opendir(directory) else {
            if errno == ENOENT && prefix.isEmpty { return }
            throw SystemCallError(directory)
        }
        defer { closedir(handle) }
        var children: [Entry] = []
        while let item = readdir(handle) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name == "." || name == ".." { continue }
            let kind: Kind
            switch Int32(item.pointee.d_type) {
            case Int32(DT_REG): kind = .regular
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .symbolicLink
            case Int32(DT_FIFO): kind = .fifo
            case Int32(DT_SOCK): kind = .socket
            case Int32(DT_CHR), Int32(DT_BLK): kind = .device
            default: kind = try Self.kind(directory + "/" + name) ?? .other
            }
            children.append(Entry(path: prefix + name, kind: kind))
        }
        children.sort { $0.path < $1.path }
        for child in children {
            entries.append(child)
            if child.kind == .directory {
                let name = child.path.dropFirst(prefix.count)
                try walk(directory + "/" + name, prefix: child.path + "/", into: &entries)
            }
        }
    }

    /// Names directly inside `directory` (hidden ones included); empty when it does not exist.
    static func names(in directory: String) throws -> [String] {
        guard let handle = opendir(directory) else {
            if errno == ENOENT || errno == ENOTDIR { return [] }
            throw SystemCallError(directory)
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let item = readdir(handle) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// `rm -rf` that never follows a symbolic link out of the tree.
    static func removeTree(_ path: String) throws {
        guard let kind = try kind(path) else { return }
        guard kind == .directory else {
            guard unlink(path) == 0 || errno == ENOENT else { throw SystemCallError(path) }
            return
        }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return }
            throw SystemCallError(path)
        }
        try empty(descriptor, path: path)
        guard rmdir(path) == 0 || errno == ENOENT else { throw SystemCallError(path) }
    }

    /// Deletes everything in the open folder `directory` (at `path`, for messages) and closes it.
    /// Entries are named relative to their folder and told apart by the kind the listing gives, so
    /// a file costs one system call; a folder's subfolders are emptied on every core.
    private static func empty(_ directory: Int32, path: String) throws {
        // A read-only folder (an output a team locked down) must still be emptied.
        var status = stat()
        if fstat(directory, &status) == 0, status.st_mode & S_IRWXU != S_IRWXU {
            _ = fchmod(directory, (status.st_mode & 0o7777) | S_IRWXU)
        }
        guard let handle = fdopendir(directory) else {
            close(directory)
            throw SystemCallError(path)
        }
        defer { closedir(handle) }
        var folders: [String] = [], others: [String] = []
        while let item = readdir(handle) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name == "." || name == ".." { continue }
            var isFolder = Int32(item.pointee.d_type) == Int32(DT_DIR)
            if Int32(item.pointee.d_type) == Int32(DT_UNKNOWN) {
                var entry = stat()
                isFolder = fstatat(directory, name, &entry, AT_SYMLINK_NOFOLLOW) == 0 && entry.st_mode & S_IFMT == S_IFDIR
            }
            if isFolder { folders.append(name) } else { others.append(name) }
        }
        for name in others where unlinkat(directory, name, 0) != 0 && errno != ENOENT {
            throw SystemCallError(path + "/" + name)
        }
        let subfolders = folders
        let failures = Parallel.map(subfolders.count) { index -> SystemCallError? in
            let name = subfolders[index]
            let child = openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if child < 0 { return errno == ENOENT ? nil : SystemCallError(path + "/" + name) }
            do {
                try empty(child, path: path + "/" + name)
            } catch let error as SystemCallError {
                return error
            } catch {
                return SystemCallError(path + "/" + name)
            }
            return unlinkat(directory, name, AT_REMOVEDIR) == 0 || errno == ENOENT ? nil : SystemCallError(path + "/" + name)
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
    }

    /// A second name for the entry itself (a symbolic link stays a link, a FIFO stays a FIFO):
    /// contents, mode, owner and mtime are shared, not copied.
    static func hardLink(_ source: String, _ destination: String) throws {
        guard linkat(AT_FDCWD, source, AT_FDCWD, destination, 0) == 0 else { throw SystemCallError(destination) }
    }

    /// Opens a file the tool creates or rewrites (`--full-output`, the job summary) for writing:
    /// never through a symbolic link, never blocking on a FIFO, and only when it is a regular file,
    /// so a link or a pipe an attacker placed there is refused instead of written through.
    static func openForWriting(_ path: String, append: Bool) throws -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (append ? O_APPEND : 0), 0o644)
        guard descriptor >= 0 else {
            if errno == ELOOP, (try? kind(path)) == .symbolicLink { throw RefusedPath(path: path, kind: .symbolicLink) }
            throw SystemCallError(path)
        }
        if let kind = openedKind(descriptor), kind != .regular {
            close(descriptor)
            throw RefusedPath(path: path, kind: kind)
        }
        // Truncated only now: O_TRUNC would have emptied whatever the path named before the check.
        if !append && ftruncate(descriptor, 0) != 0 {
            let code = errno
            close(descriptor)
            throw SystemCallError(path, code: code)
        }
        return descriptor
    }

    static func rename(_ source: String, _ destination: String) throws {
        guard Glibc.rename(source, destination) == 0 else { throw SystemCallError(source) }
    }

    enum ExchangeOutcome: Equatable {
        case exchanged
        /// The kernel or the file system cannot exchange; nothing happened.
        case unsupported
        case failed(Int32)
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// glibc's `renameat2` (2.28+). Swift's Glibc module does not declare it and cannot call the
    /// variadic `syscall`, so it is looked up by name; nil on older C libraries.
    private static let renameAt2: RenameAt2? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
        #else
        return nil
        #endif
    }()

    /// Linux `RENAME_EXCHANGE` and `RENAME_NOREPLACE` (include/uapi/linux/fs.h).
    static let renameNoReplace: UInt32 = 1
    static let renameExchange: UInt32 = 2

    /// Swaps two existing paths in one step, so that no observer and no crash can see either
    /// name missing. EINVAL/ENOSYS/ENOTSUP mean this kernel or file system cannot (renameat2(2)).
    static func exchange(_ first: String, _ second: String) -> ExchangeOutcome {
        guard let renameAt2 else { return .unsupported }
        if renameAt2(AT_FDCWD, first, AT_FDCWD, second, renameExchange) == 0 { return .exchanged }
        let code = errno
        return [EINVAL, ENOSYS, ENOTSUP, EOPNOTSUPP].contains(code) ? .unsupported : .failed(code)
    }

    /// Renames to a name that must not exist yet; plain rename where the kernel lacks NOREPLACE.
    static func renameNoReplace(_ source: String, _ destination: String) throws {
        if let renameAt2 {
            if renameAt2(AT_FDCWD, source, AT_FDCWD, destination, renameNoReplace) == 0 { return }
            if ![EINVAL, ENOSYS, ENOTSUP, EOPNOTSUPP].contains(errno) { throw SystemCallError(destination) }
        }
        try rename(source, destination)
    }

    /// Whether a process with this id exists (EPERM: it does, owned by someone else).
    static func processIsAlive(_ pid: pid_t) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}
