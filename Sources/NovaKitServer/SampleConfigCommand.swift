import ArgumentParser

/// `novakit sample-config`
struct SampleConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-config", abstract: "Print a YAML configuration file with every setting, documented, at its default.")

    func run() throws { print(SampleConfiguration.text, terminator: "") }
}
