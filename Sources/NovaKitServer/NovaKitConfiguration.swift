import Configuration
import Logging
import NovaKitCompute
import NovaKitStorage
import SystemPackage

/// NovaKit's settings, read once at start from flags, `NOVAKIT_*` variables, a YAML file and defaults.
public struct NovaKitConfiguration: Sendable {
    public enum AuthStrategy: String, Sendable, CaseIterable {
        case keystone, noauth2
    }

    public var host = "127.0.0.1"
    public var port = 8774
    public var identityPort = 5000
    public var imagePort = 9292
    public var publicURL = "http://127.0.0.1"
    public var adminPassword: String?
    public var database = DatabaseURL.default
    public var auth = AuthStrategy.keystone
    public var tokenLifetime = 3600
    public var keystoneURL: String?
    public var keystoneServiceUser = "nova"
    public var keystoneServicePassword: String?
    public var keystoneServiceProject = "service"
    public var policyFile: String?
    public var maxBodyBytes = 114_688
    public var disabledExtensions: Set<String> = []
    public var enabledExtensions: Set<String> = []
    public var logLevel = Logger.Level.info
    public var compute = ComputeConfiguration()

    public init() {}

    /// A setting that cannot be used.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// The identity URL clients are sent to (`WWW-Authenticate`, catalog).
    public var identityURL: String { keystoneURL ?? "\(publicURL):\(identityPort)/v3" }

    /// Resolves the options: flags, then the environment, then the config file, then defaults.
    static func load(
        _ common: CommonOptions, _ endpoints: EndpointOptions? = nil, _ serve: ServeOptions? = nil, environment: [String: String]
    ) async throws -> NovaKitConfiguration {
        var flags: [AbsoluteConfigKey: ConfigValue] = [:]
        func set(_ key: AbsoluteConfigKey, _ value: String?) { if let value { flags[key] = ConfigValue(.string(value), isSecret: false) } }
        func set(_ key: AbsoluteConfigKey, _ value: Int?) { if let value { flags[key] = ConfigValue(.int(value), isSecret: false) } }
        func set(_ key: AbsoluteConfigKey, _ value: [String]) { if !value.isEmpty { flags[key] = ConfigValue(.stringArray(value), isSecret: false) } }
        set("database.url", common.databaseURL)
        set("log.level", common.logLevel)
        set("policy.file", common.policyFile)
        set("extensions.disabled", common.disabledExtensions)
        set("extensions.enabled", common.enabledExtensions)
        set("port", endpoints?.port)
        set("identity.port", endpoints?.identityPort)
        set("image.port", endpoints?.imagePort)
        set("public.url", endpoints?.publicURL)
        set("admin.password", endpoints?.adminPassword)
        set("host", serve?.host)
        set("auth.strategy", serve?.auth)
        set("api.maxBodySize", serve?.maxBodySize)
        set("identity.tokenLifetime", serve?.tokenLifetime)
        set("keystone.url", serve?.keystoneURL)
        set("keystone.serviceUser", serve?.keystoneServiceUser)
        set("keystone.servicePassword", serve?.keystoneServicePassword)
        set("keystone.serviceProject", serve?.keystoneServiceProject)
        set("compute.stepDelay", serve?.computeStepDelay)
        set("compute.failSteps", serve?.computeFailSteps ?? [])
        set("compute.hosts", serve?.computeHosts ?? [])
        set("compute.reclaimInterval", serve?.reclaimInterval)

        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: flags),
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "novakit"),
        ]
        if let file = common.config ?? environment["NOVAKIT_CONFIG"] {
            providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(file)))
        }
        return try resolve(ConfigReader(providers: providers))
    }

    private static func resolve(_ reader: ConfigReader) throws -> NovaKitConfiguration {
        var c = NovaKitConfiguration()
        c.host = reader.string(forKey: "host", default: c.host)
        c.port = reader.int(forKey: "port", default: c.port)
        c.identityPort = reader.int(forKey: "identity.port", default: c.identityPort)
        c.imagePort = reader.int(forKey: "image.port", default: c.imagePort)
        c.publicURL = reader.string(forKey: "public.url", default: c.publicURL)
        while c.publicURL.hasSuffix("/") { c.publicURL.removeLast() }
        c.adminPassword = reader.string(forKey: "admin.password", isSecret: true)
        if let url = reader.string(forKey: "database.url") {
            do { c.database = try DatabaseURL(parsing: url) } catch { throw Invalid(description: error.description) }
        }
        let auth = reader.string(forKey: "auth.strategy", default: c.auth.rawValue)
        guard let strategy = AuthStrategy(rawValue: auth) else {
            throw Invalid(
                description: "unknown auth strategy '\(auth)'; use one of: \(AuthStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        c.auth = strategy
        c.tokenLifetime = reader.int(forKey: "identity.tokenLifetime", default: c.tokenLifetime)
        c.keystoneURL = reader.string(forKey: "keystone.url")
        c.keystoneServiceUser = reader.string(forKey: "keystone.serviceUser", default: c.keystoneServiceUser)
        c.keystoneServicePassword = reader.string(forKey: "keystone.servicePassword", isSecret: true)
        c.keystoneServiceProject = reader.string(forKey: "keystone.serviceProject", default: c.keystoneServiceProject)
        c.policyFile = reader.string(forKey: "policy.file")
        c.maxBodyBytes = reader.int(forKey: "api.maxBodySize", default: c.maxBodyBytes)
        c.disabledExtensions = Set(reader.stringArray(forKey: "extensions.disabled", default: []))
        c.enabledExtensions = Set(reader.stringArray(forKey: "extensions.enabled", default: []))
        let delay = reader.int(forKey: "compute.stepDelay", default: 200)
        guard delay >= 0 else { throw Invalid(description: "the compute step delay must not be negative") }
        c.compute.stepDelay = .milliseconds(delay)
        for step in reader.stringArray(forKey: "compute.failSteps", default: []) {
            guard let parsed = DriverStep(rawValue: step) else {
                throw Invalid(
                    description: "unknown compute step '\(step)'; use one of: \(DriverStep.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            c.compute.failingSteps.insert(parsed)
        }
        let hosts = reader.stringArray(forKey: "compute.hosts", default: [])
        if !hosts.isEmpty {
            c.compute.hosts = try hosts.map { text in
                guard let host = ComputeConfiguration.host(parsing: text) else {
                    throw Invalid(description: "compute host '\(text)' is not name:vcpus:ram_mb:disk_gb with positive numbers")
                }
                return host
            }
        }
        c.compute.reclaimInterval = reader.int(forKey: "compute.reclaimInterval", default: 0)
        guard c.compute.reclaimInterval >= 0 else { throw Invalid(description: "the reclaim interval must not be negative") }
        let level = reader.string(forKey: "log.level", default: "info")
        guard let logLevel = Logger.Level(rawValue: level) else { throw Invalid(description: "unknown log level '\(level)'") }
        c.logLevel = logLevel
        for (name, port) in [("port", c.port), ("identity port", c.identityPort), ("image port", c.imagePort)] where !(0...65535).contains(port) {
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
