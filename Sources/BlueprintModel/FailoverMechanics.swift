/// How each managed datastore engine fails over, in one place: which writers it can have, what
/// happens inside a Region and across Regions, the AWS CLI commands a runbook prints, and the AWS
/// FIS action that injects its zone failover. The decoder, the recovery model and `drill plan` all
/// read this table; docs/failover.md is the same table for people, with the AWS documentation each
/// row rests on. An `engine` outside the table is a generic engine: accepted, its terms come from
/// the blueprint, and its failover is the user's own documented runbook step (no command invented).
public enum FailoverEngine: String, CaseIterable, Sendable {
    /// Aurora PostgreSQL/MySQL, with an Aurora Global Database when a copy lives in another Region.
    case auroraGlobalDatabase
    /// RDS Multi-AZ DB instance (one synchronous standby), cross-Region read replicas.
    case rdsMultiAZInstance
    /// RDS Multi-AZ DB cluster (a writer and two readable standbys), cross-Region read replicas.
    case rdsMultiAZCluster
    /// DynamoDB global table, multi-Region eventual consistency (the default mode).
    case dynamoDBGlobalTable
    /// DynamoDB global table, multi-Region strong consistency.
    case dynamoDBGlobalTableStrong
    /// ElastiCache (Valkey / Redis OSS) Global Datastore.
    case elastiCacheGlobalDatastore
    /// Amazon MSK, replicated to a cluster in another Region (MSK Replicator).
    case msk
    /// Aurora DSQL multi-Region clusters (two peered Regional clusters and a witness Region).
    case auroraDSQL

    /// The `engine:` values each row answers to (lowercase; matched case-insensitively). The RDS
    /// rows use the RDS API's own `Engine` names.
    public var engineNames: [String] {
        switch self {
        case .auroraGlobalDatabase: ["aurora-postgresql", "aurora-mysql"]
        case .rdsMultiAZInstance: ["postgres", "mysql", "mariadb", "oracle-ee", "oracle-se2", "sqlserver-ee", "sqlserver-se", "db2-se", "db2-ae"]
        case .rdsMultiAZCluster: ["postgres-multi-az-cluster", "mysql-multi-az-cluster"]
        case .dynamoDBGlobalTable: ["dynamodb-global-table"]
        case .dynamoDBGlobalTableStrong: ["dynamodb-global-table-mrsc"]
        case .elastiCacheGlobalDatastore: ["elasticache-global-datastore", "elasticache-valkey", "elasticache-redis"]
        case .msk: ["msk", "msk-kafka"]
        case .auroraDSQL: ["aurora-dsql"]
        }
    }

    /// The row for a blueprint's `engine`, nil for a generic engine (or none).
    public static func named(_ engine: String?) -> FailoverEngine? {
        guard let engine else { return nil }
        let key = engine.lowercased()
        return allCases.first { $0.engineNames.contains(key) }
    }

    public var title: String {
        switch self {
        case .auroraGlobalDatabase: "Aurora PostgreSQL / MySQL (Global Database)"
        case .rdsMultiAZInstance: "RDS Multi-AZ DB instance"
        case .rdsMultiAZCluster: "RDS Multi-AZ DB cluster"
        case .dynamoDBGlobalTable: "DynamoDB global table (MREC)"
        case .dynamoDBGlobalTableStrong: "DynamoDB global table (MRSC)"
        case .elastiCacheGlobalDatastore: "ElastiCache Global Datastore"
        case .msk: "Amazon MSK (MSK Replicator)"
        case .auroraDSQL: "Aurora DSQL multi-Region"
        }
    }

    /// Whether exactly one copy accepts writes. DynamoDB global tables and Aurora DSQL accept writes
    /// in every Region: nothing is promoted and there is no writer name to move; traffic moves.
    public var hasSingleWriter: Bool {
        switch self {
        case .dynamoDBGlobalTable, .dynamoDBGlobalTableStrong, .auroraDSQL: false
        default: true
        }
    }

    /// Whether the service itself moves a writer endpoint across Regions on failover (`failover.writer:
    /// managed`). Only Aurora Global Database has one (its global writer endpoint); RDS read replicas,
    /// ElastiCache Global Datastore and MSK leave the new writer's address to the application.
    public var movesWriterEndpointAcrossRegions: Bool { self == .auroraGlobalDatabase }

