import Foundation
public import NovaKitStorage
import SQLKit

/// Instance rows written straight into the database, for states the API cannot reach on its own.
public enum TestInstances {
    /// A flavor snapshot as the servers API stores it.
    public static func flavor(id: String = "1", name: String = "m1.tiny", ram: Int = 512, vcpus: Int = 1, disk: Int = 1) -> String {
        #"{"id":"\#(id)","name":"\#(name)","ram":\#(ram),"vcpus":\#(vcpus),"disk":\#(disk),"ephemeral":0,"swap":0,"extraSpecs":{}}"#
    }

    /// Inserts instance `uuid` of `project` in `vmState` (previously `previous`) on the default host.
    public static func insert(
        _ uuid: String, name: String, project: String, vmState: String, previous: String = "active", flavor: String = flavor(),
        into database: Database
    ) async throws {
        try await database.withConnection { sql in
            try await sql.insert(into: "instances")
                .columns(
                    "uuid", "display_name", "project_id", "user_id", "flavor", "vm_state", "power_state", "previous_vm_state", "locked", "host",
                    "created_at", "deleted"
                )
                .values(
                    SQLBind(uuid), SQLBind(name), SQLBind(project), SQLBind("alice"), SQLBind(flavor), SQLBind(vmState), SQLBind(1),
                    SQLBind(previous), SQLBind(false), SQLBind("novakit-compute-1"), SQLBind(Date()), SQLBind(0)
                ).run()
        }
    }
}
