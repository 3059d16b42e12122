import BlueprintModel
import Resilience

/// Route53 in Terraform: a health check per serving region, one record set per residency
/// zone at `<zone>.<hostname>`, geolocation records at `<hostname>` that only ever point a
/// user at their own zone's record set, and failover-managed datastore endpoint names.
public enum Route53Generator {
    public static func files(for topology: Topology) -> [GeneratedFile] {
        let blueprint = topology.blueprint
        guard let traffic = blueprint.traffic else { return [] }
        let plan = Route53Plan(topology: topology, traffic: traffic)
        let header = GeneratedHeader.comment(blueprint: blueprint.name)
        let lookups = plan.loadBalancerLookups()
        let routing = plan.routing()
        var files = [
            GeneratedFile(path: "terraform/versions.tf", contents: HCL.file(header: header, blocks: [versions])),
            GeneratedFile(path: "terraform/providers.tf", contents: HCL.file(
                header: GeneratedHeader.comment(blueprint: blueprint.name, extra: Route53Plan.providerNote),
                blocks: plan.providers(for: lookups + routing + plan.routingControlBlocks()))),
            GeneratedFile(path: "terraform/variables.tf", contents: HCL.file(header: header, blocks: plan.variables())),
            GeneratedFile(path: "terraform/route53.tf", contents: HCL.file(
                header: GeneratedHeader.comment(blueprint: blueprint.name, extra: plan.locationSummary()), blocks: routing)),
        ]
        if !lookups.isEmpty {
            files.insert(GeneratedFile(path: "terraform/load_balancers.tf", contents: HCL.file(header: header, blocks: lookups)), at: 0)
        }
        let controls = plan.routingControlBlocks()
        if !controls.isEmpty {
            files.insert(GeneratedFile(path: "terraform/arc.tf", contents: HCL.file(header: header, blocks: controls)), at: 0)
        }
        return files
    }

    /// The same resources as `files`, flattened to `attribute.path = value` for semantic diffs.
    public static func resources(for topology: Topology) -> [TerraformResource] {
        guard let traffic = topology.blueprint.traffic else { return [] }
        let plan = Route53Plan(topology: topology, traffic: traffic)
        let lookups = plan.loadBalancerLookups()
        let routing = plan.routing()
        let controls = plan.routingControlBlocks()
        let blocks = plan.providers(for: lookups + routing + controls) + lookups + plan.variables() + routing + controls
        return blocks.map { block in
            let address: String
            switch block.type {
            case "variable": address = "var.\(block.labels[0])"
            case "output": address = "output.\(block.labels[0])"
            case "data": address = "data." + block.labels.joined(separator: ".")
            case "provider":
                // Terraform's own address of an aliased provider configuration: provider.aws.<alias>.
                let alias = block.items.lazy.compactMap { item -> String? in
                    if case .attribute("alias", .string(let name)) = item { return name }
                    return nil
                }.first
                address = ["provider", block.labels[0], alias].compactMap { $0 }.joined(separator: ".")
            default: address = block.labels.joined(separator: ".")
            }
            return TerraformResource(address: address, attributes: block.flattened())
        }
    }

    static let versions = HCLBlock("terraform", [], [
        .attribute("required_version", .string(">= 1.5.0")),
        .blank,
        .block(HCLBlock("required_providers", [], [
            .attribute("aws", .object([("source", .string("hashicorp/aws")), ("version", .string(">= 5.0"))])),
        ])),
    ])
}

public struct TerraformResource: Sendable, Hashable {
    public var address: String
    public var attributes: [String: String]
}

struct Route53Plan {
    let topology: Topology
    let traffic: Traffic
    var blueprint: Blueprint { topology.blueprint }

    /// Regions that run workloads, so have a load balancer to check and route to.
    var servingRegions: [Region] { topology.servingRegions.compactMap { blueprint.region($0) } }

    var hostedZone: HCLValue { .string(traffic.hostedZoneId) }

    func zoneHost(_ zone: String) -> String { "\(zone).\(traffic.hostname)" }

    // MARK: Load balancers

