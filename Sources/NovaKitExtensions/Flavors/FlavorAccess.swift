import NovaKitAPI

/// `os-flavor-access`: which projects may use a private flavor; actions on `flavors` and a nested list.
public struct FlavorAccess: APIExtension {
    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "FlavorAccess", alias: "os-flavor-access", namespace: "http://docs.openstack.org/compute/ext/flavor_access/api/v2",
        updated: "2012-08-01T00:00:00Z", description: "Flavor access support.")

    static let list = "os_compute_api:os-flavor-access"
    static let add = "os_compute_api:os-flavor-access:add_tenant_access"
    static let remove = "os_compute_api:os-flavor-access:remove_tenant_access"

    public var policies: [PolicyDefault] {
        [Self.list, Self.add, Self.remove].map { PolicyDefault($0, "rule:context_is_admin") }
    }

    static let tenant = Schema.object(["tenant": .string(minLength: 1, maxLength: 255)], required: ["tenant"])

    public var api: [APIDeclaration] {
        Resource("os-flavor-access", parent: .init("flavors", parameter: "flavor_id")) {
            Index(policy: Self.list) { request in
                let flavor = try await Self.privateFlavor(request, request.parameter("flavor_id"))
                return Reply(try await Self.view(request, flavor))
            }
        }
        Actions(on: "flavors") {
            Action("addTenantAccess", schema: Self.tenant, versions: .through(6), policy: Self.add, status: .ok, Self.grant(refusingPublic: false))
            Action("addTenantAccess", schema: Self.tenant, versions: .from(7), policy: Self.add, status: .ok, Self.grant(refusingPublic: true))
            Action("removeTenantAccess", schema: Self.tenant, policy: Self.remove, status: .ok) { request in
                let flavor = try await FlavorStore(request).get(request.parameter("id"), visibleTo: "", isAdmin: true)
                try await FlavorStore(request).revoke(flavor.flavorID, from: request.body["tenant"]?.stringValue ?? "")
                return Reply(try await Self.view(request, flavor))
            }
        }
    }

    /// Grants access; from 2.7 a public flavor refuses it (409), as Nova checks `is_public` from then on.
    static func grant(refusingPublic: Bool) -> Handler {
        { request in
            let flavor = try await FlavorStore(request).get(request.parameter("id"), visibleTo: "", isAdmin: true)
            if refusingPublic && flavor.isPublic { throw Fault.conflict("Can not add access to a public flavor.") }
            try await FlavorStore(request).grant(flavor.flavorID, to: request.body["tenant"]?.stringValue ?? "")
            return Reply(try await Self.view(request, flavor))
        }
    }

    static func privateFlavor(_ request: APIRequest, _ id: String) async throws -> Flavor {
        let flavor = try await FlavorStore(request).get(id, visibleTo: "", isAdmin: true)
        guard !flavor.isPublic else { throw Fault.notFound("Access list not available for public flavors.") }
        return flavor
    }

    static func view(_ request: APIRequest, _ flavor: Flavor) async throws -> JSON {
        let projects = try await FlavorStore(request).projects(of: flavor.flavorID)
        return ["flavor_access": .array(projects.map { ["flavor_id": .string(flavor.flavorID), "tenant_id": .string($0)] })]
    }
}

extension FlavorStore {
    /// Gives `project` access to flavor `id`; 409 when it already has it.
    func grant(_ id: String, to project: String) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            let existing = try await sql.select().column("id").from("flavor_projects").where("flavor_id", .equal, SQLBind(id))
                .where("project_id", .equal, SQLBind(project)).readDeleted(.no).first()
            guard existing == nil else {
                throw Fault.conflict("Flavor access already exists for flavor \(id) and project \(project) combination.")
            }
            try await sql.insert(into: "flavor_projects").columns("flavor_id", "project_id", "created_at", "deleted")
                .values(SQLBind(id), SQLBind(project), SQLBind(now), SQLBind(0)).run()
        }
    }

    /// Takes `project`'s access away; 404 when it had none.
    func revoke(_ id: String, from project: String) async throws {
        let now = clock.now()
        let removed = try await database.withConnection { sql in
            try await sql.softDelete(from: "flavor_projects", matching: [("flavor_id", id), ("project_id", project)], at: now)
        }
        guard removed > 0 else { throw Fault.notFound("Flavor access not found for \(id) / \(project) combination.") }
    }
}
