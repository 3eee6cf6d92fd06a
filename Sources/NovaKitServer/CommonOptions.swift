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

/// Ports and the public URL: shared by `serve` and `bootstrap`, which writes them into the catalog.
public struct EndpointOptions: ParsableArguments {
    public init() {}

    @Option(help: "Port of the compute API (env NOVAKIT_PORT; default 8774).")
    var port: Int?

    @Option(help: "Port of the identity (Keystone v3) API; 0 switches it off (env NOVAKIT_IDENTITY_PORT; default 5000).")
    var identityPort: Int?

    @Option(help: "Port of the image (Glance v2 subset) API; 0 switches it off (env NOVAKIT_IMAGE_PORT; default 9292).")
    var imagePort: Int?

    @Option(help: "Scheme and host clients reach NovaKit at, for catalog URLs (env NOVAKIT_PUBLIC_URL; default http://127.0.0.1).")
    var publicURL: String?

    @Option(help: "Password of the bootstrap admin user; serve bootstraps itself when given (env NOVAKIT_ADMIN_PASSWORD).")
    var adminPassword: String?
}

/// Options of `serve`.
public struct ServeOptions: ParsableArguments {
    public init() {}

    @Option(help: "Address the APIs listen on (env NOVAKIT_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Compute API auth: keystone or noauth2 (env NOVAKIT_AUTH_STRATEGY; default keystone).")
    var auth: String?

    @Option(help: "Largest accepted request body in bytes (env NOVAKIT_API_MAX_BODY_SIZE; default 114688).")
    var maxBodySize: Int?

    @Option(help: "Token lifetime in seconds (env NOVAKIT_IDENTITY_TOKEN_LIFETIME; default 3600).")
    var tokenLifetime: Int?

    @Option(
        help:
            "Validate compute tokens against this external Keystone (e.g. http://keystone:5000/v3) instead of the built-in one (env NOVAKIT_KEYSTONE_URL)."
    )
    var keystoneURL: String?

    @Option(help: "Service user for --keystone-url (env NOVAKIT_KEYSTONE_SERVICE_USER; default nova).")
    var keystoneServiceUser: String?

    @Option(help: "Password of the service user (env NOVAKIT_KEYSTONE_SERVICE_PASSWORD).")
    var keystoneServicePassword: String?

    @Option(help: "Project of the service user (env NOVAKIT_KEYSTONE_SERVICE_PROJECT; default service).")
    var keystoneServiceProject: String?

    @Option(help: "Milliseconds each fake compute driver step takes (env NOVAKIT_COMPUTE_STEP_DELAY; default 200).")
    var computeStepDelay: Int?

    @Option(
        name: .customLong("compute-fail-step"),
        help: "A fake driver step that always fails, e.g. spawn or finish_resize; repeatable (env NOVAKIT_COMPUTE_FAIL_STEPS).")
    var computeFailSteps: [String] = []

    @Option(
        name: .customLong("compute-host"),
        help: "A fake compute host as name:vcpus:ram_mb:disk_gb; repeatable (env NOVAKIT_COMPUTE_HOSTS; default novakit-compute-1:64:262144:4096).")
    var computeHosts: [String] = []

    @Option(help: "Seconds a deleted server stays restorable before it is reclaimed; 0 deletes at once (env NOVAKIT_COMPUTE_RECLAIM_INTERVAL).")
    var reclaimInterval: Int?
}
