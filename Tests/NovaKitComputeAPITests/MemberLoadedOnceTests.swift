import Foundation
import HTTPTypes
import NovaKitCore
import NovaKitPolicy
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Synchronization
import Testing

/// The framework loads a request's member once: a show and a server action each read the instance's row
/// once, counted on the SQL the database actually runs.
@Suite("Member loaded once")
struct MemberLoadedOnceTests {
    static let server = "22222222-3333-4444-8555-666666666666"

    /// Every statement the cloud runs, in order.
    final class Statements: Sendable {
        private let recorded = Mutex<[String]>([])

        func record(_ sql: String) { recorded.withLock { $0.append(sql) } }
        func clear() { recorded.withLock { $0.removeAll() } }

        /// The reads of the `instances` table among them.
        var instanceReads: [String] {
            recorded.withLock { $0 }.filter { $0.hasPrefix("SELECT") && $0.contains(#"FROM "instances""#) }
        }
    }

    static func insertActive(_ database: Database) async throws {
        try await database.withConnection { sql in
            let flavor = #"{"id":"1","name":"m1.tiny","ram":512,"vcpus":1,"disk":1,"ephemeral":0,"swap":0,"extraSpecs":{}}"#
            try await sql.insert(into: "instances")
                .columns(
                    "uuid", "display_name", "project_id", "user_id", "flavor", "vm_state", "power_state", "previous_vm_state", "locked", "host",
                    "created_at", "deleted"
                )
                .values(
                    SQLBind(server), SQLBind("counted"), SQLBind(TestCloud.project), SQLBind("alice"), SQLBind(flavor), SQLBind("active"),
                    SQLBind(1), SQLBind("active"), SQLBind(false), SQLBind("novakit-compute-1"), SQLBind(Date()), SQLBind(0)
                ).run()
        }
    }

    @Test("GET /servers/{id} and a server action each read the instance once")
    func readsOnce() async throws {
        let statements = Statements()
        // Driver steps take long enough that the action's background work reads nothing while the request is counted.
        let cloud = TestCloud(stepDelay: .seconds(30), queryObserver: { statements.record($0) })
        try await cloud.run { client in
            try await Self.insertActive(try #require(client.database))

            statements.clear()
            let show = try await client.call(.get, "/v2.1/servers/\(Self.server)")
            #expect(show.status == 200 && show.body?["server"]?["status"] == "ACTIVE")
            #expect(statements.instanceReads.count == 1, "\(statements.instanceReads)")

            statements.clear()
            let pause = try await client.call(.post, "/v2.1/servers/\(Self.server)/action", json: ["pause": .null])
            #expect(pause.status == 202)
            #expect(statements.instanceReads.count == 1, "\(statements.instanceReads)")

            statements.clear()
            let refused = try await client.call(.post, "/v2.1/servers/\(Self.server)/action", json: ["unpause": .null])
            #expect(refused.status == 409)
            #expect(statements.instanceReads.count == 1, "\(statements.instanceReads)")
        }
    }
}
