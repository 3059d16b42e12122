import BlueprintModel
import Compiler
import Diagnostics
import Resilience
import Testing

/// One test per recovery term an SRE would not sign before (issue "A recovery model an SRE
/// would sign"); each comment carries the arithmetic of the expected figure.
@Suite struct RecoveryTermsTests {
    func lint(_ text: String) -> [Diagnostic] {
        Pipeline.analyze(file: "t.yaml", bytes: Array(text.utf8), today: "2026-11-30").diagnostics
    }

    func results(_ text: String, service: String = "api", zone: String) throws -> [RTOResult] {
        let t = try topology(text)
        let s = try #require(t.blueprint.service(service))
        return RecoveryModel.rto(service: s, zone: zone, topology: t)
    }

    /// Two regions of one zone (`a` active, `b` as given), two zones each, with `extra` appended.
    func pair(bRole: String = "active", service: String, datastores: String = "", objectives: String = "") -> String {
        """
        blueprint: pair
        \(objectives)
        residency: { j: [a, b] }
        regions:
          a: { zones: [a1, a2, a3], cluster: { name: a, server: "https://a" } }
          b: { zones: [b1, b2, b3], cluster: { name: b, server: "https://b" }, role: \(bRole), wave: 2 }
        services:
          \(service)
        \(datastores)

        """
    }

    // 1. The survivor's autoscaler ceiling bounds the RTO.
    @Test func survivorBelowItsNeedMeansNoRecovery() throws {
        let text = pair(bRole: "standby", service: """
            api: { image: "r/api:1.0.0", port: 8080, demand: { j: 1000 }, perReplica: 100, capacity: elastic, maxReplicas: { b: 4 } }
            """, objectives: "objectives: { rto: { zone: 5m, region: 15m } }")
        let region = try #require(try results(text, zone: "j").first { $0.event == .regionFailure(region: "a") })
        // The standby must take the whole zone: 1000 rps / 100 = 10 pods; its ceiling is 4.
        #expect(region.unbounded == "b must carry 1000 rps = 10 pods but its autoscaler ceiling is 4 pods")
        // …and it stays unbounded when the capacity finding is waived.
        let waived = text + """
            waivers:
              - { rule: region-loss-capacity, at: services.api.maxReplicas.b, reason: "accepted", expires: 2099-01-01 }

            """
        let rules = Set(lint(waived).map(\.rule))
        #expect(!rules.contains("region-loss-capacity"))
        #expect(rules.contains("rto-exceeded"))
    }

    // 2. residency-single-region looks at the services of that zone only: covered by the rule's
    //    clean example (a single-region zone whose only service promises no RTO).

