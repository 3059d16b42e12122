/// The blueprint's keys as data: every mapping, its keys, their types, defaults and a one-line
/// description. `BlueprintSchema` turns this into the JSON Schema editors use; tests compare it
/// with what the decoder accepts and with docs/blueprint.md, so the three cannot drift apart.
public indirect enum BlueprintShape: Sendable {
    /// A mapping with a fixed set of keys; any other key is an `unknown-key` error.
    case object([BlueprintKey])
    /// A mapping keyed by names the user chooses (regions, services, …), with at most `limit` entries.
    case map(keys: BlueprintValue, values: BlueprintShape, limit: Int? = nil)
    case list(BlueprintShape, count: ClosedRange<Int>? = nil)
    case value(BlueprintValue)
    /// One of several spellings, e.g. a bare duration or `{ zone: …, region: … }`.
    case either([BlueprintShape])
}

/// The scalar kinds the decoder reads, each with the exact syntax it accepts.
public enum BlueprintValue: Sendable, Equatable {
    case name               // a DNS-1123 label
    case text               // non-empty text on one line, no control characters
    case multilineText      // the same, line feeds allowed
    case hostedZoneId       // a Route53 hosted zone id: capital letters and digits, at most 32
    case templateFreeText   // non-empty text without `{{` or `}}` (it lands in an ApplicationSet template)
    case relativePath       // a relative path inside the repository, no `..`, no `{{`
    case httpsURL
    case hostname           // a DNS name of at least two labels
    case httpPath           // `/healthz`: printable ASCII without spaces, quotes or backslashes
    case integer(ClosedRange<Int>)
    case boolean
    case duration
    case percentage
    case wholePercentage    // 1% to 100%
    case quantity           // a Kubernetes quantity; YAML may read `1` or `0.5` as a number
    case literal            // any scalar, taken as text (`PORT: 8080` is "8080")
    case date               // YYYY-MM-DD
    case choice([String])
    case environmentName    // letters, digits and `_`, not starting with a digit
    case geoLocation        // a continent, `country:CH`, `country:US-CA` or `default`
    case price              // US dollars as a decimal, at most six decimals: `0.048`
}

/// A default: written into the schema when it is a literal value, only described otherwise.
public enum BlueprintDefault: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case object([(String, BlueprintDefault)])
    /// Depends on other keys (e.g. "the blueprint name"); not a JSON value.
    case derived(String)

    public static func == (a: BlueprintDefault, b: BlueprintDefault) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)), (.derived(let x), .derived(let y)): x == y
        case (.integer(let x), .integer(let y)): x == y
        case (.boolean(let x), .boolean(let y)): x == y
        case (.object(let x), .object(let y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        default: false
        }
    }
}

public struct BlueprintKey: Sendable {
    public var name: String
    public var shape: BlueprintShape
    public var required: Bool
    public var defaultValue: BlueprintDefault?
    public var summary: String

    public init(_ name: String, _ shape: BlueprintShape, required: Bool = false, default defaultValue: BlueprintDefault? = nil,
                _ summary: String) {
        self.name = name
        self.shape = shape
        self.required = required
        self.defaultValue = defaultValue
        self.summary = summary
    }
}

public enum BlueprintKeys {
    private static func perDisruption(_ value: BlueprintValue) -> BlueprintShape {
        .either([
            .value(value),
            .object([
                BlueprintKey("zone", .value(value), required: true, "after the loss of one availability zone"),
                BlueprintKey("region", .value(value), required: true, "after the loss of a whole region"),
            ]),
        ])
    }

    /// An objective: bare (both disruptions), or a mapping naming the disruptions it promises.
    private static func promise(_ value: BlueprintValue) -> BlueprintShape {
        .either([
            .value(value),
            .object([
                BlueprintKey("zone", .value(value), "after the loss of one availability zone; left out: not promised"),
                BlueprintKey("region", .value(value), "after the loss of a whole region; left out: not promised"),
            ]),
        ])
    }

