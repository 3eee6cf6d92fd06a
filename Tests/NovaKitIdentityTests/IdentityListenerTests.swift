import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NovaKitCore
import NovaKitHTTP
import NovaKitIdentity
import NovaKitPolicy
import NovaKitStorage
import Testing

/// The identity listener behind the shared pipeline: Keystone's version document, Keystone's error body,
/// password authentication and the built-in token validator the compute API uses.
@Suite("Identity listener")
struct IdentityListenerTests {
    static func withIdentity(_ body: @escaping @Sendable (any TestClientProtocol, IdentityService) async throws -> Void) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let database = try await Database.open(.sqliteMemory, logger: logger)
        do {
            try await SchemaMigrator(database: database, migrations: IdentitySchema.migrations).sync()
            let service = IdentityService(
                database: database, policy: try PolicyEnforcer(defaults: PolicyDefault.baseRules + IdentityPolicies.defaults),
                clock: SystemClock(), ids: RandomIDGenerator(), cache: TokenCache(), tokenLifetime: 3600)
            try await service.bootstrap(
                BootstrapPlan(
                    adminPassword: "s3cret", publicURL: "http://127.0.0.1", computePort: 8774, identityPort: 5000, imagePort: 9292, networkPort: 9696)
            )
            let app = Application(
                responder: RequestPipeline(IdentityListener(service: service), ids: RandomIDGenerator(), logger: logger), logger: logger)
            try await app.test(.router) { client in try await body(client, service) }
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }

    static func password(_ secret: String) -> ByteBuffer {
        let body: JSON = [
            "auth": [
                "identity": [
                    "methods": ["password"],
                    "password": ["user": ["name": "admin", "domain": ["id": "default"], "password": .string(secret)]],
                ],
                "scope": ["project": ["name": "admin", "domain": ["id": "default"]]],
            ]
        ]
        return ByteBuffer(bytes: body.encoded())
    }

    @Test("version document, Keystone's error body, request ids; a password token validates for the compute API")
    func listener() async throws {
        try await Self.withIdentity { client, service in
            try await client.execute(uri: "/v3", method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .ok)
                #expect(try JSON.parse(Data(response.body.readableBytesView))["version"]?["id"] == "v3.14")
                #expect(response.headers[.openStackRequestID]?.hasPrefix("req-") == true)
            }
            try await client.execute(uri: "/v3/nowhere", method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .notFound)
                #expect(try JSON.parse(Data(response.body.readableBytesView))["error"]?["code"] == 404)
            }
            let json: HTTPFields = [.contentType: "application/json"]
            try await client.execute(uri: "/v3/auth/tokens", method: .post, headers: json, body: Self.password("wrong")) {
                (response: TestResponse) async throws in
                #expect(response.status == .unauthorized)
                #expect(try JSON.parse(Data(response.body.readableBytesView))["error"]?["title"] == "Unauthorized")
            }
            let token: String? = try await client.execute(uri: "/v3/auth/tokens", method: .post, headers: json, body: Self.password("s3cret")) {
                (response: TestResponse) async throws -> String? in
                #expect(response.status == .created)
                return response.headers[HTTPField.Name("X-Subject-Token")!]
            }
            let authenticator = KeystoneAuthenticator(tokens: service.tokens, identityURL: "http://127.0.0.1:5000/v3")
            #expect(token != nil)
            let context = try await authenticator.authenticate(token: token)
            #expect(context.isAdmin && context.roles.contains("admin"))
            await #expect(throws: Fault.self) { try await authenticator.authenticate(token: "forged") }
        }
    }
}
