public import Foundation
import Logging
public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// The identity domain: storage, tokens, policy, time and ids.
public struct IdentityService: Sendable {
    public let database: Database
    public let tokens: TokenService
    let policy: PolicyEnforcer
    let clock: any NovaClock
    let ids: any IDGenerator
    let lockout: PasswordLockout
    let passwords: PasswordHasher

    public init(
        database: Database, policy: PolicyEnforcer, clock: any NovaClock, ids: any IDGenerator, cache: TokenCache, tokenLifetime: TimeInterval,
        lockout: PasswordLockout = .off, passwords: PasswordHasher = PasswordHasher()
    ) {
        self.database = database
        self.lockout = lockout
        self.passwords = passwords
        self.policy = policy
        self.clock = clock
        self.ids = ids
        self.tokens = TokenService(database: database, clock: clock, cache: cache, lifetime: tokenLifetime)
        database.changes.subscribe(TokenCache.topic) { hash in await cache.drop(hash) }
    }

    /// A new Keystone-style id: 32 hex characters.
    func newID() -> String { ids.uuid().replacingOccurrences(of: "-", with: "") }

    /// Runs `body` in a transaction over the identity tables; a changed directory drops cached tokens, on this
    /// node and on the others.
    func change<T: Sendable>(_ body: @escaping @Sendable (Directory, Date) async throws -> T) async throws -> T {
        let now = clock.now()
        let result = try await database.transaction { sql in try await body(Directory(sql: sql), now) }
        await tokens.cache.removeAll()
        await database.changes.announce(TokenCache.topic)
        return result
    }

    /// Checks `password` against `user`'s (found and enabled), for a login or a password change: a user without a
    /// password or locked out is refused, and a wrong password counts towards the lockout; each a 401.
    func checkPassword(_ password: String, of user: UserRecord, logger: Logger) async throws {
        guard let hash = user.passwordHash else { throw IdentityError.unauthorized }
        let now = clock.now()
        if try await lockout.isLocked(user.id, now: now, in: database) {
            logger.warning("password refused: user is locked out", metadata: ["user": .string(user.id)])
            throw IdentityError(401, "The account is locked for user: \(user.id).")
        }
        guard await passwords.verify(password, against: hash) else {
            try await lockout.recordFailure(user.id, now: now, in: database)
            throw IdentityError.unauthorized
        }
    }

    /// Reads the identity tables.
    func read<T: Sendable>(_ body: @escaping @Sendable (Directory) async throws -> T) async throws -> T {
        try await database.withConnection { sql in try await body(Directory(sql: sql)) }
    }
}

/// The identity API's policy rules: administration is admin-only, as Keystone's defaults.
public enum IdentityPolicies {
    static let admin = "identity:admin_required"

    static func rule(_ action: String) -> String { "identity:\(action)" }

    /// Who besides admins may read one record (the target carries `target.<entity>.id`).
    static let getRule = [
        "project": "rule:\(admin) or project_id:%(target.project.id)s",
        "user": "rule:\(admin) or user_id:%(target.user.id)s",
    ]

    /// Keystone's system reader persona: a reader (or anyone above) on the system may read the directory.
    static let systemReader = "(role:reader and system_scope:all)"

    /// Collections any authenticated caller may read (Keystone's regions).
    static let readableByAll: Set = ["region"]

    /// Keystone's rule names (`identity:list_users`, `identity:get_project`, …). A user may read their own
    /// user record, the projects they have roles on and a project they are scoped to, as Keystone's defaults allow.
    public static let defaults: [PolicyDefault] =
        [PolicyDefault(admin, "role:admin", description: "Keystone's admin_required.")]
        + ["domain", "project", "user", "group", "role", "service", "endpoint", "region"].flatMap { entity in
            let read = readableByAll.contains(entity) ? "@" : nil
            return [
                PolicyDefault(rule("list_\(entity)s"), read ?? "rule:\(admin) or \(systemReader)", description: "list \(entity)s"),
                PolicyDefault(
                    rule("get_\(entity)"), read ?? "\(getRule[entity] ?? "rule:\(admin)") or \(systemReader)", description: "get a \(entity)"),
            ]
                + ["create", "update", "delete"].map { verb in
                    PolicyDefault(rule("\(verb)_\(entity)"), "rule:\(admin)", description: "\(verb) a \(entity)")
                }
        }
        + [
            "create_registered_limit", "update_registered_limit", "delete_registered_limit", "create_limit", "update_limit", "delete_limit",
            "create_grant", "revoke_grant", "create_system_grant_for_user", "revoke_system_grant_for_user", "add_user_to_group",
            "remove_user_from_group",
        ].map {
            PolicyDefault(rule($0), "rule:\(admin)")
        }
        + [
            "check_grant", "list_grants", "list_role_assignments", "check_system_grant_for_user", "list_system_grants_for_user",
            "list_users_in_group", "check_user_in_group", "get_domain_config", "get_domain_config_default",
        ].map {
            PolicyDefault(rule($0), "rule:\(admin) or \(systemReader)")
        }
        + [
            PolicyDefault(
                rule("create_application_credential"), "user_id:%(target.user.id)s",
                description: "Make an application credential: the user, for themselves."),
            PolicyDefault(
                rule("delete_application_credential"), "rule:\(admin) or user_id:%(target.user.id)s",
                description: "Delete an application credential: admins, or its user."),
        ]
        + ["get_application_credential", "list_application_credentials"].map {
            PolicyDefault(rule($0), "rule:\(admin) or \(systemReader) or user_id:%(target.user.id)s")
        }
        + [
            PolicyDefault(rule("list_registered_limits"), "@", description: "List registered limits: anyone with a token."),
            PolicyDefault(rule("get_registered_limit"), "@", description: "Show a registered limit: anyone with a token."),
            PolicyDefault(
                rule("list_limits"), "@", description: "List project limits: anyone; a project's members see their project's only."),
            PolicyDefault(
                rule("get_limit"), "@", description: "Show a project limit: anyone; a project's members see their project's only."),
            PolicyDefault(
                rule("list_groups_for_user"), "rule:\(admin) or \(systemReader) or user_id:%(target.user.id)s",
                description: "List the groups a user is in: admins, system readers, or the user."),
            PolicyDefault(
                rule("list_user_projects"), "rule:\(admin) or \(systemReader) or user_id:%(target.user.id)s",
                description: "List the projects a user has roles on: admins, system readers, or the user."),
            PolicyDefault(
                rule("validate_token"), "rule:\(admin) or user_id:%(target.user_id)s",
                description: "Validate, check or revoke a token: admins, or the token's own user."),
        ]
}
