import Diagnostics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a path cannot be read as a blueprint at all (exit code 2, not a lint finding).
public struct UnreadableInput: Error, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(TerminalText.path(path)): error: \(reason)" }
}

/// Reads a blueprint file's bytes, refusing what cannot be a blueprint before YAML sees it.
public enum SourceLoader {
    public static let maximumBytes = 16 * 1024 * 1024

    public static func load(_ path: String) throws(UnreadableInput) -> [UInt8] {
        try load(path, what: "a blueprint file")
    }

    /// Every file the tool reads goes through here (blueprints, drill results, a `--history`
    /// folder's files): the file type is checked before the file is opened, and it is opened
    /// non-blocking, so a FIFO, socket or device is refused instead of hanging or being drained.
    /// `what` names the expected content in the refusal.
    public static func load(_ path: String, what: String) throws(UnreadableInput) -> [UInt8] {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw UnreadableInput(path: path, reason: errno == ENOENT ? "no such file" : "cannot be read: \(String(cString: strerror(errno)))")
        }
        try refuseUnlessRegular(status, path: path, what: what)
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw UnreadableInput(path: path, reason: "cannot be opened for reading: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        // Checked again on what was opened: the path may have been swapped in between.
        guard fstat(descriptor, &status) == 0 else { throw UnreadableInput(path: path, reason: "cannot be read") }
        try refuseUnlessRegular(status, path: path, what: what)
        if Int(status.st_size) > maximumBytes {
            throw UnreadableInput(path: path, reason: "is \(status.st_size) bytes; \(what == "a blueprint file" ? "blueprints" : "files meridian reads") are limited to \(maximumBytes) bytes (16 MiB)")
        }
        // Read one byte past the limit so a file that grew is still refused.
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= maximumBytes else { break }
                bytes += [UInt8](repeating: 0, count: min(bytes.count, maximumBytes + 1 - count))
            }
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw UnreadableInput(path: path, reason: "cannot be read: \(String(cString: strerror(errno)))") }
            if got == 0 { break }
            count += got
        }
        if count > maximumBytes {
            throw UnreadableInput(path: path, reason: "is larger than \(maximumBytes) bytes (16 MiB)")
        }
        bytes.removeSubrange(count...)
        try checkText(bytes, path: path)
        return bytes
    }

    private static func refuseUnlessRegular(_ status: stat, path: String, what: String) throws(UnreadableInput) {
        let kind = FileSystem.Kind(mode: status.st_mode)
        switch kind {
        case .regular: return
        case .directory: throw UnreadableInput(path: path, reason: "is a directory, not \(what)")
        default: throw UnreadableInput(path: path, reason: "is \(kind.noun), not \(what) (meridian reads regular files only)")
        }
    }

    /// A blueprint is UTF-8 text; a NUL byte or invalid UTF-8 means a binary file.
    public static func checkText(_ bytes: [UInt8], path: String) throws(UnreadableInput) {
        if bytes.contains(0) {
            throw UnreadableInput(path: path, reason: "is a binary file (it contains NUL bytes), not a YAML blueprint")
        }
        if String(validating: bytes, as: UTF8.self) == nil {
            throw UnreadableInput(path: path, reason: "is not UTF-8 text, so it cannot be a YAML blueprint")
        }
    }
}
