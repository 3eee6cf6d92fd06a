import Configuration
public import Logging
public import NovaKitCompute
import NovaKitIdentity
public import NovaKitStorage
import SystemPackage

/// NovaKit's settings, read once at start from flags, `NOVAKIT_*` variables, a YAML file and defaults.
public struct NovaKitConfiguration: Sendable {
    public enum AuthStrategy: String, Sendable, CaseIterable {
        case keystone, noauth2
    }

    // Defaults come from the settings' declarations (`Settings`), the one place each is written.
    public var host = Settings.host.defaultValue
    public var port = Settings.port.defaultValue
    public var identityPort = Settings.identityPort.defaultValue
    public var imagePort = Settings.imagePort.defaultValue
    public var networkPort = Settings.networkPort.defaultValue
    public var metricsHost = Settings.metricsHost.defaultValue
    public var metricsPort = Settings.metricsPort.defaultValue
    /// Where uploaded image data is kept; `nil` means the default beside the database.
    public var imageDirectory: String?
    public var publicURL = Settings.publicURL.defaultValue
    public var adminPassword: String?
    public var database = DatabaseURL.default
    /// Read-only SQLite connections beside the writer, or PostgreSQL connections per event loop.
    public var databaseConnections = Settings.databaseConnections.defaultValue
    public var auth = AuthStrategy.keystone
    public var tokenLifetime = Settings.tokenLifetime.defaultValue
    public var keystoneURL: String?
    public var keystoneServiceUser = Settings.keystoneServiceUser.defaultValue
    public var keystoneServicePassword: String?
    public var keystoneServiceProject = Settings.keystoneServiceProject.defaultValue
    public var policyFile: String?
    public var maxBodyBytes = Settings.maxBodySize.defaultValue
    public var disabledExtensions: Set<String> = []
    public var enabledExtensions: Set<String> = []
    public var logLevel = Logger.Level.info
    public var logFormat = LogFormat.text
    public var maxLimit = Settings.maxLimit.defaultValue
    public var healthcheckDisableFile: String?
    public var rateLimit = Settings.rateLimit.defaultValue
    public var lockoutFailureAttempts = Settings.lockoutFailureAttempts.defaultValue
    public var lockoutDuration = Settings.lockoutDuration.defaultValue
    public var passwordHashRounds = Settings.passwordHashRounds.defaultValue
    public var compute = ComputeConfiguration()

    public init() {}

    /// A setting that cannot be used.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// The identity URL clients are sent to (`WWW-Authenticate`, catalog).
    /// The image data directory: as configured, else `<file>-images` beside a SQLite file, else `./novakit-images`.
    public var resolvedImageDirectory: String {
        if let imageDirectory { return imageDirectory }
        if case .sqliteFile(let path) = database { return path + "-images" }
        return "novakit-images"
    }

    public var identityURL: String { keystoneURL ?? "\(publicURL):\(identityPort)/v3" }

