import Foundation
import HTTPTypes
import NovaKitAPI
import NovaKitCore
import NovaKitHTTP
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// `os-gadgets`: a new resource in one file — descriptor, policy, migration, object, typed body, errors,
/// SQL and operations. Registered with one line: `Gadgets(database: environment.database, clock: environment.clock)`.
struct Gadgets: APIExtension {
    static let key = ResourceKey<Gadget>("os-gadgets")

    let store: GadgetStore

    init(database: Database, clock: any NovaClock) {
        store = GadgetStore(database: database, clock: clock)
    }

    let descriptor = ExtensionDescriptor(
        name: "Gadgets", alias: "os-gadgets", namespace: "http://example.com/compute/ext/gadgets/api/v1",
        updated: "2026-11-26T00:00:00Z", description: "Gadgets: named things with a size.")

    static let rule = PolicyDefault("compute_extension:gadgets", "rule:admin_or_owner", description: "Manage a project's gadgets.")
    var policies: [PolicyDefault] { [Self.rule] }

    var migrations: [SchemaMigration] {
        [
            SchemaMigration("os-gadgets/001_create_gadgets") { sql, _ in
                try await sql.createSoftDeletableTable("gadgets") {
                    $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("project_id", type: .text, .notNull)
                        .column("name", type: .text, .notNull).column("size", type: .int, .notNull)
                }
            }
        ]
    }

    /// `{"gadget": {"name": "…", "size": 3}}`: validated against the schema, then decoded once.
    struct CreateBody: RequestBody {
        struct Fields: Decodable, Sendable {
            let name: String
            let size: Int?
        }

        let gadget: Fields

        static func schema(at version: APIVersion) -> Schema {
            .object(
                ["gadget": .object(["name": .string(minLength: 1, maxLength: 255), "size": .integer(minimum: 0, maximum: 100)], required: ["name"])],
                required: ["gadget"])
        }
    }

    var api: [APIDeclaration] {
        // The lookup loads the member once, before the policy check, and names its project as the target.
        Resource(Self.key, lookup: .target { [store] id, _ in try await store.get(id) }) {
            Index(policy: Self.rule) { request in
                Reply(["gadgets": .array(try await store.all(project: request.auth.projectID).map(\.view))])
            }
            Create(body: CreateBody.self, policy: Self.rule, status: .created) { body, request in
                let gadget = try await store.create(name: body.gadget.name, size: body.gadget.size ?? 1, project: request.auth.projectID)
                return Reply(["gadget": gadget.view])
            }
            Show(policy: Self.rule) { gadget, _ in Reply(["gadget": gadget.view]) }
            Delete(policy: Self.rule) { gadget, _ in
                try await store.delete(gadget.id)
                return .empty
            }
        }
    }
}

/// A gadget as stored.
struct Gadget: Sendable {
    let id: Int
    let projectID: String
    let name: String
    let size: Int

    var view: JSON { ["id": .int(id), "name": .string(name), "size": .int(size)] }
}

/// `Gadget <id> could not be found.` (404)
struct GadgetNotFound: FaultConvertible {
    let id: String
    var fault: Fault { .notFound("Gadget \(id) could not be found.") }
}

/// The SQL of the `gadgets` table.
struct GadgetStore: Sendable {
    let database: Database
    let clock: any NovaClock

    func all(project: String) async throws -> [Gadget] {
        try await database.withConnection { sql in
            try await sql.select().columns("id", "project_id", "name", "size").from("gadgets").where("project_id", .equal, SQLBind(project))
                .readDeleted(.no).orderBy("id").all().map(Self.gadget)
        }
    }

    /// The live gadget `id` and its project as the policy target; 404 when there is none.
    func get(_ id: String) async throws -> (Gadget, PolicyTarget) {
        guard let number = Int(id) else { throw GadgetNotFound(id: id) }
        let row = try await database.withConnection { sql in
            try await sql.select().columns("id", "project_id", "name", "size").from("gadgets").where("id", .equal, SQLBind(number))
                .readDeleted(.no).first()
        }
        guard let row else { throw GadgetNotFound(id: id) }
        let gadget = try Self.gadget(row)
        return (gadget, ["project_id": gadget.projectID])
    }

    func create(name: String, size: Int, project: String) async throws -> Gadget {
        let now = clock.now()
        let row = try await database.withConnection { sql in
            try await sql.insert(into: "gadgets").columns("project_id", "name", "size", "created_at", "deleted")
                .values(SQLBind(project), SQLBind(name), SQLBind(size), SQLBind(now), SQLBind(0)).returning("id").first()
        }
        return Gadget(id: try row?.decode(column: "id", as: Int.self) ?? 0, projectID: project, name: name, size: size)
    }

    func delete(_ id: Int) async throws {
        let now = clock.now()
        let deleted = try await database.withConnection { sql in try await sql.softDelete(from: "gadgets", id: id, at: now) }
        guard deleted else { throw GadgetNotFound(id: String(id)) }
    }

    private static func gadget(_ row: any SQLRow) throws -> Gadget {
        Gadget(
            id: try row.decode(column: "id", as: Int.self), projectID: try row.decode(column: "project_id", as: String.self),
            name: try row.decode(column: "name", as: String.self), size: try row.decode(column: "size", as: Int.self))
    }
}
