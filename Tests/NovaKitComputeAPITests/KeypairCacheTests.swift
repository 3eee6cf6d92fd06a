import Foundation
import HTTPTypes
import NovaKitCore
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

/// A user's keypairs are read through a cache: repeated lists and shows read no keypair rows, each user sees
/// only their own, and a create or delete shows in the very next read.
@Suite("Keypair cache")
struct KeypairCacheTests {
    @Test("lists are served from memory, per user, and creates and deletes show at once")
    func writesShowAtOnce() async throws {
        let statements = RecordedStatements()
        let cloud = TestCloud(queryObserver: { statements.record($0) })
        try await cloud.run { client in try await Self.exercise(client, statements) }
    }

    static func exercise(_ client: TestClient, _ statements: RecordedStatements) async throws {
        func names(_ token: String = TestCloud.userToken) async throws -> [String] {
            let response = try await client.call(.get, "/v2.1/os-keypairs", token: token)
            #expect(response.status == 200)
            return (response.body?["keypairs"]?.arrayValue ?? []).compactMap { $0["keypair"]?["name"]?.stringValue }
        }
        #expect(try await names().isEmpty)
        for name in ["beta", "alpha"] {
            #expect(try await client.call(.post, "/v2.1/os-keypairs", json: ["keypair": ["name": .string(name)]]).status == 200)
        }
        #expect(try await names() == ["alpha", "beta"])
        #expect(try await names("bob:\(TestCloud.project)").isEmpty)

        statements.clear()
        #expect(try await names() == ["alpha", "beta"])
        #expect(try await client.call(.get, "/v2.1/os-keypairs/alpha").status == 200)
        #expect(statements.reads(of: "key_pairs").isEmpty, "\(statements.reads(of: "key_pairs"))")

        #expect(try await client.call(.delete, "/v2.1/os-keypairs/alpha").status == 202)
        #expect(try await names() == ["beta"])
        #expect(try await client.call(.get, "/v2.1/os-keypairs/alpha").status == 404)
        #expect(try await client.call(.post, "/v2.1/os-keypairs", json: ["keypair": ["name": "alpha"]]).status == 200)
        #expect(try await names() == ["alpha", "beta"])
    }
}