    /// A region whose ALB comes from the generated Ingress: no explicit endpoint, and a routed
    /// service runs there. Other regions without an endpoint take it as a variable.
    ///
    /// A region an outage-mode compile assumes down never discovers: its `data "aws_lb"` would
    /// call that region's ELB API at every plan and apply during the outage. Its records keep
    /// their values through the `endpoint_<region>` variable instead.
    func discoversLoadBalancer(_ region: Region) -> Bool {
        region.endpoint == nil && !topology.assumedDown.contains(region.name) && topology.placements(inRegion: region.name).contains { placement in
            traffic.routes.contains { $0.service == placement.service }
        }
    }

    func loadBalancerName(_ region: String) -> String { HCL.identifier(region) }

    // MARK: Providers

    static let providerNote = [
        "",
        "Route 53 is global: its API (route53.amazonaws.com) answers whatever the provider's region. The",
        "default provider still needs a region to start (and to ask STS who it is): the blueprint's first",
        "region, its first surviving one in an outage-mode compile. Resources that live in one region",
        "name that region's provider.",
    ]

    /// The region the default provider starts in: the first region of the blueprint that is not
    /// assumed down.
    var defaultProviderRegion: String {
        let names = blueprint.regions.map(\.name)
        return names.first { !topology.assumedDown.contains($0) } ?? names.first ?? "us-east-1"
    }

    /// The default provider, then one aliased provider per region that a block names
    /// (`provider = aws.<alias>`), in the order first named.
    func providers(for blocks: [HCLBlock]) -> [HCLBlock] {
        var aliases: [String] = []
        func collect(_ block: HCLBlock) {
            for item in block.items {
                switch item {
                case .attribute("provider", .expression(let reference)) where reference.hasPrefix("aws."):
                    let alias = String(reference.dropFirst(4))
                    if !aliases.contains(alias) { aliases.append(alias) }
                case .block(let nested): collect(nested)
                default: break
                }
            }
        }
        blocks.forEach(collect)
        // An alias is the region's identifier (`eu_west_1`); region names hold only a-z, 0-9 and '-'.
        return [HCLBlock("provider", ["aws"], [.attribute("region", .string(defaultProviderRegion))])]
            + aliases.sorted().map { alias in
                HCLBlock("provider", ["aws"], [.attribute("alias", .string(alias)), .attribute("region", .string(alias.replacingOccurrences(of: "_", with: "-")))])
            }
    }

    /// Per discovering region: a provider for its AWS region and the ALB the AWS Load Balancer
    /// Controller created for the generated Ingress, found by the tags the controller sets
    /// (`elbv2.k8s.aws/cluster`, `ingress.k8s.aws/stack` = the IngressGroup). The lookup fails
    /// until the Ingress is synced, so apply this after the ApplicationSet's first wave.
    func loadBalancerLookups() -> [HCLBlock] {
        servingRegions.filter(discoversLoadBalancer).map { region in
                HCLBlock("data", ["aws_lb", loadBalancerName(region.name)], [
                    .attribute("provider", .expression("aws.\(loadBalancerName(region.name))")),
                    .blank,
                    .attribute("tags", .object([
                        ("elbv2.k8s.aws/cluster", .string(region.cluster.name)),
                        ("ingress.k8s.aws/stack", .string(IngressGenerator.groupName(blueprint))),
                        ("ingress.k8s.aws/resource", .string("LoadBalancer")),
                    ])),
                ])
        }
    }

    // MARK: Variables

    func endpointVariable(_ region: String) -> String { HCL.identifier("endpoint", region) }

    func datastoreVariable(_ datastore: String) -> String { HCL.identifier("datastore", datastore) }

