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
/// them again gives each service file's inputs then (`ServiceFile`), and equal inputs make
/// byte-identical files — the property `diff` rests on too. A file is reused only when its inputs
/// now equal its inputs then and the file on disk still has the size, modification time and inode
/// compile recorded after writing it, and was not racily clean (`OutputStamp.isRacy`, as for a
/// whole cached output). REPORT.md is reused likewise when the blueprint it is made from reads the
/// same to it (`ReportGenerator.inputs`: equal but for fields only the manifests read, as an image
/// bump). Anything else is generated as usual.
public struct PreviousOutput: Sendable {
    let blueprint: String
    /// Each service file as it was described then, with the stamp of the file written from it.
    let files: [(file: ServiceFile, stamp: AnalysisCache.OutputStamp)]
    let index: [String: Int]
    /// What REPORT.md was made from (`ReportGenerator.inputs`), with the stamp of the file written.
    let report: RememberedReport?

    /// Boxed: a blueprint held inline made every compile outcome in a fleet (which may carry a
    /// `PreviousOutput`) 2 KB larger, cache hits included.
    final class RememberedReport: Sendable {
        let inputs: Blueprint
        let stamp: AnalysisCache.OutputStamp

        init(inputs: Blueprint, stamp: AnalysisCache.OutputStamp) {
            self.inputs = inputs
            self.stamp = stamp
        }
    }

    /// The previous output recorded in `entry`, made from `source`; nil when there is nothing to
    /// reuse: an entry with errors or without output, bytes that no longer decode, or only stamps
    /// too recent to prove anything.
    public static func recall(_ entry: AnalysisCache.Entry, source: [UInt8], file: String) -> PreviousOutput? {
        guard let name = entry.blueprint, !entry.outputs.isEmpty, !entry.diagnostics.hasErrors else { return nil }
        return PhaseTimings.measure("recall the previous output") {
            var stamps: [String: AnalysisCache.OutputStamp] = [:]
            stamps.reserveCapacity(entry.outputs.count)
            for stamp in entry.outputs where !stamp.isRacy(stampedAt: entry.stampedAt) { stamps[stamp.path] = stamp }
            guard !stamps.isEmpty, let parsed = try? YAMLParser(file: file).parse(source),
                  let blueprint = BlueprintDecoder.decode(parsed.root, file: file).blueprint, blueprint.name == name else { return nil }
            // As the analysis built it: with no errors, the validator refuses nothing beyond what the decoder did.
            let topology = Topology(blueprint.soundPart(excluding: blueprint.rejected))
            var files: [(file: ServiceFile, stamp: AnalysisCache.OutputStamp)] = []
            var index: [String: Int] = [:]
            // At their size: grown by doubling, 8,000 descriptions held 3 MiB of spare room.
            files.reserveCapacity(stamps.count)
            index.reserveCapacity(stamps.count)
            for file in KubernetesGenerator.serviceFiles(of: topology) {
                guard let stamp = stamps[file.path] else { continue }
                index[file.path] = files.count
                files.append((file, stamp))
            }
            let report = stamps[ReportGenerator.path].flatMap { stamp in
                ReportGenerator.inputs(of: topology.blueprint).map { RememberedReport(inputs: $0, stamp: stamp) }
            }
            return files.isEmpty && report == nil ? nil : PreviousOutput(blueprint: name, files: files, index: index, report: report)
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
        return body(ReusableFiles(isOnDisk: { [self] file in
            guard let position = index[file.path], files[position].file == file else { return false }
            return AnalysisCache.OutputStamp.of(file.path, in: descriptor) == files[position].stamp
        }, reportIsOnDisk: { [self] blueprint in
            guard let report, let inputs = ReportGenerator.inputs(of: blueprint), inputs == report.inputs else { return false }
            return AnalysisCache.OutputStamp.of(ReportGenerator.path, in: descriptor) == report.stamp
        }, keep: keep))
    }

    /// The stamp of a file kept by `reusable`: it was proved equal to the disk's, and keeping it
    /// links the same inode into the new tree, so it is still the file's stamp.
    public func stamp(ofKept path: String) -> AnalysisCache.OutputStamp? {
        path == ReportGenerator.path ? report?.stamp : index[path].map { files[$0].stamp }
    }
}
