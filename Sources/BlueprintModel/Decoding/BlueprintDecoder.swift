import BlueprintYAML
import Diagnostics

/// Turns a parsed YAML document into a `Blueprint`: types, units, defaults, unknown and
/// missing keys. Cross-references (a region named in `residency`, a datastore in `uses`)
/// are left to the validator, which sees the whole blueprint at once.
public enum BlueprintDecoder {
    public struct Result: Sendable {
        /// nil when the document is not a blueprint at all (empty, or not a mapping).
        public var blueprint: Blueprint?
        /// Capped per rule (Limits.findingsPerRule); the rest are counted in `hidden`.
        public var diagnostics: [Diagnostic]
        /// Findings beyond the cap, never built: the pipeline reports them as "… and N more".
        public var hidden: [HiddenFindings] = []
    }

    static let topLevelKeys = ["blueprint", "provider", "namespace", "gitops", "objectives", "assumptions",
                               "residency", "regions", "services", "datastores", "traffic", "waivers", "placement",
                               "networkPolicy", "cost"]

    public static func decode(_ root: YAMLNode?, file: String) -> Result {
        let context = DecodeContext(file: file)
        guard let root, !root.isNull else {
            context.error("missing-field", "the blueprint is empty; it needs at least 'blueprint', 'residency', 'regions' and 'services'",
                          at: .start, path: "")
            return Result(blueprint: nil, diagnostics: context.diagnostics)
        }
        guard case .mapping = root.content else {
            context.error("invalid-value", "a blueprint is a mapping with keys such as 'blueprint:' and 'regions:', got \(root.kindName)",
                          at: root.mark, path: "")
            return Result(blueprint: nil, diagnostics: context.diagnostics)
        }
        guard let top = MappingReader(root, "", context, keys: topLevelKeys) else {
            return Result(blueprint: nil, diagnostics: context.diagnostics)
        }
        var decoder = Decoder(context: context)
        var blueprint = decoder.blueprint(top)
        decoder.checkDemandIsServed(blueprint)
        blueprint.rejected = context.rejected
        return Result(blueprint: blueprint, diagnostics: context.diagnostics, hidden: Array(context.budget.hidden.values))
    }
}

private struct Decoder {
    let context: DecodeContext

    mutating func blueprint(_ top: MappingReader) -> Blueprint {
        let name = top.required("blueprint").flatMap { context.name($0, "blueprint", what: "blueprint") } ?? "unnamed"
        var provider = "aws"
        if let node = top["provider"], let text = context.string(node, "provider") {
            if text == "aws" {
                provider = text
            } else {
                context.error("invalid-value", "provider: v1 supports 'aws' only, got '\(text)'", at: node.mark, path: "provider")
            }
        }
        let namespace = top["namespace"].flatMap { context.name($0, "namespace", what: "namespace") } ?? name
        let gitops = top["gitops"].flatMap { gitOps($0, blueprintName: name) }
        let objectives = top["objectives"].flatMap { self.objectives($0, "objectives") } ?? Objectives()
        let assumptions = top["assumptions"].flatMap { self.assumptions($0) } ?? Assumptions()
        let residency = top.required("residency").flatMap { self.residency($0) } ?? []
        let regions = top.required("regions").flatMap { self.regions($0) } ?? []
        let defaultPlacement = top["placement"].flatMap { self.placement($0, "placement", default: PlacementPolicy()) } ?? PlacementPolicy()
        let services = top.required("services").flatMap { self.services($0, defaultPlacement: defaultPlacement) } ?? []
        let datastores = top["datastores"].flatMap { self.datastores($0, defaultLag: assumptions.replicationLag) } ?? []
        let traffic = top["traffic"].flatMap { self.traffic($0) }
        let waivers = top["waivers"].flatMap { self.waivers($0) } ?? []
        var blueprint = Blueprint(
            file: context.file, name: name, provider: provider, namespace: namespace, gitops: gitops,
            objectives: objectives, assumptions: assumptions, residency: residency, regions: regions,
            services: services, datastores: datastores, traffic: traffic, waivers: waivers,
            sourceMap: context.sourceMap)
        if let mode = top["networkPolicy"].flatMap({ context.choice($0, "networkPolicy", as: NetworkPolicyMode.self) }) {
            blueprint.networkPolicy = mode
        }
        blueprint.cost = top["cost"].flatMap { CostDecoder(context: context).decode($0) } ?? CostInputs()
        return blueprint
    }

