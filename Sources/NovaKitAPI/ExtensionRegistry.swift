public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage

/// Why the registry refused to start; names the extension at fault.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Turns the registered extensions into routes, action tables, policies and migrations, once at boot.
public struct ExtensionRegistry: Sendable {
    /// The highest microversion the HTTP core can advertise. Its version-wide changes (2.18 project
    /// id optional in URLs, 2.27 `OpenStack-API-Version`, 2.46 request ids) are all implemented; every
    /// later change belongs to one resource, so each API that has one declares its own ceiling.
    public static let coreCeiling = APIVersion(2, 104)

    public let registered: [any APIExtension]
    public let enabled: [any APIExtension]
    let routes: RouteTable
    let responseExtensions: [String: [ResponseExtension]]

    /// Registers `extensions` in order; `disabled`/`enabled` switch extensions off or on by alias.
    public init(_ extensions: [any APIExtension], disabled: Set<String> = [], enabled: Set<String> = []) throws(RegistryError) {
        var aliases = Set<String>()
        for ext in extensions {
            guard aliases.insert(ext.descriptor.alias).inserted else {
                throw RegistryError("extension alias \(ext.descriptor.alias) is registered twice")
            }
        }
        for alias in disabled.union(enabled) where !aliases.contains(alias) {
            throw RegistryError(
                "unknown extension alias '\(alias)' in configuration; known: \(aliases.sorted().joined(separator: ", "))")
        }
        registered = extensions
        self.enabled = extensions.filter { ext in
            let alias = ext.descriptor.alias
            return !disabled.contains(alias) && (ext.enabledByDefault || enabled.contains(alias))
        }
        policies = try Self.checkedPolicies(extensions)
        migrations = try Self.checkedMigrations(extensions)
        let built = try Self.build(self.enabled, policies: Set(policies.map(\.name)))
        routes = built.routes
        responseExtensions = built.responseExtensions
    }

    /// Every policy default: the base rules and those of every registered extension (enabled or not).
    public let policies: [PolicyDefault]

    /// Every migration, in registration order; disabled extensions keep their tables.
    public let migrations: [SchemaMigration]

    /// The advertised maximum microversion: the lowest ceiling among the core and enabled extensions.
    public var maxVersion: APIVersion {
        enabled.compactMap(\.microversionCeiling).reduce(Self.coreCeiling) { Swift.min($0, $1) }
    }

    /// Descriptors of enabled extensions sorted by alias, as `/extensions` lists them.
    public var enabledDescriptors: [ExtensionDescriptor] {
        enabled.map(\.descriptor).sorted { $0.alias < $1.alias }
    }

    private static func checkedPolicies(_ extensions: [any APIExtension]) throws(RegistryError) -> [PolicyDefault] {
        var seen: [String: String] = [:]
        var all = PolicyDefault.baseRules
        for rule in all { seen[rule.name] = "the core" }
        for ext in extensions {
            for rule in ext.policies {
                if let owner = seen[rule.name] {
                    throw RegistryError("policy rule \(rule.name) of \(ext.descriptor.alias) is already registered by \(owner)")
                }
                seen[rule.name] = ext.descriptor.alias
                all.append(rule)
            }
        }
        return all
    }

    private static func checkedMigrations(_ extensions: [any APIExtension]) throws(RegistryError) -> [SchemaMigration] {
        var seen = Set<String>()
        var all: [SchemaMigration] = []
        for ext in extensions {
            for migration in ext.migrations {
                guard seen.insert(migration.id).inserted else {
                    throw RegistryError("migration \(migration.id) of \(ext.descriptor.alias) is registered twice")
                }
                all.append(migration)
            }
        }
        return all
    }
}
