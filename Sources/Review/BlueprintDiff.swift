import Cost
import Foundation
import BlueprintModel
import Compiler
import Diagnostics
import Generators
import Resilience

/// What a change to one blueprint does: to every generated resource, to the computed
/// promises, and to the findings.
public struct BlueprintDiff: Sendable {
    public struct FieldChange: Sendable, Hashable {
        public var path: String
        public var old: String?
        public var new: String?
        /// Replica counts, PDB and autoscaler bounds, and pod placement (anti-affinity, spread):
        /// what reviewers must not miss.
        public var isCapacity: Bool {
            ["spec.replicas", "spec.maxUnavailable", "spec.minAvailable", "spec.minReplicas", "spec.maxReplicas"].contains(path)
                || path.hasPrefix("spec.template.spec.affinity.podAntiAffinity")
                || path.hasPrefix("spec.template.spec.topologySpreadConstraints")
        }
    }

    public struct ResourceChange: Sendable {
        public enum Kind: String, Sendable { case added, removed, changed }
        public var kind: Kind
        public var resource: Resource
        public var fields: [FieldChange]
    }

    public struct ObjectiveChange: Sendable {
        public var measure: String
        public var subject: String
        public var old: String
        public var new: String
        /// True when the new value is worse than the old one.
        public var worse: Bool
        public var objective: String
    }

    public struct FindingChange: Sendable {
        public var appeared: Bool
        public var diagnostic: Diagnostic
    }

    public var label: String
    public var resources: [ResourceChange]
    public var objectives: [ObjectiveChange]
    public var findings: [FindingChange]
    /// Why a side could not be compiled (errors), shown instead of a resource diff.
    public var notes: [String]
    /// Monthly totals before and after (docs/cost.md); nil for a side that is absent or has no blueprint.
    public var cost: (old: Decimal?, new: Decimal?) = (nil, nil)

    public var isEmpty: Bool { resources.isEmpty && objectives.isEmpty && findings.isEmpty }

    /// One side: a blueprint as analysed and compiled in memory. A side with errors is compiled
    /// from the part no refused value touches (`Blueprint.soundPart`), so the resources that
    /// do not depend on its errors are still compared (`Trust`).
    public struct Side: Sendable {
        public var analysis: Analysis?
        /// The YAML files every service shares, generated; parsed into resources only where the two sides differ.
        public var files: [GeneratedFile] = []
        /// Each service's file, described; generated only where the two sides' descriptions differ.
        public var serviceFiles: [ServiceFile] = []
        var blueprintName = ""
        var topology: Topology?
        public var explanation: Explanation?
        /// The rollout waves and each wave's proof.
        public var rollout: RolloutReport?
        /// False when nothing could be generated: no blueprint, or a refused value every placement reads.
        public var compiled = true
        /// Which of `files` can be trusted; everything when the blueprint has no errors.
        var trust = Trust.everything
        /// The monthly total, with the blueprint's own price overrides when they can be read.
        public var monthlyCost: Decimal?
        /// The explanation, rollout and cost are the other side's (`init(reusing:of:described:)`).
        var figuresReused = false

        public init(file: String, bytes: [UInt8]?, today: String) {
            self.init(bytes.map { Pipeline.decode(file: file, bytes: $0) }, today: today)
        }

        /// A side decoded already (nil: absent), analysed now.
        init(_ decoded: Pipeline.Decoded?, today: String) {
            guard let decoded else { return }
            let analysis = Pipeline.validate(decoded, today: today)
            self.analysis = analysis
            guard let blueprint = analysis.blueprint else {
                compiled = false
                return
            }
            let topology = analysis.topology ?? Topology(blueprint)
            // The promises are computed even when there are findings: that is usually why they changed.
            let explanation = analysis.explanation ?? Explanation(topology)
            self.explanation = explanation
            rollout = analysis.rollout ?? RolloutReport(topology: topology, explanation: explanation)
            let catalogue = (try? PriceCatalogue.resolve(for: blueprint).get()) ?? .committed
            // Priced on a thread of its own while the files are described.
            let cost = Parallel.Background { PhaseTimings.measure("monthly cost") { CostModel(catalogue: catalogue).report(topology).total } }
            defer { monthlyCost = cost.value }
            if analysis.hasErrors {
                guard !analysis.rejected.spoilsModel else {
                    compiled = false
                    return
                }
                trust = Trust(whole: blueprint, sound: topology.blueprint, rejected: analysis.rejected)
            }
            blueprintName = blueprint.name
            self.topology = topology
            let described = PhaseTimings.measure("describe the files") { Pipeline.describe(topology) }
            files = described.files
            serviceFiles = described.serviceFiles
        }

