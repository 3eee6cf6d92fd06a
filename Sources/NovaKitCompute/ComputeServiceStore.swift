public import Foundation
public import NovaKitCore
public import NovaKitStorage
package import SQLKit

/// One Nova service record: a binary (`nova-compute`, `nova-scheduler`, `nova-conductor`) on a host. A
/// `nova-compute` record is also its host's hypervisor (compute node): the node shares the record's
/// integer id and has a uuid of its own.
public struct ComputeService: Sendable, Equatable {
    public var id: Int
    public var uuid: String
    public var nodeUUID: String
    public var host: String
    public var binary: String
    public var disabled: Bool
    public var disabledReason: String?
    public var forcedDown: Bool
    public var createdAt: Date
    public var updatedAt: Date?

    /// Nova's `topic` for the binary: `compute`, `scheduler`, `conductor`.
    public var topic: String { binary.hasPrefix("nova-") ? String(binary.dropFirst(5)) : binary }
    /// `down` when forced down; every other NovaKit service reports in-process and is `up`.
    public var state: String { forcedDown ? "down" : "up" }
    public var status: String { disabled ? "disabled" : "enabled" }
    public var isCompute: Bool { binary == Self.computeBinary }

    public static let computeBinary = "nova-compute"
    /// The control services every NovaKit process runs, registered on its first compute host.
    public static let controlBinaries = ["nova-scheduler", "nova-conductor"]
}

/// The `services` table: which services exist, and which compute hosts the scheduler may use.
public struct ComputeServiceStore: Sendable {
    let database: Database
    let clock: any NovaClock

    public init(database: Database, clock: any NovaClock) {
        self.database = database
        self.clock = clock
    }