    static let objectives: BlueprintShape = .object([
        BlueprintKey("availability", .value(.percentage), "share of time each residency zone is served, e.g. 99.99%"),
        BlueprintKey("rto", promise(.duration), "longest outage after a disruption; a bare duration means the same for zone and region loss, a mapping promises only the disruptions it names"),
        BlueprintKey("rpo", promise(.duration), "most data that may be lost; a bare duration means the same for zone and region loss, a mapping promises only the disruptions it names"),
    ])

    static let assumptions: BlueprintShape = .object([
        BlueprintKey("zoneAvailability", .value(.percentage), default: .string("99.9%"), "availability of one availability zone"),
        BlueprintKey("regionAvailability", .value(.percentage), default: .string("99.95%"), "availability of one region as a whole"),
        BlueprintKey("zoneDetection", .value(.duration), default: .string("60s"), "time to notice a lost availability zone"),
        BlueprintKey("scaleReaction", .value(.duration), default: .string("60s"), "time until the autoscaler adds pods"),
        BlueprintKey("podStartup", .value(.duration), default: .string("90s"), "time until a new pod is ready"),
        BlueprintKey("connectionRefresh", .value(.duration), default: .string("30s"), "time for clients to reconnect after a failover"),
        BlueprintKey("manualResponse", .value(.duration), default: .string("30m"), "time until an operator acts when failover is manual"),
        BlueprintKey("replicationLag", .value(.duration), default: .string("1s"), "lag of an async replica that declares none"),
    ])

    static let placement: BlueprintShape = .object([
        BlueprintKey("zoneAntiAffinity", .value(.choice(PlacementPolicy.ZoneAntiAffinity.allCases.map(\.rawValue))), default: .string("spread"),
                     "spread: even over zones; preferred: also prefer empty zones; required: at most one pod per zone"),
        BlueprintKey("hostAntiAffinity", .value(.choice(PlacementPolicy.HostAntiAffinity.allCases.map(\.rawValue))),
                     default: .derived("a soft spread over nodes"), "the same over nodes (kubernetes.io/hostname)"),
    ])

    static let region: BlueprintShape = .object([
        BlueprintKey("zones", .list(.value(.name), count: Limits.zonesPerRegion), required: true, "availability zones, each the region name plus a letter"),
        BlueprintKey("cluster", .object([
            BlueprintKey("name", .value(.text), required: true, "the cluster's name in Argo CD; unique across regions"),
            BlueprintKey("server", .value(.httpsURL), required: true, "the cluster's API server, an https:// URL; unique across regions"),
        ]), required: true, "the Kubernetes cluster serving this region"),
        BlueprintKey("endpoint", .object([
            BlueprintKey("dnsName", .value(.hostname), required: true, "DNS name of the regional load balancer"),
            BlueprintKey("zoneId", .value(.hostedZoneId), required: true, "Route53 hosted zone id of the load balancer"),
        ]), "the regional load balancer; without it the Terraform takes a variable"),
        BlueprintKey("role", .value(.choice(RegionRole.allCases.map(\.rawValue))), default: .string("active"),
                     "standby serves only when no active region of its residency zone is up"),
        BlueprintKey("wave", .value(.integer(1...1000)), default: .integer(1), "rollout wave; lower waves sync first"),
    ])