    func gitOps(_ node: YAMLNode, blueprintName: String) -> GitOps? {
        guard let map = MappingReader(node, "gitops", context, keys: ["repoURL", "revision", "path", "maxUpdate", "bake"]) else { return nil }
        let repoURL = map.required("repoURL").flatMap { context.nonEmptyString($0, map.path("repoURL")) }
        let revision = map["revision"].flatMap { context.nonEmptyString($0, map.path("revision")) } ?? "main"
        var path = "Output/\(blueprintName)"
        if let node = map["path"], let text = context.nonEmptyString(node, map.path("path")) {
            if text.hasPrefix("/") || text.split(separator: "/").contains("..") {
                context.error("invalid-value", "gitops.path: '\(text)' must be a relative path inside the repository",
                              at: node.mark, path: map.path("path"))
            } else {
                path = text.hasSuffix("/") ? String(text.dropLast()) : text
            }
        }
        // These land in an ApplicationSet template, where `{{` would be read as a Go template.
        for key in ["repoURL", "revision", "path"] {
            if let node = map[key], let text = node.scalar, text.contains("{{") || text.contains("}}") {
                context.error("invalid-value", "\(map.path(key)): '{{' and '}}' are reserved for the ApplicationSet's templates",
                              at: node.mark, path: map.path(key))
            }
        }
        let maxUpdate = map["maxUpdate"].flatMap { context.int($0, map.path("maxUpdate"), in: 1...1000) }
        var bake: Duration?
        if let node = map["bake"], let value = context.duration(node, map.path("bake")) {
            if value > Limits.longestBake {
                context.error("invalid-value", "\(map.path("bake")): '\(value)' is longer than \(Limits.longestBake); a wave that must stay healthy longer is a release train, not a bake",
                              at: node.mark, path: map.path("bake"))
            } else {
                bake = value
            }
        }
        guard let repoURL else { return nil }
        return GitOps(repoURL: repoURL, revision: revision, path: path, maxUpdate: maxUpdate, bake: bake)
    }

    func objectives(_ node: YAMLNode, _ path: String) -> Objectives? {
        guard let map = MappingReader(node, path, context, keys: ["availability", "rto", "rpo"]) else { return nil }
        return Objectives(
            availability: map["availability"].flatMap { context.percentage($0, map.path("availability")) },
            rto: map["rto"].flatMap { context.promise($0, map.path("rto")) },
            rpo: map["rpo"].flatMap { context.promise($0, map.path("rpo")) })
    }

    func assumptions(_ node: YAMLNode) -> Assumptions? {
        let durations: [(String, WritableKeyPath<Assumptions, Duration>)] = [
            ("zoneDetection", \.zoneDetection), ("scaleReaction", \.scaleReaction), ("podStartup", \.podStartup),
            ("connectionRefresh", \.connectionRefresh), ("manualResponse", \.manualResponse),
            ("replicationLag", \.replicationLag),
        ]
        let percentages: [(String, WritableKeyPath<Assumptions, Percentage>)] = [
            ("zoneAvailability", \.zoneAvailability), ("regionAvailability", \.regionAvailability),
        ]
        let keys = percentages.map(\.0) + durations.map(\.0)
        guard let map = MappingReader(node, "assumptions", context, keys: keys) else { return nil }
        var result = Assumptions()
        for (key, keyPath) in durations {
            if let value = map[key].flatMap({ context.duration($0, map.path(key)) }) { result[keyPath: keyPath] = value }
        }
        for (key, keyPath) in percentages {
            if let value = map[key].flatMap({ context.percentage($0, map.path(key)) }) { result[keyPath: keyPath] = value }
        }
        return result
    }

    /// Demand in a residency zone that lists no region would be served nowhere and compile to
    /// nothing; undeclared regions are the validator's `undefined-reference`.
    func checkDemandIsServed(_ blueprint: Blueprint) {
        for service in blueprint.services {
            for (zone, rps) in service.demand.map({ ($0.zone, $0.rps) }) where rps > 0 {
                // A zone whose list was refused (too long, repeated names) is reported already.
                guard let residency = blueprint.residencyZone(zone), residency.regions.isEmpty,
                      !context.rejected.contains("residency", zone) else { continue }
                let path = "services.\(service.name).demand.\(zone)"
                context.error("invalid-value", "\(path): residency zone \(zone) lists no region, so this demand would be served nowhere",
                              at: blueprint.sourceMap.mark(for: path), path: path,
                              fix: "list the regions of \(zone) under 'residency', or remove the demand")
            }
        }
    }

    func residency(_ node: YAMLNode) -> [ResidencyZone]? {
        guard let entries = context.entries(node, "residency", atMost: Limits.residencyZones, what: "residency zones") else { return nil }
        return entries.compactMap { entry in
            let path = "residency.\(entry.name)"
            guard context.checkName(entry.name, at: entry.key.mark, path: path, what: "residency zone") else { return nil }
            return ResidencyZone(name: entry.name, regions: nameList(entry.value, path, what: "region", atMost: Limits.regions) ?? [])
        }
    }

