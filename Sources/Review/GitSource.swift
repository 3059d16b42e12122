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

    /// Runs git and reads at most `limit` bytes of its output; past that git is stopped and
    /// `truncated` is set, so a huge base revision costs `limit` bytes of memory, not its size.
    func git(_ arguments: [String], limit: Int = Int.max) throws -> (status: Int32, output: Data, truncated: Bool) {
        let (process, out) = try started(arguments)
        var data = Data()
        var truncated = false
        let reader = out.fileHandleForReading
        while true {
            let chunk = reader.readData(ofLength: 1 << 16)
            if chunk.isEmpty { break }
            guard data.count + chunk.count <= limit else {
                truncated = true
                process.terminate()
                break
            }
            data.append(chunk)
        }
        try? reader.close()
        process.waitUntilExit()
        return (process.terminationStatus, data, truncated)
    }

    /// git started in `directory` with `arguments`, its standard output a pipe, its errors dropped.
    func started(_ arguments: [String], input: FileHandle? = nil) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Paths with non-ASCII bytes are printed as they are; names git would still quote (`"`,
        // `\`, TAB, newline) are read NUL-separated (`-z`) or unquoted (`Self.unquoted`).
        process.arguments = ["git", "-c", "core.quotePath=false"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        if let input { process.standardInput = input }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw Failure(description: "cannot run git: \(error.localizedDescription)") }
        return (process, out)
    }

    /// The refusal of a file over the size limit at `revision`.
    static func tooLarge(_ path: String, at revision: String, size: Int, limit: Int) -> Failure {
        Failure(description: "\(path) at '\(revision)' is \(size) bytes; blueprints are limited to \(limit) bytes (16 MiB)")
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

    /// The file's bytes at `revision`, or nil when it did not exist there. `path` is relative to
    /// the repository root. The base side gets the working tree's bounds: a blob over `limit`
    /// bytes (`git cat-file -s`, then a bounded read) or that is not UTF-8 text is refused.
    public func contents(ofRootRelative path: String, at revision: String, limit: Int) throws -> [UInt8]? {
        let object = "\(revision):\(path)"
        guard let sizeText = try text(["cat-file", "-s", object]) else { return nil }
        if let size = Int(sizeText), size > limit { throw Self.tooLarge(path, at: revision, size: size, limit: limit) }
        let result = try git(["cat-file", "blob", object], limit: limit)
        if result.truncated {
            throw Failure(description: "\(path) at '\(revision)' is larger than \(limit) bytes (16 MiB); blueprints are limited to that")
        }
        return result.status == 0 ? [UInt8](result.output) : nil
    }

    /// Each file's bytes at `revision` (nil: absent there, or not a file), in the order of `paths`,
    /// read by one `git cat-file --batch` instead of two git processes per file: `diff --base` of a
    /// repository of 2,000 blueprints spent over three minutes starting 4,000 of them. Per path,
    /// the same answer and the same refusal as `contents(ofRootRelative:at:limit:)`, which still
    /// reads a path holding a newline (the batch protocol is one name per line).
    public func contents(ofRootRelative paths: [String], at revision: String, limit: Int) throws -> [Result<[UInt8]?, Failure>] {
        let batched = paths.indices.filter { !paths[$0].contains("\n") }
        var results: [Result<[UInt8]?, Failure>?] = Array(repeating: nil, count: paths.count)
        if !batched.isEmpty {
            // The names go in through a file, not a pipe: git then never waits on us while we wait on it.
            let names = FileManager.default.temporaryDirectory.appendingPathComponent("meridian-names-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
            try? Data(batched.map { "\(revision):\(paths[$0])\n" }.joined().utf8).write(to: names)
            defer { try? FileManager.default.removeItem(at: names) }
            guard let input = FileHandle(forReadingAtPath: names.path) else {
                throw Failure(description: "cannot write a temporary file in \(FileManager.default.temporaryDirectory.path)")
            }
            defer { try? input.close() }
            let (process, out) = try started(["cat-file", "--batch"], input: input)
            var reader = BatchReader(descriptor: out.fileHandleForReading.fileDescriptor)
            for index in batched {
                // `<oid> <type> <size>`, then that many bytes and a newline; or `<name> missing`.
                guard let header = reader.line() else { break }
                let fields = header.split(separator: " ")
                guard fields.count >= 3, let size = Int(fields[fields.count - 1]) else {
                    results[index] = .success(nil)
                    continue
                }
                let isBlob = fields[fields.count - 2] == "blob"
                if size > limit {
                    reader.skip(size + 1)
                    results[index] = .failure(Self.tooLarge(paths[index], at: revision, size: size, limit: limit))
                    continue
                }
                guard let bytes = reader.bytes(size), reader.bytes(1) != nil else { break }
                results[index] = .success(isBlob ? bytes : nil)
            }
            try? out.fileHandleForReading.close()
            process.waitUntilExit()
            if batched.contains(where: { results[$0] == nil }) {
                throw Failure(description: "git cat-file --batch ended early reading '\(revision)' (exit status \(process.terminationStatus))")
            }
        }
        return try paths.indices.map { index in
            if let result = results[index] { return result }
            do { return .success(try contents(ofRootRelative: paths[index], at: revision, limit: limit)) } catch let failure as Failure {
                return .failure(failure)
            }
        }
    }

    /// Buffered reads of `git cat-file --batch`'s output.
    struct BatchReader {
        let descriptor: Int32
        private var buffer: [UInt8] = []
        private var start = 0
        private var ended = false

        init(descriptor: Int32) { self.descriptor = descriptor }

        /// Reads more; false at the end of the output.
        private mutating func fill() -> Bool {
            guard !ended else { return false }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    ended = true
                    return false
                }
                buffer += chunk[..<count]
                return true
            }
        }

        mutating func line() -> String? {
            while true {
                if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    let text = String(decoding: buffer[start..<newline], as: UTF8.self)
                    start = newline + 1
                    return text
                }
                guard fill() else { return nil }
            }
        }

        mutating func bytes(_ count: Int) -> [UInt8]? {
            while buffer.count - start < count {
                guard fill() else { return nil }
            }
            defer { start += count }
            return Array(buffer[start..<(start + count)])
        }

        mutating func skip(_ count: Int) {
            var left = count
            while left > 0 {
                if buffer.count - start == 0, !fill() { return }
                let taken = min(left, buffer.count - start)
                start += taken
                left -= taken
            }
        }
    }

    /// Blueprint files in `folder` (relative to the repository root) at `revision`, root-relative.
    /// NUL-separated (`-z`): without it git quotes a name holding `"`, `\` or TAB, and the quoted
    /// name matches no file, so a deleted blueprint would vanish from the diff.
    public func files(inRootRelative folder: String, at revision: String) throws -> [String] {
        let result = try git(["ls-tree", "-z", "--name-only", "--full-tree", revision, "\(folder)/"])
        guard result.status == 0 else { return [] }
        return result.output.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
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
                // The patch format has no `-z`: a name with `"`, `\`, TAB or a newline comes C-quoted.
                let target = unquoted(line.dropFirst(4))
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

    /// A path as git's `quote_c_style` wrote it (`"b/a\"b\tc.yaml"`, octal `\ooo` for bytes) back
    /// to its bytes; an unquoted path is returned as it is.
    static func unquoted(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") else { return String(text) }
        var out: [UInt8] = []
        var index = 1
        while index < bytes.count - 1 {
            let byte = bytes[index]
            index += 1
            guard byte == UInt8(ascii: "\\"), index < bytes.count - 1 else { out.append(byte); continue }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "0")...UInt8(ascii: "3") where index + 1 < bytes.count:
                // Three octal digits.
                let digits = [escape, bytes[index], bytes[index + 1]].map { Int($0) - 0x30 }
                guard digits.allSatisfy({ (0...7).contains($0) }) else { out.append(escape); continue }
                out.append(UInt8(digits[0] * 64 + digits[1] * 8 + digits[2]))
                index += 2
            default: out.append(escape)   // `\"` and `\\`
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
