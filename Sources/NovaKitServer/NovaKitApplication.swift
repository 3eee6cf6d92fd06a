public import Hummingbird
public import Logging
public import NovaKitAPI
public import NovaKitCompute
import NovaKitCore
public import NovaKitHTTP
public import NovaKitIdentity
public import NovaKitPolicy
public import NovaKitStorage

/// Assembles the applications from a configuration and an open database.
public enum NovaKitApplication {
    /// The compute API listener with every enabled API, behind the shared request pipeline.
    public static func responder(
        configuration: NovaKitConfiguration, registry: ExtensionRegistry, database: Database, policy: PolicyEnforcer,
        authenticator: any Authenticator, logger: Logger, health: HealthCheck? = nil, rateLimit: RateLimiter? = nil
    ) -> RequestPipeline<ComputeListener> {
        let services = Services(
            database: database, policy: policy, extensions: registry.enabledDescriptors, maxLimit: configuration.maxLimit)
        let listener = ComputeListener(
            registry: registry, services: services, authenticator: authenticator, maxBodyBytes: configuration.maxBodyBytes)
        return RequestPipeline(listener, ids: services.ids, logger: logger, health: health, rateLimit: rateLimit)
    }

    /// The compute service of this process: the lifecycle engine over the database. Nothing runs until it is
    /// recovered (`recover`) and asked for work.
    public static func compute(configuration: NovaKitConfiguration, database: Database, logger: Logger) -> ComputeRuntime {
        ComputeRuntime(database: database, clock: SystemClock(), configuration: configuration.compute, logger: logger)
    }

    /// Registers this node's services (as a starting Nova service does) and, on a node that runs work, recovers
    /// whatever a previous run left in flight on its hosts.
    public static func recover(_ runtime: ComputeRuntime, configuration: NovaKitConfiguration) async throws {
        try await runtime.services.register(hosts: configuration.compute.hosts, ids: RandomIDGenerator())
        guard configuration.compute.role.runsWork else { return }
        try await runtime.engine.recover(hosts: Set(configuration.compute.hosts.map(\.name)), force: runtime.isOnlyNode)
    }

    /// The built-in identity service.
    public static func identity(configuration: NovaKitConfiguration, database: Database, policy: PolicyEnforcer) -> IdentityService {
        IdentityService(
            database: database, policy: policy, clock: SystemClock(), ids: RandomIDGenerator(), cache: TokenCache(),
            tokenLifetime: Double(configuration.tokenLifetime),
            lockout: PasswordLockout(attempts: configuration.lockoutFailureAttempts, duration: Double(configuration.lockoutDuration)),
            passwords: PasswordHasher(rounds: configuration.passwordHashRounds))
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
            identityPort: configuration.identityPort, imagePort: configuration.imagePort,
            networkPort: configuration.networkPort)
    }

    /// Bootstraps identity (admin, roles, catalog) and then every registered extension's seed data; logs what
    /// happened to the admin user (a changed password resets it, which an operator must be able to see).
    public static func bootstrap(
        _ configuration: NovaKitConfiguration, password: String, identity: IdentityService, registry: ExtensionRegistry, database: Database,
        logger: Logger
    ) async throws {
        switch try await identity.bootstrap(bootstrapPlan(configuration, password: password)) {
        case .created: logger.info("bootstrap: created the admin user in the admin project")
        case .passwordReset: logger.notice("bootstrap: the admin password differed from the stored one and was reset")
        case .unchanged: break
        }
        let context = BootstrapContext(
            database: database, clock: SystemClock(), ids: RandomIDGenerator(), adminProjectID: try await identity.adminProjectID() ?? "")
        for api in registry.registered { try await api.bootstrap(context) }
    }

    /// Brings the schema up to date (embedded SQLite) or checks it is (PostgreSQL: run `novakit db sync`).
    public static func prepareSchema(_ database: Database, migrations: [SchemaMigration], embedded: Bool, logger: Logger) async throws {
        let migrator = SchemaMigrator(database: database, migrations: migrations)
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
