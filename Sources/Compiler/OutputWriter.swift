import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Generators

public struct OutputError: Error, CustomStringConvertible {
    public var description: String
}

/// Writes one blueprint's output directory so that it is always either the old tree or the
/// new one: the new tree is built beside it and swapped in by rename. Files in the directory
/// that meridian did not generate (no generated header) are carried over untouched.
public struct OutputWriter {
    public let root: URL
    public let blueprint: String
    /// The target as the user named it (`Output/shop`), for messages.
    public let displayPath: String

    public init(outputDirectory: String, blueprint: String) {
        self.root = URL(fileURLWithPath: outputDirectory, isDirectory: true)
        self.blueprint = blueprint
        self.displayPath = (outputDirectory.hasSuffix("/") ? outputDirectory : outputDirectory + "/") + blueprint
    }

    public var target: URL { root.appendingPathComponent(blueprint, isDirectory: true) }

    public enum Change: Equatable, Sendable {
        case added(String), modified(String), removed(String)

        public var path: String {
            switch self {
            case .added(let p), .modified(let p), .removed(let p): p
            }
        }
    }

    /// What writing `files` would change on disk; empty when the committed output is current.
    public func changes(_ files: [GeneratedFile]) -> [Change] {
        var changes: [Change] = []
        let wanted = Set(files.map(\.path))
        for file in files {
            let url = target.appendingPathComponent(file.path)
            guard let existing = try? Data(contentsOf: url) else {
                changes.append(.added(file.path))
                continue
            }
            if existing != Data(file.contents.utf8) { changes.append(.modified(file.path)) }
        }
        for path in generatedFilesOnDisk() where !wanted.contains(path) {
            changes.append(.removed(path))
        }
        return changes.sorted { $0.path < $1.path }
    }

    public func write(_ files: [GeneratedFile]) throws {
        let fm = FileManager.default
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = root.appendingPathComponent(".\(blueprint).staging-\(pid)", isDirectory: true)
        let retired = root.appendingPathComponent(".\(blueprint).previous-\(pid)", isDirectory: true)
        try? fm.removeItem(at: staging)
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            var directories = Set<String>()
            let stagingPath = staging.path
            for file in files {
                // Plain string paths: building a URL per file showed up in profiles of large blueprints.
                let path = stagingPath + "/" + file.path
                if let slash = file.path.lastIndex(of: "/") {
                    let parent = stagingPath + "/" + file.path[..<slash]
                    if directories.insert(parent).inserted {
                        try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
                    }
                }
                try Self.writeFile(path, file.contents)
            }
            try carryOverUserFiles(into: staging, except: Set(files.map(\.path)))
        } catch {
            try? fm.removeItem(at: staging)
            throw OutputError(description: "cannot write \(target.path): \(error.localizedDescription); previous output left untouched")
        }
        let hadPrevious = fm.fileExists(atPath: target.path)
        if hadPrevious { try fm.moveItem(at: target, to: retired) }
        do {
            try fm.moveItem(at: staging, to: target)
        } catch {
            if hadPrevious { try? fm.moveItem(at: retired, to: target) }
            try? fm.removeItem(at: staging)
            throw OutputError(description: "cannot replace \(target.path): \(error.localizedDescription); previous output restored")
        }
        if hadPrevious { try? fm.removeItem(at: retired) }
    }

    /// Plain open/write/close. Foundation's `Data.write` fsyncs every file, which made writing
    /// thousands of manifests I/O-bound; the directory swap is what makes the result atomic.
    static func writeFile(_ path: String, _ contents: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw OutputError(description: "\(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var utf8 = contents
        try utf8.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw OutputError(description: "\(path): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    /// Hard-links every non-generated file of the current tree into the staging tree.
    private func carryOverUserFiles(into staging: URL, except generated: Set<String>) throws {
        let fm = FileManager.default
        for entry in entriesOnDisk() where !generated.contains(entry.path) {
            let destination = staging.appendingPathComponent(entry.path)
            let source = target.appendingPathComponent(entry.path)
            switch entry.kind {
            case .directory:
                // An empty folder can only be the user's; others come back with the files they hold,
                // so a removed region's folder of generated files disappears with them.
                guard (try? fm.contentsOfDirectory(atPath: source.path))?.isEmpty == true else { continue }
                try fm.createDirectory(at: destination, withIntermediateDirectories: true)
            case .symbolicLink:
                try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                try fm.createSymbolicLink(atPath: destination.path, withDestinationPath: fm.destinationOfSymbolicLink(atPath: source.path))
            case .file:
                guard !isGenerated(entry.path) else { continue }
                try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                do {
                    try fm.linkItem(at: source, to: destination)
                } catch {
                    try fm.copyItem(at: source, to: destination)
                }
            }
        }
    }

    private func isGenerated(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: target.appendingPathComponent(path).path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 256)) ?? Data()
        return GeneratedHeader.isGenerated(Substring(String(decoding: head, as: UTF8.self)))
    }

    private func generatedFilesOnDisk() -> [String] {
        filesOnDisk().filter(isGenerated)
    }

    private enum EntryKind { case file, directory, symbolicLink }

    /// Everything under the target, relative to it, without following symbolic links.
    private func entriesOnDisk() -> [(path: String, kind: EntryKind)] {
        let fm = FileManager.default
        let base = target.standardizedFileURL.path
        guard let enumerator = fm.enumerator(atPath: base) else { return [] }
        var entries: [(path: String, kind: EntryKind)] = []
        while let relative = enumerator.nextObject() as? String {
            let type = (try? fm.attributesOfItem(atPath: base + "/" + relative))?[.type] as? FileAttributeType
            switch type {
            case .typeDirectory?: entries.append((relative, .directory))
            case .typeSymbolicLink?: entries.append((relative, .symbolicLink))
            case .typeRegular?: entries.append((relative, .file))
            default: break
            }
        }
        return entries.sorted { $0.path < $1.path }
    }

    /// Regular files under the target, as paths relative to it.
    private func filesOnDisk() -> [String] {
        entriesOnDisk().filter { $0.kind == .file }.map(\.path)
    }
}
