import ArgumentParser
import NovaKitIdentity

/// `novakit bootstrap --admin-password PW`
struct BootstrapCommand: DistributedCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "Create (or update) the default domain, the admin project and user, the default roles and the service catalog.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var endpoints: EndpointOptions

    func run(_ distribution: Distribution) async throws {
        let boot = try await Boot.start(distribution, common, endpoints)
        guard let password = boot.configuration.adminPassword, !password.isEmpty else {
            throw BootFailure("bootstrap needs --admin-password (or NOVAKIT_ADMIN_PASSWORD)")
        }
        try await boot.withAPI { api in
            let policy = try boot.policy(api.registry)
            try await NovaKitApplication.prepareSchema(api.database, migrations: api.migrations, embedded: true, logger: boot.logger)
            let identity = NovaKitApplication.identity(configuration: boot.configuration, database: api.database, policy: policy)
            try await NovaKitApplication.bootstrap(
                boot.configuration, password: password, identity: identity, registry: api.registry, database: api.database,
                logger: boot.logger)
        }
        print(
            "bootstrapped: user admin, project admin, roles admin/manager/member/reader/service; compute at \(boot.configuration.publicURL):\(boot.configuration.port)/v2.1, identity at \(boot.configuration.identityURL)"
        )
    }
}
