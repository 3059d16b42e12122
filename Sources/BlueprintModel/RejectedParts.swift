import Diagnostics

/// The parts of a blueprint that a stage rejected, by entity (`services.api`, `regions.eu-west-1`,
/// `traffic.healthCheck`, `assumptions`). Later stages skip what depends on them, so one bad value
/// is reported once, as itself, instead of cascading into findings computed from a guess.
public struct RejectedParts: Sendable, Equatable {
    public private(set) var entities: Set<String> = []
    /// Each rejected value by entity, first rejection first: what a withheld check names as
    /// its cause (`objectives.availability is invalid`). Capped, so hostile input with a
    /// million bad keys costs no more than the entities themselves.
    private var valuesByEntity: [String: [RejectedValue]] = [:]
    private var recordedPaths: Set<String> = []
    static let recordedValues = 10_000

    public init() {}

    /// Sections whose entries are named and stand alone: a bad entry spoils only itself.
    static let namedSections: Set<String> = ["residency", "regions", "services", "datastores"]
    /// Parts every placement and replica count depends on.
    static let modelInputs: Set<String> = ["residency", "regions", "services", "datastores", "traffic", "traffic.within"]
    /// Parts only availability, RTO and RPO (and their objectives) depend on; which figure reads
    /// which of them is Resilience's FigureDependencies.
    static let figureInputs: Set<String> = ["objectives", "assumptions", "traffic.ttl", "traffic.healthCheck"]

    /// Sections a later stage reads; a rejection anywhere else (an unknown top-level key, a
    /// waiver, the blueprint's name) spoils nothing and is not recorded. A required section
    /// that is missing is recorded by its own name (the decoder reports it at the root).
    static let consulted: Set<String> = namedSections.union(modelInputs).union(figureInputs)

    public mutating func reject(path: String, reason: String = "is invalid", at mark: SourceMark? = nil) {
        guard Self.consulted.contains(Self.section(of: path)) else { return }
        let entity = Self.entity(of: path)
        entities.insert(entity)
        guard recordedPaths.count < Self.recordedValues, recordedPaths.insert(path).inserted else { return }
        valuesByEntity[entity, default: []].append(RejectedValue(path: path, reason: reason, mark: mark))
    }

    public mutating func formUnion(_ other: RejectedParts) {
        entities.formUnion(other.entities)
        for (entity, values) in other.valuesByEntity.sorted(by: { $0.key < $1.key }) {
            for value in values { reject(path: value.path, reason: value.reason, at: value.mark) }
            entities.insert(entity)
        }
    }

    /// The first rejected value at `path` or below it (`objectives` covers
    /// `objectives.availability`), or at the part holding it; nil when nothing there was rejected.
    public func value(at path: String) -> RejectedValue? {
        let entity = Self.entity(of: path), section = Self.section(of: path)
        let values = (valuesByEntity[entity] ?? []) + (entity == section ? [] : valuesByEntity[section] ?? [])
        let within = { (inner: String, outer: String) in
            inner == outer || inner.hasPrefix(outer + ".") || inner.hasPrefix(outer + "[")
        }
        return values.first { within($0.path, path) || within(path, $0.path) }
    }

    /// Whether the part `entity` names was refused for more than values under the keys
    /// `except` lists (`services.api` except `objectives`): then it is left out of the model.
    public func refuses(_ entity: String, except keys: [String]) -> Bool {
        guard entities.contains(entity) else { return false }
        let values = valuesByEntity[entity] ?? []
        let spared = keys.map { "\(entity).\($0)" }
        return values.isEmpty || values.contains { value in
            !spared.contains { value.path == $0 || value.path.hasPrefix($0 + ".") || value.path.hasPrefix($0 + "[") }
        }
    }

    /// Every rejected value of the part `entity` names (`services.api`, `datastores.orders`).
    public func values(of entity: String) -> [RejectedValue] {
        valuesByEntity[entity] ?? []
    }

    public var isEmpty: Bool { entities.isEmpty }

    /// True when a rejected part feeds every placement (a whole section, `traffic.within`):
    /// then nothing can be sized.
    public var spoilsModel: Bool { !entities.isDisjoint(with: Self.modelInputs) }

    /// Whether a whole section was refused (`regions: 70 regions; at most 64`, or not a mapping).
    public func rejectsWhole(_ section: String) -> Bool {
        entities.contains(section)
    }

    public func contains(_ section: String, _ name: String) -> Bool {
        entities.contains("\(section).\(name)")
    }

    /// Whether the part a path names, or the part holding it, was rejected.
    public func covers(path: String) -> Bool {
        let entity = Self.entity(of: path)
        return entities.contains(entity) || entities.contains(Self.section(of: path))
    }

    /// `services.api.demand.eu` → `services.api`; `residency.eu[1]` → `residency.eu`;
    /// `traffic.healthCheck.interval` → `traffic.healthCheck`; `assumptions.podStartup` → `assumptions`.
    public static func entity(of path: String) -> String {
        let section = section(of: path)
        guard path.count > section.count else { return section }
        let rest = path.dropFirst(section.count + 1)
        let name = rest.prefix { $0 != "." && $0 != "[" }
        guard namedSections.contains(section) || section == "traffic" else { return section }
        return "\(section).\(name)"
    }

    public static func section(of path: String) -> String {
        String(path.prefix { $0 != "." && $0 != "[" })
    }
}

/// One value a stage refused, and how to say so: `objectives.availability` `is invalid`.
public struct RejectedValue: Sendable, Hashable {
    public var path: String
    public var reason: String
    /// Where the refused value sits (an unknown key's own line), when known.
    public var mark: SourceMark?

    public init(path: String, reason: String, mark: SourceMark? = nil) {
        self.path = path
        self.reason = reason
        self.mark = mark
    }

    public var description: String { "\(path) \(reason)" }
}