    static let service: BlueprintShape = .object([
        BlueprintKey("image", .value(.text), required: true, "container image with a tag or @sha256: digest; `latest` is refused"),
        BlueprintKey("port", .value(.integer(1...65535)), required: true, "container port"),
        BlueprintKey("demand", .map(keys: .name, values: .value(.integer(Limits.demand)), limit: Limits.residencyZones), required: true,
                     "peak requests/s per residency zone; the service runs in every region of each zone above 0"),
        BlueprintKey("perReplica", .value(.integer(Limits.perReplica)), required: true, "requests/s one pod sustains at targetCPU"),
        BlueprintKey("capacity", .value(.choice(CapacityMode.allCases.map(\.rawValue))), default: .string("static"),
                     "static holds the region-loss share at all times; elastic holds the normal share and scales out"),
        BlueprintKey("targetCPU", .value(.wholePercentage), default: .string("70%"), "autoscaler CPU target"),
        BlueprintKey("resources", .object([
            BlueprintKey("cpu", .value(.quantity), default: .string("500m"), "CPU request; no CPU limit is set"),
            BlueprintKey("memory", .value(.quantity), default: .string("512Mi"), "memory request, also the limit"),
        ]), default: .object([("cpu", .string("500m")), ("memory", .string("512Mi"))]), "resource requests of one pod"),
        BlueprintKey("health", .object([
            BlueprintKey("path", .value(.httpPath), required: true, "HTTP path of the readiness probe; may check dependencies"),
            BlueprintKey("liveness", .value(.httpPath), default: .derived("a TCP check of the port"),
                         "HTTP path of the liveness and startup probes: the process only, never its dependencies; differs from path"),
        ]), default: .object([("path", .string("/healthz"))]), "readiness, liveness and startup probes"),
        BlueprintKey("runAsUser", .value(.integer(1...2_147_483_647)), default: .integer(65532),
                     "numeric UID and GID of the pods, so runAsNonRoot holds for images whose USER is a name"),
        BlueprintKey("uses", .list(.value(.name), count: 0...Limits.datastores), "datastores the service needs"),
        BlueprintKey("env", .map(keys: .environmentName, values: .either([
            .value(.literal),
            .object([
                BlueprintKey("secret", .value(.name), required: true, "name of the Kubernetes Secret"),
                BlueprintKey("key", .value(.text), required: true, "key inside the Secret"),
            ]),
        ]), limit: Limits.environmentVariables), "environment variables: literal values or { secret, key } references"),
        BlueprintKey("objectives", objectives, "overrides of the blueprint's objectives, key by key"),
        BlueprintKey("replicas", .map(keys: .name, values: .value(.integer(Limits.pinnedReplicas)), limit: Limits.regions),
                     "per-region replica pins, emitted as given and checked"),
        BlueprintKey("maxReplicas", .map(keys: .name, values: .value(.integer(Limits.pinnedReplicas)), limit: Limits.regions),
                     "per-region autoscaler maximum pins"),
        BlueprintKey("placement", placement, default: .derived("the blueprint's placement"), "where the service's pods run relative to each other"),
        BlueprintKey("quorum", .either([.value(.choice(["majority"])), .value(.integer(1...1000))]),
                     "majority or a number: replicas that must be up for the service to serve"),
    ])

    static let datastore: BlueprintShape = .object([
        BlueprintKey("engine", .value(.text), "database engine; a row of docs/failover.md decides its writers and runbook commands, any other name is generic"),
        BlueprintKey("residency", .value(.name), "residency zone of the data; without it the datastore is global"),
        BlueprintKey("primary", .value(.name), required: true, "region holding the writable copy"),
        BlueprintKey("replicas", .list(.object([
            BlueprintKey("region", .value(.name), required: true, "region of the copy"),
            BlueprintKey("mode", .value(.choice(ReplicationMode.allCases.map(\.rawValue))), required: true, "sync or async replication"),
            BlueprintKey("lag", .value(.duration), default: .derived("assumptions.replicationLag"), "replication lag of an async replica"),
        ]), count: 0...Limits.replicasPerDatastore), "copies of the data; in-region replicas take the zones after the primary's"),
        BlueprintKey("port", .value(.integer(1...65535)), default: .derived("the engine's default port"),
                     "TCP port clients connect to; the generated NetworkPolicy allows it (docs/delivery.md)"),
        BlueprintKey("syncQuorum", .value(.integer(1...64)), default: .derived("all of them"),
                     "how many sync replicas outside the primary's region must acknowledge a commit"),
        BlueprintKey("failover", .object([
            BlueprintKey("automatic", .value(.boolean), default: .boolean(false), "promote a replica without an operator"),
            BlueprintKey("promotion", perDisruption(.duration), default: .string("60s"), "time to promote a replica"),
            BlueprintKey("writer", .either([
                .value(.choice(["managed", "manual"])),
                .object([BlueprintKey("alarm", .value(.text), required: true, "CloudWatch alarm about the primary database")]),
            ]), default: .derived("managed when automatic, else manual"),
               "what moves the writer name: the service's own endpoint, a Route53 CloudWatch-alarm check, or the runbook"),
            BlueprintKey("automation", .value(.text), default: .derived("none: a person runs cross-region promotions and restores"),
                         "the automation that runs cross-region promotions, restores and resyncs when automatic (AWS does not)"),
        ]), default: .object([("automatic", .boolean(false)), ("promotion", .string("60s"))]),
           "how a replica takes over; manual failover adds manualResponse to the RTO"),
        BlueprintKey("backups", .object([
            BlueprintKey("every", .value(.duration), required: true, "interval between backups"),
            BlueprintKey("retain", .value(.duration), "how long a backup is kept"),
            BlueprintKey("regions", .list(.value(.name), count: 0...Limits.regions), "regions the backups are copied to"),
            // These defaults are flagged in the arithmetic when used, so writing them is not the same as omitting them.
            BlueprintKey("restore", .value(.duration), default: .derived("2h, flagged as an assumption"), "time to restore into a new writer"),
            BlueprintKey("copyDelay", .value(.duration), default: .derived("1h, flagged as an assumption"), "time for a backup to land in its regions"),
        ]), "periodic backups"),
    ])

