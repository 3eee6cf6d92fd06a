import Foundation
import NovaKitAPI
public import NovaKitCore
import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// A flavor as stored: sizes, visibility and its public id (`flavorid`).
public struct Flavor: VersionedObject {
    public static let objectName = "Flavor"
    public static let objectVersion = "1.2"

    public var flavorID: String
    public var name: String
    public var memoryMB: Int
    public var vcpus: Int
    public var rootGB: Int
    public var ephemeralGB: Int
    public var swap: Int
    public var rxtxFactor: Double
    public var isPublic: Bool
    public var disabled: Bool
    public var description: String?
}

/// `Flavor <id> could not be found.` (404)
struct FlavorNotFound: FaultConvertible {
    let id: String
    var fault: Fault { .notFound("Flavor \(id) could not be found.") }
}

/// Every live flavor and who may see the private ones: what listing, showing and booting read, so it is read
/// once and kept (`ReadThroughCache`) until a flavor or its access list changes.
struct FlavorCatalog: Sendable {
    /// Ordered by flavorid.
    let flavors: [Flavor]
    let byID: [String: Flavor]
    /// Private flavor ids by the project given access.
    let accessByProject: [String: Set<String>]
}

/// The SQL of `flavors`, `flavor_extra_specs` and `flavor_projects`. Reads of flavors and access go through
/// the database's shared flavor catalogue; every write here invalidates it once it is done.
public struct FlavorStore: Sendable {
    let database: Database
    let clock: any NovaClock
    private let catalogCache: ReadThroughCache<String, FlavorCatalog>

    public init(database: Database, clock: any NovaClock) {
        self.database = database
        self.clock = clock
        catalogCache = database.cache("flavors", of: ReadThroughCache<String, FlavorCatalog>.self)
    }

    /// The catalogue, from memory unless a write or its age made it stale.
    func catalog() async throws -> FlavorCatalog {
        try await catalogCache.value(for: "catalog") {
            try await database.read { sql in
                let flavors = try await sql.select().columns(Self.columns.map { SQLColumn($0) }).from("flavors").readDeleted(.no)
                    .orderBy("flavorid").all().map(Self.flavor)
                var access: [String: Set<String>] = [:]
                for row in try await sql.select().columns("flavor_id", "project_id").from("flavor_projects").readDeleted(.no).all() {
                    access[try row.decode(column: "project_id", as: String.self), default: []].insert(try row.decode(column: "flavor_id"))
                }
                return FlavorCatalog(
                    flavors: flavors, byID: Dictionary(flavors.map { ($0.flavorID, $0) }, uniquingKeysWith: { first, _ in first }),
                    accessByProject: access)
            }
        }
    }

    /// Runs a write, then drops the cached catalogue.
    func changing<T>(_ write: () async throws -> T) async throws -> T {
        try await catalogCache.invalidating(after: write)
    }