        /// A side whose analysis reused `earlier`'s findings (`Pipeline.reuse`): it differs from
        /// that side only in manifest fields, which no figure, rollout proof or price reads, so
        /// those are `earlier`'s; only its files are its own.
        init(reusing analysis: Analysis, of earlier: Side, described: Pipeline.Described) {
            self.analysis = analysis
            figuresReused = true
            explanation = earlier.explanation
            rollout = earlier.rollout
            monthlyCost = earlier.monthlyCost
            topology = analysis.topology
            blueprintName = analysis.blueprint?.name ?? ""
            files = described.files
            serviceFiles = described.serviceFiles
        }

        /// The shared files and the service files at `paths`, generated now.
        func files(generatingServiceFilesAt paths: Set<String>) -> [GeneratedFile] {
            files + serviceFiles.filter { paths.contains($0.path) }.map { $0.generate() }
        }

        /// The resources of `files` at `paths` (and every Route53 resource).
        func resources(in paths: Set<String>, of files: [GeneratedFile]) -> [Resource] {
            guard let topology else { return [] }
            return ResourceSet.resources(of: blueprintName, files: files.filter { paths.contains($0.path) }, topology: topology)
        }
    }

    /// Which generated resources of a side with errors can be compared. An objective that is
    /// missed refuses nothing, so everything is compiled as usual. A refused value leaves out the
    /// services and regions it belongs to, and the services that use a datastore it left out;
    /// every file not owned by one service (Argo CD, Route53, a region's namespace and ingress)
    /// reads the whole blueprint and is not compared, nor are Deployments when `assumptions`
    /// (pod startup) was refused.
    struct Trust: Sendable {
        var servicesLeftOut: Set<String> = []
        var regionsLeftOut: Set<String> = []
        var serviceNames: Set<String> = []
        var sharedFiles = true
        var serviceFiles = true

        static let everything = Trust()

        init() {}

        init(whole: Blueprint, sound: Blueprint, rejected: RejectedParts) {
            serviceNames = Set(whole.services.map(\.name))
            let keptDatastores = Set(sound.datastores.map(\.name))
            let droppedDatastores = Set(whole.datastores.map(\.name)).subtracting(keptDatastores)
            let keptServices = Set(sound.services.map(\.name))
            servicesLeftOut = Set(whole.services.filter { service in
                !keptServices.contains(service.name) || service.uses.contains { droppedDatastores.contains($0) }
                    || rejected.values(of: "services.\(service.name)").contains { !$0.path.hasPrefix("services.\(service.name).objectives") }
            }.map(\.name))
            regionsLeftOut = Set(whole.regions.map(\.name)).subtracting(sound.regions.map(\.name))
            sharedFiles = rejected.isEmpty
            serviceFiles = !rejected.entities.contains("assumptions")
        }

        /// Whether `resource` is generated only from values this side could read.
        func covers(_ resource: Resource) -> Bool {
            let parts = resource.file.split(separator: "/").map(String.init)
            guard parts.count == 3, parts[0] == "clusters" else { return sharedFiles }
            let stem = parts[2].hasSuffix(".yaml") ? String(parts[2].dropLast(5)) : parts[2]
            if regionsLeftOut.contains(parts[1]) { return false }
            guard serviceNames.contains(stem) else { return sharedFiles }
            return serviceFiles && !servicesLeftOut.contains(stem)
        }

        var isWhole: Bool { sharedFiles && serviceFiles && servicesLeftOut.isEmpty && regionsLeftOut.isEmpty }