    static let migration = SchemaMigration("compute/006_services") { sql, _ in
        let flag = SQLDataType.custom(SQLRaw("BOOLEAN"))
        try await sql.createSoftDeletableTable("services") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("uuid", type: .text, .notNull)
                .column("node_uuid", type: .text, .notNull).column("host", type: .text, .notNull).column("binary", type: .text, .notNull)
                .column("disabled", type: flag, .notNull).column("disabled_reason", type: .text).column("forced_down", type: flag, .notNull)
                .unique(["host", "binary", "deleted"])
        }
    }

    private static let columns = [
        "id", "uuid", "node_uuid", "host", "binary", "disabled", "disabled_reason", "forced_down", "created_at", "updated_at",
    ]

    private static func service(_ row: any SQLRow) throws -> ComputeService {
        ComputeService(
            id: try row.decode(column: "id"), uuid: try row.decode(column: "uuid"), nodeUUID: try row.decode(column: "node_uuid"),
            host: try row.decode(column: "host"), binary: try row.decode(column: "binary"), disabled: try row.decode(column: "disabled"),
            disabledReason: try row.decode(column: "disabled_reason", as: String?.self), forcedDown: try row.decode(column: "forced_down"),
            createdAt: try row.decode(column: "created_at"), updatedAt: try row.decode(column: "updated_at", as: Date?.self))
    }

    /// Records the services this process runs — `nova-compute` on every configured host, the control
    /// services on the first — as a starting Nova service registers itself; existing records (and their
    /// enabled state) are kept.
    public func register(hosts: [ComputeHost], ids: any IDGenerator) async throws {
        guard let control = hosts.first?.name else { return }
        let wanted = hosts.map { ($0.name, ComputeService.computeBinary) } + ComputeService.controlBinaries.map { (control, $0) }
        let now = clock.now()
        try await database.withConnection { sql in
            for (host, binary) in wanted {
                let existing = try await sql.select().column("id").from("services").where("host", .equal, SQLBind(host))
                    .where("binary", .equal, SQLBind(binary)).readDeleted(.no).first()
                guard existing == nil else { continue }
                let values: [any SQLExpression] = [
                    SQLBind(ids.uuid()), SQLBind(ids.uuid()), SQLBind(host), SQLBind(binary), SQLBind(false), SQLBind(false), SQLBind(now),
                    SQLBind(0),
                ]
                try await sql.insert(into: "services").columns(
                    "uuid", "node_uuid", "host", "binary", "disabled", "forced_down", "created_at", "deleted"
                )
                .values(values).run()
            }
        }
    }

    /// Every live service, by id.
    public func all() async throws -> [ComputeService] {
        try await database.read { sql in
            try await sql.select().columns(Self.columns.map { SQLColumn($0) }).from("services").readDeleted(.no).orderBy("id").all()
                .map(Self.service)
        }
    }

    /// The live compute services (hypervisors), by id.
    public func computes() async throws -> [ComputeService] {
        try await all().filter(\.isCompute)
    }

    /// Changes a service's status and reason, or its forced-down flag; returns the record as it now is.
    public func update(_ service: ComputeService) async throws -> ComputeService {
        let now = clock.now()
        try await database.withConnection { sql in
            try await sql.update("services").set("disabled", to: SQLBind(service.disabled))
                .set("disabled_reason", to: SQLBind(service.disabledReason)).set("forced_down", to: SQLBind(service.forcedDown))
                .set("updated_at", to: SQLBind(now)).where("id", .equal, SQLBind(service.id)).readDeleted(.no).run()
        }
        var updated = service
        updated.updatedAt = now
        return updated
    }

    /// Soft-deletes a service record.
    public func delete(_ service: ComputeService) async throws {
        let now = clock.now()
        _ = try await database.withConnection { sql in try await sql.softDelete(from: "services", id: service.id, at: now) }
    }

    /// Whether any live instance is on `host`.
    public func hostsInstances(_ host: String) async throws -> Bool {
        try await database.read { sql in
            try await sql.select().column("id").from("instances").where("host", .equal, SQLBind(host)).readDeleted(.no).limit(1).first() != nil
        }
    }

    /// The live instances on `host` as `(uuid, name)`, oldest first.
    public func instances(on host: String) async throws -> [(uuid: String, name: String)] {
        try await database.read { sql in
            try await sql.select().columns("uuid", "display_name").from("instances").where("host", .equal, SQLBind(host)).readDeleted(.no)
                .orderBy("id").all().map { (try $0.decode(column: "uuid", as: String.self), try $0.decode(column: "display_name", as: String.self)) }
        }
    }

    /// What each project's live instances on `host` hold (the current flavors).
    public func projectUsage(on host: String) async throws -> [String: Resources] {
        try await database.read { sql in
            var usage: [String: Resources] = [:]
            for row in try await sql.raw(
                """
                SELECT project_id, COALESCE(SUM(vcpus), 0) AS vcpus, COALESCE(SUM(memory_mb), 0) AS memory_mb,
                COALESCE(SUM(disk_gb), 0) AS disk_gb FROM instances WHERE host = \(bind: host) AND deleted = 0 GROUP BY project_id
                """
            ).all() {
                usage[try row.decode(column: "project_id", as: String.self)] = Resources(
                    vcpus: try row.decode(column: "vcpus", as: Int.self), memoryMB: try row.decode(column: "memory_mb", as: Int.self),
                    diskGB: try row.decode(column: "disk_gb", as: Int.self))
            }
            return usage
        }
    }

    /// What each host's live instances hold, with their number (a hypervisor's usage).
    public func usage() async throws -> [String: HostUsage] {
        try await database.read { sql in try await ResourceUsage.hostUsage(sql) }
    }

    /// The compute hosts the scheduler must not place new work on: disabled or forced down services, and
    /// hosts whose service record was deleted. A host that never registered (a store nobody registered)
    /// stays usable.
    package static func unschedulableHosts(_ sql: any SQLDatabase) async throws -> Set<String> {
        var usable: Set<String> = []
        var recorded: Set<String> = []
        for row in try await sql.select().columns("host", "disabled", "forced_down", "deleted").from("services")
            .where("binary", .equal, SQLBind(ComputeService.computeBinary)).all()
        {
            let host = try row.decode(column: "host", as: String.self)
            recorded.insert(host)
            let live = try row.decode(column: "deleted", as: Int.self) == 0
            if live, try !row.decode(column: "disabled", as: Bool.self), try !row.decode(column: "forced_down", as: Bool.self) {
                usable.insert(host)
            }
        }
        return recorded.subtracting(usable)
    }
}