    static let migration = SchemaMigration("flavors/001_create_flavors") { sql, _ in
        try await sql.createSoftDeletableTable("flavors") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("flavorid", type: .text, .notNull)
                .column("name", type: .text, .notNull).column("memory_mb", type: .int, .notNull).column("vcpus", type: .int, .notNull)
                .column("root_gb", type: .int, .notNull).column("ephemeral_gb", type: .int, .notNull).column("swap", type: .int, .notNull)
                .column("rxtx_factor", type: .real, .notNull).column("is_public", type: .custom(SQLRaw("BOOLEAN")), .notNull)
                .column("disabled", type: .custom(SQLRaw("BOOLEAN")), .notNull).column("description", type: .text)
                .unique(["flavorid", "deleted"]).unique(["name", "deleted"])
        }
        try await sql.createSoftDeletableTable("flavor_extra_specs") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("flavor_id", type: .text, .notNull)
                .column("key", type: .text, .notNull).column("value", type: .text, .notNull).unique(["flavor_id", "key", "deleted"])
        }
        try await sql.createSoftDeletableTable("flavor_projects") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("flavor_id", type: .text, .notNull)
                .column("project_id", type: .text, .notNull).unique(["flavor_id", "project_id", "deleted"])
        }
    }

    private static let columns = [
        "flavorid", "name", "memory_mb", "vcpus", "root_gb", "ephemeral_gb", "swap", "rxtx_factor", "is_public", "disabled", "description",
    ]

    private static func flavor(_ row: any SQLRow) throws -> Flavor {
        Flavor(
            flavorID: try row.decode(column: "flavorid"), name: try row.decode(column: "name"), memoryMB: try row.decode(column: "memory_mb"),
            vcpus: try row.decode(column: "vcpus"), rootGB: try row.decode(column: "root_gb"), ephemeralGB: try row.decode(column: "ephemeral_gb"),
            swap: try row.decode(column: "swap"), rxtxFactor: try row.decode(column: "rxtx_factor"), isPublic: try row.decode(column: "is_public"),
            disabled: try row.decode(column: "disabled"), description: try row.decode(column: "description", as: String?.self))
    }

    /// Live flavors, all of them (visibility is applied by the caller), ordered by flavorid.
    public func all() async throws -> [Flavor] {
        try await catalog().flavors
    }

    /// The live flavor `id`, visible to `project` (admins see all).
    public func get(_ id: String, visibleTo project: String, isAdmin: Bool) async throws -> Flavor {
        let catalog = try await catalog()
        guard let flavor = catalog.byID[id] else { throw FlavorNotFound(id: id) }
        if flavor.isPublic || isAdmin || catalog.accessByProject[project, default: []].contains(id) { return flavor }
        throw FlavorNotFound(id: id)
    }

    /// Ids of the private flavors `project` was given access to.
    func accessible(to project: String) async throws -> Set<String> {
        try await catalog().accessByProject[project, default: []]
    }

    /// Projects with access to flavor `id`.
    func projects(of id: String) async throws -> [String] {
        try await database.read { sql in
            try await sql.select().column("project_id").from("flavor_projects").where("flavor_id", .equal, SQLBind(id)).readDeleted(.no)
                .orderBy("id").all().map { try $0.decode(column: "project_id", as: String.self) }
        }
    }

    /// Inserts `flavor`; a live flavor with the same name or id is a 409.
    public func create(_ flavor: Flavor) async throws {
        let now = clock.now()
        try await changing {
            try await database.transaction { sql in
                for (column, value, what) in [("name", flavor.name, "name"), ("flavorid", flavor.flavorID, "ID")] {
                    if try await sql.select().column("id").from("flavors").where(SQLColumn(column), .equal, SQLBind(value)).readDeleted(.no).first()
                        != nil
                    {
                        throw Fault.conflict("Flavor with \(what) \(value) already exists.")
                    }
                }
                let values: [any SQLExpression] = [
                    SQLBind(flavor.flavorID), SQLBind(flavor.name), SQLBind(flavor.memoryMB), SQLBind(flavor.vcpus), SQLBind(flavor.rootGB),
                    SQLBind(flavor.ephemeralGB), SQLBind(flavor.swap), SQLBind(flavor.rxtxFactor), SQLBind(flavor.isPublic), SQLBind(flavor.disabled),
                    SQLBind(flavor.description), SQLBind(now), SQLBind(0),
                ]
                try await sql.insert(into: "flavors").columns(Self.columns + ["created_at", "deleted"]).values(values).run()
            }
        }
    }

    func setDescription(_ id: String, _ description: String?) async throws {
        let now = clock.now()
        try await changing {
            try await database.withConnection { sql in
                try await sql.update("flavors").set("description", to: SQLBind(description)).set("updated_at", to: SQLBind(now))
                    .where("flavorid", .equal, SQLBind(id)).readDeleted(.no).run()
            }
        }
    }

    /// Soft-deletes the flavor with its extra specs and access list.
    func delete(_ id: String) async throws {
        let now = clock.now()
        let deleted = try await changing {
            try await database.transaction { sql in
                let count = try await sql.softDelete(from: "flavors", where: "flavorid", equals: id, rowIDColumn: "id", at: now)
                for table in ["flavor_extra_specs", "flavor_projects"] {
                    _ = try await sql.softDelete(from: table, where: "flavor_id", equals: id, rowIDColumn: "id", at: now)
                }
                return count
            }
        }
        guard deleted > 0 else { throw FlavorNotFound(id: id) }
    }
}