    /// What happens when the zone holding the writer is lost.
    public var zoneFailover: String {
        switch self {
        case .auroraGlobalDatabase: "automatic: Aurora promotes an Aurora Replica in another zone; the cluster endpoint follows"
        case .rdsMultiAZInstance: "automatic: RDS fails over to the synchronous standby, typically 60-120 s; the instance endpoint follows"
        case .rdsMultiAZCluster: "automatic: RDS promotes a readable standby, typically under 35 s; the cluster endpoint follows"
        case .dynamoDBGlobalTable, .dynamoDBGlobalTableStrong: "none needed: the table is a Regional service spread over the Region's zones"
        case .elastiCacheGlobalDatastore: "automatic with Multi-AZ: a replica in another zone becomes primary; the primary endpoint follows"
        case .msk: "automatic: Kafka elects new partition leaders on brokers in the other zones"
        case .auroraDSQL: "none needed: a Regional cluster spans the Region's zones"
        }
    }

    /// What happens when the writer's Region is lost.
    public var regionFailover: String {
        switch self {
        case .auroraGlobalDatabase: "a person or their automation calls FailoverGlobalCluster (unplanned, --allow-data-loss) on a secondary cluster; SwitchoverGlobalCluster only with both Regions healthy"
        case .rdsMultiAZInstance, .rdsMultiAZCluster: "a person or their automation promotes the cross-Region read replica (PromoteReadReplica): it reboots into a standalone instance and the writer name must be pointed at it"
        case .dynamoDBGlobalTable, .dynamoDBGlobalTableStrong: "no promotion: every replica accepts writes; traffic moves to another Region"
        case .elastiCacheGlobalDatastore: "a person or their automation calls FailoverGlobalReplicationGroup to make a secondary Region primary; clients switch to its primary endpoint"
        case .msk: "no promotion: producers and consumers switch to the replicated cluster's bootstrap brokers"
        case .auroraDSQL: "no promotion: the peered Regional cluster keeps accepting reads and writes"
        }
    }

    /// Whether a commit waits for another Region (DynamoDB MRSC, Aurora DSQL). Every other row
    /// replicates across Regions asynchronously, so a `sync` copy in another Region is refused.
    public var replicatesAcrossRegionsSynchronously: Bool {
        self == .dynamoDBGlobalTableStrong || self == .auroraDSQL
    }

    /// What the surviving copy may lack after a Region loss.
    public var regionRPO: String {
        switch self {
        case .auroraGlobalDatabase: "storage replication lag, typically under a second"
        case .rdsMultiAZInstance, .rdsMultiAZCluster: "the read replica's lag (ReplicaLag)"
        case .dynamoDBGlobalTable: "replication lag, typically within a second (ReplicationLatency); writes to the lost Region surface when it returns, last writer wins"
        case .dynamoDBGlobalTableStrong: "zero: a write is acknowledged once another Region has it"
        case .elastiCacheGlobalDatastore: "cross-Region replication lag, typically under a second"
        case .msk: "MSK Replicator's lag (ReplicationLatency, MessageLag)"
        case .auroraDSQL: "zero: a commit is acknowledged once another Region has it"
        }
    }

    /// The AWS documentation each row rests on (docs/failover.md cites them).
    public var sources: [String] {
        switch self {
        case .auroraGlobalDatabase: [
            "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_FailoverGlobalCluster.html",
            "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_FailoverDBCluster.html",
        ]
        case .rdsMultiAZInstance: [
            "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html",
            "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_PromoteReadReplica.html",
        ]
        case .rdsMultiAZCluster: [
            "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_FailoverDBCluster.html",
            "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/multi-az-db-clusters-create-instance-read-replica.html",
        ]
        case .dynamoDBGlobalTable, .dynamoDBGlobalTableStrong: [
            "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html",
            "https://docs.aws.amazon.com/prescriptive-guidance/latest/dynamodb-global-tables/overview.html",
        ]
        case .elastiCacheGlobalDatastore: [
            "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_FailoverGlobalReplicationGroup.html",
            "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html",
        ]
        case .msk: ["https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator.html"]
        case .auroraDSQL: ["https://docs.aws.amazon.com/aurora-dsql/latest/userguide/disaster-recovery-resiliency.html"]
        }
    }

