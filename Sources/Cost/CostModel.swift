import BlueprintModel
import Foundation
import Resilience

/// One priced (or unpriced) item of the monthly bill, with the arithmetic that produced it.
public struct CostLine: Sendable, Hashable {
    public enum Category: String, Sendable, CaseIterable {
        case compute, cluster, loadBalancer = "load-balancer", healthCheck = "health-check", dns, records,
             datastore, storage, io, replication, backup, transfer, arc
    }

    public var category: Category
    /// An AWS region, or `global`.
    public var region: String
    /// The service, datastore or resource the line is for.
    public var item: String
    public var quantity: Decimal
    public var unit: String
    /// nil: the catalogue has no price; the line is listed and left out of the total.
    public var unitPrice: Decimal?
    /// `pods × requests → vCPU-hours`, before the price.
    public var arithmetic: String
    /// Where the price came from when it is not the region's own (a fallback region, an override, a third party).
    public var priceNote: String?
    /// Runs in a standby region: the standby's share of the bill.
    public var standby: Bool

    public var monthly: Decimal? { unitPrice.map { quantity * $0 } }
}

/// The monthly bill of a topology, its baseline and the defaults it rests on.
public struct CostReport: Sendable {
    public var blueprint: String
    /// Read-only so the sums below, taken once when the report is made, stay its sums.
    public let lines: [CostLine]
    /// Inputs the blueprint left out and the value used for each (`cost.traffic.averageLoad 30%`).
    public var defaults: [String]
    public var catalogueRead: String
    public var overriddenBy: String?
    /// Regions assumed down (outage mode); empty in normal operation.
    public var down: [String]
    /// The same services in one region with one copy of each datastore: what resilience is measured against.
    public let baselineLines: [CostLine]
    public var baselineRegion: String?

    public let total: Decimal
    /// Subtotals per region, sorted by region name (`global` last); summed with the total, each
    /// line's amount worked out once (Decimal arithmetic is most of a large report's cost).
    public let perRegion: [(region: String, monthly: Decimal)]
    public var unpriced: [CostLine] { lines.filter { $0.unitPrice == nil } }
    public let standbyShare: Decimal
    public let baseline: Decimal

    init(blueprint: String, lines: [CostLine], defaults: [String], catalogueRead: String, overriddenBy: String?, down: [String],
         baselineLines: [CostLine], baselineRegion: String?) {
        self.blueprint = blueprint
        self.lines = lines
        self.defaults = defaults
        self.catalogueRead = catalogueRead
        self.overriddenBy = overriddenBy
        self.down = down
        self.baselineLines = baselineLines
        self.baselineRegion = baselineRegion
        var total = Decimal(0), standby = Decimal(0)
        var regions: [String: Decimal] = [:]
        for line in lines {
            // A line with no price still names its region's row (at zero).
            guard let monthly = line.monthly else { regions[line.region, default: 0] += 0; continue }
            total += monthly
            if line.standby { standby += monthly }
            regions[line.region, default: 0] += monthly
        }
        self.total = total
        self.standbyShare = standby
        perRegion = regions.sorted { ($0.key == "global" ? "~" : $0.key) < ($1.key == "global" ? "~" : $1.key) }.map { ($0.key, $0.value) }
        self.baseline = baselineLines.compactMap(\.monthly).reduce(0, +)
    }
    /// The total above the single-region, single-copy baseline of the same services.
    public var costOfResilience: Decimal { total - baseline }

    public func subtotal(_ category: CostLine.Category) -> Decimal {
        lines.filter { $0.category == category }.compactMap(\.monthly).reduce(0, +)
    }

}

/// Prices a topology from the catalogue (docs/cost.md has every formula).
public struct CostModel: Sendable {
    public var catalogue: PriceCatalogue

    public init(catalogue: PriceCatalogue = .committed) { self.catalogue = catalogue }

    public func report(_ topology: Topology) -> CostReport {
        var pricer = Pricer(blueprint: topology.blueprint, catalogue: catalogue, down: topology.assumedDown)
        let lines = pricer.lines(topology)
        var baselinePricer = Pricer(blueprint: topology.blueprint, catalogue: catalogue, down: [])
        let (baselineRegion, baselineLines) = baselinePricer.baseline()
        return CostReport(
            blueprint: topology.blueprint.name, lines: lines, defaults: pricer.defaultsUsed, catalogueRead: catalogue.read,
            overriddenBy: catalogue.overriddenBy, down: topology.assumedDown.sorted(), baselineLines: baselineLines,
            baselineRegion: baselineRegion)
    }
}