    // 3. More in-region copies than zones is a located error.
    @Test func moreCopiesThanZonesIsAnError() throws {
        let text = pair(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
            datastores:
              db:
                residency: j
                primary: a
                replicas: [{ region: a, mode: async }, { region: a, mode: sync }, { region: a, mode: sync }]
            """)
        let findings = lint(text).filter { $0.rule == "copies-exceed-zones" }
        // Zones a1 a2 a3: primary + 2 replicas fit; the third replica is copy 4.
        #expect(findings.count == 1)
        #expect(findings.first?.message == "db has 4 copies in a (the primary and 3 in-region replicas) but the region has 3 zones")
        // Located at the offending entry: line 13, the fourth copy in the flow list.
        #expect(findings.first?.mark.line == 13)
    }

    static let consumer = """
        blueprint: remote
        traffic: { hostname: api.example.com, hostedZoneId: Z0123456789ABCDEFGHIJ, ttl: 45s, healthCheck: { interval: 10s, failureThreshold: 3 }, geolocation: { default: j } }
        residency: { j: [a, b], k: [c, d] }
        regions:
          a: { zones: [a1, a2, a3], cluster: { name: a, server: "https://a" } }
          b: { zones: [b1, b2, b3], cluster: { name: b, server: "https://b" }, wave: 2 }
          c: { zones: [c1, c2, c3], cluster: { name: c, server: "https://c" } }
          d: { zones: [d1, d2, d3], cluster: { name: d, server: "https://d" }, wave: 2 }
        services:
          api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [catalog] }
        datastores:
          catalog:
            primary: c
            replicas: [{ region: c, mode: sync }, { region: d, mode: async }]
            failover: { automatic: true, promotion: { zone: 40s, region: 2m } }

        """

    // 4. A primary lost in a region the zone does not run in: the writer's name follows the
    //    datastore as the generated record does (failover.writer), then clients reconnect.
    @Test func remotePrimaryRegionLossFollowsTheWriterRecord() throws {
        func total(_ failover: String) throws -> Duration? {
            let text = Self.consumer.replacingOccurrences(of: "failover: { automatic: true, promotion: { zone: 40s, region: 2m } }", with: failover)
            return try results(text, zone: "j").first { $0.event == .datastoreRegionFailure(region: "c") }?.total
        }
        // managed (default when automatic), promotion run by the named automation: the global
        // writer endpoint moves with the promotion: promote 2m + reconnect 30s.
        #expect(try total("failover: { automatic: true, promotion: { zone: 40s, region: 2m }, automation: lambda }") == .seconds(120 + 30))
        // automatic without named automation: AWS does not fail a global database over by itself
        // (FailoverGlobalCluster is called by someone), so a person acts: 2m + 30m + reconnect 30s.
        #expect(try total("failover: { automatic: true, promotion: { zone: 40s, region: 2m } }") == .seconds(120 + 1800 + 30))
        // alarm, region lost: the generated alarm is evaluated in the replica's region with missing
        // data breaching, so it fires after two 60 s periods: max(120s + TTL 45s, promotion 30s)
        // + reconnect 30s = 165s + 30s.
        #expect(try total("failover: { automatic: true, promotion: { zone: 40s, region: 30s }, writer: { alarm: catalog-down }, automation: lambda }") == .seconds(165 + 30))
        // manual (default when not automatic): a person promotes (30m + 2m), re-points the name, TTL 45s.
        #expect(try total("failover: { automatic: false, promotion: { zone: 40s, region: 2m } }") == .seconds(1800 + 120 + 45 + 30))
    }

    // 7. A zone failure in that region is an RTO event too.
    @Test func remotePrimaryZoneLossIsReported() throws {
        let event = try #require(try results(Self.consumer, zone: "j").first { $0.event == .datastoreZoneFailure(region: "c") })
        // The engine's in-region failover (40s, detection included) + reconnect 30s = 70s.
        #expect(event.total == .seconds(40 + 30))
    }

    // 5. Zone failover inside a region is the engine's own, even with `automatic: false`.
    @Test func zoneFailoverNeverWaitsForAHuman() throws {
        let text = pair(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
            datastores:
              db: { residency: j, primary: a, replicas: [{ region: a, mode: sync }, { region: b, mode: async }], failover: { automatic: false, promotion: { zone: 30s, region: 2m } } }
            """)
        let all = try results(text, zone: "j")
        let zone = try #require(all.first { $0.event == .zoneFailure(region: "a") })
        // zone detection 60s + Multi-AZ promotion 30s + reconnect 30s = 2m, no 30m manual response.
        #expect(zone.total == .seconds(60 + 30 + 30))
        let region = try #require(all.first { $0.event == .regionFailure(region: "a") })
        // Cross-region promotion is manual: detect 30s x 3 = 90s + promote (2m + 30m + writer TTL 60s)
        // + dns 60s + scale 0 + reconnect 30s.
        #expect(region.total == .seconds(90 + (120 + 1800 + 60) + 60 + 0 + 30))
    }

    // 6. A zone loss with no in-region copy is a cross-region failover, not a promotion.
    @Test func zoneLossWithoutLocalCopyFailsOverAcrossRegions() throws {
        let text = pair(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
            datastores:
              db: { residency: j, primary: a, replicas: [{ region: b, mode: async }], failover: { automatic: true, promotion: { zone: 30s, region: 2m }, automation: lambda } }
            """)
        let zone = try #require(try results(text, zone: "j").first { $0.event == .zoneFailure(region: "a") })
        // zone detection 60s + cross-region promotion 2m by the named automation (the managed
        // writer endpoint moves with it) + reconnect 30s.
        #expect(zone.total == .seconds(60 + 120 + 30))
        #expect(zone.terms.first { $0.name == "promote" }?.detail == "db cross-region, automated, managed writer endpoint")
    }

    // 8. Zone RPO: the best surviving copy wherever it is.
    @Test func zoneRPOCountsACrossRegionSyncReplica() throws {
        let text = pair(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
            datastores:
              db: { residency: j, primary: a, replicas: [{ region: b, mode: sync }], syncQuorum: 1 }
            """)
        let t = try topology(text)
        let db = try #require(t.blueprint.datastore("db"))
        // No copy in a; the sync copy in b has every commit: 0, not "unbounded".
        #expect(RecoveryModel.rpo(db, disruption: .zone, blueprint: t.blueprint).loss == .zero)
    }

    // 9. Backup RPO includes the copy to the DR region; restore has an honest default.
    @Test func backupRPOIncludesTheCopyDelay() throws {
        let text = pair(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
            datastores:
              db: { residency: j, primary: a, failover: { automatic: true }, backups: { every: 15m, regions: [b], copyDelay: 20m } }
            """)
        let t = try topology(text)
        let db = try #require(t.blueprint.datastore("db"))
        // every 15m + copy 20m = 35m.
        #expect(RecoveryModel.rpo(db, disruption: .region, blueprint: t.blueprint).loss == .minutes(35))
        // A zone loss leaves the region's own backup storage: 15m.
        #expect(RecoveryModel.rpo(db, disruption: .zone, blueprint: t.blueprint).loss == .minutes(15))
        let region = try #require(try results(text, zone: "j").first { $0.event == .regionFailure(region: "a") })
        let promote = try #require(region.terms.first { $0.name == "promote" })
        // No restore stated: the documented 2h default, and the detail says so. Nobody named runs
        // it (automatic without failover.automation): + 30m. The restored cluster is new, so the
        // managed endpoint does not name it: the person re-points the writer record, + TTL 60s.
        #expect(promote.duration == .minutes(120 + 30 + 1))
        #expect(promote.detail == "db restore from backup, default, manual: no failover.automation named + writer TTL 1m0s")
    }

    // 10. Scale-out grows with the gap, in HPA periods.
    @Test func scaleOutTakesAsManyPeriodsAsThePolicyNeeds() throws {
        // 3 → 40 pods: 3→7 (+4 beats ×2), 7→14, 14→28, 28→56: four 15 s periods.
        #expect(RecoveryModel.ScaleUpPolicy.periods(from: 3, to: 40) == 4)
        #expect(RecoveryModel.ScaleUpPolicy.periods(from: 10, to: 10) == 0)
        let text = pair(service: """
            api: { image: "r/api:1.0.0", port: 8080, demand: { j: 2000 }, perReplica: 100, capacity: elastic }
            """)
        let region = try #require(try results(text, zone: "j").first { $0.event == .regionFailure(region: "a") })
        let scale = try #require(region.terms.first { $0.name == "scale" })
        // b runs T(1000 rps = 10 pods) = 15 pods and must carry 2000 rps = 20 pods: 15→30, one
        // period. 60s reaction + 1 x (15s + 90s pod startup) = 165s.
        #expect(scale.duration == .seconds(165))
        #expect(scale.detail == "b 15→20 pods: 1m0s reaction + 1 x (15s HPA period + 1m30s pod startup)")
    }

    // Audit: under required anti-affinity, pods beyond one per zone never run, so a survivor
    // sized above its zone count cannot count them.
    @Test func pendingPodsDoNotCarryLoad() throws {
        let text = pair(service: """
            api: { image: "r/api:1.0.0", port: 8080, demand: { j: 800 }, perReplica: 100, placement: { zoneAntiAffinity: required } }
            """)
        let region = try #require(try results(text, zone: "j").first { $0.event == .regionFailure(region: "a") })
        // b must carry 800 rps = 8 pods, and at most 3 (one per zone) ever run.
        #expect(region.unbounded == "b must carry 800 rps = 8 pods but it runs 3 pods")
    }

    // Audit: of two able standbys, the first to be ready takes the zone (as availability assumes).
    @Test func theFastestStandbyTakesTheZone() throws {
        let text = """
            blueprint: standbys
            residency: { j: [a, b, c] }
            regions:
              a: { zones: [a1, a2, a3], cluster: { name: a, server: "https://a" } }
              b: { zones: [b1, b2, b3], cluster: { name: b, server: "https://b" }, role: standby, wave: 2 }
              c: { zones: [c1, c2, c3], cluster: { name: c, server: "https://c" }, role: standby, wave: 3 }
            services:
              api: { image: "r/api:1.0.0", port: 8080, demand: { j: 1000 }, perReplica: 100, capacity: elastic, replicas: { c: 10 } }

            """
        let region = try #require(try results(text, zone: "j").first { $0.event == .regionFailure(region: "a") })
        // c already runs the 10 pods the zone needs; b (3 pods) would need 3→6→12: 2 periods.
        #expect(region.terms.first { $0.name == "scale" }?.duration == .zero)
    }

    // 11. A single cross-region sync standby blocks commits while its region is down.
    @Test func losingTheOnlySyncStandbyBlocksCommits() throws {
        let text = pair(service: "api: { image: r/api:1.0.0, port: 8080, demand: { j: 100 }, perReplica: 100, uses: [db] }", datastores: """
            datastores:
              db: { residency: j, primary: a, replicas: [{ region: a, mode: sync }, { region: b, mode: sync }], failover: { automatic: false } }
            """)
        let region = try #require(try results(text, zone: "j").first { $0.event == .regionFailure(region: "b") })
        let resync = try #require(region.terms.first { $0.name == "resync" })
        // Nobody removes b from the sync set but a human: manualResponse 30m.
        #expect(resync.duration == .minutes(30))
    }

    // 12. Writing a zone's data abroad is an error until waived.
    @Test func crossResidencyAccessIsAnError() throws {
        let text = """
            blueprint: abroad
            residency: { eu: [e1, e2], us: [u1, u2] }
            regions:
              e1: { zones: [e1a, e1b], cluster: { name: e1, server: "https://e1" } }
              e2: { zones: [e2a, e2b], cluster: { name: e2, server: "https://e2" }, wave: 2 }
              u1: { zones: [u1a, u1b], cluster: { name: u1, server: "https://u1" } }
              u2: { zones: [u2a, u2b], cluster: { name: u2, server: "https://u2" }, wave: 2 }
            services:
              api: { image: r/api:1.0.0, port: 8080, demand: { eu: 100 }, perReplica: 100, uses: [ledger-us] }
            datastores:
              ledger-us: { residency: us, primary: u1, replicas: [{ region: u1, mode: sync }] }

            """
        let finding = try #require(lint(text).first { $0.rule == "cross-residency-access" })
        #expect(finding.severity == .error)
    }
}
