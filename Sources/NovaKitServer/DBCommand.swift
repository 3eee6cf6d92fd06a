import ArgumentParser
import NovaKitStorage

/// `novakit db …`
struct DBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Manage the database schema.", subcommands: [Sync.self, Version.self])

    /// `novakit db sync [--version N]`
    struct Sync: DistributedCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply migrations up to the newest (or --version N). Safe to run twice; downgrades are refused.")

        @OptionGroup var common: CommonOptions

        @Option(name: .customLong("version"), help: "Migrate up to this version instead of the newest.")
        var target: Int?

        func run(_ distribution: Distribution) async throws {
            let boot = try await Boot.start(distribution, common)
            let (from, to) = try await boot.withAPI { api in
                try await SchemaMigrator(database: api.database, migrations: api.migrations).sync(to: target)
            }
            print(from == to ? "database already at version \(to)" : "database migrated from version \(from) to \(to)")
        }
    }

    /// `novakit db version`
    struct Version: DistributedCommand {
        static let configuration = CommandConfiguration(abstract: "Print the database's schema version (the number of applied migrations).")

        @OptionGroup var common: CommonOptions

        func run(_ distribution: Distribution) async throws {
            let boot = try await Boot.start(distribution, common)
            print(try await boot.withAPI { try await SchemaMigrator(database: $0.database, migrations: $0.migrations).currentVersion() })
        }
    }
}