        /// What this side leaves out of the comparison, for the banner.
        var leftOut: [String] {
            var parts: [String] = []
            if !serviceFiles { parts.append("every Deployment (assumptions were refused)") }
            else if !servicesLeftOut.isEmpty { parts.append("service\(servicesLeftOut.count == 1 ? "" : "s") " + servicesLeftOut.sorted().joined(separator: ", ")) }
            if !regionsLeftOut.isEmpty { parts.append("region\(regionsLeftOut.count == 1 ? "" : "s") " + regionsLeftOut.sorted().joined(separator: ", ")) }
            if !sharedFiles { parts.append("Argo CD, Route53 and each region's shared resources (namespace, ingress, network policies)") }
            return parts
        }
    }

    /// The first errors of a side, as a reviewer reads them: `rule` at line N.
    static let errorsNamed = 5

    /// Both sides decoded side by side (two jobs for the two cores), analysed and generated,
    /// then compared. When the new side differs from the old only in manifest fields (an image
    /// bump: `Pipeline.reuse`), it takes the old side's findings and figures instead of working
    /// them out again, and only its files are made, beside the old side's.
    public static func comparing(label: String, old: (file: String, bytes: [UInt8]?), new: (file: String, bytes: [UInt8]?),
                                 today: String) -> BlueprintDiff {
        let decoded = Parallel.map(2) { index in
            let side = index == 0 ? old : new
            return side.bytes.map { Pipeline.decode(file: side.file, bytes: $0) }
        }
        if let before = decoded[0], let after = decoded[1], Pipeline.isManifestOnlyEdit(from: before, to: after) {
            // The new side's files are described on a thread of its own while the old side is
            // analysed here, its rules and figures spread over the cores (within a job of
            // `Parallel.map` they would run on that job's thread alone).
            let newFiles = Parallel.Background { Pipeline.topology(ifReused: after).map { ($0, Pipeline.describe($0)) } }
            let oldSide = Side(before, today: today)
            if let (topology, described) = newFiles.value, let analysis = oldSide.analysis,
               let earlier = Pipeline.EarlierFindings(before, diagnostics: analysis.diagnostics),
               let reused = Pipeline.reuse(earlier, for: after, topology: topology) {
                return BlueprintDiff(label: label, old: oldSide, new: Side(reusing: reused, of: oldSide, described: described))
            }
            // The old side has errors: the new one is analysed in full.
            return BlueprintDiff(label: label, old: oldSide, new: Side(after, today: today))
        }
        let sides = Parallel.map(2) { Side(decoded[$0], today: today) }
        return BlueprintDiff(label: label, old: sides[0], new: sides[1])
    }

