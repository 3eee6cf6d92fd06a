public import Foundation
import HTTPTypes
public import NovaKitAPI
public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// `os-documents`: the reference extension resource, a soft-deletable collection shared by all projects.
public struct Documents: APIExtension {
    public static let key = ResourceKey<Document>("os-documents")

    let store: DocumentStore

    public init(database: Database, clock: any NovaClock) {
        store = DocumentStore(database: database, clock: clock)
    }

    public let descriptor = ExtensionDescriptor(
        name: "Documents", alias: "os-documents", namespace: "http://docs.openstack.org/compute/ext/documents/api/v1.1",
        updated: "2015-03-24T00:00:00Z", description: "Documents: a named, soft-deletable collection.")

    /// The extension's rule, and one override per operation that defaults to it.
    enum Rules {
        static let base = PolicyDefault(
            "compute_extension:documents", "rule:admin_or_owner", description: "Any authenticated user of a project may manage documents.")
        static let index = operation("index")
        static let create = operation("create")
        static let show = operation("show")
        static let update = operation("update")
        static let delete = operation("delete")

        static func operation(_ name: String) -> PolicyDefault {
            PolicyDefault("\(base.name):\(name)", "rule:\(base.name)", description: "Override for os-documents \(name).")
        }
    }

    public var policies: [PolicyDefault] { [Rules.base, Rules.index, Rules.create, Rules.show, Rules.update, Rules.delete] }

    public var migrations: [SchemaMigration] {
        [
            SchemaMigration("os-documents/001_create_documents") { sql, _ in
                try await sql.createSoftDeletableTable("documents") {
                    $0.column("id", type: .int, .primaryKey(autoIncrement: false))
                        .column("name", type: .custom(SQLRaw("VARCHAR(45)")))
                }
            }
        ]
    }

    /// `{"document": {"id": 1, "name": "test1"}}`; `id` is assigned when omitted.
    struct CreateBody: RequestBody {
        let id: Int?
        let name: String

        static func schema(at version: APIVersion) -> Schema {
            .object(["id": .integer(minimum: 1, maximum: Int(Int32.max)), "name": nameSchema], required: ["name"])
        }
    }

    /// `{"name": "new name"}`
    struct RenameBody: RequestBody {
        let name: String

        static func schema(at version: APIVersion) -> Schema { .object(["name": nameSchema], required: ["name"]) }
    }

    static let nameSchema = Schema.string(minLength: 1, maxLength: 45)

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: .afterPolicy { id, _ in try await store.get(id) }) {
            Index(policy: Rules.index) { _ in
                Reply(["document": .array(try await store.all().map { ["id": .int($0.id), "name": .string($0.name)] })])
            }
            Create(body: CreateBody.self, policy: Rules.create, status: .accepted) { body, _ in
                try await store.create(id: body.id, name: body.name)
                return .empty
            }
            Show(policy: Rules.show) { document, _ in Reply(["document": document.view]) }
            Update(body: RenameBody.self, policy: Rules.update, status: .accepted) { document, body, _ in
                try await store.rename(document.id, to: body.name)
                return .empty
            }
            Delete(policy: Rules.delete, status: .accepted) { document, _ in
                try await store.delete(document.id)
                return .empty
            }
        }
    }
}

/// A document as stored.
public struct Document: VersionedObject {
    public static let objectName = "Document"
    public static let objectVersion = "1.0"

    public let id: Int
    public let name: String
    public let createdAt: Date?
    public let updatedAt: Date?

    var view: JSON {
        [
            "id": .int(id), "name": .string(name),
            "created_at": .string(createdAt.map(Timestamp.naive)), "updated_at": .string(updatedAt.map(Timestamp.naive)),
        ]
    }
}

/// `Document <id> could not be found.` (404)
struct DocumentNotFound: FaultConvertible {
    let id: String
    var fault: Fault { .notFound("Document \(id) could not be found.") }
}

/// `Document <id> already exists.` (409)
struct DocumentExists: FaultConvertible {
    let id: Int
    var fault: Fault { .conflict("Document \(id) already exists.") }
}

/// The SQL of the `documents` table.
struct DocumentStore: Sendable {
    let database: Database
    let clock: any NovaClock

    func all() async throws -> [Document] {
        try await database.read { sql in
            try await sql.select().columns("id", "name", "created_at", "updated_at").from("documents")
                .readDeleted(.no).orderBy("id").all().map(Self.document)
        }
    }

    func get(_ id: String) async throws -> Document {
        guard let number = Int(id) else { throw DocumentNotFound(id: id) }
        let row = try await database.read { sql in
            try await sql.select().columns("id", "name", "created_at", "updated_at").from("documents")
                .where("id", .equal, SQLBind(number)).readDeleted(.no).first()
        }
        guard let row else { throw DocumentNotFound(id: id) }
        return try Self.document(row)
    }

    /// Inserts a document; `id` is assigned when omitted. Any existing row with the id, live or deleted, is a conflict.
    func create(id: Int?, name: String) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            let assigned: Int
            if let id {
                let existing = try await sql.select().column("id").from("documents").where("id", .equal, SQLBind(id))
                    .readDeleted(.yes).first()
                guard existing == nil else { throw DocumentExists(id: id) }
                assigned = id
            } else {
                let row = try await sql.raw("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM documents").first()
                assigned = try row?.decode(column: "next", as: Int.self) ?? 1
            }
            try await sql.insert(into: "documents").columns("id", "name", "created_at", "deleted")
                .values(SQLBind(assigned), SQLBind(name), SQLBind(now), SQLBind(0)).run()
        }
    }

    func rename(_ id: Int, to name: String) async throws {
        let now = clock.now()
        let changed = try await database.withConnection { sql in
            try await sql.update("documents").set("name", to: SQLBind(name)).set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(id)).readDeleted(.no).returning("id").all()
        }
        guard !changed.isEmpty else { throw DocumentNotFound(id: String(id)) }
    }

    func delete(_ id: Int) async throws {
        let now = clock.now()
        let deleted = try await database.withConnection { sql in try await sql.softDelete(from: "documents", id: id, at: now) }
        guard deleted else { throw DocumentNotFound(id: String(id)) }
    }

    private static func document(_ row: any SQLRow) throws -> Document {
        Document(
            id: try row.decode(column: "id", as: Int.self), name: try row.decode(column: "name", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Date?.self), updatedAt: try row.decode(column: "updated_at", as: Date?.self))
    }
}
