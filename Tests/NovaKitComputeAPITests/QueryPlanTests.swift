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
                #expect(!plan.contains { $0.hasPrefix("SCAN ") }, "full scan in \(plan) for \(statement)")
            }
        }
    }
}
