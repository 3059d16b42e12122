import BlueprintModel
import Compiler
import Diagnostics
import Resilience
import Testing

/// Issue 18: explain, availability, simulate and drill plan tell one story, as AWS behaves.
/// Each test's comment carries the hand arithmetic of the figure it expects.
@Suite struct OneStoryTests {
    func lint(_ text: String) -> [Diagnostic] {
        Pipeline.analyze(file: "t.yaml", bytes: Array(text.utf8), today: "2026-11-30").diagnostics
    }

    func service(_ t: Topology, _ name: String = "api") throws -> Service { try #require(t.blueprint.service(name)) }

    /// a and b active, c a standby, all in j, two zones each (three for a).
    func three(service: String, datastores: String, assumptions: String = "") -> String {
        """
        blueprint: three
        \(assumptions)
        residency: { j: [a, b, c] }
        regions:
          a: { zones: [a1, a2, a3], cluster: { name: a, server: "https://a" } }
          b: { zones: [b1, b2], cluster: { name: b, server: "https://b" }, wave: 2 }
          c: { zones: [c1, c2], cluster: { name: c, server: "https://c" }, role: standby, wave: 3 }
        services:
          \(service)
        datastores:
        \(datastores)

        """
    }

    // MARK: The property: simulate's verdict = the availability model on that state

    /// 240 seeded random designs (standbys, elastic and quorum services, pins, in-region and
    /// cross-region copies, automation named or not, sync quorums, a datastore abroad): for every
    /// single-region and single-zone outage, simulate's served verdict equals the availability
    /// model's rule evaluated on that one state, and explain's rows are simulate's rows.
    @Test(arguments: 0..<4)
    func simulateEqualsTheAvailabilityModelOnEveryState(batch: Int) throws {
        var states = 0
        for seed in UInt64(1000 + batch * 60)..<UInt64(1000 + batch * 60 + 60) {
            guard let (t, text) = randomTopology(seed: seed) else { continue }
            let blueprint = t.blueprint
            var outages: [Outage] = []
            for region in blueprint.regions {
                outages.append(Outage(regions: [region.name]))
                for zone in region.zones { outages.append(Outage(zones: [zone])) }
            }
            for outage in outages {
                let simulation = Simulation(t, outage: outage)
                for outcome in simulation.services {
                    let s = try service(t, outcome.service)
                    let model = AvailabilityModel.serves(service: s, zone: outcome.residencyZone, topology: t, in: outage)
                    #expect(outcome.served == (model.compute && model.data),
                            "seed \(seed), \(outage.label): simulate says \(outcome.served) (\(outcome.why)); model compute \(model.compute), data \(model.data)\n\(text)")
                    states += 1
                }
            }
            // explain's rows are simulate of the region's loss, or of its first zone's.
            let explanation = Explanation(t)
            for row in explanation.rto {
                let region = try #require(blueprint.region(row.result.event.region))
                let outage = row.result.event.disruption == .region ? Outage(regions: [region.name]) : Outage(zones: [region.zones[0]])
                let outcome = Simulation(t, outage: outage).services.first { $0.service == row.result.service && $0.residencyZone == row.result.residencyZone }
                let same = outcome?.recovery.first { $0.event == row.result.event }
                #expect(same?.terms == row.result.terms && same?.unbounded == row.result.unbounded, "seed \(seed) \(row.result.arithmetic)")
            }
        }
        #expect(states > 300)
    }

    // MARK: The three wrong answers

