import Foundation
import NovaKitAPI

/// `os-documents`: the reference extension resource, a soft-deletable collection shared by all projects.
public struct Documents: APIExtension {
    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "Documents", alias: "os-documents", namespace: "http://docs.openstack.org/compute/ext/documents/api/v1.1",
        updated: "2015-03-24T00:00:00Z", description: "Documents: a named, soft-deletable collection.")

    static let rule = "compute_extension:documents"
    static func rule(_ action: String) -> String { "\(rule):\(action)" }

    public var policies: [PolicyDefault] {
        [PolicyDefault(Self.rule, "rule:admin_or_owner", description: "Any authenticated user of a project may manage documents.")]
            + ["index", "create", "show", "update", "delete"].map {
                PolicyDefault(Self.rule($0), "rule:\(Self.rule)", description: "Override for os-documents \($0).")
            }
    }

    public var migrations: [Migration] {
        [
            Migration("os-documents/001_create_documents") { sql, _ in
                try await sql.createSoftDeletableTable("documents") {
                    $0.column("id", type: .int, .primaryKey(autoIncrement: false))
                        .column("name", type: .custom(SQLRaw("VARCHAR(45)")))
                }
            }
        ]
    }

    static let name = Schema.string(minLength: 1, maxLength: 45)
    static let createSchema = Schema.object(["id": .integer(minimum: 1, maximum: Int(Int32.max)), "name": name], required: ["name"])
    static let updateSchema = Schema.object(["name": name], required: ["name"])

    public var api: [APIDeclaration] {
        Resource("os-documents") {
            Index(policy: Self.rule("index")) { request in
                let documents = try await DocumentStore(request).all()
                return Reply(["document": .array(documents.map { ["id": .int($0.id), "name": .string($0.name)] })])
            }
            Create(Self.createSchema, policy: Self.rule("create"), status: .accepted) { request in
                try await DocumentStore(request).create(id: request.body["id"]?.intValue, name: request.body["name"]?.stringValue ?? "")
                return .empty
            }
            Show(policy: Self.rule("show")) { request in
                let document = try await DocumentStore(request).get(request.parameter("id"))
                return Reply(["document": document.view])
            }
            Update(Self.updateSchema, policy: Self.rule("update"), status: .accepted) { request in
                try await DocumentStore(request).rename(request.parameter("id"), to: request.body["name"]?.stringValue ?? "")
                return .empty
            }
            Delete(policy: Self.rule("delete"), status: .accepted) { request in
                try await DocumentStore(request).delete(request.parameter("id"))
                return .empty
            }
        }
    }
}

/// A document as stored.
struct Document: VersionedObject {
    static let objectName = "Document"
    static let objectVersion = "1.0"

    let id: Int
    let name: String
    let createdAt: Date?
    let updatedAt: Date?

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
struct DocumentStore: TableStore {
    let database: Database
    let clock: any NovaClock

    func all() async throws -> [Document] {
        try await database.withConnection { sql in
            try await sql.select().columns("id", "name", "created_at", "updated_at").from("documents")
                .readDeleted(.no).orderBy("id").all().map(Self.document)
        }
    }

    func get(_ id: String) async throws -> Document {
        guard let number = Int(id) else { throw DocumentNotFound(id: id) }
        let row = try await database.withConnection { sql in
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

    func rename(_ id: String, to name: String) async throws {
        guard let number = Int(id) else { throw DocumentNotFound(id: id) }
        let now = clock.now()
        let changed = try await database.withConnection { sql in
            try await sql.update("documents").set("name", to: SQLBind(name)).set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(number)).readDeleted(.no).returning("id").all()
        }
        guard !changed.isEmpty else { throw DocumentNotFound(id: id) }
    }

    func delete(_ id: String) async throws {
        guard let number = Int(id) else { throw DocumentNotFound(id: id) }
        let now = clock.now()
        let deleted = try await database.withConnection { sql in try await sql.softDelete(from: "documents", id: number, at: now) }
        guard deleted else { throw DocumentNotFound(id: id) }
    }

    private static func document(_ row: any SQLRow) throws -> Document {
        Document(
            id: try row.decode(column: "id", as: Int.self), name: try row.decode(column: "name", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Date?.self), updatedAt: try row.decode(column: "updated_at", as: Date?.self))
    }
}
