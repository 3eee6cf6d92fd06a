import Foundation
import HTTPTypes
import Logging
import NovaKitCore
import NovaKitPolicy

/// `/v3/auth/*`: password and token authentication, validation, revocation, catalog, projects.
enum AuthRoutes {
    static let authSchema = Schema.object(
        [
            "auth": .object(
                [
                    "identity": .object(
                        ["methods": .array(.oneOf(["password", "token", "application_credential"]), minItems: 1)], required: ["methods"],
                        additional: true)
                ],
                required: ["identity"], additional: true)
        ],
        required: ["auth"], additional: true)

    static var routes: [IdentityRoute] {
        [
            IdentityRoute(.post, "v3/auth/tokens", body: authSchema, issue),
            IdentityRoute(.get, "v3/auth/tokens") { request in
                let info = try await subject(request)
                let catalog: JSON? = request.query["nocatalog"] == nil ? try await request.service.read { try await $0.catalog(for: info) } : nil
                return IdentityReply(status: .ok, body: info.body(catalog: catalog), headers: ["X-Subject-Token": request.subjectToken ?? ""])
            },
            IdentityRoute(.head, "v3/auth/tokens") { request in
                _ = try await subject(request)
                return IdentityReply(status: .ok, body: nil, headers: ["X-Subject-Token": request.subjectToken ?? ""])
            },
            IdentityRoute(.delete, "v3/auth/tokens") { request in
                _ = try await subject(request)
                guard try await request.service.tokens.revoke(request.subjectToken ?? "") else { throw IdentityError.notFound("token", "subject") }
                return .noContent
            },
            IdentityRoute(.get, "v3/auth/catalog") { request in
                let caller = try await request.caller()
                let catalog = try await request.service.read { try await $0.catalog(for: caller) }
                return .ok(["catalog": catalog, "links": ["self": .string("\(request.base)/auth/catalog"), "previous": nil, "next": nil]])
            },
            IdentityRoute(.get, "v3/auth/system") { request in
                let caller = try await request.caller()
                let roles = try await request.service.read { try await $0.effectiveSystemRoles(userID: caller.user.id) }
                let systems: JSON = roles.isEmpty ? [] : [["all": true]]
                return .ok(["system": systems, "links": ["self": .string("\(request.base)/auth/system"), "previous": nil, "next": nil]])
            },
            IdentityRoute(.get, "v3/auth/projects") { request in
                let caller = try await request.caller()
                let projects = try await request.service.read { directory in
                    let mine = try await directory.projectIDs(of: caller.user.id)
                    return try await directory.projects.list().filter { mine.contains($0.id) && $0.enabled }
                }
                return .ok(IdentityViews.list("projects", projects.map { IdentityViews.project($0, request.base) }, request.base))
            },
        ]
    }

    /// `POST /v3/auth/tokens` with the `application_credential` method: by id, or by name with its user; the
    /// token is scoped to the credential's project with its roles (no other scope may be asked for).
    static func issueForApplicationCredential(_ request: IdentityRequest, _ identity: JSON?) async throws -> IdentityReply {
        let service = request.service
        let reference = identity?["application_credential"]
        guard let secret = reference?["secret"]?.stringValue else {
            throw IdentityError.badRequest("Expecting to find secret in application_credential.")
        }
        if let scope = request.body["auth"]?["scope"], !scope.isNull {
            throw IdentityError(401, "Application credentials cannot request a scope.")
        }
        let found: ApplicationCredentialRecord? = try await service.read { directory in
            if let id = reference?["id"]?.stringValue { return try await directory.applicationCredentials.find(id) }
            guard let name = reference?["name"]?.stringValue, let user = try await directory.user(reference?["user"]) else { return nil }
            return try await directory.applicationCredentials.list(["user_id": user.id, "name": name]).first
        }
        guard let credential = found, (credential.expiresAt ?? .distantFuture) > service.clock.now(),
            await service.passwords.verify(secret, against: credential.secretHash)
        else { throw IdentityError.unauthorized }
        let (token, info) = try await service.tokens.issue(
            userID: credential.userId, projectID: credential.projectId, applicationCredentialID: credential.id,
            methods: ["application_credential"], expiresAt: credential.expiresAt)
        let catalog: JSON? = request.query["nocatalog"] == nil ? try await service.read { try await $0.catalog(for: info) } : nil
        return IdentityReply(status: .created, body: info.body(catalog: catalog), headers: ["X-Subject-Token": token])
    }