/// Builds the lines; remembers which defaults it used, once each.
struct Pricer {
    let blueprint: Blueprint
    let catalogue: PriceCatalogue
    let down: Set<String>
    private(set) var defaultsUsed: [String] = []
    // Decimal division and formatting are what pricing a large blueprint spends its time on, and
    // most services share a pod shape and most placements a pod count: both are worked out once.
    private struct PodShapeKey: Hashable { var cpu: String; var memory: String; var gibPerVCPU: Decimal }
    /// vCPUs one pod of a shape is billed for, and the arithmetic that says why; nil: a request Kubernetes cannot read.
    private var podShapes: [PodShapeKey: (perPod: Decimal, shape: String)?] = [:]
    private struct VCPUHoursKey: Hashable { var pods: Int; var perPod: Decimal }
    /// A month of `pods` pods of `perPod` vCPUs, and that number as the arithmetic writes it.
    private var vcpuHours: [VCPUHoursKey: (hours: Decimal, text: String)] = [:]
    private var inputs: CostInputs { blueprint.cost }

    init(blueprint: Blueprint, catalogue: PriceCatalogue, down: Set<String>) {
        self.blueprint = blueprint
        self.catalogue = catalogue
        self.down = down
    }

    mutating func usedDefault(_ text: String) {
        if !defaultsUsed.contains(text) { defaultsUsed.append(text) }
    }

    // MARK: Inputs with their defaults

    var averageLoad: Decimal {
        mutating get {
            if let value = inputs.traffic.averageLoad { return Money.decimal(String(value.text.dropLast()))! / 100 }
            usedDefault("cost.traffic.averageLoad \(CostInputs.defaultAverageLoad.text)")
            return Money.decimal(String(CostInputs.defaultAverageLoad.text.dropLast()))! / 100
        }
    }

    var bytesPerRequest: Decimal {
        mutating get {
            if let value = inputs.traffic.bytesPerRequest { return Decimal(value) }
            usedDefault("cost.traffic.bytesPerRequest \(CostInputs.defaultBytesPerRequest)")
            return Decimal(CostInputs.defaultBytesPerRequest)
        }
    }

    var dnsQueries: Decimal {
        mutating get {
            if let value = inputs.traffic.dnsQueriesPerMonth { return Decimal(value) }
            usedDefault("cost.traffic.dnsQueriesPerMonth \(CostInputs.defaultDNSQueriesPerMonth)")
            return Decimal(CostInputs.defaultDNSQueriesPerMonth)
        }
    }

    mutating func datastoreInput(_ datastore: Datastore) -> (instanceClass: String, storageGiB: Decimal, writesPerSecond: Decimal, bytesPerWrite: Decimal) {
        let given = inputs.datastores[datastore.name] ?? CostInputs.DatastoreInputs()
        let path = "cost.datastores.\(datastore.name)"
        let defaultClass = datastore.engine == "msk-kafka" ? "kafka.m5.large" : CostInputs.defaultInstanceClass
        if given.instanceClass == nil && datastore.engine != "dynamodb-global-table" { usedDefault("\(path).instanceClass \(defaultClass)") }
        if given.storageGiB == nil { usedDefault("\(path).storageGiB \(CostInputs.defaultStorageGiB)") }
        if given.writesPerSecond == nil { usedDefault("\(path).writesPerSecond \(CostInputs.defaultWritesPerSecond)") }
        if given.bytesPerWrite == nil { usedDefault("\(path).bytesPerWrite \(CostInputs.defaultBytesPerWrite)") }
        return (given.instanceClass ?? defaultClass, Decimal(given.storageGiB ?? CostInputs.defaultStorageGiB),
                Decimal(given.writesPerSecond ?? CostInputs.defaultWritesPerSecond), Decimal(given.bytesPerWrite ?? CostInputs.defaultBytesPerWrite))
    }