    func variables() -> [HCLBlock] {
        var blocks: [HCLBlock] = []
        for region in servingRegions where region.endpoint == nil && !discoversLoadBalancer(region) {
            let description = topology.assumedDown.contains(region.name)
                ? "Load balancer of region \(region.name), assumed down: the values its records had before the outage (`terraform state show data.aws_lb.\(loadBalancerName(region.name))` from the last normal apply), so applying during the outage leaves its records as they were and never calls its ELB API."
                : "Load balancer of region \(region.name) that Route53 aliases to (its DNS name and hosted zone id)."
            blocks.append(HCLBlock("variable", [endpointVariable(region.name)], [
                .attribute("description", .string(description)),
                .attribute("type", .expression("object({\n    dns_name = string\n    zone_id  = string\n  })")),
            ]))
        }
        for datastore in usedDatastores {
            let regions = copies(of: datastore).joined(separator: ", ")
            if EndpointNames.writesLocally(datastore) {
                blocks.append(HCLBlock("variable", [datastoreVariable(datastore.name)], [
                    .attribute("description", .string("Hostnames of datastore \(datastore.name), whose every copy accepts writes (no single writer to move): writer and reader endpoint by region, for the regions holding a copy (\(regions)).")),
                    .attribute("type", .expression("object({\n    writer = map(string)\n    reader = map(string)\n  })")),
                ]))
            } else if datastore.failover.writer == .managed {
                blocks.append(HCLBlock("variable", [datastoreVariable(datastore.name)], [
                    .attribute("description", .string("Hostnames of datastore \(datastore.name): the writer endpoint its service moves on failover (for Aurora Global Database the global writer endpoint), and the reader endpoint by region for the regions holding a copy (\(regions)).")),
                    .attribute("type", .expression("object({\n    global_writer = string\n    reader        = map(string)\n  })")),
                ]))
            } else {
                blocks.append(HCLBlock("variable", [datastoreVariable(datastore.name)], [
                    .attribute("description", .string("Hostnames of datastore \(datastore.name): writer and reader endpoint by region, for the regions holding a copy (\(regions)).")),
                    .attribute("type", .expression("object({\n    writer = map(string)\n    reader = map(string)\n  })")),
                ]))
            }
            if case .alarm = datastore.failover.writer, let replica = promotable(datastore) {
                blocks.append(writerAlarmVariableBlock(datastore, evaluatedIn: replica.region))
            }
        }
        return blocks
    }

    // MARK: Health checks

    func healthCheckName(_ region: String) -> String { HCL.identifier(region) }

    func healthChecks() -> [HCLBlock] {
        let check = traffic.healthCheck
        return servingRegions.map { region in
            var items: [HCLBlock.Item] = [
                .attribute("fqdn", endpointName(region)),
                .attribute("port", .number(check.protocolName == "HTTPS" ? 443 : 80)),
                .attribute("type", .string(check.protocolName)),
                .attribute("resource_path", .string(check.path)),
                // Always explicit: the provider forces a replacement when it is left to default.
                .attribute("request_interval", .number(check.interval.seconds)),
                .attribute("failure_threshold", .number(check.failureThreshold)),
                .attribute("measure_latency", .bool(true)),
            ]
            if check.protocolName == "HTTPS" { items.append(.attribute("enable_sni", .bool(true))) }
            items += [.blank, .attribute("tags", .object(tags(region)))]
            return HCLBlock("resource", ["aws_route53_health_check", healthCheckName(region.name)], items)
        }
    }

    func tags(_ region: Region) -> [(String, HCLValue)] {
        [("Name", .string("\(blueprint.name)-\(region.name)")),
         ("Blueprint", .string(blueprint.name)),
         ("Region", .string(region.name)),
         ("ResidencyZone", .string(blueprint.residencyZone(ofRegion: region.name)?.name ?? "")),
         ("ManagedBy", .string("meridian"))]
    }

    func endpointName(_ region: Region) -> HCLValue {
        if let endpoint = region.endpoint { return .string(endpoint.dnsName) }
        return discoversLoadBalancer(region)
            ? .expression("data.aws_lb.\(loadBalancerName(region.name)).dns_name")
            : .expression("var.\(endpointVariable(region.name)).dns_name")
    }

    func endpointZone(_ region: Region) -> HCLValue {
        if let endpoint = region.endpoint { return .string(endpoint.zoneId) }
        return discoversLoadBalancer(region)
            ? .expression("data.aws_lb.\(loadBalancerName(region.name)).zone_id")
            : .expression("var.\(endpointVariable(region.name)).zone_id")
    }

    /// Health checks and records, in file order.
    func routing() -> [HCLBlock] {
        let zones = zoneRecords()
        return healthChecks() + zones + geolocationRecords(targets: zones) + datastoreRecords()
    }

    // MARK: Residency zone record sets

    /// An alias to a record set of this hosted zone names it through one of its records and
    /// depends on all of them: Route 53 refuses an alias whose target does not exist yet
    /// ("Tried to create an alias that targets …, but that target was not found"), so Terraform
    /// must create the target records first and delete them last.
    func aliasTarget(_ host: String, among blocks: [HCLBlock]) -> (name: HCLValue, dependsOn: [String]) {
        let records = blocks.filter { block in
            block.type == "resource" && block.labels.first == "aws_route53_record" && block.items.contains {
                if case .attribute("name", .string(host)) = $0 { return true }
                return false
            }
        }.map { "aws_route53_record.\($0.labels[1])" }
        guard let first = records.first else { return (.string(host), []) }
        return (.expression("\(first).name"), records)
    }