    /// Why `writer` is impossible for this engine, nil when it is possible. `crossRegion`: the
    /// datastore has a copy in another Region, so its writer can leave the primary's Region.
    public func refusal(of writer: Datastore.WriterRouting, crossRegion: Bool) -> String? {
        if !hasSingleWriter {
            return "\(title) has no single writer: every Region's copy accepts writes, so there is no writer name to move (traffic moves instead)"
        }
        if case .managed = writer, crossRegion, !movesWriterEndpointAcrossRegions {
            return "\(title) has no writer endpoint that follows a cross-Region failover (only Aurora Global Database's global writer endpoint does)"
        }
        return nil
    }

    /// The writer routing when the blueprint states none: `managed` where the engine moves its own
    /// endpoint (or has no single writer), else what the engine can do.
    public func defaultWriter(automatic: Bool, crossRegion: Bool) -> Datastore.WriterRouting {
        if !hasSingleWriter { return .managed }
        guard automatic else { return .manual }
        return crossRegion && !movesWriterEndpointAcrossRegions ? .manual : .managed
    }

    // MARK: Commands

    /// The commands that make the copy in `region` the writer after the primary's Region is lost
    /// (empty where nothing is promoted), and the sentence that says what they do.
    public func regionFailover(datastore: String, to region: String) -> (action: String, commands: [AWSCommand]) {
        let name = AWSCommand.variablePrefix(datastore)
        let place = AWSCommand.variablePrefix(region)
        switch self {
        case .auroraGlobalDatabase:
            return ("\(datastore): fail the Aurora global database over to its secondary cluster in \(region) (unplanned: writes not yet replicated are lost; with both Regions healthy a drill may use switchover-global-cluster instead)",
                    [AWSCommand("rds", "failover-global-cluster", region: region, [
                        .value("--global-cluster-identifier", .variable("\(name)_GLOBAL_CLUSTER_ID", "the Aurora global database identifier of \(datastore)")),
                        .value("--target-db-cluster-identifier", .variable("\(name)_\(place)_CLUSTER_ARN", "the ARN of \(datastore)'s secondary cluster in \(region)")),
                        .flag("--allow-data-loss"),
                    ])])
        case .rdsMultiAZInstance, .rdsMultiAZCluster:
            return ("\(datastore): promote the read replica in \(region) into a standalone writer (it reboots; replication from the old primary ends for good)",
                    [AWSCommand("rds", "promote-read-replica", region: region, [
                        .value("--db-instance-identifier", .variable("\(name)_\(place)_REPLICA_ID", "the identifier of \(datastore)'s read replica in \(region)")),
                    ])])
        case .dynamoDBGlobalTable, .dynamoDBGlobalTableStrong:
            return ("\(datastore): nothing to promote, every replica of the global table accepts writes; once traffic has moved, check that the replica in \(region) is ACTIVE",
                    [AWSCommand("dynamodb", "describe-table", region: region, [
                        .value("--table-name", .variable("\(name)_TABLE_NAME", "the name of \(datastore)'s global table")),
                    ])])
        case .elastiCacheGlobalDatastore:
            return ("\(datastore): make \(region) the Global Datastore's primary Region, then point clients at its primary endpoint",
                    [AWSCommand("elasticache", "failover-global-replication-group", region: region, [
                        .value("--global-replication-group-id", .variable("\(name)_GLOBAL_REPLICATION_GROUP_ID", "the Global Datastore identifier of \(datastore)")),
                        .value("--primary-region", .literal(region)),
                        .value("--primary-replication-group-id", .variable("\(name)_\(place)_REPLICATION_GROUP_ID", "\(datastore)'s replication group in \(region)")),
                    ])])
        case .msk:
            return ("\(datastore): switch producers and consumers to the replicated MSK cluster in \(region) (its bootstrap brokers below)",
                    [AWSCommand("kafka", "get-bootstrap-brokers", region: region, [
                        .value("--cluster-arn", .variable("\(name)_\(place)_CLUSTER_ARN", "the ARN of \(datastore)'s MSK cluster in \(region)")),
                    ])])
        case .auroraDSQL:
            return ("\(datastore): nothing to promote, the peered cluster in \(region) keeps accepting reads and writes; check that it is ACTIVE",
                    [AWSCommand("dsql", "get-cluster", region: region, [
                        .value("--identifier", .variable("\(name)_\(place)_CLUSTER_ID", "the identifier of \(datastore)'s cluster in \(region)")),
                    ])])
        }
    }

