import Foundation
import NovaKitCore

/// Domains, projects, users, roles, services and endpoints: admin-only collections.
enum DirectoryRoutes {
    static let name = Schema.string(minLength: 1, maxLength: 255)
    static let text = Schema.string(maxLength: 65535).nullable

    static let projects = IdentityCRUD<ProjectRecord>(
        collection: "projects", member: "project", filters: ["name", "domain_id"],
        createSchema: .object(["name": name, "domain_id": name, "description": text, "enabled": .boolean], required: ["name"], additional: true),
        updateSchema: .object(["name": name, "description": text, "enabled": .boolean], additional: true),
        make: { body, request in
            let domainID = body["domain_id"]?.stringValue ?? "default"
            guard try await request.service.read({ try await $0.domains.find(domainID) }) != nil else {
                throw IdentityError.notFound("domain", domainID)
            }
            return ProjectRecord(
                id: request.service.newID(), name: body["name"]?.stringValue ?? "", domainId: domainID,
                description: body["description"]?.stringValue ?? "", enabled: body["enabled"] != .bool(false))
        },
        apply: { record, body, _ in
            if let name = body["name"]?.stringValue { record.name = name }
            if let description = body["description"] { record.description = description.stringValue ?? "" }
            if case .bool(let enabled) = body["enabled"] { record.enabled = enabled }
        },
        view: IdentityViews.project,
        unique: { ["domain_id": $0.domainId, "name": $0.name] },
        cascade: { directory, record, now in
            try await directory.assignments.delete(where: "project_id", equals: record.id, at: now)
            try await directory.groupAssignments.delete(where: "project_id", equals: record.id, at: now)
        })

    static let users = IdentityCRUD<UserRecord>(
        collection: "users", member: "user", filters: ["name", "domain_id"],
        createSchema: .object(
            [
                "name": name, "domain_id": name, "password": text, "enabled": .boolean, "default_project_id": name.nullable, "email": text,
                "description": text,
            ], required: ["name"], additional: true),
        updateSchema: .object(
            ["name": name, "password": text, "enabled": .boolean, "default_project_id": name.nullable, "email": text, "description": text],
            additional: true),
        make: { body, request in
            let domainID = body["domain_id"]?.stringValue ?? "default"
            guard try await request.service.read({ try await $0.domains.find(domainID) }) != nil else {
                throw IdentityError.notFound("domain", domainID)
            }
            let hash = try await body["password"]?.stringValue.asyncMap(request.service.passwords.hash)
            return UserRecord(
                id: request.service.newID(), name: body["name"]?.stringValue ?? "", domainId: domainID, passwordHash: hash,
                enabled: body["enabled"] != .bool(false), defaultProjectId: body["default_project_id"]?.stringValue,
                email: body["email"]?.stringValue,
                description: body["description"]?.stringValue)
        },
        apply: { record, body, request in
            if let name = body["name"]?.stringValue { record.name = name }
            if let password = body["password"]?.stringValue { record.passwordHash = try await request.service.passwords.hash(password) }
            // An administrator's new password or enabling the user ends a lockout, as in Keystone.
            if body["password"] != nil || body["enabled"] == .bool(true) {
                try await request.service.lockout.reset(record.id, in: request.service.database)
            }
            if case .bool(let enabled) = body["enabled"] { record.enabled = enabled }
            if let project = body["default_project_id"] { record.defaultProjectId = project.stringValue }
            if let email = body["email"] { record.email = email.stringValue }
            if let description = body["description"] { record.description = description.stringValue }
        },
        view: IdentityViews.user,
        unique: { ["domain_id": $0.domainId, "name": $0.name] },
        // As Keystone: a password set by an administrator ends the user's tokens.
        updated: { directory, record, body, now in
            if body["password"] != nil { try await directory.revokeTokens(ofUser: record.id, at: now) }
        },
        cascade: { directory, record, now in
            try await directory.assignments.delete(where: "user_id", equals: record.id, at: now)
            try await directory.memberships.delete(where: "user_id", equals: record.id, at: now)
        })

    static let roles = IdentityCRUD<RoleRecord>(
        collection: "roles", member: "role", filters: ["name"],
        createSchema: .object(["name": name, "description": text], required: ["name"], additional: true),
        updateSchema: .object(["name": name, "description": text], additional: true),
        make: { body, request in
            RoleRecord(id: request.service.newID(), name: body["name"]?.stringValue ?? "", description: body["description"]?.stringValue)
        },
        apply: { record, body, _ in
            if let name = body["name"]?.stringValue { record.name = name }
            if let description = body["description"] { record.description = description.stringValue }
        },
        view: IdentityViews.role,
        unique: { ["name": $0.name] },
        cascade: { directory, record, now in
            try await directory.assignments.delete(where: "role_id", equals: record.id, at: now)
            try await directory.groupAssignments.delete(where: "role_id", equals: record.id, at: now)
        })

