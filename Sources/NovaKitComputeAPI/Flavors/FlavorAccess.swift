import HTTPTypes
public import NovaKitAPI
public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// `os-flavor-access`: which projects may use a private flavor; actions on `flavors` and a nested list.
public struct FlavorAccess: APIExtension {
    public static let key = ResourceKey<Flavor>("os-flavor-access", under: Flavors.key, parameter: "flavor_id")

    let store: FlavorStore

    public init(database: Database, clock: any NovaClock) {
        store = FlavorStore(database: database, clock: clock)
    }

    public let descriptor = ExtensionDescriptor(
        name: "FlavorAccess", alias: "os-flavor-access", namespace: "http://docs.openstack.org/compute/ext/flavor_access/api/v2",
        updated: "2012-08-01T00:00:00Z", description: "Flavor access support.")

    enum Rules {
        static let list = PolicyDefault("os_compute_api:os-flavor-access", "rule:context_is_admin")
        static let add = PolicyDefault("os_compute_api:os-flavor-access:add_tenant_access", "rule:context_is_admin")
        static let remove = PolicyDefault("os_compute_api:os-flavor-access:remove_tenant_access", "rule:context_is_admin")
    }

    public var policies: [PolicyDefault] { [Rules.list, Rules.add, Rules.remove] }

    /// `{"addTenantAccess": {"tenant": "<project id>"}}`, and the same for removeTenantAccess.
    struct TenantBody: RequestBody {
        let tenant: String

        static func schema(at version: APIVersion) -> Schema {
            .object(["tenant": .string(minLength: 1, maxLength: 255)], required: ["tenant"])
        }
    }

    public var api: [APIDeclaration] {
        Resource(Self.key) {
            Index(policy: Rules.list) { flavor, _ in
                guard !flavor.isPublic else { throw Fault.notFound("Access list not available for public flavors.") }
                return Reply(try await view(flavor))
            }
        }
        Actions(on: Flavors.key) {
            Action("addTenantAccess", body: TenantBody.self, versions: .through(6), policy: Rules.add, status: .ok) { flavor, body, _ in
                try await grant(flavor, to: body.tenant)
            }
            // From 2.7 a public flavor refuses it (409), as Nova checks `is_public` from then on.
            Action("addTenantAccess", body: TenantBody.self, versions: .from(7), policy: Rules.add, status: .ok) { flavor, body, _ in
                if flavor.isPublic { throw Fault.conflict("Can not add access to a public flavor.") }
                return try await grant(flavor, to: body.tenant)
            }
            Action("removeTenantAccess", body: TenantBody.self, policy: Rules.remove, status: .ok) { flavor, body, _ in
                try await store.revoke(flavor.flavorID, from: body.tenant)
                return Reply(try await view(flavor))
            }
        }
    }

    func grant(_ flavor: Flavor, to project: String) async throws -> Reply {
        try await store.grant(flavor.flavorID, to: project)
        return Reply(try await view(flavor))
    }

    func view(_ flavor: Flavor) async throws -> JSON {
        let projects = try await store.projects(of: flavor.flavorID)
        return ["flavor_access": .array(projects.map { ["flavor_id": .string(flavor.flavorID), "tenant_id": .string($0)] })]
    }
}

extension FlavorStore {
    /// Gives `project` access to flavor `id`; 409 when it already has it.
    func grant(_ id: String, to project: String) async throws {
        let now = clock.now()
        try await changing {
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
    }

    /// Takes `project`'s access away; 404 when it had none.
    func revoke(_ id: String, from project: String) async throws {
        let now = clock.now()
        let removed = try await changing {
            try await database.withConnection { sql in
                try await sql.softDelete(from: "flavor_projects", matching: [("flavor_id", id), ("project_id", project)], at: now)
            }
        }
        guard removed > 0 else { throw Fault.notFound("Flavor access not found for \(id) / \(project) combination.") }
    }
}
