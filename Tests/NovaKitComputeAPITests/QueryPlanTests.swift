import Foundation
import HTTPTypes
import NovaKitCore
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Synchronization
import Testing

/// What a server's own requests run — show, its metadata, its instance actions, an action and the engine's
/// work for it — reads every table through an index: SQLite's plan has no full scan for any statement.
@Suite("Query plans")
struct QueryPlanTests {
    @Test("a server's show, metadata, instance actions and an action read through indexes")
    func indexed() async throws {
        let statements = RecordedStatements()
        let cloud = TestCloud(queryObserver: { statements.record($0) }, bootstrapped: true)
        try await cloud.run { client in
            let image = try #require(try await client.call(.get, "/v2.1/images").body?["images"]?.arrayValue?.first?["id"])
            let created = try await client.call(.post, "/v2.1/servers", json: ["server": ["name": "planned", "imageRef": image, "flavorRef": "1"]])
            let id = try #require(created.body?["server"]?["id"]?.stringValue)
            for _ in 0..<200 where try await client.call(.get, "/v2.1/servers/\(id)").body?["server"]?["status"] != "ACTIVE" {
                try await Task.sleep(for: .milliseconds(5))
            }
            statements.clear()
            #expect(try await client.call(.get, "/v2.1/servers/\(id)").status == 200)
            #expect(try await client.call(.get, "/v2.1/servers/\(id)/metadata").status == 200)
            let actions = try await client.call(.get, "/v2.1/servers/\(id)/os-instance-actions")
            let requestID = try #require(actions.body?["instanceActions"]?.arrayValue?.first?["request_id"]?.stringValue)
            #expect(try await client.call(.get, "/v2.1/servers/\(id)/os-instance-actions/\(requestID)").status == 200)
            #expect(try await client.call(.post, "/v2.1/servers/\(id)/action", json: ["pause": .null]).status == 202)
            for _ in 0..<200 where try await client.call(.get, "/v2.1/servers/\(id)").body?["server"]?["status"] != "PAUSED" {
                try await Task.sleep(for: .milliseconds(5))
            }

            let database = try #require(client.database)
            let selects = statements.selects
            #expect(selects.count >= 8)
            for statement in selects {
                let plan = try await database.withConnection { sql in
                    try await sql.raw(SQLQueryString("EXPLAIN QUERY PLAN \(unsafeRaw: statement)")).all()
                        .map { try $0.decode(column: "detail", as: String.self) }
                }
                #expect(!plan.contains(where: Self.isTableScan), "full scan in \(plan) for \(statement)")
            }
        }
    }

    /// A step of a plan that reads a whole table; reading the one bound list of an `SQLValueList`
    /// (`json_each` of its parameter) is not one.
    static func isTableScan(_ step: String) -> Bool {
        step.hasPrefix("SCAN ") && !step.hasPrefix("SCAN json_each VIRTUAL TABLE")
    }

    @Test("server lists — first page, detail, a marker page, every project's — read instances through an index")
    func listsIndexed() async throws {
        let statements = RecordedStatements()
        let cloud = TestCloud(queryObserver: { statements.record($0) }, bootstrapped: true)
        try await cloud.run { client in
            let image = try #require(try await client.call(.get, "/v2.1/images").body?["images"]?.arrayValue?.first?["id"])
            for index in 0..<3 {
                let created = try await client.call(
                    .post, "/v2.1/servers", json: ["server": ["name": .string("l\(index)"), "imageRef": image, "flavorRef": "1"]])
                #expect(created.status == 202)
            }
            statements.clear()
            let first = try await client.call(.get, "/v2.1/servers?limit=2")
            let marker = try #require(first.body?["servers"]?.arrayValue?.last?["id"]?.stringValue)
            #expect(first.body?["servers"]?.arrayValue?.count == 2)
            #expect(try await client.call(.get, "/v2.1/servers/detail?limit=2").status == 200)
            let next = try await client.call(.get, "/v2.1/servers/detail?limit=2&marker=\(marker)")
            #expect(next.body?["servers"]?.arrayValue?.count == 1)
            let everyone = try await client.call(.get, "/v2.1/servers/detail?all_tenants=1&limit=2", token: TestCloud.adminToken)
            #expect(everyone.body?["servers"]?.arrayValue?.count == 2)

            let database = try #require(client.database)
            let lists = statements.selects.filter { $0.contains("FROM \"instances\"") }
            #expect(lists.count >= 4)
            for statement in lists {
                let plan = try await database.withConnection { sql in
                    try await sql.raw(SQLQueryString("EXPLAIN QUERY PLAN \(unsafeRaw: statement)")).all()
                        .map { try $0.decode(column: "detail", as: String.self) }
                }
                #expect(!plan.contains(where: Self.isTableScan), "full scan in \(plan) for \(statement)")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "sorts every row in \(plan) for \(statement)")
            }
        }
    }
}
