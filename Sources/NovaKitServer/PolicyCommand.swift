import ArgumentParser

/// `novakit policy …`
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Inspect policy rules.", subcommands: [List.self])

    /// `novakit policy list`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every effective rule (defaults from code overlaid by --policy-file) as YAML.")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let boot = try await Boot.start(common)
            let policy = try boot.policy()
            for (name, check) in policy.effectiveRules.sorted(by: { $0.key < $1.key }) {
                print("\"\(name)\": \"\(check.replacingOccurrences(of: "\"", with: "\\\""))\"")
            }
        }
    }
}
