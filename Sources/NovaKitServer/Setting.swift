import ArgumentParser
import NovaKitIdentity
import NovaKitStorage

/// One setting, declared once: its configuration key (the YAML path), its flag, its default and what it does.
/// The environment variable is derived from the key as swift-configuration reads it
/// (`identity.tokenLifetime` → `NOVAKIT_IDENTITY_TOKEN_LIFETIME`); the flag's help text is derived from all four.
package struct Setting<Value: Sendable>: Sendable {
    /// The key in the YAML file and the configuration reader: `identity.port`.
    package let key: String
    /// The long flag, without dashes: `identity-port`.
    package let flag: String
    /// The value when no flag, variable or file gives one.
    package let defaultValue: Value
    /// The default as the help text and the README show it; `nil`: none.
    package let defaultText: String?
    package let summary: String

    init(_ key: String, flag: String, default defaultValue: Value, shown: String? = nil, _ summary: String) {
        self.key = key
        self.flag = flag
        self.defaultValue = defaultValue
        self.defaultText = shown ?? "\(defaultValue)"
        self.summary = summary
    }

    /// A setting without a default.
    init<Wrapped>(_ key: String, flag: String, _ summary: String) where Value == Wrapped? {
        self.key = key
        self.flag = flag
        self.defaultValue = nil
        self.defaultText = nil
        self.summary = summary
    }

    /// A repeatable setting, empty by default.
    init<Element>(_ key: String, flag: String, repeatable summary: String, shown: String? = nil) where Value == [Element] {
        self.key = key
        self.flag = flag
        self.defaultValue = []
        self.defaultText = shown
        self.summary = summary
    }

    /// What the README and tests need of a setting, whatever its type.
    package var description: SettingDescription {
        SettingDescription(
            key: key, flag: flag, environmentVariable: environmentVariable, defaultText: defaultText, summary: summary,
            yamlDefault: yamlDefault)
    }

    /// The default as a YAML value; `nil` when there is none to write (no default, or an empty list).
    private var yamlDefault: String? {
        switch defaultValue {
        case let number as Int: "\(number)"
        case let text as String: "\"\(text)\""
        default: nil
        }
    }

    /// `NOVAKIT_` and the key's words in upper case, joined by underscores.
    package var environmentVariable: String {
        var name = "NOVAKIT"
        for component in key.split(separator: ".") {
            name += "_"
            for character in component {
                if character.isUppercase { name += "_" }
                name += character.uppercased()
            }
        }
        return name
    }

    /// The flag's help: what it does, where else it comes from and its default.
    var help: ArgumentHelp {
        ArgumentHelp("\(summary) (env \(environmentVariable)\(defaultText.map { "; default \($0)" } ?? ""); YAML \(key))")
    }

    var name: NameSpecification { .customLong(flag) }
}

/// A setting's names, default and summary, whatever its type.
package struct SettingDescription: Sendable {
    package let key: String
    package let flag: String
    package let environmentVariable: String
    package let defaultText: String?
    package let summary: String
    /// The default as the sample file writes it (`nil`: the setting is shown commented out).
    package let yamlDefault: String?
}

