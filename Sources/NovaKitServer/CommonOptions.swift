public import ArgumentParser

/// Options every command reads. Each is a `Setting` declared once in `Settings` (key, flag, default, help); the
/// environment and the YAML file give the same settings under the names derived from it.
public struct CommonOptions: ParsableArguments {
    public init() {}

    @Option(help: "A YAML configuration file (env NOVAKIT_CONFIG). Flags win over the environment, the environment over the file.")
    var config: String?

    @Option(name: Settings.database.name, help: Settings.database.help)
    var databaseURL: String?

    @Option(name: Settings.databaseConnections.name, help: Settings.databaseConnections.help)
    var databaseConnections: Int?

    @Option(name: Settings.logLevel.name, help: Settings.logLevel.help)
    var logLevel: String?

    @Option(name: Settings.logFormat.name, help: Settings.logFormat.help)
    var logFormat: String?

    @Option(name: Settings.policyFile.name, help: Settings.policyFile.help)
    var policyFile: String?

    @Option(name: Settings.disabledExtensions.name, help: Settings.disabledExtensions.help)
    var disabledExtensions: [String] = []

    @Option(name: Settings.enabledExtensions.name, help: Settings.enabledExtensions.help)
    var enabledExtensions: [String] = []
}

/// Ports and the public URL: shared by `serve` and `bootstrap`, which writes them into the catalog.
public struct EndpointOptions: ParsableArguments {
    public init() {}

    @Option(name: Settings.port.name, help: Settings.port.help)
    var port: Int?

    @Option(name: Settings.identityPort.name, help: Settings.identityPort.help)
    var identityPort: Int?

    @Option(name: Settings.imagePort.name, help: Settings.imagePort.help)
    var imagePort: Int?

    @Option(name: Settings.networkPort.name, help: Settings.networkPort.help)
    var networkPort: Int?

    @Option(name: Settings.publicURL.name, help: Settings.publicURL.help)
    var publicURL: String?

    @Option(name: Settings.adminPassword.name, help: Settings.adminPassword.help)
    var adminPassword: String?
}

/// Options of `serve`.
public struct ServeOptions: ParsableArguments {
    public init() {}

    @Option(name: Settings.host.name, help: Settings.host.help)
    var host: String?

    @Option(name: Settings.auth.name, help: Settings.auth.help)
    var auth: String?

    @Option(name: Settings.maxBodySize.name, help: Settings.maxBodySize.help)
    var maxBodySize: Int?

    @Option(name: Settings.tokenLifetime.name, help: Settings.tokenLifetime.help)
    var tokenLifetime: Int?

    @Option(name: Settings.keystoneURL.name, help: Settings.keystoneURL.help)
    var keystoneURL: String?

    @Option(name: Settings.keystoneServiceUser.name, help: Settings.keystoneServiceUser.help)
    var keystoneServiceUser: String?

    @Option(name: Settings.keystoneServicePassword.name, help: Settings.keystoneServicePassword.help)
    var keystoneServicePassword: String?

    @Option(name: Settings.keystoneServiceProject.name, help: Settings.keystoneServiceProject.help)
    var keystoneServiceProject: String?

    @Option(name: Settings.computeStepDelay.name, help: Settings.computeStepDelay.help)
    var computeStepDelay: Int?

    @Option(name: Settings.computeFailSteps.name, help: Settings.computeFailSteps.help)
    var computeFailSteps: [String] = []

    @Option(name: Settings.computeHosts.name, help: Settings.computeHosts.help)
    var computeHosts: [String] = []

    @Option(name: Settings.reclaimInterval.name, help: Settings.reclaimInterval.help)
    var reclaimInterval: Int?

    @Option(name: Settings.leaseSeconds.name, help: Settings.leaseSeconds.help)
    var leaseSeconds: Int?

    @Option(name: Settings.role.name, help: Settings.role.help)
    var role: String?

    @Option(name: Settings.imageDirectory.name, help: Settings.imageDirectory.help)
    var imageDirectory: String?

    @Option(name: Settings.metricsHost.name, help: Settings.metricsHost.help)
    var metricsHost: String?

    @Option(name: Settings.metricsPort.name, help: Settings.metricsPort.help)
    var metricsPort: Int?

    @Option(name: Settings.maxLimit.name, help: Settings.maxLimit.help)
    var maxLimit: Int?

    @Option(name: Settings.rateLimit.name, help: Settings.rateLimit.help)
    var rateLimit: Int?

    @Option(name: Settings.healthcheckDisableFile.name, help: Settings.healthcheckDisableFile.help)
    var healthcheckDisableFile: String?

    @Option(name: Settings.lockoutFailureAttempts.name, help: Settings.lockoutFailureAttempts.help)
    var lockoutFailureAttempts: Int?

    @Option(name: Settings.lockoutDuration.name, help: Settings.lockoutDuration.help)
    var lockoutDuration: Int?

    @Option(name: Settings.passwordHashRounds.name, help: Settings.passwordHashRounds.help)
    var passwordHashRounds: Int?
}
