import Foundation
import Logging
import NovaKitAPI
import NovaKitCompute
import NovaKitComputeAPI
import NovaKitCore
import NovaKitIdentity
import NovaKitPolicy
import NovaKitStorage

/// What every command assembles from the configuration: logger, database, compute runtime, registry and policy.
struct Boot {
    let configuration: NovaKitConfiguration
    private(set) var logger: Logger
    let distribution: Distribution

    /// Reads the configuration; failures are reported, then exit 1.
    static func start(
        _ distribution: Distribution, _ common: CommonOptions, _ endpoints: EndpointOptions? = nil, _ serve: ServeOptions? = nil
    ) async throws -> Boot {
        do {
            let configuration = try await NovaKitConfiguration.load(common, endpoints, serve, environment: ProcessInfo.processInfo.environment)
            var logger = Logger(label: "novakit")
            logger.logLevel = configuration.logLevel
            return Boot(configuration: configuration, logger: logger, distribution: distribution)
        } catch {
            throw BootFailure(error)
        }
    }

    /// Makes the configured log format the process's logging backend (once per process: `serve` does it) and
    /// logs through it from now on.
    mutating func installLogging() {
        configuration.logFormat.bootstrap(level: configuration.logLevel)
        logger = Logger(label: "novakit")
        logger.logLevel = configuration.logLevel
    }

    /// The assembled API over an open database: the compute runtime (not yet recovered) and the registry.
    struct API {
        let database: Database
        let compute: ComputeRuntime
        let registry: ExtensionRegistry

        /// Every migration: the identity tables first, then each registered extension's, in order.
        var migrations: [SchemaMigration] { IdentitySchema.migrations + registry.migrations }
    }

    /// Builds the compute runtime and the distribution's extensions over `database`; a bad declaration or
    /// an unknown alias in the configuration fails here, naming the extension.
    func api(_ database: Database) throws -> API {
        let compute = NovaKitApplication.compute(configuration: configuration, database: database, logger: logger)
        let environment = APIEnvironment(database: database, clock: SystemClock(), ids: RandomIDGenerator(), compute: compute)
        do {
            let registry = try ExtensionRegistry(
                distribution.extensions(environment), disabled: configuration.disabledExtensions, enabled: configuration.enabledExtensions)
            return API(database: database, compute: compute, registry: registry)
        } catch {
            throw BootFailure(error)
        }
    }

    /// Runs `body` with the API assembled over the configured database (closed however `body` ends).
    func withAPI<T>(_ body: (API) async throws -> T) async throws -> T {
        try await withDatabase { database in try await body(try api(database)) }
    }

    func policy(_ registry: ExtensionRegistry) throws -> PolicyEnforcer {
        do {
            let overrides = try configuration.policyFile.map(PolicyEnforcer.loadOverrides(path:)) ?? [:]
            return try PolicyEnforcer(defaults: registry.policies + IdentityPolicies.defaults, overrides: overrides)
        } catch {
            throw BootFailure(error)
        }
    }

    func openDatabase() async throws -> Database {
        do {
            return try await Database.open(configuration.database, logger: logger, connections: configuration.databaseConnections)
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
