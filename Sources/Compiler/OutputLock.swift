#if canImport(Glibc)
import Glibc
#endif

/// An advisory `flock(2)` on `<output root>/.meridian.lock`, so two compiles into one output
/// directory take turns instead of interleaving their swaps and cleanups.
///
/// Writers hold it exclusively and delete the file when they are done, so a committed `Output/`
/// carries no lock file between runs. Because of that deletion a waiter can end up holding a lock
/// on a file that is no longer in the directory; it then checks that the path still names the
/// inode it locked and starts over if not (the usual protocol for removable lock files).
/// The kernel drops the lock when its holder dies, even by `kill -9`: a stale file is harmless.
public final class OutputLock: @unchecked Sendable {
    public static let fileName = ".meridian.lock"

    public enum Mode: Sendable { case exclusive, shared }

    let path: String
    private var descriptor: Int32
    private let mode: Mode

    private init(path: String, descriptor: Int32, mode: Mode) {
        self.path = path
        self.descriptor = descriptor
        self.mode = mode
    }

    deinit { release() }

    /// The writers' lock: creates `root` if needed, then waits for any other holder. `waiting` is
    /// called once, with the holder's process id when known, before blocking.
    public static func exclusive(root: String, waiting: (Int32?) -> Void = { _ in }) throws -> OutputLock {
        do {
            try FileSystem.makeDirectories(root)
        } catch {
            throw OutputError(description: "cannot write into \(root): \(error)")
        }
        return try acquire(root: root, mode: .exclusive, waiting: waiting)!
    }

    /// The readers' lock (`compile --check`): waits for a writer to finish. Nil when there is no
    /// lock file, i.e. no writer: readers never create files.
    public static func shared(root: String, waiting: (Int32?) -> Void = { _ in }) throws -> OutputLock? {
        try acquire(root: root, mode: .shared, waiting: waiting)
    }

    private static func acquire(root: String, mode: Mode, waiting: (Int32?) -> Void) throws -> OutputLock? {
        let path = (root.hasSuffix("/") ? root : root + "/") + fileName
        var announced = false
        while true {
            // Never through a link (git stores symbolic links, so a pull request can put one here,
            // and following it would truncate its target), never blocking on a FIFO.
            let flags = O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | (mode == .exclusive ? O_RDWR | O_CREAT : O_RDONLY)
            let descriptor = open(path, flags, 0o644)
            if descriptor < 0 {
                if mode == .shared && (errno == ENOENT || errno == ENOTDIR) { return nil }
                throw lockError(path, code: errno)
            }
            if let kind = FileSystem.openedKind(descriptor), kind != .regular {
                close(descriptor)
                throw OutputError(description: "\(path) is \(kind.noun), not meridian's lock file; remove it and compile again")
            }
            let operation = mode == .exclusive ? LOCK_EX : LOCK_SH
            if flock(descriptor, operation | LOCK_NB) != 0 {
                guard errno == EWOULDBLOCK else {
                    let code = errno
                    close(descriptor)
                    throw SystemCallError(path, code: code)
                }
                if !announced {
                    waiting(holder(descriptor))
                    announced = true
                }
                while flock(descriptor, operation) != 0 {
                    guard errno == EINTR else {
                        let code = errno
                        close(descriptor)
                        throw SystemCallError(path, code: code)
                    }
                }
            }
            // The previous holder may have deleted the file after we opened it.
            var locked = stat(), named = stat()
            let pathGone = stat(path, &named) != 0
            guard !pathGone, fstat(descriptor, &locked) == 0,
                  locked.st_dev == named.st_dev, locked.st_ino == named.st_ino else {
                close(descriptor)
                if mode == .shared && pathGone { return nil }
                continue
            }
            if mode == .exclusive {
                let pid = "\(getpid())\n"
                _ = ftruncate(descriptor, 0)
                _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
            }
            return OutputLock(path: path, descriptor: descriptor, mode: mode)
        }
    }

    /// A symbolic link is named as such (open says only "Too many levels of symbolic links").
    private static func lockError(_ path: String, code: Int32) -> Error {
        if code == ELOOP, (try? FileSystem.kind(path)) == .symbolicLink {
            return OutputError(description: "\(path) is a symbolic link, not meridian's lock file (meridian never writes through links); remove it and compile again")
        }
        return SystemCallError(path, code: code)
    }

    /// Whether someone holds the lock right now; for tests (it takes the lock for an instant).
    public static func isHeld(root: String) -> Bool {
        let path = (root.hasSuffix("/") ? root : root + "/") + fileName
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return false }
        return errno == EWOULDBLOCK
    }

    private static func holder(_ descriptor: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, 15, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: bytes[..<count].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }, as: UTF8.self))
    }

    /// Deletes the file (exclusive holders only, while still holding the lock), then unlocks.
    public func release() {
        guard descriptor >= 0 else { return }
        if mode == .exclusive { unlink(path) }
        close(descriptor)
        descriptor = -1
    }
}
