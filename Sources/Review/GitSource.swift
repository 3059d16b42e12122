import Foundation

/// Reads files as of a git revision, for `diff --base`.
public struct GitSource {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    let directory: String

    public init(directory: String = FileManager.default.currentDirectoryPath) {
        self.directory = directory
    }

    func git(_ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw Failure(description: "cannot run git: \(error.localizedDescription)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }

    /// Fails unless `revision` names a commit.
    public func verify(_ revision: String) throws {
        guard try git(["rev-parse", "--verify", "--quiet", "\(revision)^{commit}"]).status == 0 else {
            throw Failure(description: "'\(revision)' is not a git revision here")
        }
    }

    /// The file's bytes at `revision`, or nil when it did not exist there.
    public func contents(of path: String, at revision: String) throws -> [UInt8]? {
        // `./path` makes git resolve the path relative to the current directory.
        let result = try git(["show", "\(revision):./\(path)"])
        return result.status == 0 ? [UInt8](result.output) : nil
    }

    /// Blueprint files under `directory` at `revision` (`Blueprints/*.yaml` by default).
    public func files(in folder: String, at revision: String) throws -> [String] {
        let result = try git(["ls-tree", "--name-only", "\(revision)", "./\(folder)/"])
        guard result.status == 0 else { return [] }
        return String(decoding: result.output, as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
    }
}