    /// Resolves the options: flags, then the environment, then the config file, then defaults.
    static func load(
        _ common: CommonOptions, _ endpoints: EndpointOptions? = nil, _ serve: ServeOptions? = nil, environment: [String: String]
    ) async throws -> NovaKitConfiguration {
        var flags: [AbsoluteConfigKey: ConfigValue] = [:]
        func set(_ setting: Setting<some Sendable>, _ value: String?) {
            if let value { flags[AbsoluteConfigKey(ConfigKey(setting.key))] = ConfigValue(.string(value), isSecret: false) }
        }
        func set(_ setting: Setting<some Sendable>, _ value: Int?) {
            if let value { flags[AbsoluteConfigKey(ConfigKey(setting.key))] = ConfigValue(.int(value), isSecret: false) }
        }
        func set(_ setting: Setting<[String]>, _ value: [String]) {
            if !value.isEmpty { flags[AbsoluteConfigKey(ConfigKey(setting.key))] = ConfigValue(.stringArray(value), isSecret: false) }
        }
        set(Settings.database, common.databaseURL)
        set(Settings.databaseConnections, common.databaseConnections)
        set(Settings.logLevel, common.logLevel)
        set(Settings.logFormat, common.logFormat)
        set(Settings.policyFile, common.policyFile)
        set(Settings.disabledExtensions, common.disabledExtensions)
        set(Settings.enabledExtensions, common.enabledExtensions)
        set(Settings.port, endpoints?.port)
        set(Settings.identityPort, endpoints?.identityPort)
        set(Settings.imagePort, endpoints?.imagePort)
        set(Settings.networkPort, endpoints?.networkPort)
        set(Settings.publicURL, endpoints?.publicURL)
        set(Settings.adminPassword, endpoints?.adminPassword)
        set(Settings.host, serve?.host)
        set(Settings.auth, serve?.auth)
        set(Settings.maxBodySize, serve?.maxBodySize)
        set(Settings.tokenLifetime, serve?.tokenLifetime)
        set(Settings.keystoneURL, serve?.keystoneURL)
        set(Settings.keystoneServiceUser, serve?.keystoneServiceUser)
        set(Settings.keystoneServicePassword, serve?.keystoneServicePassword)
        set(Settings.keystoneServiceProject, serve?.keystoneServiceProject)
        set(Settings.computeStepDelay, serve?.computeStepDelay)
        set(Settings.computeFailSteps, serve?.computeFailSteps ?? [])
        set(Settings.computeHosts, serve?.computeHosts ?? [])
        set(Settings.reclaimInterval, serve?.reclaimInterval)
        set(Settings.leaseSeconds, serve?.leaseSeconds)
        set(Settings.role, serve?.role)
        set(Settings.imageDirectory, serve?.imageDirectory)
        set(Settings.maxLimit, serve?.maxLimit)
        set(Settings.metricsHost, serve?.metricsHost)
        set(Settings.metricsPort, serve?.metricsPort)
        set(Settings.healthcheckDisableFile, serve?.healthcheckDisableFile)
        set(Settings.rateLimit, serve?.rateLimit)
        set(Settings.lockoutFailureAttempts, serve?.lockoutFailureAttempts)
        set(Settings.lockoutDuration, serve?.lockoutDuration)
        set(Settings.passwordHashRounds, serve?.passwordHashRounds)

        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: flags),
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "novakit"),
        ]
        let file = common.config ?? environment["NOVAKIT_CONFIG"]
        if let file {
            providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(file)))
            try ConfigFileKeys.check(file)
        }
        return try resolve(ConfigReader(providers: providers), SettingSources(environment: environment, file: file))
    }

    private static func resolve(_ reader: ConfigReader, _ sources: SettingSources) throws -> NovaKitConfiguration {
        var c = NovaKitConfiguration()
        c.host = reader.value(Settings.host)
        c.port = try reader.value(Settings.port, from: sources)
        c.identityPort = try reader.value(Settings.identityPort, from: sources)
        c.imagePort = try reader.value(Settings.imagePort, from: sources)
        c.networkPort = try reader.value(Settings.networkPort, from: sources)
        c.metricsHost = reader.value(Settings.metricsHost)
        c.metricsPort = try reader.value(Settings.metricsPort, from: sources)
        c.imageDirectory = reader.value(Settings.imageDirectory)
        c.publicURL = reader.value(Settings.publicURL)
        while c.publicURL.hasSuffix("/") { c.publicURL.removeLast() }
        c.adminPassword = reader.value(Settings.adminPassword, isSecret: true)
        do { c.database = try DatabaseURL(parsing: reader.value(Settings.database)) } catch { throw Invalid(description: error.description) }
        c.databaseConnections = try reader.value(Settings.databaseConnections, from: sources)
        guard (1...64).contains(c.databaseConnections) else { throw Invalid(description: "database connections must be between 1 and 64") }
        let auth = reader.value(Settings.auth)
        guard let strategy = AuthStrategy(rawValue: auth) else {
            throw Invalid(
                description: "unknown auth strategy '\(auth)'; use one of: \(AuthStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        c.auth = strategy
        c.tokenLifetime = try reader.value(Settings.tokenLifetime, from: sources)
        c.keystoneURL = reader.value(Settings.keystoneURL)
        c.keystoneServiceUser = reader.value(Settings.keystoneServiceUser)
        c.keystoneServicePassword = reader.value(Settings.keystoneServicePassword, isSecret: true)
        c.keystoneServiceProject = reader.value(Settings.keystoneServiceProject)
        c.policyFile = reader.value(Settings.policyFile)
        c.maxBodyBytes = try reader.value(Settings.maxBodySize, from: sources)
        c.disabledExtensions = Set(reader.value(Settings.disabledExtensions))
        c.enabledExtensions = Set(reader.value(Settings.enabledExtensions))
        let delay = try reader.value(Settings.computeStepDelay, from: sources)
        guard delay >= 0 else { throw Invalid(description: "the compute step delay must not be negative") }
        c.compute.stepDelay = .milliseconds(delay)
        for step in reader.value(Settings.computeFailSteps) {
            guard let parsed = DriverStep(rawValue: step) else {
                throw Invalid(
                    description: "unknown compute step '\(step)'; use one of: \(DriverStep.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            c.compute.failingSteps.insert(parsed)
        }
        let hosts = reader.value(Settings.computeHosts)
        if !hosts.isEmpty {
            c.compute.hosts = try hosts.map { text in
                guard let host = ComputeConfiguration.host(parsing: text) else {
                    throw Invalid(description: "compute host '\(text)' is not name:vcpus:ram_mb:disk_gb with positive numbers")
                }
                return host
            }
        }
        c.compute.reclaimInterval = try reader.value(Settings.reclaimInterval, from: sources)
        guard c.compute.reclaimInterval >= 0 else { throw Invalid(description: "the reclaim interval must not be negative") }
        c.compute.leaseSeconds = try reader.value(Settings.leaseSeconds, from: sources)
        guard c.compute.leaseSeconds > 0 else { throw Invalid(description: "the lease must last at least a second") }
        let role = reader.value(Settings.role)
        guard let nodeRole = NodeRole(rawValue: role) else {
            throw Invalid(description: "unknown role '\(role)'; use one of: \(NodeRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard nodeRole == .all || !c.database.isEmbedded else {
            throw Invalid(
                description:
                    "role '\(role)' needs PostgreSQL: API and compute nodes share one database, and an embedded SQLite file is served by one process (role all)"
            )
        }
        c.compute.role = nodeRole
        let level = reader.value(Settings.logLevel)
        guard let logLevel = Logger.Level(rawValue: level) else { throw Invalid(description: "unknown log level '\(level)'") }
        c.logLevel = logLevel
        let format = reader.value(Settings.logFormat)
        guard let logFormat = LogFormat(rawValue: format) else {
            throw Invalid(description: "unknown log format '\(format)'; use one of: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        c.logFormat = logFormat
        c.maxLimit = try reader.value(Settings.maxLimit, from: sources)
        guard c.maxLimit > 0 else { throw Invalid(description: "the list limit must be positive") }
        c.healthcheckDisableFile = reader.value(Settings.healthcheckDisableFile)
        c.rateLimit = try reader.value(Settings.rateLimit, from: sources)
        guard c.rateLimit >= 0 else { throw Invalid(description: "the rate limit must not be negative") }
        c.lockoutFailureAttempts = try reader.value(Settings.lockoutFailureAttempts, from: sources)
        guard c.lockoutFailureAttempts >= 0 else { throw Invalid(description: "the lockout failure attempts must not be negative") }
        c.lockoutDuration = try reader.value(Settings.lockoutDuration, from: sources)
        guard c.lockoutDuration > 0 else { throw Invalid(description: "the lockout duration must be positive") }
        c.passwordHashRounds = try reader.value(Settings.passwordHashRounds, from: sources)
        guard PasswordHasher.roundsRange.contains(c.passwordHashRounds) else {
            throw Invalid(description: "the password hash rounds must be between 4 and 31")
        }
        for (name, port) in [
            ("port", c.port), ("identity port", c.identityPort), ("image port", c.imagePort), ("network port", c.networkPort),
            ("metrics port", c.metricsPort),
        ]
        where !(0...65535).contains(port) {
            throw Invalid(description: "\(name) \(port) is out of range")
        }
        guard c.maxBodyBytes > 0 else { throw Invalid(description: "the body size limit must be positive") }
        guard c.tokenLifetime > 0 else { throw Invalid(description: "the token lifetime must be positive") }
        if c.keystoneURL != nil && c.keystoneServicePassword == nil {
            throw Invalid(description: "--keystone-url needs --keystone-service-password (or NOVAKIT_KEYSTONE_SERVICE_PASSWORD)")
        }
        return c
    }
}

extension ConfigReader {
    /// A setting's value from flags, environment or file, else its declared default.
    func value(_ setting: Setting<String>) -> String { string(forKey: ConfigKey(setting.key), default: setting.defaultValue) }
    /// A whole-number setting; a value that is not one (`NOVAKIT_PORT=abc`, `port: notanumber`) is an error
    /// naming where it came from, never silently the default.
    func value(_ setting: Setting<Int>, from sources: SettingSources) throws -> Int {
        do {
            return try requiredInt(forKey: ConfigKey(setting.key))
        } catch {
            guard let text = string(forKey: ConfigKey(setting.key)) else { return setting.defaultValue }
            throw NovaKitConfiguration.Invalid(description: "\(sources.origin(of: setting)): '\(text)' is not a whole number")
        }
    }
    func value(_ setting: Setting<String?>, isSecret: Bool = false) -> String? { string(forKey: ConfigKey(setting.key), isSecret: isSecret) }
    func value(_ setting: Setting<[String]>) -> [String] { stringArray(forKey: ConfigKey(setting.key), default: setting.defaultValue) }
}