    func zoneRecords() -> [HCLBlock] {
        var blocks: [HCLBlock] = []
        for zone in blueprint.residency.sorted(by: { $0.name < $1.name }) {
            let regions = zone.regions.sorted().compactMap { name in servingRegions.first { $0.name == name } }
            let active = regions.filter { $0.role == .active }
            let standby = regions.filter { $0.role == .standby }
            guard !regions.isEmpty else { continue }
            let host = zoneHost(zone.name)
            switch traffic.within {
            case .failover:
                // The validator guarantees one active and one standby region here.
                if let primary = active.first {
                    blocks.append(regionAlias(primary, at: host, name: HCL.identifier(zone.name, "primary"), setIdentifier: primary.name, policy: failover("PRIMARY")))
                }
                if let secondary = standby.first {
                    blocks.append(regionAlias(secondary, at: host, name: HCL.identifier(zone.name, "secondary"), setIdentifier: secondary.name, policy: failover("SECONDARY")))
                }
            case .weighted:
                // Weight 0 is Route53's standby: served only when every weighted record is unhealthy.
                let weight = active.isEmpty ? 0 : 100 / active.count
                for region in regions {
                    let policy = HCLBlock("weighted_routing_policy", [], [.attribute("weight", .number(region.role == .active ? weight : 0))])
                    blocks.append(regionAlias(region, at: host, name: HCL.identifier(zone.name, region.name), setIdentifier: region.name, policy: policy))
                }
            case .latency:
                if standby.isEmpty || active.isEmpty {
                    for region in regions {
                        blocks.append(regionAlias(region, at: host, name: HCL.identifier(zone.name, region.name), setIdentifier: region.name, policy: latency(region)))
                    }
                } else {
                    // Latency among the active regions, behind a failover pair whose secondary is the standby.
                    let activeHost = "active.\(host)"
                    let activeRecords = active.map { region in
                        regionAlias(region, at: activeHost, name: HCL.identifier("active", zone.name, region.name), setIdentifier: region.name, policy: latency(region))
                    }
                    blocks += activeRecords
                    let target = aliasTarget(activeHost, among: activeRecords)
                    blocks.append(recordAlias(name: HCL.identifier(zone.name, "primary"), host: host, setIdentifier: "active",
                                              target: target.name, targetZone: hostedZone, evaluateTargetHealth: true,
                                              healthCheck: nil, policy: failover("PRIMARY"), dependsOn: target.dependsOn))
                    if let secondary = standby.first {
                        blocks.append(regionAlias(secondary, at: host, name: HCL.identifier(zone.name, "secondary"), setIdentifier: secondary.name, policy: failover("SECONDARY")))
                    }
                }
            }
        }
        return blocks
    }

    func latency(_ region: Region) -> HCLBlock {
        HCLBlock("latency_routing_policy", [], [.attribute("region", .string(region.name))])
    }

    func failover(_ type: String) -> HCLBlock {
        HCLBlock("failover_routing_policy", [], [.attribute("type", .string(type))])
    }

    func regionAlias(_ region: Region, at host: String, name: String, setIdentifier: String, policy: HCLBlock) -> HCLBlock {
        recordAlias(name: name, host: host, setIdentifier: setIdentifier, target: endpointName(region),
                    targetZone: endpointZone(region), evaluateTargetHealth: true, healthCheck: recordHealthCheck(region.name), policy: policy)
    }

    func recordAlias(name: String, host: String, setIdentifier: String?, target: HCLValue, targetZone: HCLValue,
                     evaluateTargetHealth: Bool, healthCheck: String?, policy: HCLBlock?, dependsOn: [String] = []) -> HCLBlock {
        var items: [HCLBlock.Item] = [
            .attribute("zone_id", hostedZone),
            .attribute("name", .string(host)),
            .attribute("type", .string("A")),
        ]
        if let setIdentifier { items.append(.attribute("set_identifier", .string(setIdentifier))) }
        if let healthCheck {
            items.append(.attribute("health_check_id", .expression("aws_route53_health_check.\(healthCheck).id")))
        }
        items += [.blank, .block(HCLBlock("alias", [], [
            .attribute("name", target),
            .attribute("zone_id", targetZone),
            .attribute("evaluate_target_health", .bool(evaluateTargetHealth)),
        ]))]
        if let policy { items += [.blank, .block(policy)] }
        if dependsOn.count > 1 { items += [.blank, .attribute("depends_on", .list(dependsOn.map { .expression($0) }))] }
        return HCLBlock("resource", ["aws_route53_record", name], items)
    }

