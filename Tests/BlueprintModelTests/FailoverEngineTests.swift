import BlueprintModel
import Compiler
import Diagnostics
import Testing

/// The per-engine failover table (docs/failover.md): the decoder refuses a writer the engine cannot
/// have, with a located error, and defaults to one it can; an engine outside the table is generic.
@Suite struct FailoverEngineTests {
    /// `minimalBlueprint`'s datastore `db`, with a cross-Region replica and the given engine and failover.
    func blueprint(engine: String, failover: String, replicas: String = "[{ region: eu-west-1, mode: sync }, { region: eu-central-1, mode: async }]") -> String {
        minimalBlueprint.replacingOccurrences(of: "  db:\n    residency: eu\n    primary: eu-west-1\n",
                                              with: "  db:\n    engine: \(engine)\n    residency: eu\n    primary: eu-west-1\n    replicas: \(replicas)\n    failover: \(failover)\n")
    }

    func writerErrors(_ text: String) -> [String] {
        findings(text).filter { $0.contains("failover.writer") }
    }

    @Test func everyEngineNameBelongsToOneRow() {
        var seen: [String: FailoverEngine] = [:]
        for engine in FailoverEngine.allCases {
            for name in engine.engineNames {
                #expect(seen[name] == nil, "\(name) is in two rows")
                seen[name] = engine
                #expect(FailoverEngine.named(name.uppercased()) == engine)
            }
        }
        #expect(FailoverEngine.named("patroni-postgresql") == nil)
        #expect(FailoverEngine.named(nil) == nil)
    }

    @Test func aMultiWriterEngineRefusesAnyWriter() throws {
        for engine in ["dynamodb-global-table", "dynamodb-global-table-mrsc", "aurora-dsql"] {
            for writer in ["managed", "manual", "{ alarm: db-down }"] {
                let errors = writerErrors(blueprint(engine: engine, failover: "{ automatic: true, writer: \(writer) }"))
                #expect(errors.count == 1, "\(engine) with writer \(writer): \(errors)")
                // Located at the `writer` key: line 25 (`    failover: { automatic: true, writer: …`), column 34.
                #expect(errors.first?.hasPrefix("25:34: datastores.db.failover.writer: \(engine) cannot have this writer") == true, "\(errors)")
                #expect(errors.first?.contains("no single writer") == true)
            }
        }
    }

    @Test func managedNeedsAnEndpointThatFollowsACrossRegionFailover() throws {
        for engine in ["postgres", "mysql-multi-az-cluster", "elasticache-valkey", "msk"] {
            let errors = writerErrors(blueprint(engine: engine, failover: "{ automatic: true, writer: managed }"))
            #expect(errors.count == 1 && errors[0].contains("no writer endpoint that follows"), "\(engine): \(errors)")
            #expect(writerErrors(blueprint(engine: engine, failover: "{ automatic: true, writer: { alarm: db-down } }")).isEmpty)
            #expect(writerErrors(blueprint(engine: engine, failover: "{ automatic: true, writer: manual }")).isEmpty)
            // Inside one Region the engine's endpoint follows its Multi-AZ failover: managed is fine.
            #expect(writerErrors(blueprint(engine: engine, failover: "{ automatic: true, writer: managed }",
                                           replicas: "[{ region: eu-west-1, mode: sync }]")).isEmpty)
        }
        #expect(writerErrors(blueprint(engine: "aurora-postgresql", failover: "{ automatic: true, writer: managed }")).isEmpty)
    }

    @Test func theDefaultWriterIsOneTheEngineCanHave() throws {
        func writer(_ engine: String) throws -> Datastore.WriterRouting {
            let analysis = analyze(blueprint(engine: engine, failover: "{ automatic: true }"))
            return try #require(analysis.blueprint?.datastore("db")).failover.writer
        }
        #expect(try writer("aurora-mysql") == .managed)
        #expect(try writer("postgres") == .manual)
        #expect(try writer("elasticache-redis") == .manual)
        // No single writer: nothing to move, the service's own Regional endpoints.
        #expect(try writer("dynamodb-global-table") == .managed)
        // A generic engine keeps the blueprint's terms: the documented default.
        #expect(try writer("cockroachdb") == .managed)
    }

    /// MREC, Aurora Global Database, RDS read replicas, ElastiCache and MSK replicate to other
    /// Regions asynchronously: a sync copy there would sell a zero RPO the engine cannot keep.
    @Test func aSyncCopyInAnotherRegionNeedsASynchronousEngine() {
        let crossSync = "[{ region: eu-west-1, mode: sync }, { region: eu-central-1, mode: sync }]"
        for engine in ["aurora-mysql", "postgres", "dynamodb-global-table", "elasticache-valkey", "msk"] {
            let errors = findings(blueprint(engine: engine, failover: "{ automatic: true, writer: manual }", replicas: crossSync))
                .filter { $0.contains("replicates to other Regions asynchronously") }
            // Located at the second replica's `mode`: line 24, `    replicas: [{ region: eu-west-1, mode: sync }, { region: eu-central-1, mode: sync }]`.
            #expect(errors.count == 1 && errors[0].hasPrefix("24:") && errors[0].contains("datastores.db.replicas[1].mode"), "\(engine): \(errors)")
        }
        for engine in ["dynamodb-global-table-mrsc", "aurora-dsql", "cockroachdb"] {
            let errors = findings(blueprint(engine: engine, failover: "{ automatic: true }", replicas: crossSync))
            #expect(!errors.contains { $0.contains("asynchronously") }, "\(engine): \(errors)")
        }
    }

    @Test func commandsCarryTheirRegionAndVariablesNeverPlaceholders() {
        for engine in FailoverEngine.allCases {
            let failover = engine.regionFailover(datastore: "core-ledger", to: "eu-central-1")
            for command in failover.commands {
                let text = command.description
                #expect(text.hasPrefix("aws \(command.service) \(command.operation) --region eu-central-1"))
                #expect(!text.contains("<") && !text.contains("`"), "\(text)")
                for variable in command.variables { #expect(text.contains("\"$\(variable.name)\"")) }
            }
        }
        #expect(AWSCommand.variablePrefix("3d-cache") == "DS_3D_CACHE")
    }
}
