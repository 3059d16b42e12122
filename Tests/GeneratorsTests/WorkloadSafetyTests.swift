import BlueprintModel
import Compiler
import Foundation
import Generators
import Testing

/// Probes, security context and disruption budgets: what keeps a failover from turning into restarts.
@Suite struct WorkloadSafetyTests {
    private func api(_ blueprint: String = twoZoneBlueprint) throws -> String {
        try #require(try generatedFiles(blueprint)["clusters/eu-west-1/api.yaml"])
    }

    private func probe(_ name: String, in manifest: String) -> Substring? {
        guard let start = manifest.range(of: "        \(name):\n") else { return nil }
        let rest = manifest[start.upperBound...]
        let end = rest.range(of: "\n        [a-zA-Z]", options: .regularExpression)?.lowerBound ?? rest.endIndex
        return rest[..<end]
    }

    @Test func livenessChecksTheProcessNotItsDependencies() throws {
        let manifest = try api()
        let readiness = try #require(probe("readinessProbe", in: manifest))
        let liveness = try #require(probe("livenessProbe", in: manifest))
        let startup = try #require(probe("startupProbe", in: manifest))
        #expect(readiness.contains("httpGet:\n            path: /healthz\n"))
        // Without a liveness path: the open port, which a database failover cannot close.
        #expect(liveness.contains("tcpSocket:\n            port: http\n"))
        #expect(startup.contains("tcpSocket:\n            port: http\n"))
        #expect(!liveness.contains("/healthz"))
    }

    @Test func declaredLivenessPathDrivesLivenessAndStartup() throws {
        let blueprint = twoZoneBlueprint.replacingOccurrences(
            of: "    perReplica: 100\n    uses: [db-eu", with: "    perReplica: 100\n    health: { path: /ready, liveness: /live }\n    uses: [db-eu")
        let manifest = try api(blueprint)
        #expect(try #require(probe("readinessProbe", in: manifest)).contains("path: /ready\n"))
        #expect(try #require(probe("livenessProbe", in: manifest)).contains("path: /live\n"))
        #expect(try #require(probe("startupProbe", in: manifest)).contains("path: /live\n"))
    }

    @Test func livenessEqualToReadinessIsRefused() {
        let blueprint = twoZoneBlueprint.replacingOccurrences(
            of: "    perReplica: 100\n    uses: [db-eu", with: "    perReplica: 100\n    health: { path: /ready, liveness: /ready }\n    uses: [db-eu")
        let analysis = Pipeline.analyze(file: "demo.yaml", bytes: Array(blueprint.utf8), today: "2026-11-22")
        let messages = analysis.diagnostics.map(\.message)
        #expect(messages.contains { $0.contains("services.api.health.liveness: expected a path other than the readiness path '/ready'") }, "\(messages)")
    }

    @Test func podsRunAsANumericNonRootUser() throws {
        #expect(try api().contains("runAsNonRoot: true\n        runAsUser: 65532\n        runAsGroup: 65532\n"))
        let pinned = twoZoneBlueprint.replacingOccurrences(of: "    perReplica: 100\n    uses: [db-eu", with: "    perReplica: 100\n    runAsUser: 10001\n    uses: [db-eu")
        #expect(try api(pinned).contains("runAsUser: 10001\n        runAsGroup: 10001\n"))
        let root = twoZoneBlueprint.replacingOccurrences(of: "    perReplica: 100\n    uses: [db-eu", with: "    perReplica: 100\n    runAsUser: 0\n    uses: [db-eu")
        let analysis = Pipeline.analyze(file: "demo.yaml", bytes: Array(root.utf8), today: "2026-11-22")
        #expect(analysis.hasErrors)
    }
}
