public import Foundation
public import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
public import NovaKitAPI
public import NovaKitCompute
public import NovaKitComputeAPI
public import NovaKitCore
import NovaKitHTTP
import NovaKitPolicy
public import NovaKitServer
public import NovaKitStorage

/// An in-memory NovaKit for in-process HTTP tests.
public struct TestCloud: Sendable {
    public static let project = "6f70656e737461636b20342065766572"
    public static let otherProject = "0123456789abcdef0123456789abcdef"
    public static let userToken = "alice:\(project)"
    public static let adminToken = "admin:\(project)"

    public var extensions: @Sendable (APIEnvironment) -> [any APIExtension] = BuiltinExtensions.all
    public var disabled: Set<String> = []
    public var enabled: Set<String> = []
    public var policyOverrides: [String: String] = [:]
    public var maxBodyBytes = 114_688
    /// How long each fake driver step takes; instant by default, so server actions finish at once.
    public var stepDelay: Duration = .zero
    /// Told the SQL of every statement the cloud runs.
    public var queryObserver: QueryObserver? = nil
    /// Whether the extensions' bootstrap seeds run first (the default flavors, the `cirros` image).
    public var bootstrapped = false

    public init(
        extensions: @escaping @Sendable (APIEnvironment) -> [any APIExtension] = BuiltinExtensions.all, disabled: Set<String> = [],
        enabled: Set<String> = [], policyOverrides: [String: String] = [:], maxBodyBytes: Int = 114_688, stepDelay: Duration = .zero,
        queryObserver: QueryObserver? = nil, bootstrapped: Bool = false
    ) {
        self.bootstrapped = bootstrapped
        self.extensions = extensions
        self.disabled = disabled
        self.enabled = enabled
        self.policyOverrides = policyOverrides
        self.maxBodyBytes = maxBodyBytes
        self.stepDelay = stepDelay
        self.queryObserver = queryObserver
    }

    public func run(_ test: @escaping @Sendable (TestClient) async throws -> Void) async throws {
        let database = try await Database.open(.sqliteMemory, logger: Logger(label: "test"), observer: queryObserver)
        do {
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            var compute = ComputeConfiguration()
            compute.stepDelay = stepDelay
            let runtime = ComputeRuntime(database: database, clock: SystemClock(), configuration: compute, logger: logger)
            let environment = APIEnvironment(database: database, clock: SystemClock(), ids: RandomIDGenerator(), compute: runtime)
            let registry = try ExtensionRegistry(extensions(environment), disabled: disabled, enabled: enabled)
            try await SchemaMigrator(database: database, migrations: registry.migrations).sync()
            try await runtime.services.register(hosts: compute.hosts, ids: RandomIDGenerator())
            if bootstrapped {
                let context = BootstrapContext(database: database, clock: SystemClock(), ids: RandomIDGenerator())
                for api in registry.registered { try await api.bootstrap(context) }
            }
            var configuration = NovaKitConfiguration()
            configuration.maxBodyBytes = maxBodyBytes
            let policy = try PolicyEnforcer(defaults: registry.policies, overrides: policyOverrides)
            let responder = NovaKitApplication.responder(
                configuration: configuration, registry: registry, database: database, policy: policy,
                authenticator: NoAuth2Authenticator(), logger: logger)
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

/// What the built-in extensions are built from, over an in-memory database, for registry tests.
public enum TestEnvironment {
    public static func with(_ body: (APIEnvironment) async throws -> Void) async throws {
        let database = try await Database.open(.sqliteMemory, logger: Logger(label: "test"))
        let compute = ComputeRuntime(database: database, clock: SystemClock(), configuration: ComputeConfiguration())
        do {
            try await body(APIEnvironment(database: database, clock: SystemClock(), ids: RandomIDGenerator(), compute: compute))
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}

/// A response as tests look at it.
public struct TestReply: Sendable {
    public let status: Int
    public let headers: HTTPFields
    public let body: JSON?
    /// The body's bytes as sent.
    public var raw = Data()

    public func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }

    /// The fault's name and message, when the body is a fault.
    public var fault: (name: String, code: Int, message: String)? {
        guard case .object(let outer) = body, outer.count == 1, let (name, inner) = outer.first,
            let code = inner["code"]?.intValue, let message = inner["message"]?.stringValue
        else { return nil }
        return (name, code, message)
    }
}

/// Sends requests with a token and JSON bodies.
public struct TestClient: Sendable {
    let client: any TestClientProtocol
    /// The cloud's database, for tests that set up states the API cannot reach.
    public var database: Database? = nil
    public var compute: ComputeRuntime? = nil

    public func call(
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
            return TestReply(
                status: Int(response.status.code), headers: response.headers, body: data.isEmpty ? JSON?.none : try JSON.parse(data), raw: data)
        }
    }
}
