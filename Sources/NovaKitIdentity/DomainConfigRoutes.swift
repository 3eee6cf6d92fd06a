import Foundation
import HTTPTypes
import NovaKitCore

/// Domain-specific configuration, read-only: every domain uses the SQL identity backend, so no domain has a
/// configuration of its own (`GET /v3/domains/{id}/config` is 404, as Keystone answers for such a domain) and
/// the defaults Keystone lets a domain override are served at `/v3/domains/config[/{group}[/{option}]]/default`.
enum DomainConfigRoutes {
    /// The groups and options a domain could override, with the values every domain has here.
    static let defaults: [String: JSON] = [
        "identity": ["driver": "sql"],
        "ldap": [
            "url": "ldap://localhost", "user": nil, "suffix": "cn=example,cn=com", "query_scope": "one", "page_size": 0,
            "user_tree_dn": nil, "group_tree_dn": nil,
        ],
    ]

    static var routes: [IdentityRoute] {
        [
            IdentityRoute(.get, "v3/domains/config/default") { request in
                try await request.authorize(IdentityPolicies.rule("get_domain_config_default"))
                return .ok(["config": .object(defaults)])
            },
            IdentityRoute(.get, "v3/domains/config/{group}/default") { request in
                try await request.authorize(IdentityPolicies.rule("get_domain_config_default"))
                return .ok(["config": try group(request.parameter("group"))])
            },
            IdentityRoute(.get, "v3/domains/config/{group}/{option}/default") { request in
                try await request.authorize(IdentityPolicies.rule("get_domain_config_default"))
                let option = request.parameter("option")
                guard let value = try group(request.parameter("group"))[option] else {
                    throw IdentityError.notFound("domain config option", option)
                }
                return .ok(["config": [option: value]])
            },
            IdentityRoute(.get, "v3/domains/{domain_id}/config") { request in
                try await request.authorize(IdentityPolicies.rule("get_domain_config"))
                let domain = request.parameter("domain_id")
                guard try await request.service.read({ try await $0.domains.find(domain) }) != nil else {
                    throw IdentityError.notFound("domain", domain)
                }
                throw IdentityError(404, "Could not find config for domain \(domain): it uses the default (SQL) identity backend.")
            },
        ]
    }

    /// A group of the defaults; 404 for one a domain cannot override.
    static func group(_ name: String) throws -> JSON {
        guard let group = defaults[name] else { throw IdentityError(404, "Could not find domain config group: \(name).") }
        return group
    }
}