    /// Price per vCPU-hour and GiB of memory per vCPU of a region's nodes.
    mutating func nodePrice(_ region: String) -> (perVCPUHour: Decimal?, gibPerVCPU: Decimal, basis: String, note: String?) {
        let pricing: CostInputs.NodePricing
        if let given = inputs.nodes[region] ?? inputs.defaultNodes {
            pricing = given
        } else {
            usedDefault("cost.nodes.default family \(CostInputs.defaultNodeFamily)")
            pricing = .family(CostInputs.defaultNodeFamily)
        }
        switch pricing {
        case .pricePerVCPUHour(let text):
            // No shape to read memory from: memory is counted at the m5 family's 4 GiB per vCPU.
            return (Money.decimal(text), 4, "given price per vCPU-hour", "from the blueprint")
        case .family(let family):
            let candidates = catalogue.instances(ofFamily: family)
            let own = candidates.first { $0.region == region }
            guard let instance = own ?? candidates.first(where: { $0.region == PriceCatalogue.fallbackRegion }),
                  let vcpus = instance.vcpus, vcpus > 0, let memory = instance.memoryGiB else {
                return (nil, 4, "family \(family)", "no \(family) instance in the catalogue")
            }
            let note = own == nil ? "\(PriceCatalogue.fallbackRegion) price" : nil
            return (instance.usd.map { $0 / Decimal(vcpus) }, Decimal(memory) / Decimal(vcpus),
                    "\(instance.qualifier ?? family) \(instance.usd.map(Money.price) ?? "unpriced")/h ÷ \(vcpus) vCPU", note)
        }
    }