    /// Item 1. c (a standby) holds d1's primary and d2's sync replica. Losing c: d1 fails over by
    /// its automation to a (promote 60s), d2's commits wait for c until a person takes it out of
    /// the sync set (resync 30m), then clients reconnect (30s): 60 + 1800 + 30 = 1890s, where the
    /// row used to drop the resync (90s). Availability and simulate agree writes are blocked.
    @Test func aRegionHoldingAPrimaryAndASyncReplicaAddsBoth() throws {
        let text = three(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [d1, d2] }", datastores: """
              d1: { residency: j, primary: c, replicas: [{ region: a, mode: async }], failover: { automatic: true, promotion: 60s, automation: lambda } }
              d2: { residency: j, primary: a, replicas: [{ region: a, mode: sync }, { region: c, mode: sync }], failover: { automatic: false } }
            """)
        let t = try topology(text)
        let rows = RecoveryModel.rto(service: try service(t), zone: "j", topology: t)
        let row = try #require(rows.first { $0.event == .datastoreRegionFailure(region: "c") })
        #expect(row.terms.map(\.name) == ["promote", "resync", "reconnect"])
        #expect(row.total == .seconds(60 + 1800 + 30))
        let simulation = Simulation(t, outage: Outage(regions: ["c"]))
        #expect(simulation.services.allSatisfy { !$0.served })
        #expect(AvailabilityModel.serves(service: try service(t), zone: "j", topology: t, in: Outage(regions: ["c"])).data == false)
    }

    /// Item 2. Elastic quorum service, demand 1000, 100 rps per pod, a and b active (c standby):
    /// normal share 500 → 5 pods; zone-tolerant over 3 zones = ceil(5·3/2) = 8, odd for a
    /// majority → 9 members in a (quorum 5). Losing b, a must carry 2·1000/2 = 1000 rps = 10 pods.
    /// The HPA ceiling (15) used to count as members; the members are the 9 static replicas, 9 < 10:
    /// not served. And lint refuses the combination where `quorum` is written.
    @Test func anElasticQuorumServiceCountsOnlyItsStaticMembers() throws {
        let text = """
            blueprint: q
            residency: { j: [a, b] }
            regions:
              a: { zones: [a1, a2, a3], cluster: { name: a, server: "https://a" } }
              b: { zones: [b1, b2, b3], cluster: { name: b, server: "https://b" }, wave: 2 }
            services:
              api: { image: r/api:1.0.0, port: 8080, demand: { j: 1000 }, perReplica: 100, capacity: elastic, quorum: majority }

            """
        let t = try topology(text)
        let sizing = try #require(t.placement(service: "api", region: "a")).sizing
        #expect(sizing.replicas == 9 && sizing.hpaMax == 15)
        let simulation = Simulation(t, outage: Outage(regions: ["b"]))
        let outcome = try #require(simulation.services.first)
        #expect(!outcome.served)
        #expect(outcome.carriers.map(\.ceiling) == [9] && outcome.carriers.map(\.need) == [10])
        #expect(AvailabilityModel.serves(service: try service(t), zone: "j", topology: t, in: Outage(regions: ["b"])).compute == false)
        let finding = try #require(lint(text).first { $0.rule == "quorum-elastic" })
        #expect(finding.severity == .error && finding.mark.line == 7)
    }

    /// Item 3. syncQuorum 2 with one sync replica outside a: no commit ever completes, even with
    /// everything up. Availability of data is 0, and lint says so where syncQuorum is written.
    @Test func aSyncQuorumLargerThanItsVotersIsAnError() throws {
        let text = three(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
              db: { residency: j, primary: a, replicas: [{ region: b, mode: sync }], syncQuorum: 2 }
            """)
        let t = try topology(text)
        #expect(AvailabilityModel.evaluate(service: try service(t), zone: "j", topology: t).data == 0)
        #expect(!AvailabilityModel.serves(service: try service(t), zone: "j", topology: t, in: Outage()).data)
        let finding = try #require(lint(text).first { $0.rule == "sync-quorum-unreachable" })
        #expect(finding.severity == .error && finding.mark.line == 11)
    }

    // MARK: simulate = explain (items 4–9)

    /// Item 4. Commits wait for b's sync replica; losing b with named automation: the automation
    /// takes b out of the sync set within the detection (no traffic block: the default check,
    /// 30s x 3 = 90s), so writes go on: served, as availability counts it (simulate used to say
    /// "blocked until the sync set is reconfigured" and exit 1).
    @Test func automatedResyncIsServedEverywhere() throws {
        let text = three(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
              db: { residency: j, primary: a, replicas: [{ region: a, mode: sync }, { region: b, mode: sync }], failover: { automatic: true, automation: lambda } }
            """)
        let t = try topology(text)
        let outcome = try #require(Simulation(t, outage: Outage(regions: ["b"])).services.first)
        #expect(outcome.served)
        #expect(AvailabilityModel.serves(service: try service(t), zone: "j", topology: t, in: Outage(regions: ["b"])).data)
        // b is active: its row is detect 90s + promote 0 + dns 60s + scale + reconnect 30s, with no
        // resync term (the automation acts within the detection already counted).
        let row = try #require(outcome.recovery.first)
        #expect(!row.terms.contains { $0.name == "resync" })
    }

    /// Item 5. Only a backup in c survives the loss of a: a restore (2h default) is downtime,
    /// not service: not served in simulate, as in availability.
    @Test func aRestoreIsNotService() throws {
        let text = three(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
              db: { residency: j, primary: a, replicas: [{ region: a, mode: sync }], failover: { automatic: true, automation: lambda }, backups: { every: 1h, regions: [c] } }
            """)
        let t = try topology(text)
        let simulation = Simulation(t, outage: Outage(regions: ["a"]))
        #expect(simulation.services.allSatisfy { !$0.served })
        #expect(simulation.datastores.first?.how.contains("restore") == true)
        #expect(!AvailabilityModel.serves(service: try service(t), zone: "j", topology: t, in: Outage(regions: ["a"])).data)
    }

    /// Item 6. db's primary is in a1 with one in-region async replica (zone a2, lag 100ms) and one
    /// in b (lag 5s). Losing a1 promotes the in-region replica: 100ms at risk — explain's RPO,
    /// simulate's data at risk and the promotion all name a2 (simulate used to skip it and
    /// promote b, or restore).
    @Test func aZoneLossPromotesTheInRegionReplica() throws {
        let text = three(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
              db: { residency: j, primary: a, replicas: [{ region: a, mode: async, lag: 100ms }, { region: b, mode: async, lag: 5s }], failover: { automatic: false, promotion: { zone: 30s, region: 2m } } }
            """)
        let t = try topology(text)
        let db = try #require(t.blueprint.datastore("db"))
        let simulation = Simulation(t, outage: Outage(zones: ["a1"]))
        let listed = try #require(simulation.datastores.first)
        #expect(listed.writer == "a" && listed.dataAtRisk == Duration(milliseconds: 100))
        #expect(RecoveryModel.rpo(db, disruption: .zone, blueprint: t.blueprint).loss == Duration(milliseconds: 100))
        // A person promotes it (manual): zone detection 60s + promote (30s + 30m + writer TTL 60s,
        // the promoted instance is new to the record) + reconnect 30s = 32m0s.
        let row = try #require(simulation.services.first?.recovery.first)
        #expect(row.total == .seconds(60 + 30 + 1800 + 60 + 30))
    }

    /// Item 9. More copies than zones: a2 takes the first in-region copy (async, 2s); the sync
    /// copy has no zone of its own and counts nowhere. RPO, simulate and availability all use a2.
    @Test func copiesBeyondTheZonesCountNowhere() throws {
        let text = three(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
              db: { residency: j, primary: b, replicas: [{ region: b, mode: async, lag: 2s }, { region: b, mode: sync }], failover: { automatic: false } }
            """)
        let t = try topology(text)
        let db = try #require(t.blueprint.datastore("db"))
        #expect(RecoveryModel.rpo(db, disruption: .zone, blueprint: t.blueprint).loss == .seconds(2))
        let simulation = Simulation(t, outage: Outage(zones: ["b1"]))
        #expect(simulation.datastores.first?.dataAtRisk == .seconds(2))
        // Manual promotion of an async replica: not served, in both.
        #expect(simulation.services.allSatisfy { !$0.served })
        #expect(!AvailabilityModel.serves(service: try service(t), zone: "j", topology: t, in: Outage(zones: ["b1"])).data)
    }

    /// Items 7 and 8. Losing a1 (the primary's zone) lists the Multi-AZ standby taking over in a2;
    /// losing a3 (no writer there) moves nothing: zone detection 60s + reconnect 30s = 90s, no
    /// datastore listed, and the scenario holds.
    @Test func zoneOutagesReportWhatHappensInThatZone() throws {
        let text = three(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
              db: { residency: j, primary: a, replicas: [{ region: a, mode: sync }], failover: { automatic: false, promotion: { zone: 45s, region: 2m } } }
            """) .replacingOccurrences(of: "blueprint: three\n", with: "blueprint: three\nobjectives: { rto: { zone: 2m, region: 1h } }\n")
        let t = try topology(text)
        let primaryZone = Simulation(t, outage: Outage(zones: ["a1"]))
        #expect(primaryZone.datastores.map(\.how) == ["automatic Multi-AZ failover to the standby in a2"])
        // 60s + 45s + 30s = 2m15s > 2m.
        #expect(primaryZone.services.first?.recovery.first?.total == .seconds(135))
        let otherZone = Simulation(t, outage: Outage(zones: ["a3"]))
        #expect(otherZone.datastores.isEmpty)
        #expect(otherZone.services.first?.recovery.map(\.total) == [.seconds(90)])
        #expect(otherZone.holds)
    }

    // MARK: Terms as AWS behaves (items 10–16)

    /// Item 14. The users' records alias the load balancers (fixed 60s TTL) whatever traffic.ttl
    /// says; a manual writer's TTL (300s) counts once, inside promote. Losing a: detect 30s x 3 =
    /// 90s + promote (2m + 30m + TTL 300s = 2220s) + dns 60s + scale 0 + reconnect 30s = 2400s
    /// (it was dns max(60s, 300s) on top: 2640s).
    @Test func dnsIsTheAliasTTLAndTheWriterTTLCountsOnce() throws {
        let text = three(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
              db: { residency: j, primary: a, replicas: [{ region: a, mode: sync }, { region: b, mode: async }], failover: { automatic: false, promotion: { zone: 30s, region: 2m } } }
            traffic:
              hostname: api.example
              hostedZoneId: Z1
              ttl: 300s
              healthCheck: { interval: 30s, failureThreshold: 3 }
            """)
        let t = try topology(text)
        let row = try #require(RecoveryModel.rto(service: try service(t), zone: "j", topology: t).first { $0.event == .regionFailure(region: "a") })
        #expect(row.terms.first { $0.name == "dns" }?.duration == .seconds(60))
        #expect(row.terms.first { $0.name == "promote" }?.duration == .seconds(120 + 1800 + 300))
        #expect(row.total == .seconds(90 + 2220 + 60 + 0 + 30))
    }

    /// Item 15. b must grow from 3 to 40 pods: 3→7→14→28→56, four steps. Each waits for the
    /// previous step's pods to be Ready (the HPA counts unready pods as 0%): 60s reaction +
    /// 4 x (15s + 90s) = 480s, where 60 + 4 x 15 + 90 = 210s was optimistic.
    @Test func eachScaleStepWaitsForReadyPods() throws {
        // Demand 4000 over the active a and b; b is pinned to 3 pods with a ceiling of 80.
        let text = three(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 4000 }, perReplica: 100, capacity: elastic, replicas: { b: 3 }, maxReplicas: { b: 80 } }",
                         datastores: "")
        let t = try topology(text)
        let row = try #require(RecoveryModel.rto(service: try service(t), zone: "j", topology: t).first { $0.event == .regionFailure(region: "a") })
        let scale = try #require(row.terms.first { $0.name == "scale" })
        // b's region-loss share: 2·4000/2 = 4000 rps = 40 pods.
        #expect(scale.detail == "b 3→40 pods: 1m0s reaction + 4 x (15s HPA period + 1m30s pod startup)")
        #expect(scale.duration == .seconds(60 + 4 * (15 + 90)))
    }

    /// Item 10. `automatic: true` alone does not fail a global database over across regions:
    /// FailoverGlobalCluster is a call someone makes. Promote 2m + 30m; with automation named, 2m.
    /// Availability counts only the named automation's failover as service (item 16: as instantaneous).
    @Test func automaticWithoutNamedAutomationWaitsForAPerson() throws {
        func rows(_ failover: String) throws -> (Duration?, Double) {
            let text = three(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
                  db: { residency: j, primary: a, replicas: [{ region: a, mode: sync }, { region: b, mode: async }], failover: \(failover) }
                """)
            let t = try topology(text)
            let row = RecoveryModel.rto(service: try service(t), zone: "j", topology: t).first { $0.event == .regionFailure(region: "a") }
            return (row?.terms.first { $0.name == "promote" }?.duration, AvailabilityModel.evaluate(service: try service(t), zone: "j", topology: t).data)
        }
        let (unnamed, dataUnnamed) = try rows("{ automatic: true, promotion: { zone: 30s, region: 2m } }")
        let (named, dataNamed) = try rows("{ automatic: true, promotion: { zone: 30s, region: 2m }, automation: lambda }")
        #expect(unnamed == .seconds(120 + 1800))
        #expect(named == .seconds(120))
        // Data availability: writer alive = a up (0.9995) and one of a1 (primary), a2 (standby)
        // up: 0.9995 · (1 − 0.001²). Named automation adds a down (or both zones lost) with b up:
        // (1 − writer) · 0.9995. Failover is instantaneous in availability.
        let writer = 0.9995 * (1 - 0.001 * 0.001)
        #expect(abs(dataUnnamed - writer) < 1e-12)
        #expect(abs(dataNamed - (writer + (1 - writer) * 0.9995)) < 1e-12)
    }
}
