import Foundation
import Testing

/// Engines without a single writer (DynamoDB global tables, Aurora DSQL: docs/failover.md) get no
/// `global_writer`: every region's services write to the copy in their region.
@Suite struct WriterNameTests {
    static let multiWriter = twoZoneBlueprint
        .replacingOccurrences(of: "catalog: { primary: us-east-1 }",
                              with: "catalog: { engine: dynamodb-global-table, primary: us-east-1, replicas: [{ region: eu-west-1, mode: async }] }")
        + twoZoneTraffic

    @Test func aMultiWriterEngineWritesToItsRegionsCopy() throws {
        let files = try generatedFiles(Self.multiWriter)
        let variables = try #require(files["terraform/variables.tf"])
        let route53 = try #require(files["terraform/route53.tf"])
        // Only db-eu and db-us (no engine: single writer, generic) keep one writer name.
        #expect(!route53.contains("writer.catalog.db."))
        #expect(!variables.contains("variable \"datastore_catalog\" {\n  description = \"Hostnames of datastore catalog: the writer endpoint"))
        #expect(route53.contains("name    = \"writer.eu-west-1.catalog.db.api.example.com\"\n  type    = \"CNAME\"\n  ttl     = 60\n  records = [var.datastore_catalog.writer[\"eu-west-1\"]]"))
        // eu-central-1 holds no copy: its services write to the primary's.
        #expect(route53.contains("name    = \"writer.eu-central-1.catalog.db.api.example.com\"\n  type    = \"CNAME\"\n  ttl     = 60\n  records = [var.datastore_catalog.writer[\"us-east-1\"]]"))
        #expect(files["clusters/eu-west-1/api.yaml"]!.contains("  CATALOG_WRITER_HOST: writer.eu-west-1.catalog.db.api.example.com\n"))
        #expect(files["clusters/eu-west-1/api.yaml"]!.contains("  DB_EU_WRITER_HOST: writer.db-eu.db.api.example.com\n"))
    }
}
