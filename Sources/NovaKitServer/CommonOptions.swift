import ArgumentParser

/// Options every command reads; each also comes from `NOVAKIT_*` environment variables or the config file.
public struct CommonOptions: ParsableArguments {
    public init() {}

    @Option(help: "A YAML configuration file (env NOVAKIT_CONFIG). Flags win over the environment, the environment over the file.")
    var config: String?

    @Option(
        name: .customLong("database"),
        help:
            "sqlite:///path/file.sqlite, sqlite::memory: or postgres://user:pw@host:port/db (env NOVAKIT_DATABASE_URL; default sqlite://novakit.sqlite)."
    )
    var databaseURL: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env NOVAKIT_LOG_LEVEL; default info).")
    var logLevel: String?

    @Option(help: "A YAML or JSON file overriding policy defaults (env NOVAKIT_POLICY_FILE).")
    var policyFile: String?

    @Option(
        name: .customLong("disable-extension"),
        help: "Switch an extension off by alias; repeatable (env NOVAKIT_EXTENSIONS_DISABLED, comma-separated).")
    var disabledExtensions: [String] = []

    @Option(
        name: .customLong("enable-extension"), help: "Switch on an extension that is off by default; repeatable (env NOVAKIT_EXTENSIONS_ENABLED).")
    var enabledExtensions: [String] = []
}

/// Options of `serve`.
public struct ServeOptions: ParsableArguments {
    public init() {}

    @Option(help: "Address the compute API listens on (env NOVAKIT_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port of the compute API (env NOVAKIT_PORT; default 8774).")
    var port: Int?

    @Option(help: "Auth strategy: noauth2 (env NOVAKIT_AUTH_STRATEGY; default noauth2).")
    var auth: String?

    @Option(help: "Largest accepted request body in bytes (env NOVAKIT_API_MAX_BODY_SIZE; default 114688).")
    var maxBodySize: Int?
}