/// Every setting NovaKit reads, in the order `--help` and the README list them.
package enum Settings {
    static let host = Setting<String>("host", flag: "host", default: "127.0.0.1", "Address the APIs listen on.")
    static let port = Setting<Int>("port", flag: "port", default: 8774, "Port of the compute API.")
    static let identityPort = Setting<Int>(
        "identity.port", flag: "identity-port", default: 5000, "Port of the identity (Keystone v3) API; 0 switches it off.")
    static let imagePort = Setting<Int>(
        "image.port", flag: "image-port", default: 9292, "Port of the image (Glance v2 subset) API; 0 switches it off.")
    static let networkPort = Setting<Int>(
        "network.port", flag: "network-port", default: 9696, "Port of the network (Neutron v2.0 subset) API; 0 switches it off.")
    static let metricsHost = Setting<String>(
        "metrics.host", flag: "metrics-host", default: "127.0.0.1", "Address /metrics (Prometheus text format) listens on.")
    static let metricsPort = Setting<Int>(
        "metrics.port", flag: "metrics-port", default: 9774, "Port of /metrics, apart from the APIs; 0 switches it off.")
    static let imageDirectory = Setting<String?>(
        "image.directory", flag: "image-dir",
        "Directory uploaded image data is kept in; by default beside a SQLite database file (FILE-images), else ./novakit-images.")
    static let publicURL = Setting<String>(
        "public.url", flag: "public-url", default: "http://127.0.0.1", "Scheme and host clients reach NovaKit at, for catalog URLs.")
    static let adminPassword = Setting<String?>(
        "admin.password", flag: "admin-password", "Password of the bootstrap admin user; serve bootstraps itself when given.")
    static let tokenLifetime = Setting<Int>("identity.tokenLifetime", flag: "token-lifetime", default: 3600, "Token lifetime in seconds.")
    static let keystoneURL = Setting<String?>(
        "keystone.url", flag: "keystone-url",
        "Validate compute tokens against this external Keystone (e.g. http://keystone:5000/v3) instead of the built-in one.")
    static let keystoneServiceUser = Setting<String>(
        "keystone.serviceUser", flag: "keystone-service-user", default: "nova", "Service user for --keystone-url.")
    static let keystoneServicePassword = Setting<String?>(
        "keystone.servicePassword", flag: "keystone-service-password", "Password of the service user.")
    static let keystoneServiceProject = Setting<String>(
        "keystone.serviceProject", flag: "keystone-service-project", default: "service", "Project of the service user.")
    static let database = Setting<String>(
        "database.url", flag: "database", default: "sqlite://novakit.sqlite",
        "sqlite:///path/file.sqlite, sqlite::memory: or postgres://user:pw@host:port/db.")
    static let databaseConnections = Setting<Int>(
        "database.connections", flag: "database-connections", default: Database.defaultConnections,
        "Read-only SQLite connections beside the single writer (a file database), or PostgreSQL connections per event loop.")
    static let auth = Setting<String>("auth.strategy", flag: "auth", default: "keystone", "Compute API auth: keystone or noauth2.")
    static let policyFile = Setting<String?>("policy.file", flag: "policy-file", "A YAML or JSON file overriding policy defaults.")
    static let maxBodySize = Setting<Int>("api.maxBodySize", flag: "max-body-size", default: 114_688, "Largest accepted request body in bytes.")
    static let maxLimit = Setting<Int>(
        "api.maxLimit", flag: "max-limit", default: 1000, "Most items one page of a collection holds, as Nova's max_limit.")
    static let rateLimit = Setting<Int>(
        "api.rateLimit", flag: "rate-limit", default: 0,
        "Requests per second one client address may make, across the APIs (429 beyond, with Retry-After); 0: no limit.")
    static let healthcheckDisableFile = Setting<String?>(
        "healthcheck.disableFile", flag: "healthcheck-disable-file",
        "While this file exists, GET /healthcheck answers 503 DISABLED BY FILE (drain the node at its load balancer).")
    static let lockoutFailureAttempts = Setting<Int>(
        "identity.lockoutFailureAttempts", flag: "lockout-failure-attempts", default: 0,
        "Failed password logins in a row after which a user is locked out; 0 never locks (Keystone's lockout_failure_attempts).")
    static let lockoutDuration = Setting<Int>(
        "identity.lockoutDuration", flag: "lockout-duration", default: 1800, "Seconds a locked-out user stays locked.")
    static let passwordHashRounds = Setting<Int>(
        "identity.passwordHashRounds", flag: "password-hash-rounds", default: PasswordHasher.defaultRounds,
        "bcrypt cost of new password and application credential secret hashes, 4 to 31 (Keystone's password_hash_rounds); existing hashes keep theirs."
    )
    static let disabledExtensions = Setting<[String]>(
        "extensions.disabled", flag: "disable-extension",
        repeatable: "Switch an extension off by alias; repeatable (comma-separated in the environment).")
    static let enabledExtensions = Setting<[String]>(
        "extensions.enabled", flag: "enable-extension", repeatable: "Switch on an extension that is off by default; repeatable.")
    static let logLevel = Setting<String>(
        "log.level", flag: "log-level", default: "info", "Log level: trace, debug, info, notice, warning, error, critical.")
    static let logFormat = Setting<String>(
        "log.format", flag: "log-format", default: "text", "Log format: text, or json (one object per line).")
    static let computeStepDelay = Setting<Int>(
        "compute.stepDelay", flag: "compute-step-delay", default: 200, "Milliseconds each fake compute driver step takes.")
    static let computeFailSteps = Setting<[String]>(
        "compute.failSteps", flag: "compute-fail-step", repeatable: "A fake driver step that always fails, e.g. spawn or finish_resize; repeatable.")
    static let computeHosts = Setting<[String]>(
        "compute.hosts", flag: "compute-host", repeatable: "A fake compute host as name:vcpus:ram_mb:disk_gb; repeatable.",
        shown: "novakit-compute-1:64:262144:4096")
    static let reclaimInterval = Setting<Int>(
        "compute.reclaimInterval", flag: "reclaim-interval", default: 0,
        "Seconds a deleted server stays restorable before it is reclaimed; 0 deletes at once.")
    static let leaseSeconds = Setting<Int>(
        "compute.leaseSeconds", flag: "lease-seconds", default: 10,
        "Seconds a node's hold on the server work it runs lasts unrenewed: how soon another node takes over a dead node's work.")
    static let role = Setting<String>(
        "node.role", flag: "role", default: "all",
        "What this node does: all (APIs and the work they accept), api (APIs; work left to compute nodes) or compute (runs work, serves no API); api and compute need PostgreSQL."
    )

    package static let all: [SettingDescription] = [
        host.description, port.description, identityPort.description, imagePort.description, networkPort.description,
        metricsHost.description, metricsPort.description,
        imageDirectory.description,
        publicURL.description,
        adminPassword.description, tokenLifetime.description, keystoneURL.description, keystoneServiceUser.description,
        keystoneServicePassword.description, keystoneServiceProject.description, database.description, databaseConnections.description,
        auth.description,
        policyFile.description, maxBodySize.description, maxLimit.description, rateLimit.description, healthcheckDisableFile.description,
        lockoutFailureAttempts.description, lockoutDuration.description, passwordHashRounds.description, disabledExtensions.description,
        enabledExtensions.description,
        logLevel.description, logFormat.description, computeStepDelay.description, computeFailSteps.description, computeHosts.description,
        reclaimInterval.description, leaseSeconds.description, role.description,
    ]
}
