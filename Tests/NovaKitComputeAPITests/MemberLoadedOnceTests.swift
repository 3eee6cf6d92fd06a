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

    @Test("GET /servers/{id} and a server action each read the instance once")
    func readsOnce() async throws {
        let statements = RecordedStatements()
        // Driver steps take long enough that the action's background work reads nothing while the request is counted.
        let cloud = TestCloud(stepDelay: .seconds(30), queryObserver: { statements.record($0) })
        try await cloud.run { client in
            try await TestInstances.insert(
                Self.server, name: "counted", project: TestCloud.project, vmState: "active", into: try #require(client.database))

            statements.clear()
            let show = try await client.call(.get, "/v2.1/servers/\(Self.server)")
            #expect(show.status == 200 && show.body?["server"]?["status"] == "ACTIVE")
            #expect(statements.reads(of: "instances").count == 1, "\(statements.reads(of: "instances"))")

            statements.clear()
            let pause = try await client.call(.post, "/v2.1/servers/\(Self.server)/action", json: ["pause": .null])
            #expect(pause.status == 202)
            #expect(statements.reads(of: "instances").count == 1, "\(statements.reads(of: "instances"))")

            statements.clear()
            let refused = try await client.call(.post, "/v2.1/servers/\(Self.server)/action", json: ["unpause": .null])
            #expect(refused.status == 409)
            #expect(statements.reads(of: "instances").count == 1, "\(statements.reads(of: "instances"))")
        }
    }
}
