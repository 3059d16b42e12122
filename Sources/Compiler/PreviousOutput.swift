import BlueprintModel
import BlueprintYAML
import Diagnostics
import Generators
import Resilience
#if canImport(Glibc)
import Glibc
#endif

/// What compile last wrote for one blueprint, recalled from its cache entry, so that a blueprint
/// edited in one place generates again only the service files the edit reaches.
///
/// The entry keeps the blueprint's bytes as they were when those files were written; decoding
/// them again gives what each file was made from then. A file is reused only when what it is made
/// from now equals that, and the file on disk still has the size, modification time and inode
/// compile recorded after writing it, and was not racily clean (`OutputStamp.isRacy`, as for a
/// whole cached output). What it is made from is compared in one of two ways:
/// - by service, when the edit changed nothing but fields that reach only a service's own
///   manifests (`Blueprint.manifestFieldsCleared`; the analysis then reused the last findings,
///   `Pipeline.reuse`): every file of a service whose fields are all as they were is the same;
/// - by description otherwise: each service file's inputs then and now (`ServiceFile`), equal
///   inputs making byte-identical files — the property `diff` rests on too.
/// REPORT.md is reused likewise when the blueprint it is made from reads the same to it
/// (`ReportGenerator.inputs`: as an image bump leaves it). Anything else is generated as usual.
public struct PreviousOutput: Sendable {
    let blueprint: String
    /// The stamps of the files written then, by path, racily clean ones left out.
    let stamps: [String: AnalysisCache.OutputStamp]
    let proof: Proof
    /// What REPORT.md was made from (`ReportGenerator.inputs`), when the proof is by description.
    let report: RememberedReport?

    enum Proof: Sendable {
        /// Every service file of a service not among `changed` is as it was, and so is REPORT.md
        /// (its inputs are the blueprint with the manifest fields cleared, which the proof compared).
        case byService(changed: Set<String>)
        /// Each service file as it was described then, by path.
        case byDescription([String: ServiceFile])
    }

    /// Boxed: a blueprint held inline made every compile outcome in a fleet (which may carry a
    /// `PreviousOutput`) 2 KB larger, cache hits included.
    final class RememberedReport: Sendable {
        let inputs: Blueprint

        init(inputs: Blueprint) {
            self.inputs = inputs
        }
    }

    /// The entry's blueprint decoded again: enough to tell whether the findings can be reused
    /// (`findings`), and the first step of either proof.
    public struct Earlier: Sendable {
        let blueprint: String
        let stamps: [String: AnalysisCache.OutputStamp]
        let decoded: Pipeline.Decoded
        /// nil when the last findings cannot be reused whatever the edit (`Pipeline.EarlierFindings`).
        public let findings: Pipeline.EarlierFindings?
    }

    /// What `entry`, made from `source`, recorded; nil when there is nothing to reuse: an entry with
    /// errors or without output, bytes that no longer decode, or only stamps too recent to prove anything.
    public static func earlier(_ entry: AnalysisCache.Entry, source: [UInt8], file: String) -> Earlier? {
        guard let name = entry.blueprint, !entry.outputs.isEmpty, !entry.diagnostics.hasErrors else { return nil }
        return PhaseTimings.measure("recall the previous output") {
            var stamps: [String: AnalysisCache.OutputStamp] = [:]
            stamps.reserveCapacity(entry.outputs.count)
            for stamp in entry.outputs where !stamp.isRacy(stampedAt: entry.stampedAt) { stamps[stamp.path] = stamp }
            let decoded = Pipeline.decode(file: file, bytes: source)
            guard !stamps.isEmpty, let blueprint = decoded.blueprint, blueprint.name == name else { return nil }
            // Price overrides are read from disk: what they were then is not known, so nothing is reused by service.
            let findings = entry.dependencies.isEmpty ? Pipeline.EarlierFindings(decoded, diagnostics: entry.diagnostics) : nil
            return Earlier(blueprint: name, stamps: stamps, decoded: decoded, findings: findings)
        }
    }

    /// The proof by service, for a blueprint whose analysis reused `earlier`'s findings.
    public static func byService(_ earlier: Earlier, now blueprint: Blueprint) -> PreviousOutput? {
        guard let then = earlier.decoded.blueprint, then.services.count == blueprint.services.count else { return nil }
        var changed = Set<String>()
        for (old, new) in zip(then.services, blueprint.services) where old != new {
            changed.insert(old.name)
            changed.insert(new.name)
        }
        return PreviousOutput(blueprint: earlier.blueprint, stamps: earlier.stamps, proof: .byService(changed: changed), report: nil)
    }

    /// The proof by description: each service file of `earlier`'s blueprint described.
    public static func byDescription(_ earlier: Earlier) -> PreviousOutput? {
        guard let then = earlier.decoded.blueprint else { return nil }
        return PhaseTimings.measure("describe the previous output") {
            // As the analysis built it: with no errors, the validator refuses nothing beyond what the decoder did.
            let topology = Topology(then.soundPart(excluding: then.rejected))
            var files: [String: ServiceFile] = [:]
            // At their size: grown by doubling, 8,000 descriptions held 3 MiB of spare room.
            files.reserveCapacity(earlier.stamps.count)
            for file in KubernetesGenerator.serviceFiles(of: topology) where earlier.stamps[file.path] != nil {
                files[file.path] = file
            }
            let report = earlier.stamps[ReportGenerator.path] == nil ? nil : ReportGenerator.inputs(of: topology.blueprint).map { RememberedReport(inputs: $0) }
            return files.isEmpty && report == nil ? nil : PreviousOutput(blueprint: earlier.blueprint, stamps: earlier.stamps, proof: .byDescription(files), report: report)
        }
    }

    /// Calls `body` with the service files reusable in `folder` (the output of blueprint `name`),
    /// which must be listed, under the output lock, before this is called: the proof looks at the
    /// files as they are then. Kept paths go to `keep`.
    public func reusable<Result>(in folder: String, blueprint name: String, keep: @escaping OutputWriter.KeptFileSink,
                                 _ body: (ReusableFiles?) -> Result) -> Result {
        let descriptor = name == blueprint ? open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1
        guard descriptor >= 0 else { return body(nil) }
        defer { close(descriptor) }
        let isAsWritten = { @Sendable [stamps] (path: String) in
            guard let stamp = stamps[path] else { return false }
            return AnalysisCache.OutputStamp.of(path, in: descriptor) == stamp
        }
        let reportIsOnDisk = { @Sendable [report] (blueprint: Blueprint) in
            guard let report, let inputs = ReportGenerator.inputs(of: blueprint), inputs == report.inputs else { return false }
            return isAsWritten(ReportGenerator.path)
        }
        switch proof {
        case .byService(let changed):
            return body(ReusableFiles(isOnDiskByService: { path, service in !changed.contains(service) && isAsWritten(path) },
                                      reportIsOnDisk: { _ in isAsWritten(ReportGenerator.path) }, keep: keep))
        case .byDescription(let files):
            return body(ReusableFiles(isOnDisk: { file in files[file.path] == file && isAsWritten(file.path) },
                                      reportIsOnDisk: reportIsOnDisk, keep: keep))
        }
    }

    /// The stamp of a file kept by `reusable`: it was proved equal to the disk's, and keeping it
    /// links the same inode into the new tree, so it is still the file's stamp.
    public func stamp(ofKept path: String) -> AnalysisCache.OutputStamp? {
        stamps[path]
    }
}
