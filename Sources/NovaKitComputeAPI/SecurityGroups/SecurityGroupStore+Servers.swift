import Foundation
import NovaKitCore
public import NovaKitNetwork
import NovaKitStorage
import SQLKit

/// Which servers are in a group: compute keeps each server's group names on the instance
/// (`instances.security_groups`), so renaming a group or adding a server to one rewrites that list.
extension SecurityGroupStore {
    /// The project's live servers in group `name`.
    func servers(in name: String, project: String) async throws -> [String] {
        try await database.read { sql in
            try await sql.select().columns("uuid", "security_groups").from("instances").where("project_id", .equal, SQLBind(project))
                .where("security_groups", .isNot, SQLLiteral.null).readDeleted(.no).all()
                .filter { row in
                    let names = try row.decode(column: "security_groups", as: String.self)
                    return SecurityGroupNames.parse(names).contains(name)
                }
                .map { try $0.decode(column: "uuid", as: String.self) }
        }
    }

    /// Renames the group on every server of the project in it.
    public func renameOnServers(from old: String, to new: String, project: String) async throws {
        for server in try await servers(in: old, project: project) {
            try await setServerGroups(server) { names in names.map { $0 == old ? new : $0 } }
        }
    }

    /// Rewrites one server's group list.
    func setServerGroups(_ server: String, _ change: @escaping @Sendable ([String]) -> [String]) async throws {
        let now = clock.now()
        try await database.transaction { sql in
            let text = try await sql.select().column("security_groups").from("instances").where("uuid", .equal, SQLBind(server))
                .readDeleted(.no).first()?.decode(column: "security_groups", as: String?.self)
            let stored = SecurityGroupNames.text(change(SecurityGroupNames.parse(text)))
            try await sql.update("instances").set("security_groups", to: SQLBind(stored)).set("updated_at", to: SQLBind(now))
                .where("uuid", .equal, SQLBind(server)).readDeleted(.no).run()
        }
    }

    /// Rewrites the groups of the server's ports in the network service, in step with its group list.
    func changePortGroups(of server: String, _ change: @escaping @Sendable ([String]) -> [String]) async throws {
        let now = clock.now()
        try await database.transaction { sql in try await PortStore.changeSecurityGroups(device: server, at: now, sql, change) }
    }
}
