import ArgumentParser
import Hummingbird
import Logging
import Metrics
import NovaKitAPI
import NovaKitCompute
import NovaKitComputeAPI
import NovaKitCore
import NovaKitHTTP
import NovaKitIdentity
import NovaKitImage
import NovaKitNetwork
import NovaKitStorage
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `novakit serve`
struct ServeCommand: DistributedCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the compute and identity APIs (auto-migrates an embedded SQLite database; PostgreSQL must be synced first).")

    @OptionGroup var common: CommonOptions
    @OptionGroup var endpoints: EndpointOptions
    @OptionGroup var serve: ServeOptions

    func run(_ distribution: Distribution) async throws {
        var boot = try await Boot.start(distribution, common, endpoints, serve)
        boot.installLogging()
        let configuration = boot.configuration
        let logger = boot.logger
        let host = configuration.host
        let role = configuration.compute.role
        // A compute node serves no API: its identity, image and network listeners are off, as a port of 0 switches
        // one off.
        let (identityPort, imagePort, networkPort) =
            role.servesAPIs ? (configuration.identityPort, configuration.imagePort, configuration.networkPort) : (0, 0, 0)
        try await ListenerPorts.check([
            ("compute", host, configuration.port), ("identity", host, identityPort), ("image", host, imagePort), ("network", host, networkPort),
            ("metrics", configuration.metricsHost, configuration.metricsPort),
        ])
        // Before the database opens, so its connection metrics are recorded too.
        let metrics = PrometheusCollectorRegistry()
        if configuration.metricsPort != 0 { MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics)) }
        try await boot.withAPI { api in
            let (database, runtime) = (api.database, api.compute)
            let policy = try boot.policy(api.registry)
            try await NovaKitApplication.prepareSchema(
                database, migrations: api.migrations, embedded: configuration.database.isEmbedded, logger: logger)
            let identity = NovaKitApplication.identity(configuration: configuration, database: database, policy: policy)
            if let password = configuration.adminPassword, !password.isEmpty {
                try await NovaKitApplication.bootstrap(
                    configuration, password: password, identity: identity, registry: api.registry, database: database, logger: logger)
                logger.info("bootstrap: admin user, roles, services and endpoints ensured, with the extensions' seed data")
            } else if configuration.keystoneURL == nil, try await !identity.hasAdmin() {
                logger.notice(
                    configuration.auth == .keystone
                        ? "no admin user yet: run `novakit bootstrap --admin-password PASSWORD`, or start with --admin-password / NOVAKIT_ADMIN_PASSWORD"
                        : "not bootstrapped yet, so there are no flavors, images or networks: run `novakit bootstrap --admin-password PASSWORD`, or start with --admin-password / NOVAKIT_ADMIN_PASSWORD"
                )
            }
            let authenticator = NovaKitApplication.authenticator(configuration: configuration, identity: identity)
            try await NovaKitApplication.recover(runtime, configuration: configuration)
            let health = HealthCheck(disableFile: configuration.healthcheckDisableFile) { await database.unavailability() }
            let rateLimit = configuration.rateLimit > 0 ? RateLimiter(rate: configuration.rateLimit) : nil
            // A graceful stop stops services last to first: the compute worker, first, outlives the listeners and lets
            // the work they accepted finish.
            var services: [any Service] = role.runsWork ? [ComputeWorker(runtime: runtime, logger: logger)] : []
            if role.servesAPIs {
                services.append(
                    NovaKitApplication.application(
                        responder: NovaKitApplication.responder(
                            configuration: configuration, registry: api.registry, database: database, policy: policy,
                            authenticator: authenticator, logger: logger, health: health, rateLimit: rateLimit),
                        name: "compute", host: configuration.host, port: configuration.port, logger: logger))
            } else {
                services.append(
                    NovaKitApplication.application(
                        responder: RequestPipeline(ComputeNodeListener(), ids: RandomIDGenerator(), logger: logger, health: health),
                        name: "compute node", host: configuration.host, port: configuration.port, logger: logger))
            }
            services.append(ComputeReclaimer(runtime: runtime, logger: logger))
            if role != .all {
                logger.notice(
                    "role \(role.rawValue): \(role.servesAPIs ? "the work accepted here is left to compute nodes" : "runs compute work; serves no API")"
                )
            }
            if imagePort != 0 {
                let ids = RandomIDGenerator()
                let glance = RequestPipeline(
                    ImageListener(
                        store: ImageStore(database: database, clock: SystemClock()),
                        data: ImageDataStore(directory: configuration.resolvedImageDirectory), authenticator: authenticator, ids: ids),
                    ids: ids, logger: logger, health: health, rateLimit: rateLimit)
                services.append(
                    NovaKitApplication.application(
                        responder: glance, name: "image", host: configuration.host, port: imagePort, logger: logger))
            }
            if networkPort != 0 {
                let ids = RandomIDGenerator()
                let groups = SecurityGroupStore(database: database, clock: SystemClock(), ids: ids)
                let listener = NetworkListener(
                    database: database, clock: SystemClock(), ids: ids, authenticator: authenticator,
                    onSecurityGroupRename: { old, new, project in try await groups.renameOnServers(from: old, to: new, project: project) })
                let neutron = RequestPipeline(listener, ids: ids, logger: logger, health: health, rateLimit: rateLimit)
                services.append(
                    NovaKitApplication.application(
                        responder: neutron, name: "network", host: configuration.host, port: networkPort, logger: logger))
            }
            if identityPort != 0 {
                services.append(
                    NovaKitApplication.application(
                        responder: RequestPipeline(
                            IdentityListener(service: identity), ids: RandomIDGenerator(), logger: logger, health: health,
                            rateLimit: rateLimit),
                        name: "identity",
                        host: configuration.host,
                        port: identityPort, logger: logger))
            }
            if configuration.metricsPort != 0 {
                services.append(
                    NovaKitApplication.application(
                        responder: RequestPipeline(MetricsListener(registry: metrics, database: database), ids: RandomIDGenerator(), logger: logger),
                        name: "metrics", host: configuration.metricsHost, port: configuration.metricsPort, logger: logger))
            }
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            logger.notice("shut down")
        }
    }
}