    func lookup(_ id: String, _ region: String, _ qualifier: String? = nil) -> (usd: Decimal?, note: String?) {
        guard let found = catalogue.lookup(id, region: region, qualifier: qualifier) else {
            return (nil, "not in the catalogue: \(id)\(qualifier.map { " \($0)" } ?? ""); set it in a price override file")
        }
        var notes: [String] = []
        if found.fallbackFrom != nil { notes.append("\(PriceCatalogue.fallbackRegion) price") }
        if found.usd == nil { notes.append("not found when the catalogue was made: set it in a price override file") }
        if let note = found.entry.note, found.usd != nil, note.hasPrefix("third-party") { notes.append("third-party figure") }
        return (found.usd, notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    func isStandby(_ region: String) -> Bool { blueprint.region(region)?.role == .standby }

    // MARK: The lines

    mutating func lines(_ topology: Topology) -> [CostLine] {
        var lines: [CostLine] = []
        // In outage mode the lost region's resources stay in the output (and on the bill while they
        // exist); its lines say so, and the survivors carry the raised sizing.
        let serving = topology.servingRegions
        for region in serving {
            lines += computeLines(topology, region: region)
            let (eks, eksNote) = lookup("eks.clusterHour", region)
            lines.append(CostLine(category: .cluster, region: region, item: blueprint.region(region)?.cluster.name ?? region,
                                  quantity: Money.hoursPerMonth, unit: "cluster-hour", unitPrice: eks,
                                  arithmetic: "1 EKS cluster × 730 h", priceNote: eksNote, standby: isStandby(region)))
            lines += loadBalancerLines(topology, region: region)
        }
        lines += routeLines(serving)
        for datastore in blueprint.datastores.sorted(by: { $0.name < $1.name }) {
            lines += datastoreLines(datastore)
        }
        return lines.map { line in
            guard down.contains(line.region) else { return line }
            var marked = line
            marked.priceNote = ["region assumed down: billed while its resources exist", line.priceNote].compactMap { $0 }.joined(separator: "; ")
            return marked
        }
    }

    mutating func computeLines(_ topology: Topology, region: String) -> [CostLine] {
        let node = nodePrice(region)
        return topology.placements(inRegion: region).compactMap { placement in
            guard let service = blueprint.service(placement.service),
                  let (perPod, shape) = podShape(service, gibPerVCPU: node.gibPerVCPU) else { return nil }
            let pods = placement.sizing.replicas
            let key = VCPUHoursKey(pods: pods, perPod: perPod)
            let month = vcpuHours[key] ?? {
                let hours = Decimal(pods) * perPod * Money.hoursPerMonth
                return (hours, Money.number(hours))
            }()
            vcpuHours[key] = month
            return CostLine(
                category: .compute, region: region, item: placement.service, quantity: month.hours, unit: "vCPU-hour",
                unitPrice: node.perVCPUHour,
                arithmetic: "\(pods) pods × \(shape) × 730 h = \(month.text) vCPU-h; \(node.basis)",
                priceNote: node.note, standby: placement.role == .standby)
        }
    }

    /// The vCPUs a pod of `service` is billed for on nodes of `gibPerVCPU`: its CPU request, or its
    /// memory request in vCPUs of such nodes when that is more. nil: a request that cannot be read.
    mutating func podShape(_ service: Service, gibPerVCPU: Decimal) -> (perPod: Decimal, shape: String)? {
        let key = PodShapeKey(cpu: service.cpu, memory: service.memory, gibPerVCPU: gibPerVCPU)
        if let known = podShapes[key] { return known }
        let shape: (perPod: Decimal, shape: String)? = {
            guard let cpu = KubernetesQuantity.cores(service.cpu), let memory = KubernetesQuantity.gibibytes(service.memory) else { return nil }
            let byMemory = memory / gibPerVCPU
            let perPod = max(cpu, byMemory)
            return (perPod, byMemory > cpu
                ? "\(Money.number(memory)) GiB ÷ \(Money.number(gibPerVCPU)) GiB/vCPU = \(Money.number(perPod)) vCPU (memory-bound)"
                : "\(Money.number(cpu)) vCPU")
        }()
        podShapes[key] = shape
        return shape
    }

    /// Requests per second the region serves at its normal share, summed over its services.
    func normalLoad(_ topology: Topology, region: String) -> Decimal {
        Self.sum(topology.placements(inRegion: region).map(\.sizing.normalShare))
    }

    /// The exact sum of shares: numerators added per denominator (shares of one region mostly
    /// share a few), one Decimal division each; checked, with a division per share on overflow.
    static func sum(_ shares: [Share]) -> Decimal {
        var numerators: [Int: Int] = [:]
        var total = Decimal(0)
        for share in shares {
            let (added, overflow) = (numerators[share.denominator] ?? 0).addingReportingOverflow(share.numerator)
            if overflow {
                total += Decimal(share.numerator) / Decimal(share.denominator)
            } else {
                numerators[share.denominator] = added
            }
        }
        for (denominator, numerator) in numerators.sorted(by: { $0.key < $1.key }) {
            total += Decimal(numerator) / Decimal(denominator)
        }
        return total
    }

    mutating func loadBalancerLines(_ topology: Topology, region: String) -> [CostLine] {
        let standby = isStandby(region)
        // No user reaches a region assumed down; its survivors carry its users.
        var rps = down.contains(region) ? 0 : normalLoad(topology, region: region)
        // In outage mode the survivors carry the lost region's users.
        if !down.isEmpty && !down.contains(region) {
            rps = Self.sum(topology.placements(inRegion: region).map { placement in
                let carried = topology.blueprint.residencyZone(placement.residencyZone).map { zone in
                    zone.regions.contains { down.contains($0) }
                } ?? false
                return carried ? placement.sizing.provisionedShare : placement.sizing.normalShare
            })
        }
        let load = averageLoad, bytes = bytesPerRequest
        let gbPerHour = rps * load * bytes * 3600 / Money.bytesPerGB
        let (hour, hourNote) = lookup("alb.hour", region)
        let (lcu, lcuNote) = lookup("alb.lcuHour", region)
        let (egress, egressNote) = lookup("transfer.internetGB", region)
        let egressGB = gbPerHour * Money.hoursPerMonth
        return [
            CostLine(category: .loadBalancer, region: region, item: "ALB", quantity: Money.hoursPerMonth, unit: "ALB-hour",
                     unitPrice: hour, arithmetic: "1 load balancer × 730 h", priceNote: hourNote, standby: standby),
            CostLine(category: .loadBalancer, region: region, item: "ALB LCUs", quantity: gbPerHour * Money.hoursPerMonth, unit: "LCU-hour",
                     unitPrice: lcu,
                     arithmetic: "\(Money.number(rps)) rps × \(Money.number(load * 100))% mean load × \(Money.number(bytes)) B × 3600 s = \(Money.number(gbPerHour)) GB/h = LCUs (1 LCU = 1 GB/h processed) × 730 h",
                     priceNote: lcuNote, standby: standby),
            CostLine(category: .transfer, region: region, item: "user traffic out", quantity: egressGB, unit: "GB",
                     unitPrice: egress, arithmetic: "\(Money.number(gbPerHour)) GB/h × 730 h to the internet", priceNote: egressNote, standby: standby),
        ]
    }

    mutating func routeLines(_ serving: [String]) -> [CostLine] {
        guard let traffic = blueprint.traffic else { return [] }
        var lines: [CostLine] = []
        let (zone, zoneNote) = lookup("route53.hostedZoneMonth", "global")
        lines.append(CostLine(category: .dns, region: "global", item: "hosted zone \(traffic.hostedZoneId)", quantity: 1, unit: "zone-month",
                              unitPrice: zone, arithmetic: "1 hosted zone", priceNote: zoneNote, standby: false))
        let policy = !traffic.geolocation.isEmpty ? "geo" : (traffic.within == .latency ? "latency" : "standard")
        let queries = dnsQueries
        let (perMillion, queryNote) = lookup("route53.queries.\(policy)", "global")
        lines.append(CostLine(category: .dns, region: "global", item: "\(policy) queries", quantity: queries / 1_000_000, unit: "million queries",
                              unitPrice: perMillion, arithmetic: "\(Money.number(queries)) queries ÷ 1,000,000, priced at the \(policy) routing rate",
                              priceNote: queryNote, standby: false))
        let (records, recordsNote) = lookup("route53.recordMonth", "global")
        lines.append(CostLine(category: .records, region: "global", item: "records", quantity: 1, unit: "zone's records",
                              unitPrice: records, arithmetic: "records are included in the hosted zone up to 10,000", priceNote: recordsNote, standby: false))
        // Endpoint checks of the regional load balancers (AWS endpoints); the generated check is
        // HTTPS or HTTP, measures latency, and is fast at a 10s interval.
        let check = traffic.healthCheck
        var features: [String] = ["latency measurement"]
        if check.protocolName == "HTTPS" { features.insert("HTTPS", at: 0) }
        if check.interval.milliseconds < 30_000 { features.append("fast interval") }
        let (base, baseNote) = lookup("route53.healthCheck.aws", "global")
        let (feature, featureNote) = lookup("route53.healthCheck.featureAws", "global")
        for region in serving {
            lines.append(CostLine(category: .healthCheck, region: region, item: "health check \(region)", quantity: 1, unit: "check-month",
                                  unitPrice: base, arithmetic: "1 endpoint check (AWS endpoint)", priceNote: baseNote, standby: isStandby(region)))
            lines.append(CostLine(category: .healthCheck, region: region, item: "health check \(region) features", quantity: Decimal(features.count),
                                  unit: "feature-month", unitPrice: feature, arithmetic: features.joined(separator: " + "),
                                  priceNote: featureNote, standby: isStandby(region)))
        }
        for datastore in blueprint.datastores.sorted(by: { $0.name < $1.name }) {
            guard case .alarm(let alarm) = datastore.failover.writer else { continue }
            lines.append(CostLine(category: .healthCheck, region: "global", item: "writer check \(datastore.name)", quantity: 1, unit: "check-month",
                                  unitPrice: base, arithmetic: "1 CloudWatch-alarm check (\(alarm))", priceNote: baseNote, standby: false))
            // The alarm itself, which Meridian generates in the promotable replica's region (docs/terraform.md).
            let (alarmPrice, alarmNote) = lookup("cloudwatch.alarmMonth", "global")
            lines.append(CostLine(category: .healthCheck, region: "global", item: "writer alarm \(datastore.name)", quantity: 1, unit: "alarm-month",
                                  unitPrice: alarmPrice, arithmetic: "1 standard-resolution CloudWatch alarm (\(alarm))", priceNote: alarmNote, standby: false))
        }
        if traffic.routingControl == .arc {
            // terraform/arc.tf: one cluster billed by the hour, a RECOVERY_CONTROL check per routing
            // control (one per serving region, two per manual writer that can leave its region) and a
            // CALCULATED check per serving region, priced at the AWS-endpoint check rate.
            let (clusterHour, clusterNote) = lookup("arc.clusterHour", "global")
            lines.append(CostLine(category: .arc, region: "global", item: "ARC cluster", quantity: 730, unit: "cluster-hour",
                                  unitPrice: clusterHour, arithmetic: "1 routing-control cluster × 730 h", priceNote: clusterNote, standby: false))
            let writers = blueprint.datastores.filter { datastore in
                guard case .manual = datastore.failover.writer else { return false }
                return datastore.replicas.contains { $0.region != datastore.primary && blueprint.isInsideResidency(of: datastore, $0.region) }
            }.count
            let assumed = [baseNote, "priced as a basic AWS-endpoint check"].compactMap { $0 }.joined(separator: "; ")
            for (item, count) in [("routing control check", serving.count + 2 * writers), ("calculated check", serving.count)] {
                for index in 0..<count {
                    lines.append(CostLine(category: .healthCheck, region: "global", item: "\(item) \(index + 1)", quantity: 1, unit: "check-month",
                                          unitPrice: base, arithmetic: "1 \(item) (terraform/arc.tf)", priceNote: assumed, standby: false))
                }
            }
        }
        return lines
    }

    /// Regions holding a copy, primary first, each once; lost regions left out.
    func copyRegions(_ datastore: Datastore) -> [String] {
        var regions = [datastore.primary]
        for replica in datastore.replicas where !regions.contains(replica.region) { regions.append(replica.region) }
        return regions
    }

    mutating func datastoreLines(_ datastore: Datastore) -> [CostLine] {
        let input = datastoreInput(datastore)
        let engine = datastore.engine ?? "unspecified"
        let regions = copyRegions(datastore)
        let writesPerMonth = input.writesPerSecond * Money.secondsPerMonth
        let replicatedGB = writesPerMonth * input.bytesPerWrite / Money.bytesPerGB
        var lines: [CostLine] = []
        let writer = down.contains(datastore.primary) ? regions.first { !down.contains($0) } : datastore.primary
        func line(_ category: CostLine.Category, _ region: String, _ item: String, _ quantity: Decimal, _ unit: String,
                  _ price: (usd: Decimal?, note: String?), _ arithmetic: String) -> CostLine {
            CostLine(category: category, region: region, item: "\(datastore.name) \(item)", quantity: quantity, unit: unit, unitPrice: price.usd,
                     arithmetic: arithmetic, priceNote: price.note, standby: isStandby(region))
        }
        let writes = "\(Money.number(input.writesPerSecond)) writes/s × 2,628,000 s"
        switch engine {
        case "aurora-postgresql", "aurora-mysql":
            for region in regions {
                // The writer, plus one instance per replica the blueprint lists in the region.
                // After a promotion the new writer is one of the listed replicas, so no instance is added.
                let count = max(1, (region == datastore.primary ? 1 : 0) + datastore.replicas.filter { $0.region == region }.count)
                lines.append(line(.datastore, region, "\(count) × \(input.instanceClass)", Decimal(count) * Money.hoursPerMonth, "instance-hour",
                                  lookup("rds.instanceHour", region, "\(engine)/\(input.instanceClass)"),
                                  "\(count) instance\(count == 1 ? "" : "s") (\(region == writer ? "writer" : "replica")\(count > 1 ? " + in-region replicas" : "")) × 730 h"))
                lines.append(line(.storage, region, "storage", input.storageGiB, "GB-month", lookup("aurora.storageGBMonth", region),
                                  "\(Money.number(input.storageGiB)) GiB cluster volume"))
                if region == writer {
                    lines.append(line(.io, region, "write I/O", writesPerMonth / 1_000_000, "million I/Os", lookup("aurora.ioMillion", region),
                                      "\(writes) = \(Money.number(writesPerMonth)) I/Os (one per write, a floor)"))
                } else if let writer {
                    lines.append(line(.replication, region, "replicated write I/O", writesPerMonth / 1_000_000, "million I/Os",
                                      lookup("aurora.globalReplicatedWriteIOMillion", region), "\(writes) replicated to this secondary region"))
                    lines.append(line(.transfer, writer, "replication to \(region)", replicatedGB, "GB", lookup("transfer.interRegionGB", writer),
                                      "\(writes) × \(Money.number(input.bytesPerWrite)) B"))
                }
            }
        case "dynamodb-global-table":
            for region in regions {
                // Every replica table is billed one replicated write unit per write (DynamoDB developer guide, global tables billing).
                lines.append(line(.replication, region, "replicated writes", writesPerMonth / 1_000_000, "million rWRUs",
                                  lookup("dynamodb.replicatedWriteMillion", region), "\(writes) = \(Money.number(writesPerMonth)) rWRUs"))
                lines.append(line(.storage, region, "storage", input.storageGiB, "GB-month", lookup("dynamodb.storageGBMonth", region),
                                  "\(Money.number(input.storageGiB)) GiB table"))
                if let writer, region != writer {
                    lines.append(line(.transfer, writer, "replication to \(region)", replicatedGB, "GB", lookup("transfer.interRegionGB", writer),
                                      "\(writes) × \(Money.number(input.bytesPerWrite)) B"))
                }
            }
        case "msk-kafka":
            for region in regions {
                let brokers = blueprint.region(region)?.zones.count ?? 3
                lines.append(line(.datastore, region, "\(brokers) × \(input.instanceClass)", Decimal(brokers) * Money.hoursPerMonth, "broker-hour",
                                  lookup("msk.brokerHour", region, input.instanceClass), "\(brokers) brokers (one per availability zone) × 730 h"))
                lines.append(line(.storage, region, "storage", input.storageGiB, "GB-month", lookup("msk.storageGBMonth", region),
                                  "\(Money.number(input.storageGiB)) GiB"))
                if let writer, region != writer {
                    lines.append(line(.transfer, writer, "replication to \(region)", replicatedGB, "GB", lookup("transfer.interRegionGB", writer),
                                      "\(writes) × \(Money.number(input.bytesPerWrite)) B"))
                }
            }
        default:
            lines.append(line(.datastore, writer ?? datastore.primary, "engine \(engine)", 1, "datastore", (nil, "engine '\(engine)' has no prices in the catalogue"),
                              "no model for this engine"))
        }
        if let backups = datastore.backups, let writer {
            let backupId = engine.hasPrefix("aurora") ? "aurora.backupGBMonth" : engine == "dynamodb-global-table" ? "dynamodb.backupGBMonth" : "backup.\(engine).GBMonth"
            for region in backups.regions where region != writer {
                lines.append(line(.backup, region, "backup copy", input.storageGiB, "GB-month", lookup(backupId, region),
                                  "one full copy of \(Money.number(input.storageGiB)) GiB kept in \(region) (a floor: retention adds changed data)"))
                lines.append(line(.transfer, writer, "backup copy to \(region)", replicatedGB, "GB", lookup("transfer.interRegionGB", writer),
                                  "changed data: \(writes) × \(Money.number(input.bytesPerWrite)) B copied every \(backups.every)"))
            }
        }
        return lines
    }

    // MARK: Baseline

    /// One region (the first active one declared), no zone or region headroom, one copy of every
    /// datastore, no health checks, backups or replication: the floor resilience is priced against.
    mutating func baseline() -> (String?, [CostLine]) {
        guard let region = (blueprint.regions.first { $0.role == .active } ?? blueprint.regions.first)?.name else { return (nil, []) }
        var lines: [CostLine] = []
        let node = nodePrice(region)
        var totalRPS: Decimal = 0
        for service in blueprint.services {
            guard let perPod = podShape(service, gibPerVCPU: node.gibPerVCPU)?.perPod else { continue }
            let demand = service.demand.reduce(0) { $0 + $1.rps }
            totalRPS += Decimal(demand)
            let pods = Share(demand).need(perReplica: service.perReplica)
            let hours = Decimal(pods) * perPod * Money.hoursPerMonth
            lines.append(CostLine(category: .compute, region: region, item: service.name, quantity: hours, unit: "vCPU-hour", unitPrice: node.perVCPUHour,
                                  arithmetic: "\(pods) pods (ceil(\(demand) rps ÷ \(service.perReplica))) × \(Money.number(perPod)) vCPU × 730 h",
                                  priceNote: node.note, standby: false))
        }
        lines.append(CostLine(category: .cluster, region: region, item: "cluster", quantity: Money.hoursPerMonth, unit: "cluster-hour",
                              unitPrice: lookup("eks.clusterHour", region).usd, arithmetic: "1 EKS cluster × 730 h", priceNote: nil, standby: false))
        let gbPerHour = totalRPS * averageLoad * bytesPerRequest * 3600 / Money.bytesPerGB
        lines.append(CostLine(category: .loadBalancer, region: region, item: "ALB", quantity: Money.hoursPerMonth, unit: "ALB-hour",
                              unitPrice: lookup("alb.hour", region).usd, arithmetic: "1 load balancer × 730 h", priceNote: nil, standby: false))
        lines.append(CostLine(category: .loadBalancer, region: region, item: "ALB LCUs", quantity: gbPerHour * Money.hoursPerMonth, unit: "LCU-hour",
                              unitPrice: lookup("alb.lcuHour", region).usd, arithmetic: "\(Money.number(gbPerHour)) GB/h × 730 h", priceNote: nil, standby: false))
        lines.append(CostLine(category: .transfer, region: region, item: "user traffic out", quantity: gbPerHour * Money.hoursPerMonth, unit: "GB",
                              unitPrice: lookup("transfer.internetGB", region).usd, arithmetic: "\(Money.number(gbPerHour)) GB/h × 730 h", priceNote: nil, standby: false))
        if blueprint.traffic != nil {
            lines.append(CostLine(category: .dns, region: "global", item: "hosted zone", quantity: 1, unit: "zone-month",
                                  unitPrice: lookup("route53.hostedZoneMonth", "global").usd, arithmetic: "1 hosted zone", priceNote: nil, standby: false))
            let queries = dnsQueries
            lines.append(CostLine(category: .dns, region: "global", item: "standard queries", quantity: queries / 1_000_000, unit: "million queries",
                                  unitPrice: lookup("route53.queries.standard", "global").usd, arithmetic: "\(Money.number(queries)) queries at the standard rate",
                                  priceNote: nil, standby: false))
        }
        for datastore in blueprint.datastores.sorted(by: { $0.name < $1.name }) {
            let input = datastoreInput(datastore)
            let engine = datastore.engine ?? "unspecified"
            let writesPerMonth = input.writesPerSecond * Money.secondsPerMonth
            switch engine {
            case "aurora-postgresql", "aurora-mysql":
                lines.append(CostLine(category: .datastore, region: region, item: "\(datastore.name) writer", quantity: Money.hoursPerMonth, unit: "instance-hour",
                                      unitPrice: lookup("rds.instanceHour", region, "\(engine)/\(input.instanceClass)").usd, arithmetic: "1 instance × 730 h", priceNote: nil, standby: false))
                lines.append(CostLine(category: .storage, region: region, item: "\(datastore.name) storage", quantity: input.storageGiB, unit: "GB-month",
                                      unitPrice: lookup("aurora.storageGBMonth", region).usd, arithmetic: "one copy", priceNote: nil, standby: false))
                lines.append(CostLine(category: .io, region: region, item: "\(datastore.name) write I/O", quantity: writesPerMonth / 1_000_000, unit: "million I/Os",
                                      unitPrice: lookup("aurora.ioMillion", region).usd, arithmetic: "one I/O per write", priceNote: nil, standby: false))
            case "dynamodb-global-table":
                lines.append(CostLine(category: .io, region: region, item: "\(datastore.name) writes", quantity: writesPerMonth / 1_000_000, unit: "million WRUs",
                                      unitPrice: lookup("dynamodb.replicatedWriteMillion", region).usd, arithmetic: "one table, writes at the same unit price",
                                      priceNote: nil, standby: false))
                lines.append(CostLine(category: .storage, region: region, item: "\(datastore.name) storage", quantity: input.storageGiB, unit: "GB-month",
                                      unitPrice: lookup("dynamodb.storageGBMonth", region).usd, arithmetic: "one copy", priceNote: nil, standby: false))
            case "msk-kafka":
                let brokers = blueprint.region(region)?.zones.count ?? 3
                lines.append(CostLine(category: .datastore, region: region, item: "\(datastore.name) brokers", quantity: Decimal(brokers) * Money.hoursPerMonth, unit: "broker-hour",
                                      unitPrice: lookup("msk.brokerHour", region, input.instanceClass).usd, arithmetic: "\(brokers) brokers × 730 h", priceNote: nil, standby: false))
            default:
                break
            }
        }
        return (region, lines)
    }
}
