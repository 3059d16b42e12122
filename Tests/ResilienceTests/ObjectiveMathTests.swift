import BlueprintModel
import Compiler
import Foundation
import Resilience
import Testing

func topology(_ text: String) throws -> Topology {
    let analysis = Pipeline.analyze(file: "t.yaml", bytes: Array(text.utf8), today: "2026-11-22")
    return Topology(try #require(analysis.blueprint))
}

let loneRegion = """
    blueprint: lone
    assumptions: { regionAvailability: 99.95%, zoneAvailability: 99.9% }
    residency: { eu: [eu-west-1] }
    regions:
      eu-west-1: { zones: [eu-west-1a, eu-west-1b], cluster: { name: a, server: "https://a" } }
    services:
      api: { image: x/api:1.0.0, port: 8080, demand: { eu: 100 }, perReplica: 100, uses: [db] }
    datastores:
      db:
        residency: eu
        primary: eu-west-1
        replicas: [{ region: eu-west-1, mode: sync }]

    """

@Suite struct AvailabilityTests {
    /// Service and datastore share one region: the region's 99.95% must count once.
    @Test func sharedRegionIsNotCountedTwice() throws {
        let t = try topology(loneRegion)
        let result = AvailabilityModel.evaluate(service: t.blueprint.services[0], zone: "eu", topology: t)
        let aR = 0.9995, az = 0.999
        let someZoneUp = 1 - (1 - az) * (1 - az)
        // Compute (2 pods, 1 needed) and data (primary + sync replica) both need the region and one of its two zones.
        let exact = aR * someZoneUp
        let naiveProduct = (aR * someZoneUp) * (aR * someZoneUp)
        #expect(abs(result.availability - exact) < 1e-12)
        #expect(abs(result.compute - exact) < 1e-12 && abs(result.data - exact) < 1e-12)
        #expect(abs(result.availability - naiveProduct) > 1e-4)
        #expect(AvailabilityModel.percent(result.availability) == "99.9499%")
    }

    @Test func twoActiveRegionsCoverEachOther() throws {
        let text = """
            blueprint: pair
            residency: { eu: [eu-west-1, eu-central-1] }
            regions:
              eu-west-1: { zones: [eu-west-1a, eu-west-1b], cluster: { name: a, server: "https://a" } }
              eu-central-1: { zones: [eu-central-1a, eu-central-1b], cluster: { name: b, server: "https://b" }, wave: 2 }
            services:
              api: { image: x/api:1.0.0, port: 8080, demand: { eu: 200 }, perReplica: 100 }

            """
        let t = try topology(text)
        #expect(t.placements.map(\.sizing.replicas) == [4, 4])
        let result = AvailabilityModel.evaluate(service: t.blueprint.services[0], zone: "eu", topology: t)
        let aR = 0.9995, q = 1 - 0.001 * 0.001
        // Both up with a zone each, or exactly one region down and the other (4 pods, needs 2) keeps a zone.
        let expected = (aR * q) * (aR * q) + 2 * (1 - aR) * aR * q
        #expect(abs(result.availability - expected) < 1e-12)
        #expect(abs(result.data - 1) < 1e-12)
    }

    @Test func percentagesAreTruncatedNeverRoundedUp() {
        #expect(AvailabilityModel.percent(0.9998999) == "99.9899%")
        #expect(AvailabilityModel.percent(0.99990) == "99.9900%")
        #expect(AvailabilityModel.percent(1) == "100.0000%")
    }
}

@Suite struct RecoveryTests {
    func trading() throws -> Topology {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("Blueprints/trading-platform.yaml").path
        let analysis = Pipeline.analyze(file: path, bytes: try SourceLoader.load(path), today: "2026-11-22")
        return Topology(try #require(analysis.blueprint))
    }

    @Test func regionFailureIsASumOfNamedTerms() throws {
        let t = try trading()
        let api = try #require(t.blueprint.services.first { $0.name == "trading-api" })
        let results = RecoveryModel.rto(service: api, zone: "us", topology: t)
        let region = try #require(results.first { $0.event == .regionFailure(region: "us-east-1") })
        #expect(region.arithmetic == "region failure of us-east-1: detect 30s (10s x 3) + promote 1m0s (ledger-us cross-region, automated, managed writer endpoint) + dns 1m0s (load balancer alias TTL) + scale 0s + reconnect 30s = 3m0s")
        let zone = try #require(results.first { $0.event == .zoneFailure(region: "us-east-1") })
        #expect(zone.total == .seconds(60 + 30 + 30))
        // us-west-2 holds no primary: losing it costs no promotion.
        let west = try #require(results.first { $0.event == .regionFailure(region: "us-west-2") })
        #expect(west.total == .seconds(30 + 0 + 60 + 0 + 30))
    }

    @Test func elasticSurvivorsPayForScaling() throws {
        let t = try trading()
        let marketData = try #require(t.blueprint.services.first { $0.name == "market-data" })
        let region = try #require(RecoveryModel.rto(service: marketData, zone: "eu", topology: t).first { $0.event.disruption == .region })
        // eu-central-1 runs 12 pods and needs 16 after losing eu-west-1: one HPA period
        // (12 → max(24, 16)), so 60s reaction + 1 x 15s + 90s pod startup = 165s.
        #expect(region.terms.first { $0.name == "scale" }?.duration == .seconds(165))
    }

    @Test func loneRegionCannotRecover() throws {
        let t = try topology(loneRegion)
        let region = try #require(RecoveryModel.rto(service: t.blueprint.services[0], zone: "eu", topology: t).first { $0.event.disruption == .region })
        #expect(region.unbounded == "residency zone eu has no other region to take its load")
    }

    @Test func rpoFollowsTheNearestSurvivingCopy() throws {
        let t = try trading()
        let ledger = try #require(t.blueprint.datastore("ledger-eu"))
        #expect(RecoveryModel.rpo(ledger, disruption: .zone, blueprint: t.blueprint).loss == .zero)
        #expect(RecoveryModel.rpo(ledger, disruption: .region, blueprint: t.blueprint).loss == Duration(milliseconds: 200))
        let lone = try topology(loneRegion.replacingOccurrences(of: "replicas: [{ region: eu-west-1, mode: sync }]", with: "backups: { every: 1h }"))
        let db = try #require(lone.blueprint.datastore("db"))
        #expect(RecoveryModel.rpo(db, disruption: .zone, blueprint: lone.blueprint).loss == .seconds(3600))
        // Backups that never leave the primary's region do not survive its loss.
        #expect(RecoveryModel.rpo(db, disruption: .region, blueprint: lone.blueprint).loss == nil)
    }
}
