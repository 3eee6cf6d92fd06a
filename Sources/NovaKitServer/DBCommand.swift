import ArgumentParser
import NovaKitStorage

/// `novakit db …`
struct DBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Manage the database schema.", subcommands: [Sync.self, Version.self])

    /// `novakit db sync [--version N]`
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply migrations up to the newest (or --version N). Safe to run twice; downgrades are refused.")

        @OptionGroup var common: CommonOptions

        @Option(name: .customLong("version"), help: "Migrate up to this version instead of the newest.")
        var target: Int?

        func run() async throws {
            let boot = try await Boot.start(common)
            let (from, to) = try await boot.withDatabase { database in
                try await Migrator(database: database, migrations: boot.migrations).sync(to: target)
            }
            print(from == to ? "database already at version \(to)" : "database migrated from version \(from) to \(to)")
        }
    }

    /// `novakit db version`
    struct Version: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the database's schema version (the number of applied migrations).")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let boot = try await Boot.start(common)
            print(try await boot.withDatabase { try await Migrator(database: $0, migrations: boot.migrations).currentVersion() })
        }
    }
}
