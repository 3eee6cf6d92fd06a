import Configuration
import Logging
import NovaKitStorage
import SystemPackage

/// NovaKit's settings, read once at start from flags, `NOVAKIT_*` variables, a YAML file and defaults.
public struct NovaKitConfiguration: Sendable {
    public enum AuthStrategy: String, Sendable, CaseIterable {
        case noauth2
    }

    public var host = "127.0.0.1"
    public var port = 8774
    public var database = DatabaseURL.default
    public var auth = AuthStrategy.noauth2
    public var policyFile: String?
    public var maxBodyBytes = 114_688
    public var disabledExtensions: Set<String> = []
    public var enabledExtensions: Set<String> = []
    public var logLevel = Logger.Level.info

    public init() {}

    /// A setting that cannot be used.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Resolves the options: flags, then the environment, then the config file, then defaults.
    static func load(_ common: CommonOptions, _ serve: ServeOptions? = nil, environment: [String: String]) async throws
        -> NovaKitConfiguration
    {
        var flags: [AbsoluteConfigKey: ConfigValue] = [:]
        func set(_ key: AbsoluteConfigKey, _ value: ConfigContent?) {
            if let value { flags[key] = ConfigValue(value, isSecret: false) }
        }
        set("database.url", common.databaseURL.map(ConfigContent.string))
        set("log.level", common.logLevel.map(ConfigContent.string))
        set("policy.file", common.policyFile.map(ConfigContent.string))
        set("extensions.disabled", common.disabledExtensions.isEmpty ? nil : .stringArray(common.disabledExtensions))
        set("extensions.enabled", common.enabledExtensions.isEmpty ? nil : .stringArray(common.enabledExtensions))
        set("host", serve?.host.map(ConfigContent.string))
        set("port", serve?.port.map(ConfigContent.int))
        set("auth.strategy", serve?.auth.map(ConfigContent.string))
        set("api.maxBodySize", serve?.maxBodySize.map(ConfigContent.int))

        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: flags),
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "novakit"),
        ]
        if let file = common.config ?? environment["NOVAKIT_CONFIG"] {
            providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(file)))
        }
        let reader = ConfigReader(providers: providers)

        var configuration = NovaKitConfiguration()
        configuration.host = reader.string(forKey: "host", default: configuration.host)
        configuration.port = reader.int(forKey: "port", default: configuration.port)
        if let url = reader.string(forKey: "database.url") {
            do { configuration.database = try DatabaseURL(parsing: url) } catch { throw Invalid(description: error.description) }
        }
        let auth = reader.string(forKey: "auth.strategy", default: configuration.auth.rawValue)
        guard let strategy = AuthStrategy(rawValue: auth) else {
            throw Invalid(
                description: "unknown auth strategy '\(auth)'; use one of: \(AuthStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        configuration.auth = strategy
        configuration.policyFile = reader.string(forKey: "policy.file")
        configuration.maxBodyBytes = reader.int(forKey: "api.maxBodySize", default: configuration.maxBodyBytes)
        configuration.disabledExtensions = Set(reader.stringArray(forKey: "extensions.disabled", default: []))
        configuration.enabledExtensions = Set(reader.stringArray(forKey: "extensions.enabled", default: []))
        let level = reader.string(forKey: "log.level", default: "info")
        guard let logLevel = Logger.Level(rawValue: level) else { throw Invalid(description: "unknown log level '\(level)'") }
        configuration.logLevel = logLevel
        guard (0...65535).contains(configuration.port) else { throw Invalid(description: "port \(configuration.port) is out of range") }
        guard configuration.maxBodyBytes > 0 else { throw Invalid(description: "the body size limit must be positive") }
        return configuration
    }
}