    // MARK: Geolocation

    /// Which locations reach which residency zone, for the file header. Route53 answers the
    /// `default` record for addresses it cannot place and for locations no record lists
    /// (Route53 Developer Guide, "Geolocation routing").
    func locationSummary() -> [String] {
        let rows = Explanation.routing(of: blueprint)
        guard !rows.isEmpty else { return [] }
        return ["", "Geolocation: which users reach which residency zone's record set."] + rows.map { "  \($0.residencyZone): \(ExplainRenderer.reach($0))" }
    }

    /// `targets`: the zone record sets the geolocation records alias.
    func geolocationRecords(targets: [HCLBlock]) -> [HCLBlock] {
        let servedZones = Set(servingRegions.compactMap { blueprint.residencyZone(ofRegion: $0.name)?.name })
        return traffic.geolocation.sorted { $0.location < $1.location }.compactMap { entry in
            guard servedZones.contains(entry.zone), let location = GeoLocation(entry.location) else { return nil }
            let target = aliasTarget(zoneHost(entry.zone), among: targets)
            // evaluate_target_health stays false: were it true, an unhealthy zone would make Route53
            // answer with the default record and send the zone's users, and their data, abroad.
            return recordAlias(
                name: "geo_" + HCL.identifier(location.identifier), host: traffic.hostname,
                setIdentifier: "geo-\(location.identifier)", target: target.name, targetZone: hostedZone,
                evaluateTargetHealth: false, healthCheck: nil,
                policy: HCLBlock("geolocation_routing_policy", [], location.attributes.map { .attribute($0.0, .string($0.1)) }),
                dependsOn: target.dependsOn)
        }
    }

    // MARK: Datastore endpoints

    /// Datastores some serving placement depends on, by name.
    var usedDatastores: [Datastore] {
        let used = readerRegions
        return blueprint.datastores.filter { used[$0.name] != nil }.sorted { $0.name < $1.name }
    }

    /// For each datastore some serving placement depends on, the regions whose ConfigMaps name
    /// its reader, sorted: one pass over the placements for all datastores.
    var readerRegions: [String: [String]] {
        var regions: [String: Set<String>] = [:]
        for placement in topology.placements {
            for datastore in topology.dependencies(of: placement) { regions[datastore.name, default: []].insert(placement.region) }
        }
        return regions.mapValues { $0.sorted() }
    }

    /// Regions holding a copy: the primary and every replica region, sorted.
    func copies(of datastore: Datastore) -> [String] {
        Array(Set([datastore.primary] + datastore.replicas.map(\.region))).sorted()
    }


    /// The replica a region failure promotes: in another region inside the residency zone,
    /// sync before async, then the smallest lag, then by name.
    func promotable(_ datastore: Datastore) -> Datastore.Replica? {
        datastore.replicas
            .filter { $0.region != datastore.primary && blueprint.isInsideResidency(of: datastore, $0.region) }
            .min { ($0.mode == .sync ? 0 : 1, $0.lag, $0.region) < ($1.mode == .sync ? 0 : 1, $1.lag, $1.region) }
    }

    func host(_ datastore: Datastore, _ role: String, _ region: String) -> HCLValue {
        .list([.expression("var.\(datastoreVariable(datastore.name)).\(role)[\(HCL.quoted(region))]")])
    }