    /// A list of names, each at most once (a repeat is `duplicate-key` and dropped).
    func nameList(_ node: YAMLNode, _ path: String, what: String, atMost limit: Int) -> [String]? {
        guard let items = context.list(node, path, atMost: limit, what: "\(what)s") else { return nil }
        return context.uniqueNames(items, what: what) { context.name($0, $1, what: what) }
    }

    func regions(_ node: YAMLNode) -> [Region]? {
        guard let entries = context.entries(node, "regions", atMost: Limits.regions, what: "regions") else { return nil }
        return entries.compactMap { entry in
            let path = "regions.\(entry.name)"
            guard context.checkName(entry.name, at: entry.key.mark, path: path, what: "region"),
                  let map = MappingReader(entry.value, path, context, keys: ["zones", "cluster", "endpoint", "role", "wave"])
            else { return nil }
            let zones = map.required("zones").flatMap {
                nameList($0, map.path("zones"), what: "availability zone", atMost: Limits.zonesPerRegion.upperBound)
            } ?? []
            if let zonesNode = map["zones"], zones.isEmpty, case .sequence(let items) = zonesNode.content, items.isEmpty {
                context.error("invalid-value", "\(map.path("zones")): a region needs at least one availability zone",
                              at: zonesNode.mark, path: map.path("zones"))
            }
            let cluster = map.required("cluster").flatMap { self.cluster($0, map.path("cluster")) }
            let endpoint = map["endpoint"].flatMap { self.endpoint($0, map.path("endpoint")) }
            let role = map["role"].flatMap { context.choice($0, map.path("role"), as: RegionRole.self) } ?? .active
            let wave = map["wave"].flatMap { context.int($0, map.path("wave"), in: 1...1000) } ?? 1
            return Region(name: entry.name, zones: zones, cluster: cluster ?? .init(name: "", server: ""),
                          endpoint: endpoint, role: role, wave: wave, waveStated: map["wave"] != nil)
        }
    }

    func cluster(_ node: YAMLNode, _ path: String) -> Region.Cluster? {
        guard let map = MappingReader(node, path, context, keys: ["name", "server"]) else { return nil }
        let name = map.required("name").flatMap { context.nonEmptyString($0, map.path("name")) }
        let server = map.required("server").flatMap { context.nonEmptyString($0, map.path("server")) }
        if let server, let serverNode = map["server"], !Self.isHTTPSURL(server) {
            context.error("invalid-value", "\(map.path("server")): the cluster's API server must be an https:// URL, got '\(server)'",
                          at: serverNode.mark, path: map.path("server"))
        }
        guard let name, let server else { return nil }
        return Region.Cluster(name: name, server: server)
    }

