import Hummingbird
import Logging
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitIdentity
import NovaKitPolicy
import NovaKitStorage

/// Assembles the applications from a configuration and an open database.
public enum NovaKitApplication {
    /// The compute API responder with every enabled API.
    public static func responder(
        configuration: NovaKitConfiguration, registry: ExtensionRegistry, database: Database, policy: PolicyEnforcer,
        authenticator: any Authenticator, components: Components = Components(), logger: Logger
    ) -> APIResponder {
        let services = Services(database: database, policy: policy, extensions: registry.enabledDescriptors, components: components)
        return APIResponder(
            registry: registry, services: services, authenticator: authenticator, maxBodyBytes: configuration.maxBodyBytes, logger: logger)
    }

    /// The compute service of this process: the lifecycle engine over the database, recovered from whatever
    /// a previous run left in flight.
    public static func compute(configuration: NovaKitConfiguration, database: Database, logger: Logger) async throws -> ComputeRuntime {
        let runtime = ComputeRuntime(database: database, clock: SystemClock(), configuration: configuration.compute, logger: logger)
        try await runtime.engine.recover(hosts: Set(configuration.compute.hosts.map(\.name)))
        return runtime
    }

    /// The built-in identity service.
    public static func identity(configuration: NovaKitConfiguration, database: Database, policy: PolicyEnforcer) -> IdentityService {
        IdentityService(
            database: database, policy: policy, clock: SystemClock(), ids: RandomIDGenerator(), cache: TokenCache(),
            tokenLifetime: Double(configuration.tokenLifetime))
    }

    /// How compute requests are authenticated under `configuration`.
    public static func authenticator(configuration: NovaKitConfiguration, identity: IdentityService) -> any Authenticator {
        switch configuration.auth {
        case .noauth2:
            return NoAuth2Authenticator()
        case .keystone:
            guard let url = configuration.keystoneURL else {
                return KeystoneAuthenticator(tokens: identity.tokens, identityURL: configuration.identityURL)
            }
            return ExternalKeystoneAuthenticator(
                identityURL: url,
                credentials: .init(
                    username: configuration.keystoneServiceUser, password: configuration.keystoneServicePassword ?? "",
                    project: configuration.keystoneServiceProject))
        }
    }

    /// The bootstrap plan for `configuration`'s ports and public URL.
    public static func bootstrapPlan(_ configuration: NovaKitConfiguration, password: String) -> BootstrapPlan {
        BootstrapPlan(
            adminPassword: password, publicURL: configuration.publicURL, computePort: configuration.port,
            identityPort: configuration.identityPort, imagePort: configuration.imagePort)
    }

    /// Bootstraps identity (admin, roles, catalog) and then every registered extension's seed data.
    public static func bootstrap(
        _ configuration: NovaKitConfiguration, password: String, identity: IdentityService, registry: ExtensionRegistry, database: Database
    ) async throws {
        try await identity.bootstrap(bootstrapPlan(configuration, password: password))
        let context = BootstrapContext(database: database, clock: SystemClock(), ids: RandomIDGenerator())
        for api in registry.registered { try await api.bootstrap(context) }
    }

    /// Brings the schema up to date (embedded SQLite) or checks it is (PostgreSQL: run `novakit db sync`).
    public static func prepareSchema(_ database: Database, migrations: [Migration], embedded: Bool, logger: Logger) async throws {
        let migrator = Migrator(database: database, migrations: migrations)
        if embedded {
            let (from, to) = try await migrator.sync()
            if from != to { logger.info("migrated database from version \(from) to \(to)") }
        } else {
            try await migrator.requireCurrent()
        }
    }

    /// A Hummingbird application listening on `host:port`.
    public static func application<Responder: HTTPResponder>(
        responder: Responder, name: String, host: String, port: Int, logger: Logger
    ) -> some ApplicationProtocol where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                logger.notice("\(name) API listening on \(channel.localAddress?.description ?? "?")")
            },
            logger: logger)
    }
}
