import Foundation
import BlueprintModel
import Compiler
import Diagnostics
import Testing

/// A small valid blueprint; each test breaks one thing in it.
let minimalBlueprint = """
    blueprint: shop
    residency:
      eu: [eu-west-1, eu-central-1]
    regions:
      eu-west-1:
        zones: [eu-west-1a, eu-west-1b]
        cluster: { name: euw1, server: "https://euw1.example" }
      eu-central-1:
        zones: [eu-central-1a, eu-central-1b]
        cluster: { name: euc1, server: "https://euc1.example" }
        wave: 2
    services:
      api:
        image: example/api:1.0.0
        port: 8080
        demand: { eu: 1000 }
        perReplica: 100
        uses: [db]
    datastores:
      db:
        residency: eu
        primary: eu-west-1

    """

/// The analysis without the `check-withheld` notes: these tests are about findings, and
/// WithheldChecksTests asserts the notes one by one.
func analyze(_ text: String) -> Analysis {
    var analysis = Pipeline.analyze(file: "bp.yaml", bytes: Array(text.utf8), today: "2026-11-22")
    analysis.diagnostics.removeAll { $0.rule == "check-withheld" }
    return analysis
}

/// `file:line:col: severity: message [rule]` lines, the form users and tests read.
func findings(_ text: String) -> [String] {
    analyze(text).diagnostics.map { "\($0.mark.line):\($0.mark.column): \($0.message) [\($0.rule)]" }
}

func replacing(_ old: String, with new: String) -> String {
    precondition(minimalBlueprint.contains(old), "fixture lacks \(old)")
    return minimalBlueprint.replacingOccurrences(of: old, with: new)
}

@Suite struct BadInputTests {
    @Test func minimalBlueprintIsClean() {
        #expect(findings(minimalBlueprint) == [])
    }

    @Test func unknownKeySuggestsTheNearestKey() {
        let result = analyze(replacing("    perReplica: 100", with: "    perReplica: 100\n    replcias: { eu-west-1: 3 }"))
        #expect(result.diagnostics.count == 1)
        let d = result.diagnostics[0]
        #expect("\(d.mark.line):\(d.mark.column) \(d.message) [\(d.rule)]" == "18:5 unknown key 'replcias' in services.api [unknown-key]")
        #expect(d.fix == "did you mean 'replicas'?")
    }

