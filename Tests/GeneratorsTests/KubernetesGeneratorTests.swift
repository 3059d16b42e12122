import BlueprintModel
import Compiler
import Foundation
import Generators
import Resilience
import Testing

let twoZoneBlueprint = """
    blueprint: demo
    residency:
      eu: [eu-west-1, eu-central-1]
      us: [us-east-1, us-west-2]
    regions:
      eu-west-1: { zones: [eu-west-1a, eu-west-1b, eu-west-1c], cluster: { name: a, server: "https://a" } }
      eu-central-1: { zones: [eu-central-1a, eu-central-1b], cluster: { name: b, server: "https://b" }, role: standby }
      us-east-1: { zones: [us-east-1a, us-east-1b], cluster: { name: c, server: "https://c" } }
      us-west-2: { zones: [us-west-2a, us-west-2b], cluster: { name: d, server: "https://d" } }
    services:
      api:
        image: example/api:1.0.0
        port: 8080
        demand: { eu: 900, us: 0 }
        perReplica: 100
        uses: [db-eu, db-us, catalog]
        env:
          MODE: "on"
          TOKEN: { secret: api-token, key: value }
      worker:
        image: example/worker:2.0.0
        port: 9000
        demand: { us: 400 }
        perReplica: 100
        uses: [db-us]
    datastores:
      db-eu: { residency: eu, primary: eu-west-1 }
      db-us: { residency: us, primary: us-east-1 }
      catalog: { primary: us-east-1 }

    """

func generatedFiles(_ text: String) throws -> [String: String] {
    let analysis = Pipeline.analyze(file: "demo.yaml", bytes: Array(text.utf8), today: "2026-11-22")
    #expect(!analysis.hasErrors, "\(analysis.diagnostics)")
    let blueprint = try #require(analysis.blueprint)
    return Dictionary(uniqueKeysWithValues: Pipeline.generate(blueprint).files.map { ($0.path, $0.contents) })
}

@Suite struct KubernetesGeneratorTests {
    @Test func servicesRunOnlyWhereTheirZoneHasDemand() throws {
        let files = try generatedFiles(twoZoneBlueprint)
        let manifests = files.keys.filter { $0.hasPrefix("clusters/") }.sorted()
        #expect(manifests == [
            "clusters/eu-central-1/api.yaml", "clusters/eu-central-1/kustomization.yaml", "clusters/eu-central-1/namespace.yaml",
            "clusters/eu-west-1/api.yaml", "clusters/eu-west-1/kustomization.yaml", "clusters/eu-west-1/namespace.yaml",
            "clusters/us-east-1/kustomization.yaml", "clusters/us-east-1/namespace.yaml", "clusters/us-east-1/worker.yaml",
            "clusters/us-west-2/kustomization.yaml", "clusters/us-west-2/namespace.yaml", "clusters/us-west-2/worker.yaml",
        ])
        #expect(files["clusters/eu-west-1/kustomization.yaml"]!.contains("resources:\n- namespace.yaml\n- api.yaml\n"))
    }

    @Test func configMapNamesOnlyTheZonesOwnAndGlobalDatastores() throws {
        let api = try #require(try generatedFiles(twoZoneBlueprint)["clusters/eu-west-1/api.yaml"])
        #expect(api.contains("  DB_EU_WRITER_HOST: writer.db-eu.db.demo.internal\n"))
        #expect(api.contains("  DB_EU_READER_HOST: reader.eu-west-1.db-eu.db.demo.internal\n"))
        #expect(api.contains("  CATALOG_WRITER_HOST: writer.catalog.db.demo.internal\n"))
        #expect(!api.contains("DB_US"))
        #expect(api.contains("  MODE: \"on\"\n"))
        #expect(api.contains("  REGION: eu-west-1\n  RESIDENCY_ZONE: eu\n"))
        // The secret is referenced, never written.
        #expect(api.contains("secretKeyRef:\n              name: api-token\n              key: value\n"))
        #expect(!api.contains("TOKEN: "))
    }

    @Test func standbyRegionKeepsAPodPerZoneAndCarriesTheWholeZone() throws {
        let standby = try #require(try generatedFiles(twoZoneBlueprint)["clusters/eu-central-1/api.yaml"])
        // Static standby: the whole eu demand (900 rps = 9 pods) survives losing one of its 2 zones: 18.
        #expect(standby.contains("spec:\n  replicas: 18\n"))
        #expect(standby.contains("meridian.dev/role: standby"))
        // Two zones: minDomains would have to be 1 (the default) to survive losing one, so it is left out.
        #expect(!standby.contains("minDomains"))
        #expect(standby.contains("nodeTaintsPolicy: Honor\n"))
        #expect(standby.contains("maxUnavailable: 9\n"))
    }

    @Test func zoneSpreadLeavesRoomForOneLostZone() throws {
        let active = try #require(try generatedFiles(twoZoneBlueprint)["clusters/eu-west-1/api.yaml"])
        // Three zones: two must have nodes, so one lost zone never makes the global minimum 0.
        #expect(active.contains("whenUnsatisfiable: DoNotSchedule\n        minDomains: 2\n        nodeAffinityPolicy: Honor\n        nodeTaintsPolicy: Honor\n"))
    }

    @Test func configChangeRollsThePods() throws {
        let before = try #require(try generatedFiles(twoZoneBlueprint)["clusters/eu-west-1/api.yaml"])
        let after = try #require(try generatedFiles(twoZoneBlueprint.replacingOccurrences(of: "MODE: \"on\"", with: "MODE: \"off\""))["clusters/eu-west-1/api.yaml"])
        func hash(_ text: String) -> Substring? {
            text.split(separator: "\n").first { $0.contains("meridian.dev/config-hash") }
        }
        #expect(hash(before) != nil)
        #expect(hash(before) != hash(after))
    }
}
