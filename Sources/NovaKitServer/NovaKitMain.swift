import ArgumentParser
public import NovaKitAPI
public import NovaKitComputeAPI

/// The `novakit` command line, as a library so another package can ship its own binary with more extensions.
public enum NovaKitMain {
    /// Parses the arguments and runs the command with `extensions` (NovaKit's own by default).
    public static func main(extensions: @escaping @Sendable (APIEnvironment) -> [any APIExtension] = BuiltinExtensions.all) async {
        let distribution = Distribution(extensions: extensions)
        do {
            var command = try NovaKitCommand.parseAsRoot()
            switch command {
            case let distributed as any DistributedCommand: try await distributed.run(distribution)
            case var asynchronous as any AsyncParsableCommand: try await asynchronous.run()
            default: try command.run()
            }
        } catch {
            NovaKitCommand.exit(withError: error)
        }
    }
}

/// A command that assembles the registered extensions.
protocol DistributedCommand: AsyncParsableCommand {
    func run(_ distribution: Distribution) async throws
}

extension DistributedCommand {
    func run() async throws { try await run(.builtin) }
}

struct NovaKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "novakit",
        abstract: "An OpenStack Compute (Nova) API-compatible control plane with a first-class extension framework.",
        version: NovaKitVersion.current,
        subcommands: [ServeCommand.self, BootstrapCommand.self, DBCommand.self, PolicyCommand.self, SampleConfigCommand.self, OpenAPICommand.self],
        defaultSubcommand: nil)
}

/// NovaKit's release, as `novakit --version` prints it.
package enum NovaKitVersion {
    package static let current = "0.9.0"
}
