import Foundation

/// Why a path cannot be read as a blueprint at all (exit code 2, not a lint finding).
public struct UnreadableInput: Error, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): error: \(reason)" }
}

/// Reads a blueprint file's bytes, refusing what cannot be a blueprint before YAML sees it.
public enum SourceLoader {
    public static let maximumBytes = 16 * 1024 * 1024

    public static func load(_ path: String) throws(UnreadableInput) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw UnreadableInput(path: path, reason: "no such file")
        }
        if isDirectory.boolValue {
            throw UnreadableInput(path: path, reason: "is a directory, not a blueprint file")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        if size > maximumBytes {
            throw UnreadableInput(path: path, reason: "is \(size) bytes; blueprints are limited to \(maximumBytes) bytes (16 MiB)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw UnreadableInput(path: path, reason: "cannot be opened for reading")
        }
        defer { try? handle.close() }
        // Read one byte past the limit so a file that grew (or a device) is still refused.
        let data = (try? handle.read(upToCount: maximumBytes + 1)) ?? Data()
        if data.count > maximumBytes {
            throw UnreadableInput(path: path, reason: "is larger than \(maximumBytes) bytes (16 MiB)")
        }
        let bytes = [UInt8](data)
        try checkText(bytes, path: path)
        return bytes
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
