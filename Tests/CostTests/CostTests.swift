import BlueprintModel
import Compiler
@testable import Cost
import Foundation
import Resilience
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func analysed(_ name: String) throws -> (Blueprint, Topology, Analysis) {
    let path = repositoryRoot.appendingPathComponent("Blueprints/\(name).yaml").path
    let analysis = Pipeline.analyze(file: path, bytes: try SourceLoader.load(path), today: "2026-12-02")
    let blueprint = try #require(analysis.blueprint)
    return (blueprint, analysis.topology ?? Topology(blueprint), analysis)
}

func decimal(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }

/// To the micro-dollar: a third of a request per second (shop's weighted shares) is no finite decimal.
func micro(_ value: Decimal) -> Decimal { Money.rounded(value, scale: 6) }

@Suite struct CatalogueTests {
    @Test func embeddedCatalogueIsTheCommittedJSONFile() throws {
        let file = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/prices/aws.json"), encoding: .utf8)
        let embedded = try String(contentsOf: repositoryRoot.appendingPathComponent("Sources/Cost/PriceCatalogueData.swift"), encoding: .utf8)
        #expect(embedded.contains(file.trimmingCharacters(in: .newlines)), "run scripts/refresh-prices.py --embed")
        #expect(PriceCatalogue.committed.entries.count > 20)
    }

