import ArgumentParser
import Hummingbird
import Logging
import NovaKitAPI
import NovaKitCore
import NovaKitIdentity
import NovaKitImage
import ServiceLifecycle

/// `novakit serve`
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the compute and identity APIs (auto-migrates an embedded SQLite database; PostgreSQL must be synced first).")

    @OptionGroup var common: CommonOptions
    @OptionGroup var endpoints: EndpointOptions
    @OptionGroup var serve: ServeOptions

    func run() async throws {
        let boot = try await Boot.start(common, endpoints, serve)
        let configuration = boot.configuration
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        let policy = try boot.policy()
        let logger = boot.logger
        try await boot.withDatabase { database in
            try await NovaKitApplication.prepareSchema(
                database, migrations: boot.migrations, embedded: configuration.database.isEmbedded, logger: logger)
            let identity = NovaKitApplication.identity(configuration: configuration, database: database, policy: policy)
            if let password = configuration.adminPassword, !password.isEmpty {
                try await NovaKitApplication.bootstrap(
                    configuration, password: password, identity: identity, registry: boot.registry, database: database)
            } else if configuration.auth == .keystone, configuration.keystoneURL == nil, try await !identity.hasAdmin() {
                logger.notice(
                    "no admin user yet: run `novakit bootstrap --admin-password PASSWORD`, or start with --admin-password / NOVAKIT_ADMIN_PASSWORD")
            }
            let authenticator = NovaKitApplication.authenticator(configuration: configuration, identity: identity)
            var components = Components()
            let runtime = try await NovaKitApplication.compute(configuration: configuration, database: database, logger: logger)
            components.provide(runtime)
            let compute = NovaKitApplication.application(
                responder: NovaKitApplication.responder(
                    configuration: configuration, registry: boot.registry, database: database, policy: policy,
                    authenticator: authenticator, components: components, logger: logger),
                name: "compute", host: configuration.host, port: configuration.port, logger: logger)
            var services: [any Service] = [compute, ComputeReclaimer(runtime: runtime, logger: logger)]
            if configuration.imagePort != 0 {
                let glance = GlanceResponder(
                    store: ImageStore(database: database, clock: SystemClock()), authenticator: authenticator, ids: RandomIDGenerator(),
                    logger: logger)
                services.append(
                    NovaKitApplication.application(
                        responder: glance, name: "image", host: configuration.host, port: configuration.imagePort, logger: logger))
            }
            if configuration.identityPort != 0 {
                services.append(
                    NovaKitApplication.application(
                        responder: IdentityResponder(service: identity, logger: logger), name: "identity", host: configuration.host,
                        port: configuration.identityPort, logger: logger))
            }
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }
}
