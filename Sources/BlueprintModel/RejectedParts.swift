/// The parts of a blueprint that a stage rejected, by entity (`services.api`, `regions.eu-west-1`,
/// `traffic.healthCheck`, `assumptions`). Later stages skip what depends on them, so one bad value
/// is reported once, as itself, instead of cascading into findings computed from a guess.
public struct RejectedParts: Sendable {
    public private(set) var entities: Set<String> = []

    public init() {}

    /// Sections whose entries are named and stand alone: a bad entry spoils only itself.
    static let namedSections: Set<String> = ["residency", "regions", "services", "datastores"]
    /// Parts every placement and replica count depends on.
    static let modelInputs: Set<String> = ["residency", "regions", "services", "datastores", "traffic", "traffic.within"]
    /// Parts only availability, RTO and RPO (and their objectives) depend on.
    static let figureInputs: Set<String> = ["objectives", "assumptions", "traffic.ttl", "traffic.healthCheck"]

    /// Sections a later stage reads; a rejection anywhere else (an unknown top-level key, a
    /// waiver, the blueprint's name) spoils nothing and is not recorded. A required section
    /// that is missing is recorded by its own name (the decoder reports it at the root).
    static let consulted: Set<String> = namedSections.union(modelInputs).union(figureInputs)

    public mutating func reject(path: String) {
        guard Self.consulted.contains(Self.section(of: path)) else { return }
        entities.insert(Self.entity(of: path))
    }

    public mutating func formUnion(_ other: RejectedParts) {
        entities.formUnion(other.entities)
    }

    public var isEmpty: Bool { entities.isEmpty }

    /// True when a rejected part feeds every placement (a whole section, `traffic.within`):
    /// then nothing can be sized.
    public var spoilsModel: Bool { !entities.isDisjoint(with: Self.modelInputs) }

    /// True when a rejected part feeds every availability, RTO or RPO figure (an assumption,
    /// the objectives, the health check): then none is computed, though sizing still is.
    public var spoilsFigures: Bool { spoilsModel || !entities.isDisjoint(with: Self.figureInputs) }

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

    static func section(of path: String) -> String {
        String(path.prefix { $0 != "." && $0 != "[" })
    }
}
