import Foundation
import Logging
import NovaKitAPI
import NovaKitIdentity
import NovaKitPolicy
import NovaKitStorage

/// What every command assembles from the configuration: logger, registry, policy and database.
struct Boot {
    let configuration: NovaKitConfiguration
    let logger: Logger
    let registry: ExtensionRegistry

    /// Reads the configuration and builds the registry; failures are reported, then exit 1.
    static func start(_ common: CommonOptions, _ endpoints: EndpointOptions? = nil, _ serve: ServeOptions? = nil) async throws -> Boot {
        do {
            let configuration = try await NovaKitConfiguration.load(common, endpoints, serve, environment: ProcessInfo.processInfo.environment)
            var logger = Logger(label: "novakit")
            logger.logLevel = configuration.logLevel
            let registry = try ExtensionRegistry(
                Distribution.extensions, disabled: configuration.disabledExtensions, enabled: configuration.enabledExtensions)
            return Boot(configuration: configuration, logger: logger, registry: registry)
        } catch {
            throw BootFailure(error)
        }
    }

    /// Every migration: the identity tables first, then each registered extension's, in order.
    var migrations: [Migration] { IdentitySchema.migrations + registry.migrations }

    func policy() throws -> PolicyEnforcer {
        do {
            let overrides = try configuration.policyFile.map(PolicyEnforcer.loadOverrides(path:)) ?? [:]
            return try PolicyEnforcer(defaults: registry.policies + IdentityPolicies.defaults, overrides: overrides)
        } catch {
            throw BootFailure(error)
        }
    }

    func openDatabase() async throws -> Database {
        do {
            return try await Database.open(configuration.database, logger: logger)
        } catch {
            throw BootFailure("cannot open database \(configuration.database): \(String(reflecting: error))")
        }
    }

    /// Runs `body` with an open database, closing it however `body` ends; errors exit 1.
    func withDatabase<T>(_ body: (Database) async throws -> T) async throws -> T {
        let database = try await openDatabase()
        do {
            let result = try await body(database)
            await database.close()
            return result
        } catch {
            await database.close()
            throw BootFailure(error)
        }
    }
}

/// A start-up failure: printed as one line on stderr, exit status 1.
struct BootFailure: Error, CustomStringConvertible {
    let description: String
    /// Uses the debug description: PostgresNIO's plain one hides the server's message on purpose.
    init(_ error: any Error) { description = (error as? BootFailure)?.description ?? String(reflecting: error) }
    init(_ message: String) { description = message }
}
