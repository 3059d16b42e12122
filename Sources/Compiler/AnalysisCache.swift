import Diagnostics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What lint and compile remember about one blueprint between runs, so that in a repository of
/// thousands of blueprints an unchanged one costs a file read and a byte comparison instead of an
/// analysis (docs/performance.md, "Fleets").
///
/// An entry is found by the blueprint's path and the command's context, and is used only when
/// everything the answer depends on is byte-for-byte what it was: this binary (its inode, size and
/// modification time, so any rebuild or upgrade starts afresh), today's date (waivers expire), the
/// context (command, output folder, outage flags) and the blueprint's bytes, which the entry keeps
/// in full and compares — no hash stands in for them, so no collision can return another file's
/// answer. compile's entries also record the size, modification time and inode of every file it
/// wrote, so an edited, deleted or replaced output file sends that blueprint through compile again.
///
/// The cache is only an accelerator: an entry that is missing, unreadable or written by another
/// binary is a miss, and failing to write one is ignored.
public struct AnalysisCache: Sendable {
    public let directory: String
    let tool: String
    let today: String

    /// The cache in `MERIDIAN_CACHE_DIR`, else `$XDG_CACHE_HOME/meridian`, else `~/.cache/meridian`;
    /// nil when `MERIDIAN_CACHE=off` or no such place can be named.
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment, today: String = Pipeline.today()) {
        if environment["MERIDIAN_CACHE"] == "off" { return nil }
        let base: String
        if let explicit = environment["MERIDIAN_CACHE_DIR"], !explicit.isEmpty {
            base = explicit
        } else if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = xdg + "/meridian"
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            base = home + "/.cache/meridian"
        } else {
            return nil
        }
        guard let tool = Self.toolIdentity() else { return nil }
        // One folder per binary: an upgrade starts a new one, and `store` retires old ones.
        self.init(directory: base + "/v1/" + Self.fnv1a64(tool), tool: tool, today: today)
    }

    init(directory: String, tool: String, today: String) {
        self.directory = directory
        self.tool = tool
        self.today = today
    }

    /// This executable as the file system sees it: a rebuilt or reinstalled binary differs.
    static func toolIdentity() -> String? {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return nil }
        return "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    /// One remembered answer.
    public struct Entry: Sendable, Equatable {
        /// The blueprint's name (compile's output folder), when it decoded.
        public var blueprint: String?
        public var diagnostics: [Diagnostic]
        /// compile only: the files it wrote into the blueprint's output folder, as stamped then.
        public var outputs: [OutputStamp]
        /// Other files the answer read (a `cost.prices` override), with their bytes then (nil: absent).
        public var dependencies: [Dependency] = []
        /// compile only: the time just before `outputs` were taken (`OutputStamp.isRacy`).
        public var stampedAt: Instant

        public init(blueprint: String?, diagnostics: [Diagnostic], outputs: [OutputStamp] = [], stampedAt: Instant = Instant(seconds: 0, nanoseconds: 0),
                    dependencies: [Dependency] = []) {
            self.blueprint = blueprint
            self.diagnostics = diagnostics
            self.outputs = outputs
            self.stampedAt = stampedAt
            self.dependencies = dependencies
        }
    }

    /// A wall-clock time to the nanosecond, as file modification times are kept.
    public struct Instant: Sendable, Equatable, Comparable {
        public var seconds: Int
        public var nanoseconds: Int

        public init(seconds: Int, nanoseconds: Int) {
            self.seconds = seconds
            self.nanoseconds = nanoseconds
        }

        public static func now() -> Instant {
            var time = timespec()
            clock_gettime(CLOCK_REALTIME, &time)
            return Instant(seconds: time.tv_sec, nanoseconds: time.tv_nsec)
        }

        public static func < (lhs: Instant, rhs: Instant) -> Bool {
            (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
        }

        /// `self` less `milliseconds`.
        func minus(milliseconds: Int) -> Instant {
            let total = nanoseconds - milliseconds * 1_000_000
            let borrow = total < 0 ? (-total + 999_999_999) / 1_000_000_000 : 0
            return Instant(seconds: seconds - borrow, nanoseconds: total + borrow * 1_000_000_000)
        }
    }

    /// A file besides the blueprint that an answer depends on, kept in full and compared like the blueprint.
    public struct Dependency: Sendable, Equatable, Codable {
        public var path: String
        public var contents: Data?

        /// The file as it is now.
        public static func current(_ path: String) -> Dependency {
            Dependency(path: path, contents: (try? SourceLoader.load(path)).map { Data($0) })
        }
    }

    /// A written file's size, modification time and inode: what changes when anything rewrites it.
    public struct OutputStamp: Sendable, Equatable {
        public var path: String
        public var size: Int64
        public var modified: Instant
        public var inode: UInt64

        /// Whether the stamp proves nothing, as git's "racily clean" entries: a file modified in the
        /// same clock tick as compile's write, after the stamp was taken, keeps size, inode and
        /// modification time. That can only happen to a file modified within a tick of `stampedAt`
        /// (when the stamps were taken), or later. File systems that keep nanoseconds (ext4, xfs,
        /// btrfs, tmpfs) take file times from the kernel's coarse clock, which ticks every 1–10 ms
        /// (`current_time` reads `ktime_get_coarse_real_ts64`: "a usable resolution [no] better than
        /// one jiffy (1 to 10 milliseconds normally)", Linux commit d651d1607f22, "vfs: replace
        /// current_kernel_time64 with ktime equivalent"; a file's time can so lag `clock_gettime`
        /// by up to a tick: farside.org.uk/202511/filesystem_times), so a stamp 20 ms older than
        /// `stampedAt` is safe. A time without a fraction may come from
        /// a file system that keeps whole seconds, or two (FAT): it must be older by two seconds
        /// more than that, as must any stamp whose entry has no fraction either.
        func isRacy(stampedAt: Instant) -> Bool {
            let at = modified
            guard at.nanoseconds != 0, stampedAt.nanoseconds != 0 else { return at.seconds >= stampedAt.seconds - 2 }
            return at >= stampedAt.minus(milliseconds: 20)
        }

        /// The stamp of `path` inside the open folder `directory` now; nil when it is not a regular file.
        public static func of(_ path: String, in directory: Int32) -> OutputStamp? {
            var info = stat()
            guard fstatat(directory, path, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return OutputStamp(path: path, size: Int64(info.st_size),
                               modified: Instant(seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec), inode: UInt64(info.st_ino))
        }

        /// Calls `body` with `folder` open for stamping (its path resolved once, not per file).
        public static func inFolder<Result>(_ folder: String, _ body: (Int32) -> Result?) -> Result? {
            let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            defer { close(descriptor) }
            return body(descriptor)
        }
    }

    /// The entry for `file` in `context`, when it was made by this binary, today, from exactly
    /// `source` and exactly the files it depended on.
    public func lookup(file: String, context: String, source: [UInt8]) -> Entry? {
        guard let (entry, _) = read(file: file, context: context, accepts: { $0.elementsEqual(source) }),
              entry.dependencies.allSatisfy({ $0 == .current($0.path) }) else { return nil }
        return entry
    }

    /// The entry last stored for `file` in `context` by this binary today, whatever blueprint bytes
    /// it was made from, with those bytes: compile reuses the service files that an edit of
    /// another part left as they were (`PreviousOutput`). Its dependencies are not checked.
    public func previous(file: String, context: String) -> (entry: Entry, source: [UInt8])? {
        read(file: file, context: context) { _ in true }
    }

    /// The stored entry for `file` in `context` and the blueprint bytes it was made from, when
    /// `accepts` those bytes.
    private func read(file: String, context: String, accepts: (ArraySlice<UInt8>) -> Bool) -> (Entry, [UInt8])? {
        guard !file.contains("\n") else { return nil }
        // Not through a link, and a FIFO or device in the cache is a miss, never a hang (issue 20).
        var bytes: [UInt8] = []
        guard let size = FileSystem.read(entryPath(file: file, context: context), upTo: .max, into: &bytes) else { return nil }
        return Self.decode(Array(bytes[..<size]), expecting: header(file: file, context: context), accepts: accepts)
    }

    /// Remembers `entry`; written beside and renamed into place, so a reader never sees half of one.
    public func store(_ entry: Entry, file: String, context: String, source: [UInt8]) {
        guard !file.contains("\n") else { return }
        guard let encoded = Self.encode(entry, header: header(file: file, context: context), source: source) else { return }
        let path = entryPath(file: file, context: context)
        if !FileManager.default.fileExists(atPath: directory) {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            retireOtherBinaries()
        }
        let temporary = "\(path).\(getpid()).\(pthread_self()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        let complete = encoded.withUnsafeBytes { buffer in write(descriptor, buffer.baseAddress, buffer.count) == buffer.count }
        close(descriptor)
        if !complete || rename(temporary, path) != 0 { unlink(temporary) }
    }

    /// Deletes the folders of other binaries unused for a week, so upgrades do not pile up entries;
    /// a binary still in use (a debug and a release build side by side) keeps its folder fresh.
    func retireOtherBinaries(olderThan age: TimeInterval = 7 * 24 * 3600) {
        let parent = (directory as NSString).deletingLastPathComponent
        let mine = (directory as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name != mine {
            let path = parent + "/" + name
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  modified.timeIntervalSinceNow < -age else { continue }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// What an entry must begin with to answer for this binary, today, this file and context.
    /// A name with a line break cannot be told apart from the next field, so it is never cached.
    func header(file: String, context: String) -> String {
        // Both the path as given (findings name the file so) and where it is from here.
        let absolute = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        return ["meridian-analysis-cache 3", tool, today, context, file, absolute].joined(separator: "\n") + "\n"
    }

    func entryPath(file: String, context: String) -> String {
        directory + "/" + Self.fnv1a64(header(file: file, context: context))
    }

    /// The entry's file name: a hash only finds the entry, the header and bytes inside decide.
    static func fnv1a64(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    // Layout: header lines, then "<blueprint name or empty>\n<source length> <diagnostics length> <dependencies length>
    // <outputs length> <stamped at: seconds> <nanoseconds>\n",
    // then the source bytes, the diagnostics as JSON, and one output stamp per line.
    static func encode(_ entry: Entry, header: String, source: [UInt8]) -> [UInt8]? {
        guard entry.blueprint.map({ !$0.contains("\n") }) ?? true,
              let diagnostics = try? JSONEncoder().encode(entry.diagnostics) else { return nil }
        // By bytes: 8,000 stamps through string interpolation cost 2 % of a whole compile.
        var outputs: [UInt8] = []
        outputs.reserveCapacity(entry.outputs.count * 64)
        for stamp in entry.outputs {
            guard !stamp.path.utf8.contains(10) else { return nil }
            outputs.append(decimal: stamp.size)
            outputs.append(32)
            outputs.append(decimal: stamp.modified.seconds)
            outputs.append(UInt8(ascii: "."))
            outputs.append(decimal: stamp.modified.nanoseconds)
            outputs.append(32)
            outputs.append(decimal: stamp.inode)
            outputs.append(32)
            outputs.append(utf8Of: stamp.path)
            outputs.append(10)
        }
        let dependencies = entry.dependencies.isEmpty ? Data("[]".utf8) : (try? JSONEncoder().encode(entry.dependencies)) ?? Data()
        let lengths = "\(entry.blueprint ?? "")\n\(source.count) \(diagnostics.count) \(dependencies.count) \(outputs.count) "
            + "\(entry.stampedAt.seconds) \(entry.stampedAt.nanoseconds)\n"
        var bytes: [UInt8] = []
        bytes.reserveCapacity(header.utf8.count + lengths.utf8.count + source.count + diagnostics.count + dependencies.count + outputs.count)
        bytes.append(utf8Of: header)
        bytes.append(utf8Of: lengths)
        bytes += source
        bytes += diagnostics
        bytes += dependencies
        bytes += outputs
        return bytes
    }

    /// `seconds.nanoseconds`, as stamps are written.
    static func instant(_ text: Substring.UTF8View.SubSequence) -> Instant? {
        guard let dot = text.firstIndex(of: UInt8(ascii: ".")), let seconds = Int(Substring(text[..<dot])),
              let nanoseconds = Int(Substring(text[text.index(after: dot)...])), (0..<1_000_000_000).contains(nanoseconds) else { return nil }
        return Instant(seconds: seconds, nanoseconds: nanoseconds)
    }

    /// The entry and the blueprint bytes it was made from, when `accepts` those bytes (checked
    /// before the rest is decoded: a miss costs a comparison).
    static func decode(_ bytes: [UInt8], expecting header: String,
                       accepts: (ArraySlice<UInt8>) -> Bool) -> (Entry, [UInt8])? {
        let headerBytes = Array(header.utf8)
        guard bytes.count > headerBytes.count, bytes[..<headerBytes.count].elementsEqual(headerBytes) else { return nil }
        var cursor = headerBytes.count
        func line() -> String? {
            guard let end = bytes[cursor...].firstIndex(of: 10) else { return nil }
            defer { cursor = end + 1 }
            return String(decoding: bytes[cursor..<end], as: UTF8.self)
        }
        guard let name = line(), let counts = line() else { return nil }
        let numbers = counts.split(separator: " ").compactMap { Int($0) }
        guard numbers.count == 6, numbers.allSatisfy({ $0 >= 0 }) else { return nil }
        let lengths = numbers.prefix(4), stampedAt = Instant(seconds: numbers[4], nanoseconds: numbers[5])
        guard bytes.count - cursor == lengths.reduce(0, +),
              accepts(bytes[cursor..<(cursor + lengths[0])]) else { return nil }
        let source = Array(bytes[cursor..<(cursor + lengths[0])])
        cursor += lengths[0]
        let diagnosticBytes = bytes[cursor..<(cursor + lengths[1])]
        cursor += lengths[1]
        let diagnostics: [Diagnostic]
        if diagnosticBytes.elementsEqual("[]".utf8) {
            diagnostics = []
        } else {
            guard let decoded = try? JSONDecoder().decode([Diagnostic].self, from: Data(diagnosticBytes)) else { return nil }
            diagnostics = decoded
        }
        let dependencyBytes = bytes[cursor..<(cursor + lengths[2])]
        cursor += lengths[2]
        var dependencies: [Dependency] = []
        if !dependencyBytes.elementsEqual("[]".utf8) {
            guard let decoded = try? JSONDecoder().decode([Dependency].self, from: Data(dependencyBytes)) else { return nil }
            dependencies = decoded
        }
        // By bytes: splitting a String by Characters cost a third of a warm fleet compile.
        var outputs: [OutputStamp] = []
        while cursor < bytes.count {
            func field() -> Substring.UTF8View.SubSequence? {
                guard let end = bytes[cursor...].firstIndex(of: 32) else { return nil }
                defer { cursor = end + 1 }
                return Substring(decoding: bytes[cursor..<end], as: UTF8.self).utf8[...]
            }
            guard let size = field().flatMap({ Int64(Substring($0)) }), let modified = field().flatMap(Self.instant),
                  let inode = field().flatMap({ UInt64(Substring($0)) }), let path = line() else { return nil }
            outputs.append(OutputStamp(path: path, size: size, modified: modified, inode: inode))
        }
        return (Entry(blueprint: name.isEmpty ? nil : name, diagnostics: diagnostics, outputs: outputs, stampedAt: stampedAt,
                      dependencies: dependencies), source)
    }
}
