import BlueprintModel
import Compiler
import Resilience
import Testing

/// Which zone-loss recoveries the running capacity carries, and which launch (StaticStability).
@Suite struct StaticStabilityTests {
    func blueprint(datastore: String, pin: String = "") -> String {
        """
        blueprint: pair
        residency: { j: [a, b] }
        regions:
          a: { zones: [a1, a2, a3], cluster: { name: a, server: "https://a" } }
          b: { zones: [b1, b2, b3], cluster: { name: b, server: "https://b" }, wave: 2 }
        services:
          api:
            image: x/api:1.0.0
            port: 8080
            demand: { j: 1000 }
            perReplica: 100
            capacity: elastic
            uses: [db]
        \(pin)
        datastores:
          db:
            residency: j
            primary: a
        \(datastore)
        """
    }

    @Test func podsLeftAfterTheFullestZoneCarryTheNormalShare() throws {
        let t = try topology(blueprint(datastore: "    replicas: [{ region: a, mode: sync }]"))
        let rows = StaticStability.zoneLoss(t).filter { $0.kind == "pods" }
        // Normal share 1000 / 2 regions = 500 rps / 100 = need 5; R = ceil(5·3/2) = 8, at most
        // ceil(8/3) = 3 per zone, so 8 - 3 = 5 are left: nothing to launch, in either region.
        #expect(rows.map(\.region) == ["a", "b"])
        #expect(rows.allSatisfy { $0.launches == nil })
        #expect(rows[0].mustRun == "8 pods, at most 3 per zone: 5 left after losing one of 3 zones, 5 needed")
    }

    @Test func aPinBelowTheZoneTolerantCountLaunchesTheDifference() throws {
        let t = try topology(blueprint(datastore: "    replicas: [{ region: a, mode: sync }]", pin: "    replicas: { a: 6 }"))
        let row = try #require(StaticStability.zoneLoss(t).first { $0.kind == "pods" && $0.region == "a" })
        // 6 pods, 2 per zone: 4 left, 5 needed: one pod must start during the event.
        #expect(row.launches?.hasPrefix("1 more pods") == true)
    }

    @Test func onlyARestoreLaunches() throws {
        // The primary sits in a1; the recovery is WriterOutcome's for the outage {a1}.
        let cases: [(String, String, Bool)] = [
            ("    replicas: [{ region: a, mode: sync }]", "the sync standby in a2, taking over in place (Multi-AZ)", false),
            ("    replicas: [{ region: a, mode: async }]", "the in-region async replica in a2, promoted", false),
            ("    replicas: [{ region: b, mode: async }]", "the async replica in b, promoted across regions", false),
            ("    backups: { every: 1h, restore: 45m }", "nothing: no copy survives a1", true),
        ]
        for (datastore, mustRun, launches) in cases {
            let t = try topology(blueprint(datastore: datastore))
            let row = try #require(StaticStability.zoneLoss(t).first { $0.kind == "writer" })
            #expect(row.mustRun == mustRun)
            #expect((row.launches != nil) == launches, "\(datastore)")
            // The same decision simulate makes for that zone.
            let db = try #require(t.blueprint.datastore("db"))
            let outcome = WriterOutcome.resolve(db, blueprint: t.blueprint, outage: Outage(zones: ["a1"]))
            if case .restore = outcome.mechanism { #expect(launches) } else { #expect(!launches) }
        }
    }

    @Test func theWarningNamesTheDatastoreAndTheLaunch() {
        let text = blueprint(datastore: "    backups: { every: 1h, restore: 45m }")
        let analysis = Pipeline.analyze(file: "t.yaml", bytes: Array(text.utf8), today: "2026-11-30")
        let warnings = analysis.diagnostics.filter { $0.rule == "zone-loss-needs-launch" }
        #expect(warnings.count == 1)
        #expect(warnings.first?.severity == .warning)
        #expect(warnings.first?.message == "db: losing the zone of its primary in a is recovered by launching a new database instance restored from a backup (45m0s), launched during the event")
    }
}