    /// Making an in-Region replica in `zone` the writer when the writer's zone is lost and no
    /// synchronous standby is left: the engine's own failover where it has one (forced if it has
    /// not happened yet), else a promotion by command.
    public func inRegionPromotion(datastore: String, region: String, zone: String) -> (action: String, commands: [AWSCommand]) {
        let name = AWSCommand.variablePrefix(datastore)
        switch self {
        case .auroraGlobalDatabase, .rdsMultiAZCluster:
            return ("\(datastore): the cluster fails over to its replica in \(zone) (in a drill the FIS experiment forces it); in a real outage, if it has not, force it",
                    [AWSCommand("rds", "failover-db-cluster", region: region, [
                        .value("--db-cluster-identifier", .variable("\(name)_CLUSTER_ID", "the identifier of \(datastore)'s cluster in \(region)")),
                    ])])
        case .rdsMultiAZInstance:
            return ("\(datastore): promote the read replica in \(zone) into a standalone writer (it reboots) and point the writer name at it",
                    [AWSCommand("rds", "promote-read-replica", region: region, [
                        .value("--db-instance-identifier", .variable("\(name)_\(AWSCommand.variablePrefix(zone))_REPLICA_ID", "the identifier of \(datastore)'s read replica in \(zone)")),
                    ])])
        case .elastiCacheGlobalDatastore:
            return ("\(datastore): with Multi-AZ the replication group promotes its replica in \(zone) by itself; watch its events", [])
        case .dynamoDBGlobalTable, .dynamoDBGlobalTableStrong, .msk, .auroraDSQL:
            return ("\(datastore): \(zoneFailover)", [])
        }
    }

    /// The planned way back (or across) with both Regions healthy: the rollback's switchover.
    public func plannedSwitchover(datastore: String, to region: String) -> (action: String, commands: [AWSCommand]) {
        let name = AWSCommand.variablePrefix(datastore)
        let place = AWSCommand.variablePrefix(region)
        switch self {
        case .auroraGlobalDatabase:
            return ("\(datastore): once replication to \(region) has caught up, switch the writer back without data loss",
                    [AWSCommand("rds", "switchover-global-cluster", region: region, [
                        .value("--global-cluster-identifier", .variable("\(name)_GLOBAL_CLUSTER_ID", "the Aurora global database identifier of \(datastore)")),
                        .value("--target-db-cluster-identifier", .variable("\(name)_\(place)_CLUSTER_ARN", "the ARN of \(datastore)'s cluster in \(region)")),
                    ])])
        case .elastiCacheGlobalDatastore:
            return regionFailover(datastore: datastore, to: region)
        case .rdsMultiAZInstance, .rdsMultiAZCluster:
            return ("\(datastore): create a new read replica in \(region) from the promoted writer, let it catch up, then promote it in a maintenance window and re-point the writer name", [])
        case .dynamoDBGlobalTable, .dynamoDBGlobalTableStrong, .auroraDSQL:
            return ("\(datastore): nothing to switch back; traffic returns to \(region) with the routing", [])
        case .msk:
            return ("\(datastore): replicate back to the cluster in \(region) (a Replicator in the reverse direction), then move clients in a quiet period", [])
        }
    }

    /// A restore of the latest backup into a new cluster in `region` (nil: the engine restores by
    /// other means, described by the plan's text).
    public func restore(datastore: String, engine: String, in region: String) -> AWSCommand? {
        let name = AWSCommand.variablePrefix(datastore)
        switch self {
        case .auroraGlobalDatabase:
            return AWSCommand("rds", "restore-db-cluster-from-snapshot", region: region, [
                .value("--db-cluster-identifier", .variable("\(name)_RESTORED_CLUSTER_ID", "a name for \(datastore)'s restored cluster")),
                .value("--snapshot-identifier", .variable("\(name)_SNAPSHOT_ARN", "the ARN of \(datastore)'s latest snapshot copy in \(region)")),
                .value("--engine", .literal(engine.lowercased())),
            ])
        case .rdsMultiAZInstance:
            return AWSCommand("rds", "restore-db-instance-from-db-snapshot", region: region, [
                .value("--db-instance-identifier", .variable("\(name)_RESTORED_INSTANCE_ID", "a name for \(datastore)'s restored instance")),
                .value("--db-snapshot-identifier", .variable("\(name)_SNAPSHOT_ARN", "the ARN of \(datastore)'s latest snapshot copy in \(region)")),
                .flag("--multi-az"),
            ])
        case .dynamoDBGlobalTable, .dynamoDBGlobalTableStrong:
            return AWSCommand("dynamodb", "restore-table-from-backup", region: region, [
                .value("--target-table-name", .variable("\(name)_RESTORED_TABLE_NAME", "a name for \(datastore)'s restored table")),
                .value("--backup-arn", .variable("\(name)_BACKUP_ARN", "the ARN of \(datastore)'s latest backup in \(region)")),
            ])
        case .rdsMultiAZCluster, .elastiCacheGlobalDatastore, .msk, .auroraDSQL:
            return nil
        }
    }

