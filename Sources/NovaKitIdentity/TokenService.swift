public import Foundation
import Metrics
public import NovaKitCore
import NovaKitHTTP
public import NovaKitStorage
import SQLKit

/// Issues, validates and revokes tokens. Tokens are 256 random bits; only their SHA-256 is stored.
public struct TokenService: Sendable {
    let database: Database
    let clock: any NovaClock
    let cache: TokenCache
    let lifetime: TimeInterval

    public init(database: Database, clock: any NovaClock, cache: TokenCache, lifetime: TimeInterval) {
        self.database = database
        self.clock = clock
        self.cache = cache
        self.lifetime = lifetime
    }

    /// Issues a token for `userID`, scoped to `projectID`, to the system (`system`) or to nothing, and returns it
    /// with what it stands for.
    func issue(
        userID: String, projectID: String?, system: Bool = false, applicationCredentialID: String? = nil, methods: [String],
        expiresAt: Date? = nil
    ) async throws -> (String, TokenInfo) {
        let token = SecretToken.random(bytes: 32)
        let now = clock.now()
        let record = TokenRecord(
            id: SecretToken.hash(token), userId: userID, projectId: projectID, methods: methods.joined(separator: ","), issuedAt: now,
            expiresAt: min(expiresAt ?? .distantFuture, now.addingTimeInterval(lifetime)), auditId: SecretToken.random(bytes: 16),
            system: system ? "all" : nil, applicationCredentialId: applicationCredentialID)
        try await database.withConnection { sql in try await IdentityRepository<TokenRecord>(sql: sql).insert(record, at: now) }
        guard let info = try await load(record) else { throw IdentityError.unauthorized }
        return (token, info)
    }

    /// What `token` stands for, or `nil` if it is unknown, expired, revoked, or its user or project is disabled.
    public func validate(_ token: String) async throws -> TokenInfo? {
        let hash = SecretToken.hash(token)
        let now = clock.now()
        if let cached = await cache.lookup(hash, now: now) {
            Counter(label: "novakit_token_cache_lookups_total", dimensions: [("result", "hit")]).increment()
            return cached
        }
        Counter(label: "novakit_token_cache_lookups_total", dimensions: [("result", "miss")]).increment()
        let record = try await database.withConnection { sql in try await IdentityRepository<TokenRecord>(sql: sql).find(hash) }
        guard let record, record.expiresAt > now, let info = try await load(record) else { return nil }
        await cache.store(info, hash: hash, now: now)
        return info
    }

    /// Revokes `token`; returns whether it was live.
    func revoke(_ token: String) async throws -> Bool {
        let hash = SecretToken.hash(token)
        let now = clock.now()
        let live = try await database.withConnection { sql in
            try await IdentityRepository<TokenRecord>(sql: sql).delete(equals: hash, at: now) > 0
        }
        await cache.remove(hash)
        await database.changes.announce(TokenCache.topic, detail: hash)
        return live
    }

    private func load(_ record: TokenRecord) async throws -> TokenInfo? {
        try await database.withConnection { sql in
            let directory = Directory(sql: sql)
            guard let user = try await directory.users.find(record.userId), user.enabled,
                let userDomain = try await directory.domains.find(user.domainId), userDomain.enabled
            else { return nil }
            var project: ProjectRecord?
            var projectDomain: DomainRecord?
            var roles: [RoleRecord] = []
            var credential: ApplicationCredentialRecord?
            if let credentialID = record.applicationCredentialId {
                guard let found = try await directory.applicationCredentials.find(credentialID), found.userId == user.id,
                    (found.expiresAt ?? .distantFuture) > clock.now()
                else { return nil }
                credential = found
            }
            if let projectID = record.projectId {
                guard let found = try await directory.projects.find(projectID), found.enabled,
                    let domain = try await directory.domains.find(found.domainId), domain.enabled
                else { return nil }
                roles = try await directory.effectiveRoles(userID: user.id, projectID: found.id)
                if let credential {
                    // The credential's roles (and those they imply) that the user still holds there.
                    let granted = Set(try await directory.withImplied(credential.roleIDList).map(\.id))
                    roles = roles.filter { granted.contains($0.id) }
                }
                guard !roles.isEmpty else { return nil }
                project = found
                projectDomain = domain
            } else if record.system == "all" {
                roles = try await directory.effectiveSystemRoles(userID: user.id)
                guard !roles.isEmpty else { return nil }
            }
            return TokenInfo(
                user: user, userDomain: userDomain, project: project, projectDomain: projectDomain, roles: roles,
                methods: record.methods.split(separator: ",").map(String.init), issuedAt: record.issuedAt, expiresAt: record.expiresAt,
                auditID: record.auditId, isSystemScoped: record.system == "all", applicationCredential: credential,
                accessRules: credential?.accessRuleList)
        }
    }
}
