import Hummingbird
import Logging
import NovaKitAPI
import NovaKitPolicy
import NovaKitStorage

/// Assembles the compute API application from a booted configuration and an open database.
public enum NovaKitApplication {
    /// The HTTP responder with every enabled API.
    public static func responder(
        configuration: NovaKitConfiguration, registry: ExtensionRegistry, database: Database, policy: PolicyEnforcer, logger: Logger
    ) -> APIResponder {
        let services = Services(database: database, policy: policy, extensions: registry.enabledDescriptors)
        let authenticator: any Authenticator
        switch configuration.auth {
        case .noauth2: authenticator = NoAuth2Authenticator()
        }
        return APIResponder(
            registry: registry, services: services, authenticator: authenticator, maxBodyBytes: configuration.maxBodyBytes,
            logger: logger)
    }

    /// Brings the schema up to date (embedded SQLite) or checks it is (PostgreSQL: run `novakit db sync`).
    public static func prepareSchema(_ database: Database, registry: ExtensionRegistry, embedded: Bool, logger: Logger) async throws {
        let migrator = Migrator(database: database, migrations: registry.migrations)
        if embedded {
            let (from, to) = try await migrator.sync()
            if from != to { logger.info("migrated database from version \(from) to \(to)") }
        } else {
            try await migrator.requireCurrent()
        }
    }

    /// The Hummingbird application listening on `host:port`.
    public static func application(
        responder: APIResponder, host: String, port: Int, logger: Logger
    ) -> some ApplicationProtocol {
        Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                logger.notice("compute API listening on \(channel.localAddress?.description ?? "?")")
            },
            logger: logger)
    }
}