    func datastoreRecords() -> [HCLBlock] {
        var blocks: [HCLBlock] = []
        let readers = readerRegions
        for datastore in usedDatastores {
            let readingRegions = readers[datastore.name] ?? []
            let writer = EndpointNames.writer(datastore.name, in: blueprint)
            let id = HCL.identifier(datastore.name)
            let holders = Set(copies(of: datastore))
            // The writer name follows the datastore's own state; application health checks only steer users.
            switch (datastore.failover.writer, promotable(datastore)) {
            case _ where EndpointNames.writesLocally(datastore):
                // No single writer (DynamoDB global tables, Aurora DSQL): no global_writer to name;
                // each region's services write to the copy in their region (else the primary's).
                for region in readingRegions {
                    blocks.append(cname("writer_\(HCL.identifier(datastore.name, region))", EndpointNames.writer(datastore, region: region, in: blueprint),
                                        host(datastore, "writer", holders.contains(region) ? region : datastore.primary),
                                        setIdentifier: nil, healthCheck: nil, policy: nil))
                }
            case (.managed, _):
                blocks.append(cname("writer_\(id)", writer, .list([.expression("var.\(datastoreVariable(datastore.name)).global_writer")]),
                                    setIdentifier: nil, healthCheck: nil, policy: nil))
            case (.alarm(let alarm), let replica?):
                blocks.append(writerAlarm(datastore, alarm: alarm, evaluatedIn: replica.region))
                blocks.append(writerHealthCheck(datastore, evaluatedIn: replica.region))
                blocks.append(cname("writer_\(id)_primary", writer, host(datastore, "writer", datastore.primary),
                                    setIdentifier: "primary", healthCheckResource: "writer_\(id)", policy: failover("PRIMARY")))
                blocks.append(cname("writer_\(id)_secondary", writer, host(datastore, "writer", replica.region),
                                    setIdentifier: "secondary", healthCheck: nil, policy: failover("SECONDARY")))
            case (.manual, let replica?) where usesRoutingControls:
                // A person moves this writer: with ARC, by turning the primary's routing control off
                // and the replica's on, in one call to ARC's data plane.
                blocks.append(cname("writer_\(id)_primary", writer, host(datastore, "writer", datastore.primary), setIdentifier: "primary",
                                    healthCheckResource: "arc_\(writerControl(datastore, datastore.primary).resource)", policy: failover("PRIMARY")))
                blocks.append(cname("writer_\(id)_secondary", writer, host(datastore, "writer", replica.region), setIdentifier: "secondary",
                                    healthCheckResource: "arc_\(writerControl(datastore, replica.region).resource)", policy: failover("SECONDARY")))
            case (.alarm, nil), (.manual, _):
                blocks.append(cname("writer_\(id)", writer, host(datastore, "writer", datastore.primary),
                                    setIdentifier: nil, healthCheck: nil, policy: nil))
            }
            for region in readingRegions {
                let nearest = holders.contains(region) ? region : datastore.primary
                blocks.append(cname("reader_\(HCL.identifier(datastore.name, region))",
                                    EndpointNames.reader(datastore.name, region: region, in: blueprint),
                                    host(datastore, "reader", nearest), setIdentifier: nil, healthCheck: nil, policy: nil))
            }
        }
        return blocks
    }

    func cname(_ name: String, _ host: String, _ records: HCLValue, setIdentifier: String?, healthCheck: String? = nil,
               healthCheckResource: String? = nil, policy: HCLBlock?) -> HCLBlock {
        var items: [HCLBlock.Item] = [
            .attribute("zone_id", hostedZone),
            .attribute("name", .string(host)),
            .attribute("type", .string("CNAME")),
            .attribute("ttl", .number(traffic.ttl.seconds)),
            .attribute("records", records),
        ]
        if let setIdentifier { items.append(.attribute("set_identifier", .string(setIdentifier))) }
        if let resource = healthCheckResource ?? healthCheck.map(healthCheckName) {
            items.append(.attribute("health_check_id", .expression("aws_route53_health_check.\(resource).id")))
        }
        if let policy { items += [.blank, .block(policy)] }
        return HCLBlock("resource", ["aws_route53_record", name], items)
    }

    /// Where the writer alarm's metric comes from: what the user must provide (docs/terraform.md,
    /// "Writer alarms").
    func writerAlarmVariable(_ datastore: Datastore) -> String { HCL.identifier("writer_alarm", datastore.name) }

