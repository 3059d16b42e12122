import BlueprintModel

/// Route 53 ARC routing controls (`traffic.routingControl: arc`): the decisions a failover needs
/// become routing control states, changed through ARC's data plane (five regional cluster
/// endpoints) instead of by editing Route 53 records through its control plane.
/// docs/terraform.md, "Route 53 ARC routing controls".
extension Route53Plan {
    var usesRoutingControls: Bool { traffic.routingControl == .arc }

    /// ARC's configuration API (clusters, control panels, routing controls, safety rules) answers
    /// in us-west-2 only (ARC Developer Guide, "Region availability for routing control").
    static let arcControlPlaneRegion = "us-west-2"

    var arcProvider: HCLBlock.Item { .attribute("provider", .expression("aws.\(HCL.identifier(Self.arcControlPlaneRegion))")) }

    /// A routing control a failover decision sets: a region that serves users, or one side of a
    /// writer that only a person moves.
    struct Control {
        var resource: String
        var name: String
    }

    func regionControl(_ region: String) -> Control { Control(resource: "region_\(HCL.identifier(region))", name: region) }

    /// Datastores whose writer a person moves across regions (`manual`, with a replica to promote
    /// in another region of the residency zone): their writer record becomes a failover pair on
    /// two routing controls.
    var controlledWriters: [(datastore: Datastore, replica: Datastore.Replica)] {
        guard usesRoutingControls else { return [] }
        return usedDatastores.compactMap { datastore in
            guard case .manual = datastore.failover.writer, let replica = promotable(datastore) else { return nil }
            return (datastore, replica)
        }
    }

    func writerControl(_ datastore: Datastore, _ region: String) -> Control {
        Control(resource: "writer_\(HCL.identifier(datastore.name, region))", name: "\(datastore.name)-writer-\(region)")
    }

    func arn(_ control: Control) -> HCLValue { .expression("aws_route53recoverycontrolconfig_routing_control.\(control.resource).arn") }

    /// The health check a region's records carry: its endpoint check alone, or with ARC the
    /// calculated AND of the endpoint check and the region's routing control, so Route 53 still
    /// fails over by itself and a person can also take a region out with one data-plane call.
    func recordHealthCheck(_ region: String) -> String {
        usesRoutingControls ? "serving_\(HCL.identifier(region))" : healthCheckName(region)
    }

    /// The resources of `arc.tf`: cluster, control panel, routing controls, safety rules,
    /// RECOVERY_CONTROL and calculated health checks, and the outputs the runbook reads.
    func routingControlBlocks() -> [HCLBlock] {
        guard usesRoutingControls else { return [] }
        let cluster = "aws_route53recoverycontrolconfig_cluster.arc"
        let panel = "aws_route53recoverycontrolconfig_control_panel.arc"
        var blocks = [
            HCLBlock("resource", ["aws_route53recoverycontrolconfig_cluster", "arc"], [
                arcProvider, .blank, .attribute("name", .string(blueprint.name)),
            ]),
            HCLBlock("resource", ["aws_route53recoverycontrolconfig_control_panel", "arc"], [
                arcProvider, .blank,
                .attribute("name", .string(blueprint.name)),
                .attribute("cluster_arn", .expression("\(cluster).arn")),
            ]),
        ]
        var controls = servingRegions.map { regionControl($0.name) }
        for (datastore, replica) in controlledWriters {
            controls += [writerControl(datastore, datastore.primary), writerControl(datastore, replica.region)]
        }
        for control in controls {
            blocks.append(HCLBlock("resource", ["aws_route53recoverycontrolconfig_routing_control", control.resource], [
                arcProvider, .blank,
                .attribute("name", .string(control.name)),
                .attribute("cluster_arn", .expression("\(cluster).arn")),
                .attribute("control_panel_arn", .expression("\(panel).arn")),
            ]))
        }
        // Safety rules: every served residency zone keeps one region on; every controlled writer
        // keeps one side on (both off would leave Route 53 answering the failed primary).
        for zone in blueprint.residency.sorted(by: { $0.name < $1.name }) {
            let regions = servingRegions.filter { zone.regions.contains($0.name) }
            guard !regions.isEmpty else { continue }
            blocks.append(atLeastOne("zone_\(HCL.identifier(zone.name))", name: "\(zone.name)-keeps-a-region", regions.map { regionControl($0.name) }))
        }
        for (datastore, replica) in controlledWriters {
            blocks.append(atLeastOne("writer_\(HCL.identifier(datastore.name))", name: "\(datastore.name)-keeps-a-writer",
                                     [writerControl(datastore, datastore.primary), writerControl(datastore, replica.region)]))
        }
        for control in controls {
            blocks.append(HCLBlock("resource", ["aws_route53_health_check", "arc_\(control.resource)"], [
                .attribute("type", .string("RECOVERY_CONTROL")),
                .attribute("routing_control_arn", arn(control)),
                .blank,
                .attribute("tags", .object([("Name", .string("\(blueprint.name)-arc-\(control.name)")), ("Blueprint", .string(blueprint.name)),
                                            ("ManagedBy", .string("meridian"))])),
            ]))
        }
        for region in servingRegions {
            let control = regionControl(region.name)
            blocks.append(HCLBlock("resource", ["aws_route53_health_check", recordHealthCheck(region.name)], [
                .attribute("type", .string("CALCULATED")),
                .attribute("child_health_threshold", .number(2)),
                .attribute("child_healthchecks", .list([
                    .expression("aws_route53_health_check.\(healthCheckName(region.name)).id"),
                    .expression("aws_route53_health_check.arc_\(control.resource).id"),
                ])),
                .blank,
                .attribute("tags", .object([("Name", .string("\(blueprint.name)-serving-\(region.name)"))] + tags(region).dropFirst())),
            ]))
        }
        blocks.append(HCLBlock("output", ["arc_cluster_endpoints"], [
            .attribute("description", .string("ARC's data plane: call update-routing-control-states on any one of these (endpoint URL and its region); try the next when one fails.")),
            .attribute("value", .expression("\(cluster).cluster_endpoints")),
        ]))
        blocks.append(HCLBlock("output", ["arc_routing_controls"], [
            .attribute("description", .string("Routing control ARN by name: a region's name, or <datastore>-writer-<region>.")),
            .attribute("value", .object(controls.map { ($0.name, arn($0)) })),
        ]))
        return blocks
    }

    func atLeastOne(_ resource: String, name: String, _ controls: [Control]) -> HCLBlock {
        HCLBlock("resource", ["aws_route53recoverycontrolconfig_safety_rule", resource], [
            arcProvider, .blank,
            .attribute("name", .string(name)),
            .attribute("control_panel_arn", .expression("aws_route53recoverycontrolconfig_control_panel.arc.arn")),
            .attribute("wait_period_ms", .number(5000)),
            .attribute("asserted_controls", .list(controls.map(arn))),
            .blank,
            .block(HCLBlock("rule_config", [], [
                .attribute("inverted", .bool(false)),
                .attribute("threshold", .number(1)),
                .attribute("type", .string("ATLEAST")),
            ])),
        ])
    }
}
