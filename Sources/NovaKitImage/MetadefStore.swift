import Foundation
import NovaKitCore
import NovaKitHTTP
import NovaKitStorage
import SQLKit

/// A metadata-definition namespace: a named, owned group of property, object and tag definitions, and the
/// resource types (images, flavors, …) they apply to.
struct MetadefNamespace: Sendable, Equatable {
    var namespace: String
    var displayName: String?
    var description: String?
    var visibility: String
    var protected: Bool
    var owner: String
    var createdAt: Date
    var updatedAt: Date?

    /// Public namespaces are for everyone; private ones for their owner (and admins).
    func visible(to project: String, isAdmin: Bool) -> Bool { isAdmin || visibility == "public" || owner == project }
}

/// One named definition inside a namespace: an object, a property, a tag or a resource-type association,
/// kept as the JSON Glance shows (without the fields the service adds).
struct MetadefEntry: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case object, property, tag
        case association = "resource_type_association"
    }

    var namespace: String
    var kind: Kind
    var name: String
    var body: JSON
    var createdAt: Date
    var updatedAt: Date?
}

/// The SQL of the metadata-definition catalog: `metadef_namespaces` and `metadef_entries`.
struct MetadefStore: Sendable {
    let database: Database
    let clock: any NovaClock

    static let migration = SchemaMigration("images/005_metadefs") { sql, _ in
        try await sql.createSoftDeletableTable("metadef_namespaces") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("namespace", type: .text, .notNull)
                .column("display_name", type: .text).column("description", type: .text).column("visibility", type: .text, .notNull)
                .column("protected", type: .custom(SQLRaw("BOOLEAN")), .notNull).column("owner", type: .text, .notNull)
                .unique(["namespace", "deleted"])
        }
        try await sql.createSoftDeletableTable("metadef_entries") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("namespace", type: .text, .notNull)
                .column("kind", type: .text, .notNull).column("name", type: .text, .notNull).column("body", type: .text, .notNull)
                .unique(["namespace", "kind", "name", "deleted"])
        }
    }

    private static func namespace(_ row: any SQLRow) throws -> MetadefNamespace {
        MetadefNamespace(
            namespace: try row.decode(column: "namespace"), displayName: try row.decode(column: "display_name", as: String?.self),
            description: try row.decode(column: "description", as: String?.self), visibility: try row.decode(column: "visibility"),
            protected: try row.decode(column: "protected"), owner: try row.decode(column: "owner"), createdAt: try row.decode(column: "created_at"),
            updatedAt: try row.decode(column: "updated_at", as: Date?.self))
    }

    private static func entry(_ row: any SQLRow) throws -> MetadefEntry {
        let text = try row.decode(column: "body", as: String.self)
        return MetadefEntry(
            namespace: try row.decode(column: "namespace"), kind: MetadefEntry.Kind(rawValue: try row.decode(column: "kind")) ?? .tag,
            name: try row.decode(column: "name"), body: (try? JSON.parse(Data(text.utf8))) ?? [:], createdAt: try row.decode(column: "created_at"),
            updatedAt: try row.decode(column: "updated_at", as: Date?.self))
    }

    private static let namespaceColumns = [
        "namespace", "display_name", "description", "visibility", "protected", "owner", "created_at", "updated_at",
    ]

    /// Every live namespace, by name.
    func namespaces() async throws -> [MetadefNamespace] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.namespaceColumns.map { SQLColumn($0) }).from("metadef_namespaces").readDeleted(.no)
                .orderBy("namespace").all().map(Self.namespace)
        }
    }

    func namespace(_ name: String) async throws -> MetadefNamespace? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.namespaceColumns.map { SQLColumn($0) }).from("metadef_namespaces")
                .where("namespace", .equal, SQLBind(name)).readDeleted(.no).first().map(Self.namespace)
        }
    }

    /// Stores a new namespace with its first entries, in one transaction; 409 when the name is taken.
    func create(_ namespace: MetadefNamespace, entries: [MetadefEntry]) async throws {
        try await database.transaction { sql in
            try await Self.checkFree(namespace: namespace.namespace, sql)
            try await sql.insert(into: "metadef_namespaces").columns(Self.namespaceColumns + ["deleted"])
                .values(
                    SQLBind(namespace.namespace), SQLBind(namespace.displayName), SQLBind(namespace.description), SQLBind(namespace.visibility),
                    SQLBind(namespace.protected), SQLBind(namespace.owner), SQLBind(namespace.createdAt), SQLBind(namespace.updatedAt), SQLBind(0)
                ).run()
            for entry in entries { try await Self.insert(entry, sql) }
        }
    }

    /// Rewrites a namespace, possibly under a new name (its entries follow); 409 when that name is taken.
    func update(_ old: String, to namespace: MetadefNamespace) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            if old != namespace.namespace {
                try await Self.checkFree(namespace: namespace.namespace, sql)
                try await sql.update("metadef_entries").set("namespace", to: SQLBind(namespace.namespace))
                    .where("namespace", .equal, SQLBind(old)).readDeleted(.no).run()
            }
            try await sql.update("metadef_namespaces").set("namespace", to: SQLBind(namespace.namespace))
                .set("display_name", to: SQLBind(namespace.displayName)).set("description", to: SQLBind(namespace.description))
                .set("visibility", to: SQLBind(namespace.visibility)).set("protected", to: SQLBind(namespace.protected))
                .set("updated_at", to: SQLBind(now)).where("namespace", .equal, SQLBind(old)).readDeleted(.no).run()
        }
    }

    /// Deletes a namespace and everything in it.
    func delete(_ name: String) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            _ = try await sql.softDelete(from: "metadef_entries", matching: [("namespace", name)], at: now)
            _ = try await sql.softDelete(from: "metadef_namespaces", matching: [("namespace", name)], at: now)
        }
    }

    /// The namespace's entries of `kind`, oldest first; all of `kind` across namespaces when `namespace` is `nil`.
    func entries(_ kind: MetadefEntry.Kind, in namespace: String?) async throws -> [MetadefEntry] {
        try await entries(kind, in: namespace, named: nil)
    }

    func entry(_ kind: MetadefEntry.Kind, _ name: String, in namespace: String) async throws -> MetadefEntry? {
        try await entries(kind, in: namespace, named: name).first
    }

    private func entries(_ kind: MetadefEntry.Kind, in namespace: String?, named name: String?) async throws -> [MetadefEntry] {
        try await database.withConnection { sql in
            var query = sql.select().columns("namespace", "kind", "name", "body", "created_at", "updated_at").from("metadef_entries")
                .where("kind", .equal, SQLBind(kind.rawValue)).readDeleted(.no)
            if let namespace { query = query.where("namespace", .equal, SQLBind(namespace)) }
            if let name { query = query.where("name", .equal, SQLBind(name)) }
            return try await query.orderBy("id").all().map(Self.entry)
        }
    }

    /// 409 when a live namespace is called `namespace`.
    private static func checkFree(namespace: String, _ sql: any SQLDatabase) async throws {
        let taken = try await sql.select().column("id").from("metadef_namespaces").where("namespace", .equal, SQLBind(namespace))
            .readDeleted(.no).first()
        guard taken == nil else { throw Fault.conflict("A metadata definition namespace with name=\(namespace) already exists.") }
    }

    /// 409 when `entry`'s namespace already has a live entry of its kind and name.
    private static func checkFree(_ entry: MetadefEntry, _ sql: any SQLDatabase) async throws {
        let taken = try await sql.select().column("id").from("metadef_entries").where("namespace", .equal, SQLBind(entry.namespace))
            .where("kind", .equal, SQLBind(entry.kind.rawValue)).where("name", .equal, SQLBind(entry.name)).readDeleted(.no).first()
        guard taken == nil else {
            throw Fault.conflict(
                "A metadata definition \(entry.kind.rawValue) with name=\(entry.name) already exists in namespace=\(entry.namespace).")
        }
    }

    private static func insert(_ entry: MetadefEntry, _ sql: any SQLDatabase) async throws {
        try await checkFree(entry, sql)
        let body = String(decoding: entry.body.encoded(), as: UTF8.self)
        try await sql.insert(into: "metadef_entries").columns("namespace", "kind", "name", "body", "created_at", "updated_at", "deleted")
            .values(
                SQLBind(entry.namespace), SQLBind(entry.kind.rawValue), SQLBind(entry.name), SQLBind(body), SQLBind(entry.createdAt),
                SQLBind(entry.updatedAt), SQLBind(0)
            ).run()
    }

    /// Adds entries; 409 (and none added) when one's name is taken in its namespace.
    func add(_ entries: [MetadefEntry]) async throws {
        try await database.transaction { sql in for entry in entries { try await Self.insert(entry, sql) } }
    }

    /// Replaces every entry of `kind` in the namespace with `entries`.
    func replaceAll(_ kind: MetadefEntry.Kind, in namespace: String, with entries: [MetadefEntry]) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            _ = try await sql.softDelete(from: "metadef_entries", matching: [("namespace", namespace), ("kind", kind.rawValue)], at: now)
            for entry in entries { try await Self.insert(entry, sql) }
        }
    }

    /// Rewrites entry `name` (possibly renaming it); 409 when the new name is taken.
    func update(_ name: String, to entry: MetadefEntry) async throws {
        let now = clock.now()
        let body = String(decoding: entry.body.encoded(), as: UTF8.self)
        try await database.transaction { sql in
            if name != entry.name { try await Self.checkFree(entry, sql) }
            try await sql.update("metadef_entries").set("name", to: SQLBind(entry.name)).set("body", to: SQLBind(body))
                .set("updated_at", to: SQLBind(now)).where("namespace", .equal, SQLBind(entry.namespace))
                .where("kind", .equal, SQLBind(entry.kind.rawValue)).where("name", .equal, SQLBind(name)).readDeleted(.no).run()
        }
    }

    /// Deletes entry `name` of `kind`, or all of them when `name` is `nil`; returns how many went.
    @discardableResult
    func remove(_ kind: MetadefEntry.Kind, _ name: String?, in namespace: String) async throws -> Int {
        let now = clock.now()
        var conditions: [(String, any Encodable & Sendable)] = [("namespace", namespace), ("kind", kind.rawValue)]
        if let name { conditions.append(("name", name)) }
        let chosen = conditions
        return try await database.withConnection { sql in try await sql.softDelete(from: "metadef_entries", matching: chosen, at: now) }
    }
}