    /// The subject token of a validate/check/revoke call: 401 for a bad caller, 404 for a bad subject.
    static func subject(_ request: IdentityRequest) async throws -> TokenInfo {
        let caller = try await request.caller()
        guard let token = request.subjectToken, let info = try await request.service.tokens.validate(token) else {
            throw IdentityError.notFound("token", "subject token")
        }
        guard
            request.service.policy.allows(
                IdentityPolicies.rule("validate_token"), credentials: caller.credentials, target: ["target.user_id": info.user.id])
        else { throw IdentityError.forbidden(IdentityPolicies.rule("validate_token")) }
        return info
    }

    /// `POST /v3/auth/tokens`: password or token method; scoped to a project, to the system, or unscoped.
    static func issue(_ request: IdentityRequest) async throws -> IdentityReply {
        do { try authSchema.validate(request.body) } catch { throw IdentityError.badRequest(error.message) }
        let identity = request.body["auth"]?["identity"]
        let methods =
            identity?["methods"].flatMap { value -> [String]? in
                guard case .array(let items) = value else { return nil }
                return items.compactMap(\.stringValue)
            } ?? []
        let service = request.service
        if methods.contains("application_credential") { return try await issueForApplicationCredential(request, identity) }
        let user: UserRecord
        var expiresAt: Date?
        if methods.contains("password") {
            let reference = identity?["password"]?["user"]
            guard let password = reference?["password"]?.stringValue else { throw IdentityError.badRequest("Expecting to find password in user.") }
            let found = try await service.read { try await $0.user(reference) }
            guard let found, found.enabled else { throw IdentityError.unauthorized }
            try await service.checkPassword(password, of: found, logger: request.logger)
            guard try await service.read({ try await $0.domains.find(found.domainId) })?.enabled == true else { throw IdentityError.unauthorized }
            try await service.lockout.reset(found.id, in: service.database)
            user = found
        } else {
            guard let token = identity?["token"]?["id"]?.stringValue, let info = try await service.tokens.validate(token) else {
                throw IdentityError.unauthorized
            }
            // A token made from an application credential stays within it: it cannot be traded for a new,
            // unrestricted or differently scoped token.
            guard info.applicationCredential == nil else {
                throw IdentityError(403, "A token made from an application credential cannot be used to get another token.")
            }
            user = info.user
            expiresAt = info.expiresAt
        }
        var projectID: String?
        var system = false
        if let scope = request.body["auth"]?["scope"], !scope.isNull {
            if let wanted = scope["system"] {
                guard wanted["all"] == .bool(true) else { throw IdentityError.badRequest("Only system scope \"all\" is supported.") }
                guard !(try await service.read { try await $0.effectiveSystemRoles(userID: user.id) }).isEmpty else {
                    throw IdentityError(401, "The request you have made requires authentication.")
                }
                system = true
            } else {
                guard let reference = scope["project"] else {
                    throw IdentityError.badRequest("NovaKit supports project and system scope; domain scope is not supported.")
                }
                let project = try await service.read { try await $0.project(reference) }
                guard let project, project.enabled,
                    !(try await service.read { try await $0.effectiveRoles(userID: user.id, projectID: project.id) }).isEmpty
                else { throw IdentityError(401, "The request you have made requires authentication.") }
                projectID = project.id
            }
        }
        let (token, info) = try await service.tokens.issue(
            userID: user.id, projectID: projectID, system: system, methods: methods.contains("password") ? ["password"] : ["token"],
            expiresAt: expiresAt)
        let catalog: JSON? =
            (projectID != nil || system) && request.query["nocatalog"] == nil ? try await service.read { try await $0.catalog(for: info) } : nil
        return IdentityReply(status: .created, body: info.body(catalog: catalog), headers: ["X-Subject-Token": token])
    }
}
