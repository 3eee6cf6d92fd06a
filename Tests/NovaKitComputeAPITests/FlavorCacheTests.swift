import Foundation
import HTTPTypes
import NovaKitCore
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

/// Flavors are read through a cache: repeated lists read no flavor rows, and every change made through the
/// API — create, description, access granted and taken, delete — shows in the very next read.
@Suite("Flavor cache")
struct FlavorCacheTests {
    @Test("lists are served from memory and every flavor write shows at once")
    func writesShowAtOnce() async throws {
        let statements = RecordedStatements()
        let cloud = TestCloud(queryObserver: { statements.record($0) }, bootstrapped: true)
        try await cloud.run { client in
            func listed(_ token: String = TestCloud.userToken) async throws -> [String] {
                let response = try await client.call(.get, "/v2.1/flavors/detail?is_public=none", token: token)
                #expect(response.status == 200)
                return (response.body?["flavors"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            }
            #expect(try await listed() == ["m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"])
            statements.clear()
            _ = try await listed()
            _ = try await client.call(.get, "/v2.1/flavors/1")
            #expect(statements.reads(of: "flavors").isEmpty && statements.reads(of: "flavor_projects").isEmpty)

            let create = try await client.call(
                .post, "/v2.1/flavors", token: TestCloud.adminToken,
                json: ["flavor": ["name": "hidden", "id": "h1", "ram": 64, "vcpus": 1, "disk": 1, "os-flavor-access:is_public": false]])
            #expect(create.status == 200)
            #expect(try await listed(TestCloud.adminToken).contains("hidden"))
            #expect(try await !listed().contains("hidden"))
            #expect(try await client.call(.get, "/v2.1/flavors/h1").status == 404)

            let grant = try await client.call(
                .post, "/v2.1/flavors/h1/action", token: TestCloud.adminToken, json: ["addTenantAccess": ["tenant": .string(TestCloud.project)]])
            #expect(grant.status == 200)
            #expect(try await listed().contains("hidden"))
            #expect(try await client.call(.get, "/v2.1/flavors/h1").status == 200)

            let update = try await client.call(
                .put, "/v2.1/flavors/h1", token: TestCloud.adminToken, headers: ["OpenStack-API-Version": "compute 2.55"],
                json: ["flavor": ["description": "now described"]])
            #expect(update.status == 200)
            let shown = try await client.call(.get, "/v2.1/flavors/h1", headers: ["OpenStack-API-Version": "compute 2.55"])
            #expect(shown.body?["flavor"]?["description"] == "now described")

            let revoke = try await client.call(
                .post, "/v2.1/flavors/h1/action", token: TestCloud.adminToken,
                json: ["removeTenantAccess": ["tenant": .string(TestCloud.project)]])
            #expect(revoke.status == 200)
            #expect(try await !listed().contains("hidden"))

            #expect(try await client.call(.delete, "/v2.1/flavors/h1", token: TestCloud.adminToken).status == 202)
            #expect(try await !listed(TestCloud.adminToken).contains("hidden"))
            #expect(try await client.call(.get, "/v2.1/flavors/h1", token: TestCloud.adminToken).status == 404)
        }
    }
}
