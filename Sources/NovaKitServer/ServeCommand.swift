import ArgumentParser
import Hummingbird
import Logging
import NovaKitAPI

/// `novakit serve`
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the compute API (auto-migrates an embedded SQLite database; PostgreSQL must be synced first).")

    @OptionGroup var common: CommonOptions
    @OptionGroup var serve: ServeOptions

    func run() async throws {
        let boot = try await Boot.start(common, serve)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = boot.configuration.logLevel
            return handler
        }
        let policy = try boot.policy()
        let database = try await boot.openDatabase()
        do {
            try await NovaKitApplication.prepareSchema(
                database, registry: boot.registry, embedded: boot.configuration.database.isEmbedded, logger: boot.logger)
        } catch {
            await database.close()
            throw BootFailure(error)
        }
        let responder = NovaKitApplication.responder(
            configuration: boot.configuration, registry: boot.registry, database: database, policy: policy, logger: boot.logger)
        let app = NovaKitApplication.application(
            responder: responder, host: boot.configuration.host, port: boot.configuration.port, logger: boot.logger)
        do {
            try await app.runService()
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
