import ArgumentParser
import Foundation
import Logging
import NovaKitPolicy
import NovaKitStorage

/// `novakit policy …`
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Inspect policy rules.", subcommands: [List.self])

    /// `novakit policy list`
    struct List: DistributedCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every effective rule (defaults from code overlaid by --policy-file) as YAML.")

        @OptionGroup var common: CommonOptions

        func run(_ distribution: Distribution) async throws {
            let boot = try await Boot.start(distribution, common)
            // The rules come from the declarations alone: they are assembled over a throwaway in-memory database.
            let scratch = try await Database.open(.sqliteMemory, logger: boot.logger)
            let policy: PolicyEnforcer
            do {
                policy = try boot.policy(try boot.api(scratch).registry)
                await scratch.close()
            } catch {
                await scratch.close()
                throw error
            }
            for (name, check) in policy.effectiveRules.sorted(by: { $0.key < $1.key }) {
                print("\"\(name)\": \"\(check.replacingOccurrences(of: "\"", with: "\\\""))\"")
            }
        }
    }
}