    static let traffic: BlueprintShape = .object([
        BlueprintKey("hostname", .value(.hostname), required: true, "users' entry name; residency zones get <zone>.<hostname>"),
        BlueprintKey("hostedZoneId", .value(.hostedZoneId), required: true, "Route53 hosted zone of the records"),
        BlueprintKey("ttl", .value(.duration), default: .string("60s"), "TTL of the datastore CNAMEs"),
        BlueprintKey("healthCheck", .object([
            BlueprintKey("path", .value(.httpPath), default: .string("/healthz"), "HTTP path Route53 checks"),
            BlueprintKey("protocol", .value(.choice(["HTTP", "HTTPS"])), default: .string("HTTPS"), "protocol of the check"),
            BlueprintKey("interval", .value(.duration), default: .string("30s"), "10s or 30s, the two intervals Route53 offers"),
            BlueprintKey("failureThreshold", .value(.integer(1...10)), default: .integer(3),
                         "failed checks before a region counts as down"),
        ]), default: .object([("path", .string("/healthz")), ("protocol", .string("HTTPS")), ("interval", .string("30s")),
                              ("failureThreshold", .integer(3))]),
           "the Route53 health check of every serving region"),
        BlueprintKey("geolocation", .map(keys: .geoLocation, values: .value(.name), limit: Limits.geolocations),
                     "location -> residency zone: continents (EU), country:CH, country:US-CA and default"),
        BlueprintKey("within", .value(.choice(WithinZoneRouting.allCases.map(\.rawValue))), default: .string("latency"),
                     "routing among a residency zone's regions"),
        BlueprintKey("routes", .map(keys: .httpPath, values: .value(.name), limit: Limits.services),
                     "URL path prefix -> service behind each region's generated ALB Ingress"),
        BlueprintKey("routingControl", .value(.choice(RoutingControl.allCases.map(\.rawValue))), default: .string("none"),
                     "arc: Route 53 ARC routing controls decide region and manual writer failovers (docs/terraform.md)"),
    ])

    static let cost: BlueprintShape = .object([
        BlueprintKey("prices", .value(.relativePath), default: .derived("none: the committed catalogue"),
                     "price override file beside the blueprint, in the catalogue's format (docs/cost.md)"),
        // Exactly one of the two keys; the decoder says so when both or neither are given.
        BlueprintKey("nodes", .map(keys: .name, values: .object([
            BlueprintKey("family", .value(.text), "EC2 instance family of the nodes, e.g. m5"),
            BlueprintKey("pricePerVCPUHour", .value(.price), "US dollars per vCPU-hour, instead of a family"),
        ]), limit: Limits.regions + 1), default: .derived("m5, flagged as a default"),
           "region (or `default`) -> node family or price per vCPU-hour"),
        BlueprintKey("traffic", .object([
            BlueprintKey("averageLoad", .value(.percentage), default: .derived("30%, flagged as a default"), "mean load over the month, as a share of peak demand"),
            BlueprintKey("bytesPerRequest", .value(.integer(1...1_073_741_824)), default: .derived("4096, flagged as a default"),
                         "bytes a request and its response carry through the load balancer"),
            BlueprintKey("dnsQueriesPerMonth", .value(.integer(0...1_000_000_000_000)), default: .derived("100000000, flagged as a default"),
                         "DNS queries Route53 answers for the hostname"),
        ]), "user traffic behind load balancer, egress and query costs"),
        BlueprintKey("datastores", .map(keys: .name, values: .object([
            BlueprintKey("instanceClass", .value(.text), default: .derived("db.r6g.large, flagged as a default"), "instance class of each database instance"),
            BlueprintKey("storageGiB", .value(.integer(1...1_048_576)), default: .derived("100, flagged as a default"), "stored data, GiB"),
            BlueprintKey("writesPerSecond", .value(.integer(0...100_000_000)), default: .derived("100, flagged as a default"), "mean writes per second"),
            BlueprintKey("bytesPerWrite", .value(.integer(1...16_777_216)), default: .derived("1024, flagged as a default"), "bytes one write replicates"),
        ]), limit: Limits.datastores), "datastore -> its size and write volume"),
    ])

