import BlueprintYAML

/// Decodes the `cost:` section (docs/cost.md). Names it refers to (regions, datastores) are
/// checked by the validator with the rest of the cross-references.
struct CostDecoder {
    let context: DecodeContext

    static let keys = ["prices", "nodes", "traffic", "datastores"]

    func decode(_ node: YAMLNode) -> CostInputs? {
        guard let map = MappingReader(node, "cost", context, keys: Self.keys) else { return nil }
        var inputs = CostInputs()
        if let node = map["prices"], let path = context.nonEmptyString(node, map.path("prices")) {
            if path.hasPrefix("/") || path.split(separator: "/").contains("..") {
                context.error("invalid-value", "cost.prices: '\(path)' must be a relative path beside the blueprint",
                              at: node.mark, path: map.path("prices"))
            } else {
                inputs.prices = path
            }
        }
        if let node = map["nodes"], let entries = context.entries(node, map.path("nodes"), atMost: Limits.regions + 1, what: "regions") {
            for entry in entries {
                let path = DecodeContext.join(map.path("nodes"), entry.name)
                guard entry.name == "default" || context.checkName(entry.name, at: entry.key.mark, path: path, what: "region"),
                      let pricing = nodePricing(entry.value, path) else { continue }
                if entry.name == "default" { inputs.defaultNodes = pricing } else { inputs.nodes[entry.name] = pricing }
            }
        }
        if let node = map["traffic"], let traffic = MappingReader(node, map.path("traffic"), context,
                                                                  keys: ["averageLoad", "bytesPerRequest", "dnsQueriesPerMonth"]) {
            inputs.traffic.averageLoad = traffic["averageLoad"].flatMap { context.percentage($0, traffic.path("averageLoad")) }
            inputs.traffic.bytesPerRequest = traffic["bytesPerRequest"].flatMap { context.int($0, traffic.path("bytesPerRequest"), in: 1...1_073_741_824) }
            inputs.traffic.dnsQueriesPerMonth = traffic["dnsQueriesPerMonth"].flatMap {
                context.int($0, traffic.path("dnsQueriesPerMonth"), in: 0...1_000_000_000_000)
            }
        }
        if let node = map["datastores"], let entries = context.entries(node, map.path("datastores"), atMost: Limits.datastores, what: "datastores") {
            for entry in entries {
                let path = DecodeContext.join(map.path("datastores"), entry.name)
                guard context.checkName(entry.name, at: entry.key.mark, path: path, what: "datastore"),
                      let store = MappingReader(entry.value, path, context, keys: ["instanceClass", "storageGiB", "writesPerSecond", "bytesPerWrite"])
                else { continue }
                var inputsOfStore = CostInputs.DatastoreInputs()
                inputsOfStore.instanceClass = store["instanceClass"].flatMap { context.nonEmptyString($0, store.path("instanceClass")) }
                inputsOfStore.storageGiB = store["storageGiB"].flatMap { context.int($0, store.path("storageGiB"), in: 1...1_048_576) }
                inputsOfStore.writesPerSecond = store["writesPerSecond"].flatMap { context.int($0, store.path("writesPerSecond"), in: 0...100_000_000) }
                inputsOfStore.bytesPerWrite = store["bytesPerWrite"].flatMap { context.int($0, store.path("bytesPerWrite"), in: 1...16_777_216) }
                inputs.datastores[entry.name] = inputsOfStore
            }
        }
        return inputs
    }

    func nodePricing(_ node: YAMLNode, _ path: String) -> CostInputs.NodePricing? {
        guard let map = MappingReader(node, path, context, keys: ["family", "pricePerVCPUHour"]) else { return nil }
        switch (map["family"], map["pricePerVCPUHour"]) {
        case (let family?, nil):
            return context.nonEmptyString(family, map.path("family")).map { .family($0) }
        case (nil, let price?):
            guard let text = price.scalar, !price.isNull, PriceText.isValid(text) else {
                context.invalid(price, map.path("pricePerVCPUHour"), expected: "a price in US dollars like 0.048")
                return nil
            }
            return .pricePerVCPUHour(text)
        default:
            context.error("invalid-value", "\(path): give either 'family' or 'pricePerVCPUHour', exactly one", at: node.mark, path: path)
            return nil
        }
    }
}
