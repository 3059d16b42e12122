import ArgumentParser
import Diagnostics
import Foundation

@main
struct Meridian: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meridian",
        abstract: "Compile multi-region Kubernetes blueprints and prove they keep their availability, RTO and RPO promises.",
        version: Meridian.version,
        subcommands: [Compile.self, Lint.self, Diff.self, Explain.self, Simulate.self, Drill.self, Optimize.self, Rules.self, Schema.self])

    static let version = "0.1.0"

    /// Usage errors exit 2 (the spec's code for bad usage), not ArgumentParser's 64.
    static func main() {
        PhaseTimings.start()
        fixLargeAllocationThreshold()
        do {
            var command = try parseAsRoot()
            try command.run()
            PhaseTimings.report()
            exitIfStandardOutputLost()
        } catch {
            PhaseTimings.report()
            exitIfStandardOutputLost()
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            // ArgumentParser's own messages quote the arguments given: escaped like every other.
            if code != .success, case let message = fullMessage(for: error), !message.isEmpty {
                printError(message)
                Foundation.exit(code.rawValue)
            }
            // --help and --version: printed here as ArgumentParser would (`print` to standard output),
            // so that help redirected to a full disk is a lost write too, not exit 0.
            if code == .success, case let message = fullMessage(for: error), !message.isEmpty {
                print(message)
                exitIfStandardOutputLost()
                Foundation.exit(0)
            }
            exit(withError: error)
        }
    }
}

/// glibc serves blocks above its mmap threshold with mmap, so freeing them returns their memory,
/// but it raises that threshold each time such a block is freed; after the first freed region batch
/// or report buffer, the next ones come from the heap and their pages stay with the process. Setting
/// the threshold turns that adjustment off (glibc manual, "Malloc Tunable Parameters":
/// https://www.gnu.org/software/libc/manual/html_node/Malloc-Tunable-Parameters.html). 1 MiB: compile
/// of 1,000 services × 32 regions peaked at 131–133 MiB without it, 127–128 MiB with it, at the same
/// CPU time. `mallopt` is in <malloc.h>, which Swift's Glibc module does not import: found with dlsym.
func fixLargeAllocationThreshold() {
    #if canImport(Glibc)
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD in <malloc.h>
    guard let symbol = dlsym(nil, "mallopt") else { return }  // nil: RTLD_DEFAULT
    _ = unsafeBitCast(symbol, to: Mallopt.self)(mmapThreshold, 1 << 20)
    #endif
}

enum ExitStatus {
    static let errorsFound = ExitCode(1)
    static let unreadableInput = ExitCode(2)
    static let outputStale = ExitCode(3)
}

/// Standard error, one escaping for every line: messages quote command-line arguments, file
/// names and drill results, and none of it may drive the terminal or the CI log
/// (`TerminalText.lines`; already escaped text passes unchanged).
func printError(_ text: String) {
    let safe = TerminalText.lines(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    FileHandle.standardError.write(Data((safe + "\n").utf8))
}

/// Text-format results on standard output, through the same escaping as `printError`: every
/// piece of user text in them is escaped where it is rendered, and this pass guarantees it for
/// what a renderer missed (JSON, SARIF, Markdown and coloured output carry their own escaping).
func printText(_ text: String) {
    print(TerminalText.lines(text), terminator: "")
}

/// Bytes straight to standard output, after whatever `print` has buffered (so the two keep their order).
func writeStandardOutput(_ bytes: [UInt8]) {
    guard standardOutputError == 0 else { return }
    fflush(nil)
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                standardOutputError = errno  // reported when the command ends (exitIfStandardOutputLost)
                return
            }
            offset += written
        }
    }
}

/// The first error writing standard output directly (`writeStandardOutput`); 0 while none.
nonisolated(unsafe) var standardOutputError: Int32 = 0

/// A report redirected to a full disk (or a closed descriptor) must not end with exit 0 and a
/// truncated file: once the command is done, standard output is flushed and its error flag read,
/// and a lost write ends the run with exit 2, as an unwritable `--patch` or `--full-output` does.
/// A closed pipe usually ends the process with SIGPIPE first, as for any Unix tool.
func exitIfStandardOutputLost() {
    #if canImport(Glibc)
    // `stdout` is a mutable C global that Swift 6 will not read; its address is what libc exports.
    if let symbol = dlsym(nil, "stdout"), let file = symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee,
       fflush(file) != 0 || ferror(file) != 0, standardOutputError == 0 {
        standardOutputError = errno == 0 ? EIO : errno
    }
    #endif
    guard standardOutputError != 0 else { return }
    printError("meridian: cannot write standard output: \(String(cString: strerror(standardOutputError)))")
    exit(2)
}