    @Test func wrongTypeNamesWhatWasExpected() {
        let text = replacing("  db:\n    residency: eu", with: "  db:\n    residency: eu\n    failover: { automatic: true, promotion: fast }")
        #expect(findings(text) == [
            "22:45: datastores.db.failover.promotion: expected a duration like 30s, 5m or 250ms, got 'fast' [invalid-value]",
        ])
    }

    @Test func undefinedReferencesAreLocatedAndSuggested() {
        let result = analyze(replacing("uses: [db]", with: "uses: [dbb]"))
        #expect(result.diagnostics.map { "\($0.mark.line):\($0.mark.column): \($0.message)" } == ["18:12: datastore 'dbb' is not declared"])
        #expect(result.diagnostics[0].fix == "did you mean 'db'?")
    }

    @Test func regionMissingFromResidency() {
        let text = replacing("  eu: [eu-west-1, eu-central-1]", with: "  eu: [eu-west-1]")
        #expect(findings(text) == ["8:3: region eu-central-1 belongs to no residency zone [region-without-residency]"])
    }

    @Test func namesThatCouldEscapeTheOutputDirectoryAreRefused() {
        let result = analyze(replacing("blueprint: shop", with: "blueprint: ../../etc"))
        #expect(result.diagnostics.map(\.rule) == ["invalid-name"])
        #expect(result.diagnostics[0].message.hasPrefix("blueprint name '../../etc' is not a DNS-1123 label"))
        #expect(result.diagnostics[0].mark == SourceMark(line: 1, column: 12))
    }

    /// Its name is the Kubernetes Service's, which the API server refuses unless it starts with a letter.
    @Test func aServiceNameStartingWithADigitIsRefused() {
        let result = analyze(replacing("  api:\n", with: "  9api:\n"))
        #expect(result.diagnostics.map(\.rule) == ["invalid-name"], "\(result.diagnostics.map(\.message))")
        #expect(result.diagnostics.first?.message.hasPrefix("service name '9api' starts with a digit") == true)
        #expect(result.diagnostics.first?.fix == "rename it to start with a letter, e.g. 'svc-9api'")
        // A digit anywhere else is fine.
        #expect(analyze(replacing("  api:\n", with: "  api2:\n")).diagnostics.filter { $0.rule == "invalid-name" }.isEmpty)
    }

    @Test func missingRequiredFieldPointsAtItsParent() {
        #expect(findings(replacing("    port: 8080\n", with: "")) == [
            "14:5: services.api is missing the required key 'port' [missing-field]",
        ])
    }

    @Test func duplicateKeyIsAnErrorEvenWhenValuesAgree() {
        let text = replacing("    port: 8080\n", with: "    port: 8080\n    port: 8080\n")
        #expect(findings(text) == ["16:5: duplicate key 'port' [duplicate-key]"])
    }

    @Test func syntaxErrorIsALocatedDiagnostic() {
        let result = analyze("blueprint: shop\nregions: [a, b\n")
        #expect(result.blueprint == nil)
        #expect(result.diagnostics.map(\.rule) == ["syntax"])
        #expect(result.diagnostics[0].mark.line == 3)
    }

    @Test func choicesSuggestTheIntendedValue() {
        let result = analyze(replacing("    perReplica: 100", with: "    perReplica: 100\n    capacity: statik"))
        #expect(result.diagnostics.map(\.message) == ["services.api.capacity: expected one of static, elastic, got 'statik'"])
        #expect(result.diagnostics[0].fix == "did you mean 'static'?")
    }

    @Test func emptyAndNonMappingDocuments() {
        #expect(findings("") == [
            "1:1: the blueprint is empty; it needs at least 'blueprint', 'residency', 'regions' and 'services' [missing-field]",
        ])
        #expect(findings("- a\n- b\n") == [
            "1:1: a blueprint is a mapping with keys such as 'blueprint:' and 'regions:', got a list [invalid-value]",
        ])
    }

    @Test func unpinnedImage() {
        #expect(findings(replacing("example/api:1.0.0", with: "example/api:latest")) == [
            "14:5: image 'example/api:latest' uses the 'latest' tag [image-not-pinned]",
        ])
        #expect(findings(replacing("example/api:1.0.0", with: "registry:5000/api")) == [
            "14:5: image 'registry:5000/api' has no tag or digest [image-not-pinned]",
        ])
    }

    @Test func gitopsFieldsCannotSmuggleTemplates() {
        #expect(findings(replacing("blueprint: shop", with: "blueprint: shop\ngitops: { repoURL: \"https://x/{{.server}}\" }")) == [
            "2:20: gitops.repoURL: '{{' and '}}' are reserved for the ApplicationSet's templates [invalid-value]",
        ])
    }

    @Test func trafficRulesGuardRoute53() {
        let traffic = """
            traffic:
              hostname: api.shop.example
              hostedZoneId: Z1
              healthCheck: { interval: 60s, failureThreshold: 12 }
              geolocation: { EU: eu, CH: eu, "country:FR": emea }

            """
        #expect(findings(minimalBlueprint + traffic) == [
            "26:18: Route53 health checks run every 10s or 30s; 1m0s is not available [route53-health-interval]",
            "26:33: Route53 failure threshold must be 1 to 10, got 12 [route53-failure-threshold]",
            "27:3: geolocation routing has no 'default' location; users outside every listed location get no answer [geolocation-without-default]",
            "27:26: 'CH' is not a Route53 geolocation [geolocation-invalid-location]",
            "27:34: geolocation country:FR routes to residency zone 'emea', which is not declared [geolocation-unknown-zone]",
        ])
        let failover = minimalBlueprint + traffic.replacingOccurrences(of: "  geolocation", with: "  within: failover\n  geolocation")
        #expect(findings(failover).contains(
            "3:3: residency zone eu has 2 active and 0 standby regions; 'within: failover' needs exactly one of each [failover-needs-two]"))
    }
}