    /// `https://host[:port][/path]` with a host of letters, digits, '.', '-' (or a bracketed
    /// IPv6 address) and no spaces: what Argo CD matches a cluster's `server` against.
    static func isHTTPSURL(_ text: String) -> Bool {
        guard text.hasPrefix("https://"), !text.contains(where: \.isWhitespace) else { return false }
        let authority = text.dropFirst("https://".count).prefix { $0 != "/" }
        return !authority.isEmpty && authority.first != ":"
            && authority.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) }
    }

    func endpoint(_ node: YAMLNode, _ path: String) -> Region.Endpoint? {
        guard let map = MappingReader(node, path, context, keys: ["dnsName", "zoneId"]) else { return nil }
        let dnsName = map.required("dnsName").flatMap { hostname($0, map.path("dnsName")) }
        let zoneId = map.required("zoneId").flatMap { hostedZoneId($0, map.path("zoneId")) }
        guard let dnsName, let zoneId else { return nil }
        return Region.Endpoint(dnsName: dnsName, zoneId: zoneId)
    }

    /// A Route53 hosted zone id as the API and Terraform take it: capital letters and digits,
    /// at most 32 (API reference, HostedZone.Id), such as Z0123456789ABCDEFGHIJ or an ALB's Z35SXDOTRQ7X7K.
    func hostedZoneId(_ node: YAMLNode, _ path: String) -> String? {
        guard let text = context.nonEmptyString(node, path) else { return nil }
        let valid = text.utf8.count <= Limits.hostedZoneIdLength
            && text.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }
        guard valid else {
            context.invalid(node, path, expected: "a Route53 hosted zone id like Z0123456789ABCDEFGHIJ (capital letters and digits, at most 32)",
                            fix: text.hasPrefix("/hostedzone/") ? "drop the '/hostedzone/' prefix" : nil)
            return nil
        }
        return text
    }

    /// A fully qualified DNS name: dot-separated labels of letters, digits and '-'.
    func hostname(_ node: YAMLNode, _ path: String) -> String? {
        guard let text = context.nonEmptyString(node, path) else { return nil }
        let labels = text.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        let valid = text.utf8.count <= 253 && labels.count >= 2 && labels.allSatisfy { DNSLabel.isValid(String($0)) }
        guard valid else {
            context.invalid(node, path, expected: "a DNS name like api.example.com")
            return nil
        }
        return text
    }

    func services(_ node: YAMLNode, defaultPlacement: PlacementPolicy) -> [Service]? {
        guard let entries = context.entries(node, "services", atMost: Limits.services, what: "services") else { return nil }
        return entries.compactMap { entry in
            var service = service(entry.name, entry.key, entry.value)
            let path = "services.\(entry.name)"
            if case .mapping(let map) = entry.value.content {
                let placementNode = map.first { $0.key.scalar == "placement" }?.value
                service?.placement = placementNode.flatMap { placement($0, "\(path).placement", default: defaultPlacement) } ?? defaultPlacement
                service?.quorum = map.first { $0.key.scalar == "quorum" }.flatMap { quorum($0.value, "\(path).quorum") }
            }
            return service
        }
    }

    /// `{ zoneAntiAffinity: spread|preferred|required, hostAntiAffinity: preferred|required }`.
    func placement(_ node: YAMLNode, _ path: String, default fallback: PlacementPolicy) -> PlacementPolicy? {
        guard let map = MappingReader(node, path, context, keys: ["zoneAntiAffinity", "hostAntiAffinity"]) else { return nil }
        var policy = fallback
        if let zone = map["zoneAntiAffinity"].flatMap({ context.choice($0, map.path("zoneAntiAffinity"), as: PlacementPolicy.ZoneAntiAffinity.self) }) {
            policy.zoneAntiAffinity = zone
        }
        if let host = map["hostAntiAffinity"].flatMap({ context.choice($0, map.path("hostAntiAffinity"), as: PlacementPolicy.HostAntiAffinity.self) }) {
            policy.hostAntiAffinity = host
        }
        return policy
    }

    /// `majority` or a whole number of replicas.
    func quorum(_ node: YAMLNode, _ path: String) -> Quorum? {
        if node.scalar == "majority" { return .majority }
        if let text = node.scalar, !DecodeContext.isWholeNumber(text) {
            context.invalid(node, path, expected: "'majority' or a number of replicas from 1 to 1000")
            return nil
        }
        return context.int(node, path, in: 1...1000).map(Quorum.count)
    }

    func service(_ name: String, _ keyNode: YAMLNode, _ node: YAMLNode) -> Service? {
        let path = "services.\(name)"
        let keys = ["image", "port", "demand", "perReplica", "capacity", "targetCPU", "resources", "health", "uses",
                    "env", "objectives", "replicas", "maxReplicas", "placement", "quorum", "runAsUser"]
        guard context.checkServiceName(name, at: keyNode.mark, path: path),
              let map = MappingReader(node, path, context, keys: keys) else { return nil }
        let image = map.required("image").flatMap { context.nonEmptyString($0, map.path("image")) } ?? ""
        let port = map.required("port").flatMap { context.int($0, map.path("port"), in: 1...65535) } ?? 8080
        let demand = map.required("demand").flatMap { zoneNumbers($0, map.path("demand"), in: Limits.demand) } ?? []
        let perReplica = map.required("perReplica").flatMap { context.int($0, map.path("perReplica"), in: Limits.perReplica) } ?? 1
        let capacity = map["capacity"].flatMap { context.choice($0, map.path("capacity"), as: CapacityMode.self) } ?? .static
        var targetCPU = 70
        if let node = map["targetCPU"], let value = context.percentage(node, map.path("targetCPU")) {
            let whole = Int((value.fraction * 100).rounded())
            if whole < 1 || Double(whole) != value.fraction * 100 {
                context.error("invalid-value", "\(map.path("targetCPU")): expected a whole percentage from 1% to 100%, got '\(value.text)'",
                              at: node.mark, path: map.path("targetCPU"))
            } else {
                targetCPU = whole
            }
        }
        var cpu = "500m", memory = "512Mi"
        if let node = map["resources"], let resources = MappingReader(node, map.path("resources"), context, keys: ["cpu", "memory"]) {
            cpu = resources["cpu"].flatMap { context.quantity($0, resources.path("cpu")) } ?? cpu
            memory = resources["memory"].flatMap { context.quantity($0, resources.path("memory")) } ?? memory
        }
        var healthPath = "/healthz"
        var livenessPath: String?
        if let node = map["health"], let health = MappingReader(node, map.path("health"), context, keys: ["path", "liveness"]) {
            healthPath = health.required("path").flatMap { httpPath($0, health.path("path")) } ?? healthPath
            if let node = health["liveness"], let liveness = httpPath(node, health.path("liveness")) {
                if liveness == healthPath {
                    // Identical probes restart every pod whose readiness fails, e.g. during a database failover.
                    context.invalid(node, health.path("liveness"), expected: "a path other than the readiness path '\(healthPath)'")
                } else {
                    livenessPath = liveness
                }
            }
        }
        let runAsUser = map["runAsUser"].flatMap { context.int($0, map.path("runAsUser"), in: 1...2_147_483_647) } ?? 65532
        let uses = map["uses"].flatMap { nameList($0, map.path("uses"), what: "datastore", atMost: Limits.datastores) } ?? []
        let env = map["env"].flatMap { self.env($0, map.path("env")) } ?? []
        let objectives = map["objectives"].flatMap { self.objectives($0, map.path("objectives")) } ?? Objectives()
        let pins = map["replicas"].flatMap { regionNumbers($0, map.path("replicas")) } ?? [:]
        let maxPins = map["maxReplicas"].flatMap { regionNumbers($0, map.path("maxReplicas")) } ?? [:]
        return Service(
            name: name, image: image, port: port, demand: demand, perReplica: perReplica, capacity: capacity,
            targetCPU: targetCPU, cpu: cpu, memory: memory, healthPath: healthPath, livenessPath: livenessPath,
            runAsUser: runAsUser, uses: uses, env: env,
            objectives: objectives, replicaPins: pins, maxReplicaPins: maxPins)
    }

    func httpPath(_ node: YAMLNode, _ path: String) -> String? {
        guard let text = context.string(node, path) else { return nil }
        let valid = text.hasPrefix("/") && text.utf8.count <= 255
            && text.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && $0 != "\"" && $0 != "\\" }
        guard valid else {
            context.invalid(node, path, expected: "an HTTP path like /healthz (no spaces or quotes, at most 255 characters)")
            return nil
        }
        return text
    }

    /// `{ zoneName: number }` in declaration order, names checked as labels.
    func zoneNumbers(_ node: YAMLNode, _ path: String, in range: ClosedRange<Int>) -> [ZoneDemand]? {
        guard let entries = context.entries(node, path, atMost: Limits.residencyZones, what: "residency zones") else { return nil }
        return entries.compactMap { entry in
            let entryPath = "\(path).\(entry.name)"
            guard context.checkName(entry.name, at: entry.key.mark, path: entryPath, what: "residency zone"),
                  let value = context.int(entry.value, entryPath, in: range) else { return nil }
            return ZoneDemand(zone: entry.name, rps: value)
        }
    }

    func regionNumbers(_ node: YAMLNode, _ path: String) -> [String: Int]? {
        guard let entries = context.entries(node, path, atMost: Limits.regions, what: "regions") else { return nil }
        var result: [String: Int] = [:]
        for entry in entries {
            let entryPath = "\(path).\(entry.name)"
            if context.checkName(entry.name, at: entry.key.mark, path: entryPath, what: "region"),
               let value = context.int(entry.value, entryPath, in: Limits.pinnedReplicas) {
                result[entry.name] = value
            }
        }
        return result
    }

    func env(_ node: YAMLNode, _ path: String) -> [EnvVar]? {
        guard let entries = context.entries(node, path, atMost: Limits.environmentVariables, what: "environment variables") else { return nil }
        return entries.compactMap { entry in
            let entryPath = "\(path).\(entry.name)"
            // Byte by byte: any non-ASCII byte makes a Character that is not ASCII, so the name invalid.
            let isWordByte = { (byte: UInt8) in byte == UInt8(ascii: "_") || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) }
            let validName = entry.name.utf8.first.map(isWordByte) == true
                && entry.name.utf8.allSatisfy { isWordByte($0) || (0x30...0x39).contains($0) }
            guard validName else {
                context.error("invalid-name", "environment variable name '\(entry.name)' must be letters, digits and '_', not starting with a digit",
                              at: entry.key.mark, path: entryPath)
                return nil
            }
            if case .mapping = entry.value.content {
                guard let map = MappingReader(entry.value, entryPath, context, keys: ["secret", "key"]),
                      let secret = map.required("secret").flatMap({ context.name($0, map.path("secret"), what: "secret") }),
                      let key = map.required("key").flatMap({ context.nonEmptyString($0, map.path("key")) })
                else { return nil }
                return EnvVar(name: entry.name, value: .secret(name: secret, key: key))
            }
            // Plain scalars of any YAML type are literal text: `PORT: 8080` means the string "8080".
            guard let text = context.string(entry.value, entryPath, multiline: true) else { return nil }
            return EnvVar(name: entry.name, value: .literal(text))
        }
    }

    func datastores(_ node: YAMLNode, defaultLag: Duration) -> [Datastore]? {
        guard let entries = context.entries(node, "datastores", atMost: Limits.datastores, what: "datastores") else { return nil }
        return entries.compactMap { entry in datastore(entry.name, entry.key, entry.value, defaultLag: defaultLag) }
    }

    func datastore(_ name: String, _ keyNode: YAMLNode, _ node: YAMLNode, defaultLag: Duration) -> Datastore? {
        let path = "datastores.\(name)"
        guard context.checkName(name, at: keyNode.mark, path: path, what: "datastore"),
              let map = MappingReader(node, path, context, keys: ["engine", "residency", "primary", "replicas", "failover", "backups", "syncQuorum", "port"])
        else { return nil }
        let engine = map["engine"].flatMap { context.nonEmptyString($0, map.path("engine")) }
        let residency = map["residency"].flatMap { context.name($0, map.path("residency"), what: "residency zone") }
        let primary = map.required("primary").flatMap { context.name($0, map.path("primary"), what: "region") } ?? ""
        var replicas: [Datastore.Replica] = []
        // Region to the path of its replica, outside the primary's region.
        var remote: [String: String] = [:]
        if let node = map["replicas"],
           let items = context.list(node, map.path("replicas"), atMost: Limits.replicasPerDatastore, what: "replicas") {
            // Several replicas in the primary's region take its other zones; elsewhere one per
            // region, as Aurora global databases and DynamoDB global tables allow.
            for item in items {
                guard let replica = replica(item.node, item.path, defaultLag: defaultLag) else { continue }
                if replica.region != primary, let first = remote[replica.region] {
                    let regionPath = "\(item.path).region"
                    context.error("duplicate-key", "datastore \(name) has a second replica in \(replica.region) (first at \(first))",
                                  at: context.sourceMap.mark(for: regionPath), path: regionPath, fix: "remove one of them")
                    continue
                }
                if replica.region != primary { remote[replica.region] = item.path }
                replicas.append(replica)
            }
        }
        var failover = Datastore.Failover(automatic: false, promotion: PerDisruption(both: .seconds(60)))
        if let node = map["failover"], let f = MappingReader(node, map.path("failover"), context, keys: ["automatic", "promotion", "writer", "automation"]) {
            failover.automatic = f["automatic"].flatMap { context.bool($0, f.path("automatic")) } ?? false
            failover.promotion = f["promotion"].flatMap { context.perDisruption($0, f.path("promotion"), read: context.duration) }
                ?? failover.promotion
            failover.writer = failover.automatic ? .managed : .manual
            if let node = f["writer"] { failover.writer = writerRouting(node, f.path("writer")) ?? failover.writer }
            failover.automation = f["automation"].flatMap { context.string($0, f.path("automation")) }
        }
        let backups = map["backups"].flatMap { self.backups($0, map.path("backups")) }
        var datastore = Datastore(name: name, engine: engine, residency: residency, primary: primary, replicas: replicas,
                                  failover: failover, backups: backups)
        datastore.syncQuorum = map["syncQuorum"].flatMap { context.int($0, map.path("syncQuorum"), in: 1...64) }
        datastore.port = map["port"].flatMap { context.int($0, map.path("port"), in: 1...65535) }
        datastore.failover.writer = engineWriter(datastore, path: map.path("failover"))
        checkEngineReplication(datastore, remotePaths: remote)
        return datastore
    }

    /// A `sync` copy in another Region of an engine that replicates across Regions asynchronously
    /// promises a zero RPO the engine cannot keep (docs/failover.md): a located error.
    func checkEngineReplication(_ datastore: Datastore, remotePaths: [String: String]) {
        // Without a primary (refused or missing) no copy is known to be in "another" Region.
        guard !datastore.primary.isEmpty, let engine = FailoverEngine.named(datastore.engine),
              !engine.replicatesAcrossRegionsSynchronously else { return }
        for replica in datastore.replicas where replica.region != datastore.primary && replica.mode == .sync {
            guard let itemPath = remotePaths[replica.region] else { continue }
            let modePath = "\(itemPath).mode"
            context.error("invalid-value",
                          "\(modePath): \(datastore.engine ?? "") replicates to other Regions asynchronously (\(engine.regionRPO)); a sync copy in \(replica.region) promises a zero RPO it cannot keep",
                          at: context.sourceMap.mark(for: modePath), path: modePath,
                          fix: "make it async with the lag you measure\(engine == .dynamoDBGlobalTable ? ", or use dynamodb-global-table-mrsc" : "")")
        }
    }

    /// The writer routing the engine can have (docs/failover.md): an impossible one stated in the
    /// blueprint is a located error; left out, the default is one the engine can do. A generic
    /// engine keeps what the blueprint says.
    func engineWriter(_ datastore: Datastore, path: String) -> Datastore.WriterRouting {
        guard let engine = FailoverEngine.named(datastore.engine) else { return datastore.failover.writer }
        let crossRegion = datastore.replicas.contains { $0.region != datastore.primary }
        let writerPath = DecodeContext.join(path, "writer")
        guard let mark = context.sourceMap.marks[writerPath] else {
            return engine.defaultWriter(automatic: datastore.failover.automatic, crossRegion: crossRegion)
        }
        if let reason = engine.refusal(of: datastore.failover.writer, crossRegion: crossRegion) {
            let fix = engine.hasSingleWriter ? "use { alarm: <CloudWatch alarm name> } or manual" : "remove failover.writer"
            context.error("invalid-value", "\(writerPath): \(datastore.engine ?? "") cannot have this writer: \(reason)",
                          at: mark, path: writerPath, fix: fix)
        }
        return datastore.failover.writer
    }

    func replica(_ node: YAMLNode, _ path: String, defaultLag: Duration) -> Datastore.Replica? {
        guard let map = MappingReader(node, path, context, keys: ["region", "mode", "lag"]) else { return nil }
        let region = map.required("region").flatMap { context.name($0, map.path("region"), what: "region") }
        let mode = map.required("mode").flatMap { context.choice($0, map.path("mode"), as: ReplicationMode.self) }
        var lag = mode == .async ? defaultLag : .zero
        if let node = map["lag"], let value = context.duration(node, map.path("lag")) {
            if mode == .sync {
                context.error("invalid-value", "\(map.path("lag")): a sync replica has no lag; remove 'lag' or make it async",
                              at: node.mark, path: map.path("lag"))
            }
            lag = value
        }
        guard let region, let mode else { return nil }
        return Datastore.Replica(region: region, mode: mode, lag: lag)
    }

    /// `managed`, `manual`, or `{ alarm: <CloudWatch alarm name> }`.
    func writerRouting(_ node: YAMLNode, _ path: String) -> Datastore.WriterRouting? {
        if let text = node.scalar, !node.isNull {
            switch text {
            case "managed": return .managed
            case "manual": return .manual
            default:
                context.invalid(node, path, expected: "managed, manual or { alarm: <CloudWatch alarm name> }")
                return nil
            }
        }
        guard let map = MappingReader(node, path, context, keys: ["alarm"]),
              let name = map.required("alarm").flatMap({ context.nonEmptyString($0, map.path("alarm")) }) else { return nil }
        return .alarm(name)
    }

    func backups(_ node: YAMLNode, _ path: String) -> Datastore.Backups? {
        guard let map = MappingReader(node, path, context, keys: ["every", "retain", "regions", "restore", "copyDelay"]) else { return nil }
        let every = map.required("every").flatMap { context.duration($0, map.path("every")) }
        let retain = map["retain"].flatMap { context.duration($0, map.path("retain")) } ?? .zero
        let regions = map["regions"].flatMap { nameList($0, map.path("regions"), what: "region", atMost: Limits.regions) } ?? []
        let restore = map["restore"].flatMap { context.duration($0, map.path("restore")) }
        let copyDelay = map["copyDelay"].flatMap { context.duration($0, map.path("copyDelay")) }
        guard let every else { return nil }
        return Datastore.Backups(every: every, retain: retain, regions: regions, restore: restore ?? Datastore.defaultRestore,
                                 restoreStated: restore != nil, copyDelay: copyDelay ?? Datastore.defaultCopyDelay,
                                 copyDelayStated: copyDelay != nil)
    }

    func traffic(_ node: YAMLNode) -> Traffic? {
        let keys = ["hostname", "hostedZoneId", "ttl", "healthCheck", "geolocation", "within", "routes", "routingControl"]
        guard let map = MappingReader(node, "traffic", context, keys: keys) else { return nil }
        let hostname = map.required("hostname").flatMap { self.hostname($0, map.path("hostname")) }
        let zoneId = map.required("hostedZoneId").flatMap { hostedZoneId($0, map.path("hostedZoneId")) }
        var ttl = map["ttl"].flatMap { context.duration($0, map.path("ttl")) } ?? .seconds(60)
        // Route 53 takes a TTL in whole seconds (botocore route53 shape `TTL`: 0 to 2147483647):
        // `1500ms` is refused, not rounded, and `0s` is written as 0, not raised to 1.
        if let node = map["ttl"], ttl.milliseconds % 1000 != 0 {
            context.error("invalid-value", "traffic.ttl: '\(node.scalar ?? "")' is not a whole number of seconds; Route 53 TTLs are whole seconds",
                          at: node.mark, path: map.path("ttl"), fix: "write the TTL in whole seconds, e.g. \(max(1, ttl.milliseconds / 1000))s")
            ttl = .seconds(60)
        }
        var check = Traffic.HealthCheck(path: "/healthz", protocolName: "HTTPS", interval: .seconds(30), failureThreshold: 3)
        if let node = map["healthCheck"],
           let hc = MappingReader(node, map.path("healthCheck"), context, keys: ["path", "protocol", "interval", "failureThreshold"]) {
            check.path = hc["path"].flatMap { httpPath($0, hc.path("path")) } ?? check.path
            if let node = hc["protocol"], let text = context.string(node, hc.path("protocol")) {
                if ["HTTP", "HTTPS"].contains(text) {
                    check.protocolName = text
                } else {
                    context.invalid(node, hc.path("protocol"), expected: "HTTP or HTTPS")
                }
            }
            // Range rules (10s/30s, 1–10) are the validator's, so they carry their own rule ids.
            check.interval = hc["interval"].flatMap { context.duration($0, hc.path("interval")) } ?? check.interval
            check.failureThreshold = hc["failureThreshold"].flatMap { context.int($0, hc.path("failureThreshold"), in: Int.min...Int.max) }
                ?? check.failureThreshold
        }
        var geolocation: [(String, String)] = []
        if let node = map["geolocation"],
           let entries = context.entries(node, map.path("geolocation"), atMost: Limits.geolocations, what: "locations") {
            geolocation = entries.compactMap { entry in
                context.name(entry.value, "\(map.path("geolocation")).\(entry.name)", what: "residency zone").map { (entry.name, $0) }
            }
        }
        let within = map["within"].flatMap { context.choice($0, map.path("within"), as: WithinZoneRouting.self) } ?? .latency
        var routes: [(String, String)] = []
        if let node = map["routes"], let entries = context.entries(node, map.path("routes")) {
            routes = entries.compactMap { entry in
                let entryPath = "\(map.path("routes")).\(entry.name)"
                guard httpPath(entry.key, entryPath) != nil else { return nil }
                return context.name(entry.value, entryPath, what: "service").map { (entry.name, $0) }
            }
        }
        let routingControl = map["routingControl"].flatMap { context.choice($0, map.path("routingControl"), as: RoutingControl.self) } ?? .none
        // A bad hostname or zone id is reported and blocks the Route53 output (compile writes
        // nothing with errors), but routing, TTL and health check stay as declared: the model
        // and the figures they feed are still the blueprint's own (`.invalid` is reserved, RFC 6761).
        var traffic = Traffic(hostname: hostname ?? "hostname.invalid", hostedZoneId: zoneId ?? "INVALID", ttl: ttl, healthCheck: check,
                              geolocation: geolocation, within: within, routes: routes)
        traffic.routingControl = routingControl
        return traffic
    }

    func waivers(_ node: YAMLNode) -> [Waiver]? {
        guard let items = context.list(node, "waivers", atMost: Limits.waivers, what: "waivers") else { return nil }
        return items.compactMap { item in
            guard let map = MappingReader(item.node, item.path, context, keys: ["rule", "at", "reason", "expires"]) else { return nil }
            let rule = map.required("rule").flatMap { context.nonEmptyString($0, map.path("rule")) }
            let at = map.required("at").flatMap { context.nonEmptyString($0, map.path("at")) }
            let reason = map.required("reason").flatMap { context.nonEmptyString($0, map.path("reason"), multiline: true) }
            var expires: String?
            if let node = map.required("expires"), let text = context.string(node, map.path("expires")) {
                if isISODate(text) {
                    expires = text
                } else {
                    context.invalid(node, map.path("expires"), expected: "a date like 2027-06-30")
                }
            }
            guard let rule, let at, let reason, let expires else { return nil }
            return Waiver(rule: rule, at: at, reason: reason, expires: expires, path: item.path)
        }
    }

    func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }
}
