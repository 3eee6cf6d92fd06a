import Foundation
import NovaKitCompute
import NovaKitCore
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

/// Quota and scheduler usage are sums in SQL over the resource columns, which the migration fills from the
/// flavor snapshots rows already had.
@Suite("Flavor resources")
struct FlavorResourcesTests {
    static func flavor(_ vcpus: Int, _ ram: Int, _ disk: Int, ephemeral: Int = 0) -> String {
        #"{"id":"x","name":"x","ram":\#(ram),"vcpus":\#(vcpus),"disk":\#(disk),"ephemeral":\#(ephemeral),"swap":0,"extraSpecs":{}}"#
    }

    static func insert(
        _ uuid: String, project: String, host: String?, flavor: String, new: String? = nil, deleted: Bool = false, _ sql: any SQLDatabase
    ) async throws {
        try await sql.insert(into: "instances")
            .columns(
                "uuid", "display_name", "project_id", "user_id", "flavor", "new_flavor", "vm_state", "power_state", "previous_vm_state",
                "locked", "host", "created_at", "deleted"
            )
            .values(
                SQLBind(uuid), SQLBind(uuid), SQLBind(project), SQLBind("u"), SQLBind(flavor), SQLBind(new), SQLBind("active"), SQLBind(1),
                SQLBind("active"), SQLBind(false), SQLBind(host), SQLBind(Date()), SQLBind(0)
            ).run()
        if deleted { _ = try await sql.softDelete(from: "instances", matching: [("uuid", uuid)], at: Date()) }
    }

    @Test(
        "rows written before the migration are filled from their snapshots; sums skip deleted rows; a pending resize counts its larger flavor on the host",
        arguments: TestDatabases.engines)
    func usage(url: DatabaseURL) async throws {
        try await TestDatabases.with(url) { (database, _) async throws in
            let migrator = SchemaMigrator(database: database, migrations: ComputeSchema.migrations)
            try await migrator.sync(to: 2)
            try await database.withConnection { sql in
                try await Self.insert("a", project: "p", host: "h1", flavor: Self.flavor(1, 512, 1), sql)
                let resizing = Self.flavor(4, 1024, 40)
                try await Self.insert("b", project: "p", host: "h1", flavor: Self.flavor(2, 2048, 20, ephemeral: 5), new: resizing, sql)
                try await Self.insert("c", project: "q", host: "h2", flavor: Self.flavor(8, 8192, 80), sql)
                try await Self.insert("d", project: "p", host: "h2", flavor: Self.flavor(16, 16384, 160), deleted: true, sql)
                try await Self.insert("e", project: "p", host: nil, flavor: Self.flavor(1, 256, 1), sql)
            }
            try await migrator.sync()
            let (project, hosts) = try await database.withConnection { sql in
                (try await ResourceUsage.project(sql, "p"), try await ResourceUsage.hosts(sql))
            }
            #expect(project.instances == 3)
            #expect(project.total == Resources(vcpus: 4, memoryMB: 2816, diskGB: 27))
            #expect(hosts["h1"] == Resources(vcpus: 5, memoryMB: 2560, diskGB: 41))
            #expect(hosts["h2"] == Resources(vcpus: 8, memoryMB: 8192, diskGB: 80))
            #expect(hosts.count == 2)
            let empty = try await database.withConnection { sql in try await ResourceUsage.project(sql, "nobody") }
            #expect(empty.instances == 0 && empty.total == .zero)
        }
    }
}