    static let domains = IdentityCRUD<DomainRecord>(
        collection: "domains", member: "domain", filters: ["name"],
        createSchema: .object(["name": name, "description": text, "enabled": .boolean], required: ["name"], additional: true),
        updateSchema: .object(["name": name, "description": text, "enabled": .boolean], additional: true),
        make: { body, request in
            DomainRecord(
                id: request.service.newID(), name: body["name"]?.stringValue ?? "", description: body["description"]?.stringValue ?? "",
                enabled: body["enabled"] != .bool(false))
        },
        apply: { record, body, _ in
            if let name = body["name"]?.stringValue { record.name = name }
            if let description = body["description"] { record.description = description.stringValue ?? "" }
            if case .bool(let enabled) = body["enabled"] { record.enabled = enabled }
        },
        view: IdentityViews.domain,
        unique: { ["name": $0.name] })

    static let services = IdentityCRUD<ServiceRecord>(
        collection: "services", member: "service", filters: ["type", "name"],
        createSchema: .object(["type": name, "name": name, "description": text, "enabled": .boolean], required: ["type"], additional: true),
        updateSchema: .object(["type": name, "name": name, "description": text, "enabled": .boolean], additional: true),
        make: { body, request in
            ServiceRecord(
                id: request.service.newID(), type: body["type"]?.stringValue ?? "", name: body["name"]?.stringValue ?? "",
                description: body["description"]?.stringValue ?? "", enabled: body["enabled"] != .bool(false))
        },
        apply: { record, body, _ in
            if let type = body["type"]?.stringValue { record.type = type }
            if let name = body["name"]?.stringValue { record.name = name }
            if let description = body["description"] { record.description = description.stringValue ?? "" }
            if case .bool(let enabled) = body["enabled"] { record.enabled = enabled }
        },
        view: IdentityViews.service,
        cascade: { directory, record, now in try await directory.endpoints.delete(where: "service_id", equals: record.id, at: now) })

    static let endpoints = IdentityCRUD<EndpointRecord>(
        collection: "endpoints", member: "endpoint", filters: ["interface", "service_id"],
        createSchema: .object(
            [
                "service_id": name, "interface": .oneOf(["public", "internal", "admin"]), "url": name, "region": name, "region_id": name,
                "enabled": .boolean,
            ], required: ["service_id", "interface", "url"], additional: true),
        updateSchema: .object(["url": name, "enabled": .boolean], additional: true),
        make: { body, request in
            let serviceID = body["service_id"]?.stringValue ?? ""
            guard try await request.service.read({ try await $0.services.find(serviceID) }) != nil else {
                throw IdentityError.notFound("service", serviceID)
            }
            let region = body["region_id"]?.stringValue ?? body["region"]?.stringValue ?? "RegionOne"
            try await request.service.change { directory, now in try await directory.ensureRegion(region, at: now) }
            return EndpointRecord(
                id: request.service.newID(), serviceId: serviceID, interface: body["interface"]?.stringValue ?? "public", region: region,
                url: body["url"]?.stringValue ?? "", enabled: body["enabled"] != .bool(false))
        },
        apply: { record, body, request in
            if let url = body["url"]?.stringValue { record.url = url }
            if let region = body["region_id"]?.stringValue ?? body["region"]?.stringValue {
                try await request.service.change { directory, now in try await directory.ensureRegion(region, at: now) }
                record.region = region
            }
            if case .bool(let enabled) = body["enabled"] { record.enabled = enabled }
        },
        view: IdentityViews.endpoint)

    /// Regions: an id given or made, a description and an optional parent (which must exist, and may not be
    /// the region itself or one under it). Deleting a region deletes the regions under it, unless one of them
    /// still has endpoints (403, as Keystone).
    static let regions = IdentityCRUD<RegionRecord>(
        collection: "regions", member: "region", filters: ["parent_region_id"],
        createSchema: .object(["id": name, "description": text, "parent_region_id": name.nullable], additional: true),
        updateSchema: .object(["description": text, "parent_region_id": name.nullable], additional: true),
        make: { body, request in
            let region = RegionRecord(
                id: body["id"]?.stringValue ?? request.service.newID(), description: body["description"]?.stringValue ?? "",
                parentRegionId: body["parent_region_id"]?.stringValue)
            if try await request.service.read({ try await $0.regions.find(region.id) }) != nil {
                throw IdentityError(409, "Duplicate ID, \(region.id).")
            }
            try await RegionTree.checkParent(of: region, request)
            return region
        },
        apply: { record, body, request in
            if let description = body["description"] { record.description = description.stringValue ?? "" }
            if let parent = body["parent_region_id"] {
                record.parentRegionId = parent.stringValue
                try await RegionTree.checkParent(of: record, request)
            }
        },
        view: IdentityViews.region,
        cascade: { directory, record, now in try await RegionTree.deleteDescendants(of: record, directory, at: now) })

    static var routes: [IdentityRoute] {
        projects.routes + users.routes + roles.routes + domains.routes + services.routes + endpoints.routes + regions.routes
    }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