    @Test func everyEntryNamesItsSourceAndDateAndEveryMissingPriceSaysWhy() {
        for entry in PriceCatalogue.committed.entries {
            #expect(entry.source.contains("https://"), "\(entry.id) \(entry.region) has no source page")
            #expect(entry.read.count == 10, "\(entry.id) has no read date")
            if entry.usd == nil { #expect(entry.note?.hasPrefix("not found") == true, "\(entry.id) is null without saying it was not found") }
        }
    }

    @Test func overrideWinsAndUnknownRegionsFallBackFlagged() throws {
        let override = try PriceCatalogue.parse(Data(#"{"read": "2026-12-01", "prices": [{"id": "eks.clusterHour", "region": "eu-west-1", "usd": "0.05", "unit": "cluster-hour", "source": "https://example.com/negotiated"}]}"#.utf8), origin: "o.json")
        let catalogue = PriceCatalogue.committed.overridden(by: override, origin: "o.json")
        #expect(catalogue.lookup("eks.clusterHour", region: "eu-west-1")?.usd == decimal("0.05"))
        #expect(catalogue.lookup("eks.clusterHour", region: "eu-north-1")?.usd == decimal("0.10"))
        let fallback = try #require(catalogue.lookup("alb.hour", region: "ap-southeast-2"))
        #expect(fallback.fallbackFrom == "ap-southeast-2" && fallback.usd == decimal("0.0225"))
        #expect(throws: PriceCatalogue.LoadError.self) { try PriceCatalogue.parse(Data(#"{"prices": [{"id": "x", "region": "y", "usd": 0.1}]}"#.utf8), origin: "bad.json") }
    }

    @Test func catalogueAgeIsCountedInDays() throws {
        var catalogue = PriceCatalogue.committed
        catalogue.read = "2026-09-01"
        let today = try #require(ISO8601DateFormatter().date(from: "2026-12-02T00:00:00Z"))
        #expect(catalogue.age(today: today) == 92)
    }
}

/// The three examples priced by hand from docs/prices/aws.json (us-east-1 prices stand in for every
/// region the catalogue does not list, as the report flags), 730 h a month, the defaults of docs/cost.md: m5 nodes at
/// $0.096 / 2 vCPU = $0.048 per vCPU-hour with 4 GiB per vCPU, 30% mean load, 4,096 B a request,
/// 100,000,000 DNS queries, per datastore 100 GiB, 100 writes/s of 1,024 B, db.r6g.large.
/// Pods are the replica counts `explain` prints. Shared figures:
///   cluster 730 × $0.10 = $73; ALB 730 × $0.0225 = $16.425; health check $0.50 + 3 features × $1
///   (HTTPS, latency measurement, 10s interval) = $3.50; hosted zone $0.50; geo queries 100 × $0.70 = $70.
///   writes a month 100 × 2,628,000 = 262,800,000 → Aurora I/O 262.8 × $0.20 = $52.56; replicated
///   bytes 262,800,000 × 1,024 B = 269.1072 GB → inter-region transfer × $0.02 = $5.382144;
///   backup copy 100 GB × $0.021 = $2.10; Aurora storage 100 × $0.10 = $10 per region.
///   Traffic: Σ demand × 0.3 × 4,096 B × 3,600 s ÷ 10⁹ = GB/h, × 730 h, × $0.008 (LCU) and × $0.09 (egress).
///   eu-west-1 has its own prices: m5.xlarge $0.214 / 4 vCPU = $0.0535 per vCPU-hour (+$0.0055), ALB
///   730 × $0.0252 = $18.396 (+$1.971). Aurora Global Database: 262.8 million replicated write I/Os ×
///   $0.20 = $52.56 per secondary region. (us-west-2 prices equal us-east-1's.)
@Suite struct ExampleTotalTests {
    /// neobank: vCPU per pod accounts 1, payments max(1, 1.5 GiB/4) = 1, statements max(0.5, 2/4) = 0.5;
    /// pods 21+21, 15+15, 6+6 → (42 + 30 + 6) vCPU × 730 × $0.048 = $2,733.12; 2 clusters $146;
    /// 2 ALBs $32.85; traffic 5,700 rps → 25.214976 GB/h × 730 = 18,406.93248 GB → LCU $147.25545984,
    /// egress $1,656.6239232; DNS $70.50; checks 2 × $3.50 + writer alarm check $0.50 = $7.50;
    /// core-ledger 3 instances × 730 × $0.30 = $657, storage $20, I/O $52.56, replication $5.382144,
    /// backup $2.10 + $5.382144; payment-events (MSK brokers unpriced) transfers 2 × $5.382144; ARC
    /// (routingControl: arc): 2 routing control checks + 2 calculated checks × $0.50 = $2, the cluster
    /// and the writer alarm unpriced (no catalogue figure): $5,549.03795904 at us-east-1 prices.
    /// Then eu-west-1's own: 39 vCPU (21 + 15 + 6 × 0.5) × 730 × $0.0055 = $156.585 and the ALB's
    /// $1.971; core-ledger's secondary eu-central-1 $52.56 replicated write I/O; payment-events storage
    /// 2 × 100 GB × $0.10 = $20; the ARC cluster 730 × $2.50 = $1,825. Total $7,605.15395904.
    /// Unpriced: 2 MSK broker lines, the MSK backup copy and the writer alarm.
    @Test func neobank() throws {
        let (_, topology, _) = try analysed("neobank-active-standby")
        let report = CostModel().report(topology)
        #expect(micro(report.total) == decimal("7605.153959"))
        #expect(report.unpriced.count == 4)
        #expect(report.standbyShare > 0 && report.costOfResilience == report.total - report.baseline)
    }

    /// trading: vCPU trading-api 194 × 1, market-data 76 × 0.5, order-router 152 × 2, sequencer 18 × 2
    /// = 572 vCPU × 730 × $0.048 = $20,042.88; 6 clusters $438; 6 ALBs $98.55; traffic 215,000 rps →
    /// 951.0912 GB/h × 730 = 694,296.576 GB → LCU $5,554.372608, egress $62,486.69184; DNS $70.50;
    /// checks 6 × $3.50 = $21; each ledger 3 × 730 × $0.30 = $657 + $20 + $52.56 + $5.382144 + $2.10
    /// + $5.382144 = $742.424288, three of them $2,227.272864: $90,939.267312 at us-east-1 prices. Then
    /// eu-west-1's own: pods trading-api 29 × 1 + market-data 12 × 0.5 + order-router 23 × 2 + sequencer
    /// 3 × 2 = 87 vCPU × 730 = 63,510 vCPU-h × $0.0055 = $349.305, the ALB's $1.971;
    /// each ledger's one secondary $52.56 replicated write I/O, 3 × = $157.68. Total $91,448.223312.
    @Test func tradingPlatform() throws {
        let (_, topology, _) = try analysed("trading-platform")
        #expect(micro(CostModel().report(topology).total) == decimal("91448.223312"))
    }

    /// shop: vCPU storefront 118 × 0.75, cart 45 × 0.5, checkout 61 × 1, search 60 × 2 = 292 × 730 ×
    /// $0.048 = $10,231.68; 8 clusters $584; 8 ALBs $131.40; traffic 86,800 rps → 280,302.05952 GB →
    /// LCU $2,242.41647616, egress $25,227.1853568; DNS $70.50; checks 8 × $3.50 = $28;
    /// orders-na (aurora-mysql $0.29) 4 instances $846.80 + 3 × $10 + $52.56 + 2 × $5.382144 + $2.10
    /// + $5.382144; orders-eu and orders-apac each 3 × 730 × $0.29 = $635.10 + $20 + $52.56 + $5.382144
    /// + $2.10 + $5.382144; catalog (DynamoDB) 3 × (262.8 × $0.625 + 100 × $0.25) + 3 × $5.382144.
    /// $41,487.73327296 at us-east-1 prices. Then eu-west-1's own: vCPU-hours cart 2,190 + checkout 5,840
    /// + search 11,680 + storefront 8,212.5 = 27,922.5 × $0.0055 = $153.57375, the ALB's $1.971; the
    /// orders databases' 4 secondaries (na: us-east-2, us-west-2; eu; apac) × $52.56 = $210.24.
    /// Total $41,853.51802296.
    @Test func shopGeoSharded() throws {
        let (_, topology, _) = try analysed("shop-geo-sharded")
        #expect(micro(CostModel().report(topology).total) == decimal("41853.518023"))
    }

    /// Outage mode prices what an outage-mode compile emits: the survivors at their raised sizing,
    /// the lost region's resources marked, the writer moved to the survivor.
    @Test func outageModePricesTheRaisedSurvivors() throws {
        let (blueprint, topology, _) = try analysed("trading-platform")
        let normal = CostModel().report(topology)
        let outage = CostModel().report(Topology(blueprint, assumingDown: ["us-east-1"]))
        #expect(outage.down == ["us-east-1"])
        #expect(outage.lines.filter { $0.region == "us-east-1" }.allSatisfy { $0.priceNote?.hasPrefix("region assumed down") == true })
        // us-west-2 now carries all of us: its elastic market-data scales from 18 pods to the region-loss share.
        let pods = { (report: CostReport) in report.lines.first { $0.region == "us-west-2" && $0.item == "market-data" }!.quantity }
        #expect(pods(outage) > pods(normal))
        #expect(outage.total > normal.total)
        // The US ledger's writer is now us-west-2: its write I/O line moved there.
        #expect(outage.lines.contains { $0.item == "ledger-us write I/O" && $0.region == "us-west-2" })
    }
}

@Suite struct PriceFindingTests {
    func blueprint(_ extra: String, file: String = "/nonexistent/b.yaml") throws -> BlueprintModel.Blueprint {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Blueprints/neobank-active-standby.yaml"), encoding: .utf8) + extra
        let analysis = Pipeline.analyze(file: file, bytes: Array(text.utf8), today: "2026-12-02")
        return try #require(analysis.blueprint)
    }

    @Test func aCatalogueOlderThan90DaysIsNoted() throws {
        let clean = try blueprint("")
        let day = { (text: String) in ISO8601DateFormatter().date(from: text + "T12:00:00Z")! }
        // Read 2026-12-03: 90 days later is still fresh, 91 days later is not.
        #expect(PriceFindings.of(clean, today: day("2027-03-03")).isEmpty)
        let stale = PriceFindings.of(clean, today: day("2027-03-04"))
        #expect(stale.map(\.rule) == ["price-catalogue-stale"] && stale.first?.severity == .note)
    }

    @Test func anUnreadableOverrideAndUnknownNamesAreErrors() throws {
        let broken = try blueprint("cost:\n  prices: missing.json\n  nodes: { eu-west-9: { family: m5 } }\n  datastores: { ledgr: { storageGiB: 10 } }\n")
        let rules = PriceFindings.of(broken, today: ISO8601DateFormatter().date(from: "2026-12-03T00:00:00Z")!).map(\.rule)
        #expect(rules == ["price-override-unreadable", "undefined-reference", "undefined-reference"])
    }
}


@Suite struct MoneyTextTests {
    /// The fast spelling must be Decimal's own: random amounts of every length (up to Decimal's 38
    /// digits, where the Int64 path gives way to the description), both signs, every scale used.
    @Test func roundedTextIsDecimalsOwnSpelling() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...38, using: &generator)
            let mantissa = String((0..<digits).map { _ in "0123456789".randomElement(using: &generator)! })
            let point = Int.random(in: 0...digits, using: &generator)
            var text = String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point))
            if text.hasPrefix(".") { text = "0" + text }
            if Bool.random(using: &generator) { text = "-" + text }
            let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!
            for scale in [0, 2, 4, 6] {
                #expect(Money.roundedText(value, scale: scale) == "\(Money.rounded(value, scale: scale))", "\(text) at \(scale)")
            }
        }
        #expect(Money.roundedText(Decimal(string: "0.00001")!, scale: 4) == "0")
        #expect(Money.dollars(Decimal(string: "-0.001")!) == "$0.00")
        #expect(Money.dollars(Decimal(string: "-1234.565")!) == "-$1,234.57")
    }
}

@Suite struct CatalogueAgeTests {
    @Test func theCheapReadDateIsTheParsedOne() {
        #expect(PriceCatalogue.committedRead == PriceCatalogue.committed.read && !PriceCatalogue.committedRead.isEmpty)
    }

    /// The calendar arithmetic agrees with Foundation's formatter on dates across four centuries,
    /// leap days included, and refuses what is not a date.
    @Test func ageAgreesWithFoundationsCalendar() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let today = Date(timeIntervalSince1970: 1_796_300_000)  // 2026-12-03
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let seconds = Double.random(in: -6_000_000_000...4_000_000_000, using: &generator)
            let read = formatter.string(from: Date(timeIntervalSince1970: seconds))
            let expected = formatter.date(from: read).map { Int(today.timeIntervalSince($0) / 86_400) }
            #expect(PriceCatalogue.age(read: read, today: today) == expected, "\(read)")
        }
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026-01-01x", "", "２０２６-01-01"] {
            #expect(PriceCatalogue.age(read: bad, today: today) == nil, "\(bad)")
        }
        #expect(PriceCatalogue.age(read: "2024-02-29", today: today) != nil)
    }
}
