import Foundation
import NovaKitCore
import NovaKitStorage
import SQLKit

/// A host aggregate: named hosts with metadata; its `availability_zone` metadata puts its hosts in that zone.
struct Aggregate: Sendable, Equatable {
    var id: Int
    var uuid: String
    var name: String
    var hosts: [String]
    var metadata: [String: String]
    var createdAt: Date
    var updatedAt: Date?

    static let zoneKey = "availability_zone"
    var availabilityZone: String? { metadata[Self.zoneKey] }
}

/// `Aggregate <id> could not be found.` (404)
struct AggregateNotFound: FaultConvertible {
    let id: String
    var fault: Fault { .notFound("Aggregate \(id) could not be found.") }
}

/// The SQL of `aggregates`, `aggregate_hosts` and `aggregate_metadata`, as Nova's tables.
struct AggregateStore: Sendable {
    let database: Database
    let clock: any NovaClock

    static let migration = SchemaMigration("aggregates/001_create_aggregates") { sql, _ in
        try await sql.createSoftDeletableTable("aggregates") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("uuid", type: .text, .notNull)
                .column("name", type: .text, .notNull)
        }
        try await sql.createSoftDeletableTable("aggregate_hosts") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("aggregate_id", type: .int, .notNull)
                .column("host", type: .text, .notNull)
        }
        try await sql.createSoftDeletableTable("aggregate_metadata") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("aggregate_id", type: .int, .notNull)
                .column("key", type: .text, .notNull).column("value", type: .text, .notNull)
        }
        // Every server view reads the live rows of all three (hosts' zones): by index, in id order.
        for table in ["aggregates", "aggregate_hosts", "aggregate_metadata"] {
            try await sql.create(index: "\(table)_live_idx").on(table).column("deleted").column("id").run()
        }
    }

    /// Every live aggregate with its hosts and metadata, by id (a deployment has a handful).
    func all() async throws -> [Aggregate] {
        try await database.read { sql in try await Self.all(sql) }
    }

    /// Every live aggregate, kept in the database's shared cache for the zones server views show (three
    /// statements a request before); the writes below drop it, another node's are seen within
    /// `Database.cacheMaxAge` (as flavors). The aggregates API itself reads the tables.
    static func cached(in database: Database) async throws -> [Aggregate] {
        try await cache(database).value(for: "all") { try await database.read { sql in try await all(sql) } }
    }

    private static func cache(_ database: Database) -> ReadThroughCache<String, [Aggregate]> {
        database.cache("aggregates", of: ReadThroughCache<String, [Aggregate]>.self)
    }

    /// Runs a write and drops the kept aggregates.
    private func writing<T>(_ write: () async throws -> T) async throws -> T {
        try await Self.cache(database).invalidating(after: write)
    }

    static func all(_ sql: any SQLDatabase) async throws -> [Aggregate] {
        var hosts: [Int: [String]] = [:]
        for row in try await sql.select().columns("aggregate_id", "host").from("aggregate_hosts").readDeleted(.no).orderBy("id").all() {
            hosts[try row.decode(column: "aggregate_id", as: Int.self), default: []].append(try row.decode(column: "host", as: String.self))
        }
        var metadata: [Int: [String: String]] = [:]
        for row in try await sql.select().columns("aggregate_id", "key", "value").from("aggregate_metadata").readDeleted(.no).orderBy("id")
            .all()
        {
            metadata[try row.decode(column: "aggregate_id", as: Int.self), default: [:]][try row.decode(column: "key", as: String.self)] =
                try row.decode(column: "value", as: String.self)
        }
        return try await sql.select().columns("id", "uuid", "name", "created_at", "updated_at").from("aggregates").readDeleted(.no)
            .orderBy("id").all().map { row in
                let id = try row.decode(column: "id", as: Int.self)
                return Aggregate(
                    id: id, uuid: try row.decode(column: "uuid"), name: try row.decode(column: "name"), hosts: hosts[id] ?? [],
                    metadata: metadata[id] ?? [:], createdAt: try row.decode(column: "created_at"),
                    updatedAt: try row.decode(column: "updated_at", as: Date?.self))
            }
    }

    /// The availability zone of each host that an aggregate with a zone holds.
    static func zonesByHost(in database: Database) async throws -> [String: String] {
        zones(of: try await cached(in: database))
    }

    static func zonesByHost(_ sql: any SQLDatabase) async throws -> [String: String] {
        zones(of: try await all(sql))
    }

    private static func zones(of aggregates: [Aggregate]) -> [String: String] {
        var zones: [String: String] = [:]
        for aggregate in aggregates {
            guard let zone = aggregate.availabilityZone else { continue }
            for host in aggregate.hosts { zones[host] = zone }
        }
        return zones
    }

    func create(name: String, zone: String?, uuid: String) async throws -> Aggregate {
        let now = clock.now()
        return try await writing {
            try await database.transaction { sql in
                let row = try await sql.insert(into: "aggregates").columns("uuid", "name", "created_at", "deleted")
                    .values(SQLBind(uuid), SQLBind(name), SQLBind(now), SQLBind(0)).returning("id").first()
                let id = try row?.decode(column: "id", as: Int.self) ?? 0
                if let zone { try await Self.setMetadata(id, [Aggregate.zoneKey: zone], now, sql) }
                return Aggregate(
                    id: id, uuid: uuid, name: name, hosts: [], metadata: zone.map { [Aggregate.zoneKey: $0] } ?? [:], createdAt: now, updatedAt: nil)
            }
        }
    }

    func rename(_ id: Int, to name: String) async throws {
        let now = clock.now()
        try await writing {
            try await database.withConnection { sql in
                try await sql.update("aggregates").set("name", to: SQLBind(name)).set("updated_at", to: SQLBind(now)).where("id", .equal, SQLBind(id))
                    .readDeleted(.no).run()
            }
        }
    }

    /// Sets (or, for `nil` values, removes) metadata keys.
    func setMetadata(_ id: Int, _ changes: [String: String?]) async throws {
        let now = clock.now()
        try await writing {
            try await database.transaction { sql in try await Self.setMetadata(id, changes, now, sql) }
        }
    }

    private static func setMetadata(_ id: Int, _ changes: [String: String?], _ now: Date, _ sql: any SQLDatabase) async throws {
        for (key, value) in changes.sorted(by: { $0.key < $1.key }) {
            if let value {
                try await sql.setLive(in: "aggregate_metadata", matching: [("aggregate_id", id), ("key", key)], values: [("value", value)], at: now)
            } else {
                _ = try await sql.softDelete(from: "aggregate_metadata", matching: [("aggregate_id", id), ("key", key)], at: now)
            }
        }
        try await sql.update("aggregates").set("updated_at", to: SQLBind(now)).where("id", .equal, SQLBind(id)).run()
    }

    func addHost(_ id: Int, _ host: String) async throws {
        let now = clock.now()
        try await writing {
            try await database.transaction { sql in
                try await sql.insert(into: "aggregate_hosts").columns("aggregate_id", "host", "created_at", "deleted")
                    .values(SQLBind(id), SQLBind(host), SQLBind(now), SQLBind(0)).run()
                try await sql.update("aggregates").set("updated_at", to: SQLBind(now)).where("id", .equal, SQLBind(id)).run()
            }
        }
    }

    func removeHost(_ id: Int, _ host: String) async throws {
        let now = clock.now()
        try await writing {
            try await database.transaction { sql in
                _ = try await sql.softDelete(from: "aggregate_hosts", matching: [("aggregate_id", id), ("host", host)], at: now)
                try await sql.update("aggregates").set("updated_at", to: SQLBind(now)).where("id", .equal, SQLBind(id)).run()
            }
        }
    }

    func delete(_ id: Int) async throws {
        let now = clock.now()
        try await writing {
            try await database.transaction { sql in
                _ = try await sql.softDelete(from: "aggregate_metadata", matching: [("aggregate_id", id)], at: now)
                _ = try await sql.softDelete(from: "aggregates", id: id, at: now)
            }
        }
    }
}