    public init(label: String, old: Side, new: Side) {
        self.label = label
        var notes: [String] = []
        for (name, side) in [("old", old), ("new", new)] {
            guard let analysis = side.analysis, analysis.hasErrors else { continue }
            let errors = analysis.diagnostics.filter { $0.severity == .error }
            let named = errors.prefix(Self.errorsNamed).map { "\($0.rule) at line \($0.mark.line)" }
            let more = errors.count > Self.errorsNamed ? ", and \(errors.count - Self.errorsNamed) more" : ""
            var note = "the \(name) blueprint has \(errors.count) error(s) (\(named.joined(separator: ", "))\(more))"
            if !side.compiled {
                note += ", so none of its resources could be generated and no resource is compared"
            } else if side.trust.isWhole {
                note += "; none of them refuses a value, so every resource is compared"
            } else {
                note += "; resources that depend on a refused value are not compared: " + side.trust.leftOut.joined(separator: "; ")
            }
            notes.append(note)
        }
        self.notes = notes
        // A side that generated nothing has unknown output: comparing it would list every resource as removed.
        if old.compiled && new.compiled {
            // A service file described alike on both sides is byte-identical: only the others are generated.
            let describedBefore = Dictionary(old.serviceFiles.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
            let describedAfter = Dictionary(new.serviceFiles.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
            let redescribed = Set(describedBefore.keys).union(describedAfter.keys).filter { describedBefore[$0] != describedAfter[$0] }
            let sides = Parallel.map(2, serialBelow: redescribed.count < 2 * Parallel.servicesWorthSpreading ? .max : 2) { index in
                (index == 0 ? old : new).files(generatingServiceFilesAt: redescribed)
            }
            // Byte-identical files hold identical resources: parse only the files that differ.
            let before = Dictionary(sides[0].map { ($0.path, $0.contents) }, uniquingKeysWith: { first, _ in first })
            let after = Dictionary(sides[1].map { ($0.path, $0.contents) }, uniquingKeysWith: { first, _ in first })
            let differing = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
            let trusted = { (resource: Resource) in old.trust.covers(resource) && new.trust.covers(resource) }
            resources = Self.compare(old.resources(in: differing, of: sides[0]).filter(trusted),
                                     new.resources(in: differing, of: sides[1]).filter(trusted))
        } else {
            resources = []
        }
        // Figures taken from the other side are the same figures: nothing to compare.
        objectives = old.figuresReused || new.figuresReused ? [] : Self.compare(old.explanation, new.explanation) + Self.compare(old.rollout, new.rollout)
        cost = (old.monthlyCost, new.monthlyCost)
        findings = Self.compare(old.analysis?.diagnostics ?? [], new.analysis?.diagnostics ?? [])
    }

    static func compare(_ old: [Resource], _ new: [Resource]) -> [ResourceChange] {
        let before = Dictionary(old.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [ResourceChange] = []
        for key in Set(before.keys).union(after.keys).sorted() {
            switch (before[key], after[key]) {
            case (nil, let added?):
                changes.append(ResourceChange(kind: .added, resource: added, fields: []))
            case (let removed?, nil):
                changes.append(ResourceChange(kind: .removed, resource: removed, fields: []))
            case (let was?, let now?):
                let paths = Set(was.fields.keys).union(now.fields.keys).sorted()
                let fields = paths.compactMap { path -> FieldChange? in
                    was.fields[path] == now.fields[path] ? nil : FieldChange(path: path, old: was.fields[path], new: now.fields[path])
                }
                if !fields.isEmpty { changes.append(ResourceChange(kind: .changed, resource: now, fields: fields)) }
            default:
                break
            }
        }
        return changes
    }

    static func compare(_ old: Explanation?, _ new: Explanation?) -> [ObjectiveChange] {
        var changes: [ObjectiveChange] = []
        let missing = "-"
        func availability(_ row: Explanation.AvailabilityRow?) -> String {
            row.map { "\(AvailabilityModel.percent($0.availability)) (\(AvailabilityModel.minutes($0.downtimeMinutesPerYear)))" } ?? missing
        }
        let oldAvailability = Dictionary((old?.availability ?? []).map { ("\($0.service)/\($0.residencyZone)", $0) }, uniquingKeysWith: { a, _ in a })
        let newAvailability = Dictionary((new?.availability ?? []).map { ("\($0.service)/\($0.residencyZone)", $0) }, uniquingKeysWith: { a, _ in a })
        for key in Set(oldAvailability.keys).union(newAvailability.keys).sorted() {
            let was = oldAvailability[key], now = newAvailability[key]
            guard availability(was) != availability(now) else { continue }
            changes.append(ObjectiveChange(
                measure: "availability", subject: key, old: availability(was), new: availability(now),
                worse: (now?.availability ?? 0) < (was?.availability ?? 0), objective: (now ?? was)?.objective?.text ?? missing))
        }
        func duration(_ value: Duration??) -> String {
            switch value {
            case .none: missing
            case .some(.none): "unbounded"
            case .some(.some(let d)): d.description
            }
        }
        let oldRTO = Dictionary((old?.worstRTO ?? []).map { ("\($0.service)/\($0.zone) \($0.disruption.rawValue) failure", $0) }, uniquingKeysWith: { a, _ in a })
        let newRTO = Dictionary((new?.worstRTO ?? []).map { ("\($0.service)/\($0.zone) \($0.disruption.rawValue) failure", $0) }, uniquingKeysWith: { a, _ in a })
        for key in Set(oldRTO.keys).union(newRTO.keys).sorted() {
            let was = oldRTO[key].map { $0.total }, now = newRTO[key].map { $0.total }
            guard duration(was) != duration(now) else { continue }
            let worse = (now ?? nil).map { n in (was ?? nil).map { n > $0 } ?? false } ?? true
            changes.append(ObjectiveChange(measure: "RTO", subject: key, old: duration(was), new: duration(now), worse: worse,
                                           objective: (newRTO[key] ?? oldRTO[key])?.objective?.description ?? missing))
        }
        let oldRPO = Dictionary((old?.rpo ?? []).map { ("\($0.result.datastore) \($0.result.disruption.rawValue) failure", $0) }, uniquingKeysWith: { a, _ in a })
        let newRPO = Dictionary((new?.rpo ?? []).map { ("\($0.result.datastore) \($0.result.disruption.rawValue) failure", $0) }, uniquingKeysWith: { a, _ in a })
        for key in Set(oldRPO.keys).union(newRPO.keys).sorted() {
            let was = oldRPO[key].map { $0.result.loss }, now = newRPO[key].map { $0.result.loss }
            guard duration(was) != duration(now) else { continue }
            let worse = (now ?? nil).map { n in (was ?? nil).map { n > $0 } ?? false } ?? true
            changes.append(ObjectiveChange(measure: "RPO", subject: key, old: duration(was), new: duration(now), worse: worse,
                                           objective: (newRPO[key] ?? oldRPO[key])?.objective?.description ?? missing))
        }
        return changes
    }

    /// A region moved to another wave, and each wave's worst case when it changed.
    static func compare(_ old: RolloutReport?, _ new: RolloutReport?) -> [ObjectiveChange] {
        guard old != nil || new != nil else { return [] }
        var changes: [ObjectiveChange] = []
        let regions = Set((old?.plan.waves ?? []).flatMap(\.regions)).union((new?.plan.waves ?? []).flatMap(\.regions)).sorted()
        for region in regions {
            let was = old?.plan.wave(of: region).map(String.init) ?? "-", now = new?.plan.wave(of: region).map(String.init) ?? "-"
            guard was != now else { continue }
            changes.append(ObjectiveChange(measure: "rollout wave", subject: region, old: was, new: now, worse: false, objective: "-"))
        }
        func proofs(_ report: RolloutReport?) -> [Int: WaveProof] {
            Dictionary((report?.proofs ?? []).map { ($0.wave.number, $0) }, uniquingKeysWith: { a, _ in a })
        }
        let before = proofs(old), after = proofs(new)
        // Worse is more own breaches, then more unserved, then a slower worst recovery (unbounded
        // slowest): a wave that still holds but recovers in 10m50s instead of 4m50s is a regression.
        func severity(_ proof: WaveProof?) -> (Int, Int, Int64) {
            guard let proof else { return (0, 0, 0) }
            return (proof.breaches.filter { $0.reportedBy == nil }.count, proof.unservedInWorst,
                    proof.worstRecovery.map { Int64($0.milliseconds) } ?? .max)
        }
        for number in Set(before.keys).union(after.keys).sorted() {
            let was = before[number].map { "\($0.wave.regions.joined(separator: ", ")): " + RolloutReport.verdict($0) } ?? "-"
            let now = after[number].map { "\($0.wave.regions.joined(separator: ", ")): " + RolloutReport.verdict($0) } ?? "-"
            guard was != now else { continue }
            changes.append(ObjectiveChange(measure: "rollout worst case", subject: "wave \(number)", old: was, new: now,
                                           worse: severity(after[number]) > severity(before[number]), objective: "no wave breaks an objective"))
        }
        return changes
    }

    static func compare(_ old: [Diagnostic], _ new: [Diagnostic]) -> [FindingChange] {
        let key = { (d: Diagnostic) in "\(d.rule)|\(d.path)|\(d.message)" }
        let before = Set(old.map(key)), after = Set(new.map(key))
        return old.filter { !after.contains(key($0)) }.map { FindingChange(appeared: false, diagnostic: $0) }
            + new.filter { !before.contains(key($0)) }.map { FindingChange(appeared: true, diagnostic: $0) }
    }
}
