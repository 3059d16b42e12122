/// What the cost model needs that the rest of the blueprint does not say (`cost:`). Every value
/// left out takes a documented default, and the cost report flags each default it used
/// (docs/cost.md, "Inputs and their defaults").
public struct CostInputs: Sendable, Equatable {
    /// A price override file (same format as the catalogue), relative to the blueprint.
    public var prices: String?
    /// Node pricing per region; `default` applies to regions not listed.
    public var nodes: [String: NodePricing] = [:]
    public var defaultNodes: NodePricing?
    public var traffic = Traffic()
    /// Per datastore name.
    public var datastores: [String: DatastoreInputs] = [:]

    public init() {}

    public static let defaultNodeFamily = "m5"
    public static let defaultInstanceClass = "db.r6g.large"
    public static let defaultStorageGiB = 100
    public static let defaultWritesPerSecond = 100
    public static let defaultBytesPerWrite = 1024
    public static let defaultAverageLoad = Percentage(parsing: "30%")!
    public static let defaultBytesPerRequest = 4096
    public static let defaultDNSQueriesPerMonth = 100_000_000

    /// Either a node family from the catalogue or a price per vCPU-hour (a decimal text, US dollars).
    public enum NodePricing: Sendable, Hashable {
        case family(String)
        case pricePerVCPUHour(String)
    }

    public struct Traffic: Sendable, Equatable {
        /// Mean load over the month as a share of the declared peak demand.
        public var averageLoad: Percentage?
        public var bytesPerRequest: Int?
        public var dnsQueriesPerMonth: Int?
        public init() {}
    }

    public struct DatastoreInputs: Sendable, Equatable {
        public var instanceClass: String?
        public var storageGiB: Int?
        public var writesPerSecond: Int?
        public var bytesPerWrite: Int?
        public init() {}
    }
}

/// A price in US dollars as written: digits, at most one point and six decimals, so the cost
/// model can carry it as an exact decimal.
public enum PriceText {
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 9,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        guard parts.count == 2 else { return true }
        return (1...6).contains(parts[1].count) && parts[1].allSatisfy { $0.isASCII && $0.isNumber }
    }
}
