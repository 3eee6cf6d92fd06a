import Foundation
import HTTPTypes
import NovaKitCore
import NovaKitHTTP

/// `/v3/users/{user_id}/application_credentials`: a user makes credentials for the project their token is
/// scoped to, with some or all of their roles there, optionally an expiry and access rules. The secret is
/// shown once, at creation, and stored as a bcrypt hash; deleting a credential ends the tokens made from it.
enum ApplicationCredentialRoutes {
    static let collection = "v3/users/{user_id}/application_credentials"
    static let name = Schema.string(minLength: 1, maxLength: 255)

    static let createSchema = Schema.object(["application_credential": credentialSchema], required: ["application_credential"], additional: true)

    static let credentialSchema = Schema.object(
        [
            "name": name, "description": Schema.string(maxLength: 65535).nullable, "secret": name.nullable,
            "expires_at": name.nullable, "unrestricted": .boolean,
            "roles": .array(.object(["id": name, "name": name], additional: true)),
            "access_rules": .array(
                .object(
                    [
                        "id": name, "service": name, "path": name,
                        "method": .oneOf(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]),
                    ], required: ["service", "method", "path"], additional: false)),
        ], required: ["name"], additional: true)

    static var routes: [IdentityRoute] {
        [
            IdentityRoute(.post, collection, body: createSchema, create),
            IdentityRoute(.get, collection) { request in
                let user = request.parameter("user_id")
                try await request.authorize(IdentityPolicies.rule("list_application_credentials"), target: ["target.user.id": user])
                var filter = ["user_id": user]
                if let name = request.query["name"] { filter["name"] = name }
                let chosen = filter
                let (credentials, roles) = try await request.service.read { directory in
                    (try await directory.applicationCredentials.list(chosen), try await directory.roles.list())
                }
                let items = credentials.map { view($0, roles: roles, request.base) }
                return .ok(IdentityViews.list("application_credentials", items, request.base))
            },
            IdentityRoute(.get, collection + "/{id}") { request in
                let (credential, roles) = try await find(request, rule: "get_application_credential")
                return .ok(["application_credential": view(credential, roles: roles, request.base)])
            },
            IdentityRoute(.delete, collection + "/{id}") { request in
                let (credential, _) = try await find(request, rule: "delete_application_credential")
                try await request.service.change { directory, now in
                    _ = try await directory.applicationCredentials.delete(equals: credential.id, at: now)
                    _ = try await IdentityRepository<TokenRecord>(sql: directory.sql)
                        .delete(where: "application_credential_id", equals: credential.id, at: now)
                }
                return .noContent
            },
        ]
    }

    static func create(_ request: IdentityRequest) async throws -> IdentityReply {
        let user = request.parameter("user_id")
        let caller = try await request.authorize(IdentityPolicies.rule("create_application_credential"), target: ["target.user.id": user])
        guard let project = caller.project else {
            throw IdentityError.badRequest("An application credential is made with a token scoped to a project.")
        }
        if let used = caller.applicationCredential, !used.unrestricted {
            throw IdentityError(403, "Using method 'application_credential' is not allowed for managing additional application credentials.")
        }
        let body = try request.entity("application_credential", credentialSchema)
        var roleIDs = caller.roles.map(\.id)
        // No roles (or an empty list, as openstackclient sends) means all the token's roles, as Keystone.
        if let wanted = body["roles"]?.arrayValue, !wanted.isEmpty {
            roleIDs = try wanted.map { reference in
                guard let held = caller.roles.first(where: { $0.id == reference["id"]?.stringValue || $0.name == reference["name"]?.stringValue })
                else {
                    let shown = reference["id"]?.stringValue ?? reference["name"]?.stringValue ?? "?"
                    throw IdentityError(404, "Could not find role assignment with role: \(shown), user or group: \(user), project: \(project.id).")
                }
                return held.id
            }
        }
        var expiresAt: Date?
        if let text = body["expires_at"]?.stringValue {
            guard let date = Timestamp.parse(text) else { throw IdentityError.badRequest("Invalid expires_at: \(text).") }
            guard date > request.service.clock.now() else { throw IdentityError.badRequest("The expiration time is in the past.") }
            expiresAt = date
        }
        let rules = (body["access_rules"]?.arrayValue ?? []).map { rule in
            AccessRule(
                id: rule["id"]?.stringValue ?? request.service.newID(), service: rule["service"]?.stringValue ?? "",
                method: rule["method"]?.stringValue ?? "", path: rule["path"]?.stringValue ?? "")
        }
        let secret = body["secret"]?.stringValue ?? SecretToken.random(bytes: 48)
        let credential = ApplicationCredentialRecord(
            id: request.service.newID(), name: body["name"]?.stringValue ?? "", description: body["description"]?.stringValue ?? "",
            userId: user, projectId: project.id, secretHash: try await request.service.passwords.hash(secret), expiresAt: expiresAt,
            unrestricted: body["unrestricted"] == .bool(true), roleIds: Array(Set(roleIDs)).sorted().joined(separator: ","),
            accessRules: rules.isEmpty ? nil : String(decoding: try JSONEncoder().encode(rules), as: UTF8.self))
        let roles = try await request.service.change { directory, now in
            guard try await directory.applicationCredentials.list(["user_id": user, "name": credential.name]).isEmpty else {
                throw IdentityError.conflict("application credential")
            }
            try await directory.applicationCredentials.insert(credential, at: now)
            return try await directory.roles.list()
        }
        var shown = view(credential, roles: roles, request.base)
        shown["secret"] = .string(secret)
        return .created(["application_credential": shown])
    }

    /// The credential of the URL, after `rule` (admins, or its user); 404 when the user has none by that id.
    static func find(_ request: IdentityRequest, rule: String) async throws -> (ApplicationCredentialRecord, [RoleRecord]) {
        let user = request.parameter("user_id")
        let id = request.parameter("id")
        try await request.authorize(IdentityPolicies.rule(rule), target: ["target.user.id": user])
        let (found, roles) = try await request.service.read { directory in
            (try await directory.applicationCredentials.find(id), try await directory.roles.list())
        }
        guard let found, found.userId == user else { throw IdentityError.notFound("application credential", id) }
        return (found, roles)
    }

    static func view(_ credential: ApplicationCredentialRecord, roles: [RoleRecord], _ base: String) -> JSON {
        let ids = credential.roleIDList
        var view: JSON = [
            "id": .string(credential.id), "name": .string(credential.name), "description": .string(credential.description),
            "user_id": .string(credential.userId), "project_id": .string(credential.projectId),
            "expires_at": credential.expiresAt.map { .string(TokenInfo.format($0)) } ?? .null, "unrestricted": .bool(credential.unrestricted),
            "roles": .array(
                roles.filter { ids.contains($0.id) }.map { ["id": .string($0.id), "name": .string($0.name), "domain_id": .null] }),
            "links": ["self": .string("\(base)/users/\(credential.userId)/application_credentials/\(credential.id)")],
        ]
        view["access_rules"] = .array((credential.accessRuleList ?? []).map(\.json))
        return view
    }
}
