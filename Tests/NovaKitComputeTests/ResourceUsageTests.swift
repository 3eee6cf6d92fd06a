import Foundation
import NovaKitCompute
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

/// The per-project and per-host counters follow every kind of change to `instances` — inserts, soft and
/// hard deletes, moves between hosts and projects, resizes starting and ending, flavors changing — and
/// always equal a recount of the live rows.
@Suite("Resource usage counters")
struct ResourceUsageTests {
    @Test("after random changes the counters equal a recount of the live instances", arguments: TestDatabases.engines)
    func countersFollowChanges(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { (database, _) async throws in
            try await SchemaMigrator(database: database, migrations: ComputeSchema.migrations).sync()
            var random = CounterRandom(state: 7)
            var uuids: [String] = []
            for step in 0..<300 {
                let change = Int.random(in: 0..<8, using: &random)
                let target = uuids.randomElement(using: &random)
                let host = [nil, "h1", "h2", "h3"].randomElement(using: &random)!
                let project = ["p1", "p2"].randomElement(using: &random)!
                let size = { (random: inout CounterRandom) in Int.random(in: 1...16, using: &random) }
                let (vcpus, memory, disk) = (size(&random), size(&random) * 256, size(&random))
                let (ending, keepNew) = (Bool.random(using: &random), Bool.random(using: &random))
                let inserted = "i-\(step)"
                if change <= 2 || target == nil { uuids.append(inserted) }
                try await database.transaction { sql in
                    switch (change, target) {
                    case (0...2, _), (_, nil):
                        let uuid = inserted
                        try await sql.insert(into: "instances")
                            .columns(
                                "uuid", "display_name", "project_id", "user_id", "flavor", "vm_state", "power_state", "previous_vm_state",
                                "locked", "host", "created_at", "deleted", "vcpus", "memory_mb", "disk_gb"
                            )
                            .values(
                                SQLBind(uuid), SQLBind(uuid), SQLBind(project), SQLBind("u"), SQLBind(TestInstances.flavor()), SQLBind("active"),
                                SQLBind(1), SQLBind("active"), SQLBind(false), SQLBind(host), SQLBind(Date()), SQLBind(0), SQLBind(vcpus),
                                SQLBind(memory), SQLBind(disk)
                            ).run()
                    case (3, let uuid?):
                        _ = try await sql.softDelete(from: "instances", matching: [("uuid", uuid)], at: Date())
                    case (4, let uuid?):
                        try await sql.update("instances").set("host", to: SQLBind(host)).where("uuid", .equal, SQLBind(uuid)).run()
                    case (5, let uuid?):
                        // A resize starts (new flavor set) or ends (cleared, perhaps keeping the new one as current).
                        var update = sql.update("instances").where("uuid", .equal, SQLBind(uuid))
                        for (column, value) in zip(["new_vcpus", "new_memory_mb", "new_disk_gb"], [vcpus, memory, disk]) {
                            update = update.set(SQLColumn(column), to: ending ? SQLLiteral.null : SQLBind(value))
                        }
                        if ending, keepNew {
                            update = update.set("vcpus", to: SQLBind(vcpus)).set("memory_mb", to: SQLBind(memory)).set("disk_gb", to: SQLBind(disk))
                        }
                        try await update.run()
                    case (6, let uuid?):
                        try await sql.update("instances").set("project_id", to: SQLBind(project)).where("uuid", .equal, SQLBind(uuid)).run()
                    case (_, let uuid?):
                        try await sql.delete(from: "instances").where("uuid", .equal, SQLBind(uuid)).run()
                    }
                }
                if step % 25 == 24 { try await Self.expectCountersMatchRecount(database) }
            }
            try await Self.expectCountersMatchRecount(database)
        }
    }

    @Test("a transaction that rolls back leaves the counters as they were", arguments: TestDatabases.engines)
    func rollback(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { (database, _) async throws in
            try await SchemaMigrator(database: database, migrations: ComputeSchema.migrations).sync()
            try await TestInstances.insert("kept", name: "kept", project: "p", vmState: "active", into: database)
            try await database.transaction { sql in
                try await sql.update("instances").set("vcpus", to: SQLBind(1)).set("memory_mb", to: SQLBind(512)).set("disk_gb", to: SQLBind(1)).run()
            }
            struct Abandon: Error {}
            await #expect(throws: Abandon.self) {
                try await database.transaction { sql in
                    try await sql.update("instances").set("vcpus", to: SQLBind(32)).run()
                    throw Abandon()
                }
            }
            let usage = try await database.withConnection { sql in try await ResourceUsage.project(sql, "p") }
            #expect(usage.instances == 1 && usage.total == Resources(vcpus: 1, memoryMB: 512, diskGB: 1))
            try await Self.expectCountersMatchRecount(database)
        }
    }

    /// Recounts the live rows with plain aggregates and compares every project's and host's counter.
    static func expectCountersMatchRecount(_ database: Database) async throws {
        try await database.withConnection { sql in
            let larger = { (name: String) in "CASE WHEN new_\(name) > COALESCE(\(name), 0) THEN new_\(name) ELSE COALESCE(\(name), 0) END" }
            var projects: [String: (Int, Resources)] = [:]
            for row in try await sql.raw(
                "SELECT project_id, COUNT(*) AS n, SUM(COALESCE(vcpus, 0)) AS v, SUM(COALESCE(memory_mb, 0)) AS m, SUM(COALESCE(disk_gb, 0)) AS d FROM instances WHERE deleted = 0 GROUP BY project_id"
            ).all() {
                projects[try row.decode(column: "project_id", as: String.self)] = (
                    try row.decode(column: "n", as: Int.self),
                    Resources(
                        vcpus: try row.decode(column: "v", as: Int.self), memoryMB: try row.decode(column: "m", as: Int.self),
                        diskGB: try row.decode(column: "d", as: Int.self))
                )
            }
            for project in ["p", "p1", "p2"] {
                let counted = try await ResourceUsage.project(sql, project)
                let expected = projects[project] ?? (0, .zero)
                #expect(counted.instances == expected.0 && counted.total == expected.1, "project \(project)")
            }
            var hosts: [String: Resources] = [:]
            for row in try await sql.raw(
                SQLQueryString(
                    "SELECT host, SUM(\(unsafeRaw: larger("vcpus"))) AS v, SUM(\(unsafeRaw: larger("memory_mb"))) AS m, SUM(\(unsafeRaw: larger("disk_gb"))) AS d FROM instances WHERE deleted = 0 AND host IS NOT NULL GROUP BY host"
                )
            ).all() {
                hosts[try row.decode(column: "host", as: String.self)] = Resources(
                    vcpus: try row.decode(column: "v", as: Int.self), memoryMB: try row.decode(column: "m", as: Int.self),
                    diskGB: try row.decode(column: "d", as: Int.self))
            }
            #expect(try await ResourceUsage.hosts(sql) == hosts)
        }
    }
}

struct CounterRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
