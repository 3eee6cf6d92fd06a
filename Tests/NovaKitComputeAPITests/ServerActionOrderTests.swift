import Foundation
import HTTPTypes
import NovaKitCompute
import NovaKitCore
import NovaKitPolicy
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

/// The seed's revertResize error order, checked in-process on states only the database can set up:
/// the state (409), then a finished migration (400), then the old flavor (400), then the lock (409).
@Suite("Server action error order")
struct ServerActionOrderTests {
    static let server = "11111111-2222-4333-8444-555555555555"

    static func insertResized(_ database: Database) async throws {
        let flavor = TestInstances.flavor(id: "2", name: "m1.small", ram: 2048, vcpus: 1, disk: 20)
        try await TestInstances.insert(server, name: "resized", project: TestCloud.project, vmState: "resized", flavor: flavor, into: database)
    }

    static func addMigration(oldFlavor: String, _ database: Database) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "migrations")
                .columns(
                    "uuid", "instance_uuid", "source_compute", "dest_compute", "old_instance_type_id", "new_instance_type_id", "migration_type",
                    "status", "hidden", "created_at", "deleted"
                )
                .values(
                    SQLBind(UUID().uuidString.lowercased()), SQLBind(server), SQLBind("novakit-compute-1"), SQLBind("novakit-compute-1"),
                    SQLBind(oldFlavor), SQLBind("2"), SQLBind("resize"), SQLBind("finished"), SQLBind(false), SQLBind(Date()), SQLBind(0)
                ).run()
        }
    }

    static func set(_ column: String, _ value: some Encodable & Sendable, _ database: Database) async throws {
        try await database.withConnection { sql in
            try await sql.update("instances").set(SQLColumn(column), to: SQLBind(value)).where("uuid", .equal, SQLBind(server)).run()
        }
    }

    @Test("revertResize: state, then migration, then old flavor, then lock; confirmResize skips the flavor")
    func order() async throws {
        try await TestCloud().run { client in
            let database = try #require(client.database)
            let action = "/v2.1/servers/\(Self.server)/action"
            try await Self.insertResized(database)

            // VERIFY_RESIZE without a migration record.
            var reply = try await client.call(.post, action, json: ["revertResize": .null])
            #expect(reply.status == 400 && reply.fault?.message == "Instance has not been resized.")
            reply = try await client.call(.post, action, json: ["confirmResize": .null])
            #expect(reply.status == 400 && reply.fault?.message == "Instance has not been resized.")

            // A finished migration, but the instance keeps no record of its old flavor; the admin's lock comes
            // after both checks.
            try await Self.addMigration(oldFlavor: "gone", database)
            try await Self.set("locked", true, database)
            reply = try await client.call(.post, action, json: ["revertResize": .null])
            #expect(reply.status == 400 && reply.fault?.message == "Flavor used by the instance could not be found.")
            reply = try await client.call(.post, action, json: ["confirmResize": .null])
            #expect(reply.status == 409 && reply.fault?.message == "Instance \(Self.server) is locked")

            // The state check precedes everything.
            try await Self.set("vm_state", "active", database)
            reply = try await client.call(.post, action, json: ["revertResize": .null])
            #expect(reply.status == 409 && reply.fault?.message == "Cannot 'revertResize' instance \(Self.server) while it is in vm_state active")

            // With the old flavor present only the lock is left; the admin passes it and the revert runs.
            try await Self.set("vm_state", "resized", database)
            // (The old flavor need not exist in the catalog any more: the instance's record of it is enough.)
            try await Self.set("old_flavor", TestInstances.flavor(id: "old", name: "m1.old"), database)
            reply = try await client.call(.post, action, json: ["revertResize": .null])
            #expect(reply.status == 409 && reply.fault?.message == "Instance \(Self.server) is locked")
            reply = try await client.call(.post, action, token: TestCloud.adminToken, json: ["revertResize": .null])
            #expect(reply.status == 202)
            #expect(reply.body == JSON?.none, "\(String(describing: reply.body))")
            await client.compute?.engine.idle()
            let shown = try await client.call(.get, "/v2.1/servers/\(Self.server)", token: TestCloud.adminToken)
            #expect(shown.body?["server"]?["status"] == "ACTIVE")
            #expect(shown.body?["server"]?["OS-EXT-STS:vm_state"] == "active")
        }
    }
}