    /// The CloudWatch alarm that moves `writer.<datastore>`, evaluated in the region the writer
    /// moves to, never in the primary's: when the primary's region is lost, an alarm there (or its
    /// metric) goes silent and INSUFFICIENT_DATA would hold the writer where it was. Missing data is
    /// breaching, so a metric that stops because its source died is a failure. Two of two 60 s
    /// periods: one late datapoint never moves the writer (`RecoveryModel.writerAlarmDetection`).
    func writerAlarm(_ datastore: Datastore, alarm: String, evaluatedIn region: String) -> HCLBlock {
        let metric = "var.\(writerAlarmVariable(datastore))"
        return HCLBlock("resource", ["aws_cloudwatch_metric_alarm", "writer_\(HCL.identifier(datastore.name))"], [
            .attribute("provider", .expression("aws.\(loadBalancerName(region))")),
            .blank,
            .attribute("alarm_name", .string(alarm)),
            .attribute("alarm_description", .string("Moves writer.\(datastore.name) from \(datastore.primary) to \(region) (Route 53 health check writer_\(HCL.identifier(datastore.name))). Evaluated in \(region), outside the primary's region; missing data is breaching.")),
            .attribute("namespace", .expression("\(metric).namespace")),
            .attribute("metric_name", .expression("\(metric).metric_name")),
            .attribute("dimensions", .expression("\(metric).dimensions")),
            .attribute("statistic", .expression("\(metric).statistic")),
            .attribute("comparison_operator", .expression("\(metric).comparison_operator")),
            .attribute("threshold", .expression("\(metric).threshold")),
            .attribute("period", .number(RecoveryModel.WriterAlarm.periodSeconds)),
            .attribute("evaluation_periods", .number(RecoveryModel.WriterAlarm.periods)),
            .attribute("datapoints_to_alarm", .number(RecoveryModel.WriterAlarm.periods)),
            .attribute("treat_missing_data", .string("breaching")),
            .blank,
            .attribute("tags", .object(writerTags(datastore))),
        ])
    }

    func writerTags(_ datastore: Datastore) -> [(String, HCLValue)] {
        [("Name", .string("\(blueprint.name)-writer-\(datastore.name)")),
         ("Blueprint", .string(blueprint.name)),
         ("Datastore", .string(datastore.name)),
         ("ManagedBy", .string("meridian"))]
    }

    func writerAlarmVariableBlock(_ datastore: Datastore, evaluatedIn region: String) -> HCLBlock {
        let name = writerAlarmVariable(datastore)
        return HCLBlock("variable", [name], [
            .attribute("description", .string("The metric whose alarm moves writer.\(datastore.name) from \(datastore.primary) to \(region). It must be published in \(region), where the alarm is evaluated, and breach or stop when the primary in \(datastore.primary) stops taking writes: for example the replica's replication lag, or a canary in \(region) that writes to the primary. Standard resolution; docs/terraform.md, \"Writer alarms\".")),
            .attribute("type", .expression("object({\n    namespace           = string\n    metric_name         = string\n    dimensions          = map(string)\n    statistic           = string\n    comparison_operator = string\n    threshold           = number\n  })")),
            .blank,
            .block(HCLBlock("validation", [], [
                .attribute("condition", .expression("contains([\"Average\", \"Minimum\", \"Maximum\", \"Sum\", \"SampleCount\"], var.\(name).statistic)")),
                .attribute("error_message", .string("Route 53 health checks accept alarms on Average, Minimum, Maximum, Sum or SampleCount only.")),
            ])),
            .blank,
            .block(HCLBlock("validation", [], [
                .attribute("condition", .expression("var.\(name).namespace != \"AWS/DynamoDB\"")),
                .attribute("error_message", .string("Alarms on AWS/DynamoDB metrics always ignore missing data, so a silent primary would never raise this alarm.")),
            ])),
        ])
    }

    /// Unhealthy while the writer alarm is in ALARM. Insufficient data keeps the last status: with
    /// missing data breaching, the alarm is INSUFFICIENT_DATA only before its first evaluation, and
    /// a new health check's last status is healthy, so creating the alarm never moves the writer.
    func writerHealthCheck(_ datastore: Datastore, evaluatedIn region: String) -> HCLBlock {
        let id = HCL.identifier(datastore.name)
        return HCLBlock("resource", ["aws_route53_health_check", "writer_\(id)"], [
            .attribute("type", .string("CLOUDWATCH_METRIC")),
            .attribute("cloudwatch_alarm_name", .expression("aws_cloudwatch_metric_alarm.writer_\(id).alarm_name")),
            .attribute("cloudwatch_alarm_region", .string(region)),
            .attribute("insufficient_data_health_status", .string("LastKnownStatus")),
            .blank,
            .attribute("tags", .object(writerTags(datastore))),
        ])
    }
}
