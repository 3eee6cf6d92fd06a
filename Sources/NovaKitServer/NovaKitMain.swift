import ArgumentParser
import NovaKitAPI
import NovaKitExtensions

/// Entry point: `NovaKitMain.main()` runs NovaKit; `main(extensions:)` runs it with another extension list.
public enum NovaKitMain {
    public static func main(extensions: [any APIExtension] = BuiltinExtensions.all) async {
        await Distribution.$extensions.withValue(extensions) {
            await NovaKitCommand.main()
        }
    }
}

/// `novakit`
struct NovaKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "novakit",
        abstract: "An OpenStack Compute (Nova) API-compatible control plane with a first-class extension framework.",
        subcommands: [ServeCommand.self, BootstrapCommand.self, DBCommand.self, PolicyCommand.self],
        defaultSubcommand: nil)
}