    // MARK: Fault injection

    /// The FIS action that forces the engine's own zone failover, so a zone drill exercises the
    /// failover the plan times. nil where the engine has none to force (a Regional service, or
    /// Kafka, whose brokers the subnet disruption already cuts off). Action ids and target types:
    /// the FIS actions reference (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html)
    /// and `aws fis list-actions` (https://docs.aws.amazon.com/code-library/latest/ug/cli_2_fis_code_examples.html).
    public var zoneFault: FISZoneFault? {
        switch self {
        case .auroraGlobalDatabase, .rdsMultiAZCluster:
            FISZoneFault(actionId: "aws:rds:failover-db-cluster", resourceType: "aws:rds:cluster", targetKey: "Clusters",
                         parameters: [:], takesDuration: false, targetsZone: false)
        case .rdsMultiAZInstance:
            FISZoneFault(actionId: "aws:rds:reboot-db-instances", resourceType: "aws:rds:db", targetKey: "DBInstances",
                         parameters: ["forceFailover": "true"], takesDuration: false, targetsZone: false)
        case .elastiCacheGlobalDatastore:
            FISZoneFault(actionId: "aws:elasticache:replicationgroup-interrupt-az-power", resourceType: "aws:elasticache:replicationgroup",
                         targetKey: "ReplicationGroups", parameters: [:], takesDuration: true, targetsZone: true)
        case .dynamoDBGlobalTable, .dynamoDBGlobalTableStrong, .msk, .auroraDSQL:
            nil
        }
    }
}

/// One FIS action that injects a datastore's zone failover.
public struct FISZoneFault: Sendable, Hashable {
    public var actionId: String
    public var resourceType: String
    /// The action's target key (`Clusters`, `DBInstances`, `ReplicationGroups`).
    public var targetKey: String
    public var parameters: [String: String]
    /// Whether the action takes a `duration` (the power interruption lasts as long as the drill).
    public var takesDuration: Bool
    /// Whether the target names the lost zone (`availabilityZoneIdentifier`).
    public var targetsZone: Bool
}

/// An AWS CLI command as the product prints it: always with `--region`, identifiers Meridian cannot
/// know as shell variables the runbook lists (never placeholders inside a string). Tests check each
/// one against botocore's service models (Tests/validators/test_aws_cli_commands.py).
public struct AWSCommand: Sendable, Hashable, CustomStringConvertible {
    public enum Value: Sendable, Hashable {
        case literal(String)
        /// A shell variable, with what it must hold.
        case variable(String, String)
    }

    public enum Option: Sendable, Hashable {
        case value(String, Value)
        case flag(String)
    }

    public var service: String
    public var operation: String
    public var region: String
    public var options: [Option]

    public init(_ service: String, _ operation: String, region: String, _ options: [Option]) {
        self.service = service
        self.operation = operation
        self.region = region
        self.options = options
    }

    public var description: String {
        var words = ["aws", service, operation, "--region", region]
        for option in options {
            switch option {
            case .flag(let name): words.append(name)
            case .value(let name, .literal(let text)): words += [name, Self.shellQuoted(text)]
            case .value(let name, .variable(let variable, _)): words += [name, "\"$\(variable)\""]
            }
        }
        return words.joined(separator: " ")
    }

    /// The variables the command reads, with their meaning.
    public var variables: [(name: String, meaning: String)] {
        options.compactMap { option in
            if case .value(_, .variable(let name, let meaning)) = option { return (name, meaning) }
            return nil
        }
    }

    /// `core-ledger` → `CORE_LEDGER`; a leading digit gets a `DS_` prefix (a shell name cannot start with one).
    public static func variablePrefix(_ name: String) -> String {
        let upper = String(name.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        return upper.first?.isNumber == true ? "DS_" + upper : upper
    }

    static func shellQuoted(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "-_.:/=".contains($0) }
        if plain && !text.isEmpty { return text }
        var quoted = "'"
        for character in text { quoted += character == "'" ? "'\\''" : String(character) }
        return quoted + "'"
    }
}
