import ArgumentParser
import Foundation
import NovaKitAPI
import NovaKitCore
import NovaKitIdentity
import NovaKitImage
import NovaKitStorage

/// `novakit openapi`: the OpenAPI 3.1 document a listener serves at `/openapi.json`, generated from the
/// declarations of the enabled extensions (compute) or the identity routes.
struct OpenAPICommand: DistributedCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi", abstract: "Print the compute, identity or image API's OpenAPI 3.1 document, generated from its declarations.")

    enum Service: String, ExpressibleByArgument, CaseIterable {
        case compute, identity, image
    }

    @OptionGroup var common: CommonOptions

    @Option(help: "Which listener's document: compute, identity or image.")
    var service: Service = .compute

    @Option(help: "The compute microversion the document describes (2.1 to the newest, or latest).")
    var microversion: String = "2.1"

    @Option(help: "The server URL written into the document.")
    var baseURL: String = "http://127.0.0.1"

    func run(_ distribution: Distribution) async throws {
        let boot = try await Boot.start(distribution, common)
        let document: JSON
        switch service {
        case .identity:
            document = IdentityListener.openAPIDocument(baseURL: baseURL + ":5000")
        case .image:
            document = ImageListener.openAPIDocument(baseURL: baseURL + ":9292")
        case .compute:
            // The routes come from the declarations alone: they are assembled over a throwaway in-memory database.
            let scratch = try await Database.open(.sqliteMemory, logger: boot.logger)
            let registry: ExtensionRegistry
            do {
                registry = try boot.api(scratch).registry
                await scratch.close()
            } catch {
                await scratch.close()
                throw error
            }
            let version = microversion == "latest" ? registry.maxVersion : APIVersion(parsing: microversion)
            guard let version, version >= .minimum, version <= registry.maxVersion else {
                throw ValidationError("--microversion must be 2.1 to \(registry.maxVersion), or latest")
            }
            document = OpenAPIDocument(registry: registry).json(at: version, baseURL: baseURL + ":8774")
        }
        FileHandle.standardOutput.write(document.encoded())
        print()
    }
}
