import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitExtensions
import NovaKitPolicy
import NovaKitServer
import NovaKitStorage

/// An in-memory NovaKit for in-process HTTP tests.
struct TestCloud {
    static let project = "6f70656e737461636b20342065766572"
    static let otherProject = "0123456789abcdef0123456789abcdef"
    static let userToken = "alice:\(project)"
    static let adminToken = "admin:\(project)"

    var extensions: [any APIExtension] = BuiltinExtensions.all
    var disabled: Set<String> = []
    var enabled: Set<String> = []
    var policyOverrides: [String: String] = [:]
    var maxBodyBytes = 114_688

    func run(_ test: @escaping @Sendable (TestClient) async throws -> Void) async throws {
        let registry = try ExtensionRegistry(extensions, disabled: disabled, enabled: enabled)
        let database = try await Database.open(.sqliteMemory, logger: Logger(label: "test"))
        do {
            try await Migrator(database: database, migrations: registry.migrations).sync()
            var configuration = NovaKitConfiguration()
            configuration.maxBodyBytes = maxBodyBytes
            let policy = try PolicyEnforcer(defaults: registry.policies, overrides: policyOverrides)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            // The compute service with instant driver steps, so server actions finish at once.
            var compute = ComputeConfiguration()
            compute.stepDelay = .zero
            var components = Components()
            let runtime = ComputeRuntime(database: database, clock: SystemClock(), configuration: compute, logger: logger)
            components.provide(runtime)
            let responder = NovaKitApplication.responder(
                configuration: configuration, registry: registry, database: database, policy: policy,
                authenticator: NoAuth2Authenticator(), components: components, logger: logger)
            let app = Application(responder: responder, logger: logger)
            try await app.test(.router) { client in
                try await test(TestClient(client: client, database: database, compute: runtime))
            }
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}

/// A response as tests look at it.
struct TestReply: Sendable {
    let status: Int
    let headers: HTTPFields
    let body: JSON?

    func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }

    /// The fault's name and message, when the body is a fault.
    var fault: (name: String, code: Int, message: String)? {
        guard case .object(let outer) = body, outer.count == 1, let (name, inner) = outer.first,
            let code = inner["code"]?.intValue, let message = inner["message"]?.stringValue
        else { return nil }
        return (name, code, message)
    }
}

/// Sends requests with a token and JSON bodies.
struct TestClient: Sendable {
    let client: any TestClientProtocol
    /// The cloud's database, for tests that set up states the API cannot reach.
    var database: Database? = nil
    var compute: ComputeRuntime? = nil

    func call(
        _ method: HTTPRequest.Method, _ path: String, token: String? = TestCloud.userToken, headers: [String: String] = [:],
        json: JSON? = nil, raw: Data? = nil
    ) async throws -> TestReply {
        var fields = HTTPFields()
        if let token { fields[HTTPField.Name("X-Auth-Token")!] = token }
        if json != nil { fields[.contentType] = "application/json" }
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        let bytes = raw ?? json?.encoded()
        let body = bytes.map { ByteBuffer(bytes: $0) }
        return try await client.execute(uri: path, method: method, headers: fields, body: body) { response in
            let data = Data(response.body.readableBytesView)
            return TestReply(status: Int(response.status.code), headers: response.headers, body: data.isEmpty ? JSON?.none : try JSON.parse(data))
        }
    }
}