    static let waiver: BlueprintShape = .object([
        BlueprintKey("rule", .value(.text), required: true, "id of the rule whose findings are accepted"),
        BlueprintKey("at", .value(.text), required: true, "blueprint path of the finding, or a parent of it"),
        BlueprintKey("reason", .value(.multilineText), required: true, "why the finding is accepted"),
        BlueprintKey("expires", .value(.date), required: true, "last day the waiver holds, YYYY-MM-DD"),
    ])

    /// The whole blueprint.
    public static let blueprint: BlueprintShape = .object([
        BlueprintKey("blueprint", .value(.name), required: true, "the blueprint's name; output goes to Output/<blueprint>/"),
        BlueprintKey("provider", .value(.choice(["aws"])), default: .string("aws"), "cloud provider; aws is the only one of v1"),
        BlueprintKey("namespace", .value(.name), default: .derived("the blueprint name"), "Kubernetes namespace in every region"),
        BlueprintKey("gitops", .object([
            BlueprintKey("repoURL", .value(.templateFreeText), required: true, "Git repository Argo CD reads the output from"),
            BlueprintKey("revision", .value(.templateFreeText), default: .string("main"), "branch, tag or commit"),
            BlueprintKey("path", .value(.relativePath), default: .derived("Output/<blueprint>"), "folder of the output inside the repository"),
            BlueprintKey("maxUpdate", .value(.integer(1...1000)), "regions of one rollout wave synced at once (RollingSync maxUpdate); default: the whole wave"),
            BlueprintKey("bake", .value(.duration), "how long each wave stays Healthy before the next starts (at most 7d); Argo CD has no bake time, so this is the operator's gate, shown in REPORT.md and annotated on the ApplicationSet"),
        ]), "Argo CD delivery; without it no ApplicationSet is generated"),
        BlueprintKey("objectives", objectives, "what every service promises unless it overrides"),
        BlueprintKey("assumptions", assumptions, "the numbers behind the arithmetic"),
        BlueprintKey("residency", .map(keys: .name, values: .list(.value(.name), count: 0...Limits.regions), limit: Limits.residencyZones), required: true,
                     "residency zone -> its regions; each region in exactly one zone"),
        BlueprintKey("regions", .map(keys: .name, values: region, limit: Limits.regions), required: true, "the regions, by name"),
        BlueprintKey("services", .map(keys: .name, values: service, limit: Limits.services), required: true, "the services, by name"),
        BlueprintKey("datastores", .map(keys: .name, values: datastore, limit: Limits.datastores), "the datastores, by name"),
        BlueprintKey("traffic", traffic, "Route53 routing; without it no Terraform is generated"),
        BlueprintKey("waivers", .list(waiver, count: 0...Limits.waivers), "accepted findings, each with a reason and an expiry date"),
        BlueprintKey("placement", placement, default: .object([("zoneAntiAffinity", .string("spread"))]),
                     "default placement policy of every service"),
        BlueprintKey("networkPolicy", .value(.choice(NetworkPolicyMode.allCases.map(\.rawValue))), default: .string("default-deny"),
                     "default-deny: NetworkPolicies that allow only the ALB, datastore and DNS traffic the topology implies; none: no NetworkPolicy"),
        BlueprintKey("cost", cost, "inputs of the monthly cost (docs/cost.md); every value left out is a flagged default"),
    ])
}
