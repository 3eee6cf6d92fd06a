import Foundation
import HTTPTypes
import NovaKitCompute
import NovaKitCore
import NovaKitStorage
import NovaKitTesting
import SQLKit
import Testing

@testable import NovaKitComputeAPI

/// Server views are written straight into JSON text. Over random servers, at every microversion that changes
/// the view and for an admin and a member, the text is canonical (what encoding its own tree gives: keys
/// sorted, none twice) and each server shows the fields Nova shows at that version for that caller.
@Suite("Server views written as text")
struct ServerViewTextTests {
    /// Shown whatever the version or caller.
    static let always: Set<String> = [
        "OS-DCF:diskConfig", "OS-EXT-AZ:availability_zone", "OS-EXT-STS:power_state", "OS-EXT-STS:task_state", "OS-EXT-STS:vm_state",
        "OS-SRV-USG:launched_at", "OS-SRV-USG:terminated_at", "accessIPv4", "accessIPv6", "addresses", "config_drive", "created", "flavor",
        "hostId", "id", "image", "key_name", "links", "metadata", "name", "os-extended-volumes:volumes_attached", "status", "tenant_id",
        "updated", "user_id",
    ]
    /// Shown for some servers only: by status, fault and ports.
    static let perServer: Set<String> = ["progress", "fault", "security_groups"]

    /// The fields Nova's view has at `version` for an admin or a member, besides the per-server ones.
    static func expected(_ version: (Int, Int), admin: Bool, show: Bool) -> Set<String> {
        let at = { (minor: Int) in version.1 >= minor }
        var fields = always
        if admin {
            fields.formUnion(["OS-EXT-SRV-ATTR:host", "OS-EXT-SRV-ATTR:hypervisor_hostname", "OS-EXT-SRV-ATTR:instance_name"])
            if at(3) {
                fields.formUnion([
                    "OS-EXT-SRV-ATTR:reservation_id", "OS-EXT-SRV-ATTR:launch_index", "OS-EXT-SRV-ATTR:hostname", "OS-EXT-SRV-ATTR:kernel_id",
                    "OS-EXT-SRV-ATTR:ramdisk_id", "OS-EXT-SRV-ATTR:root_device_name", "OS-EXT-SRV-ATTR:user_data",
                ])
            }
            if at(16) { fields.insert("host_status") }
        }
        if at(9) { fields.insert("locked") }
        if at(19) { fields.insert("description") }
        if at(26) { fields.insert("tags") }
        if at(63) { fields.insert("trusted_image_certificates") }
        if at(71) && show { fields.insert("server_groups") }
        if at(73) { fields.insert("locked_reason") }
        if at(90) { fields.insert("OS-EXT-SRV-ATTR:hostname") }
        if at(96) { fields.insert("pinned_availability_zone") }
        if at(100) { fields.insert("scheduler_hints") }
        return fields
    }

    static let versions = [
        (2, 1), (2, 3), (2, 9), (2, 16), (2, 19), (2, 26), (2, 47), (2, 63), (2, 71), (2, 73), (2, 90), (2, 96), (2, 98), (2, 100),
    ]

    static func isCanonical(_ reply: TestReply) throws -> Bool {
        try JSON.parse(reply.raw).encoded() == reply.raw
    }

    @Test("hostId is the first 56 hex digits of SHA-256 over project and host (per Python's hashlib), empty without a host")
    func hostID() {
        #expect(
            ServerViews.hostID(project: "6f70656e737461636b20342065766572", host: "novakit-compute-1")
                == "27ad5ea52eb3c42bf11b4e0c10761dfc3a45b21c4db45d881bbda38b")
        #expect(ServerViews.hostID(project: "p", host: nil) == "")
        #expect(ServerViews.hostID(project: "p", host: "") == "")
    }

    @Test("instance_name is Nova's instance-%08x of the row id: eight hex digits at least, lowercase, none lost")
    func instanceName() {
        #expect(Server.instanceName(rowID: 1) == "instance-00000001")
        #expect(Server.instanceName(rowID: 0xABC) == "instance-00000abc")
        #expect(Server.instanceName(rowID: 0xFFFF_FFFF) == "instance-ffffffff")
        #expect(Server.instanceName(rowID: 0x1_2345_6789) == "instance-123456789")
    }

    @Test("lists and shows are canonical JSON with Nova's fields at each version, for an admin and a member")
    func viewsByVersion() async throws {
        try await TestCloud().run { client in
            let database = try #require(client.database)
            var random = SeededRandom(seed: 0x7E47)
            try await ServerSet.insert(count: 30, using: &random, into: database, faults: false)
            try await database.withConnection { sql in
                try await sql.raw("UPDATE instances SET vm_state = 'error', task_state = NULL WHERE id % 5 = 0").run()
                let errored = try await sql.raw("SELECT uuid FROM instances WHERE id % 5 = 0 AND deleted = 0").all().map {
                    try $0.decode(column: "uuid", as: String.self)
                }
                for (index, uuid) in errored.enumerated() {
                    try await sql.insert(into: "instance_faults").columns("instance_uuid", "code", "message", "details", "created_at", "deleted")
                        .values(
                            SQLBind(uuid), SQLBind(index % 2 == 0 ? 500 : 400), SQLBind("broke \"badly\""), SQLBind("trace\nline"),
                            SQLBind(Date()), SQLBind(0)
                        ).run()
                }
                let first = try await sql.raw("SELECT uuid FROM instances WHERE deleted = 0 ORDER BY id LIMIT 1").all().map {
                    try $0.decode(column: "uuid", as: String.self)
                }
                try await sql.insert(into: "instance_metadata").columns("instance_uuid", "key", "value", "created_at", "deleted")
                    .values(SQLBind(first[0]), SQLBind("role"), SQLBind("web/\u{1}x"), SQLBind(Date()), SQLBind(0)).run()
            }
            var faults = 0
            for version in Self.versions {
                let header = ["OpenStack-API-Version": "compute \(version.0).\(version.1)"]
                for (token, admin) in [("admin:p1", true), ("alice:p1", false)] {
                    let path = admin ? "/v2.1/servers/detail?all_tenants=1" : "/v2.1/servers/detail"
                    let detail = try await client.call(.get, path, token: token, headers: header)
                    #expect(detail.status == 200)
                    #expect(try Self.isCanonical(detail), "\(version) \(token)")
                    let servers = try #require(detail.body?["servers"]?.arrayValue)
                    #expect(servers.count >= (admin ? 20 : 8))
                    for server in servers {
                        let keys = Set(try #require(server.objectValue).keys)
                        #expect(keys.subtracting(Self.perServer) == Self.expected(version, admin: admin, show: false), "\(version) \(token)")
                        if server["fault"] != nil {
                            faults += 1
                            #expect(server["status"] == "ERROR")
                            let shown = try #require(server["fault"]?.objectValue)
                            #expect(shown["message"] == "broke \"badly\"")
                            #expect((shown["details"] != nil) == (admin || shown["code"] != 500))
                        }
                    }
                    let summary = try await client.call(
                        .get, admin ? "/v2.1/servers?all_tenants=1&limit=5" : "/v2.1/servers", token: token, headers: header)
                    #expect(try Self.isCanonical(summary))
                    let summaries = try #require(summary.body?["servers"]?.arrayValue)
                    #expect(summaries.map { $0["id"] } == servers.prefix(summaries.count).map { $0["id"] })
                    #expect(summaries.allSatisfy { Set($0.objectValue?.keys ?? [:].keys) == ["id", "links", "name"] })
                    if admin { #expect(summary.body?["servers_links"]?.arrayValue?.first?["rel"] == "next") }

                    let id = try #require(servers.first?["id"]?.stringValue)
                    let show = try await client.call(.get, "/v2.1/servers/\(id)", token: token, headers: header)
                    #expect(show.status == 200)
                    #expect(try Self.isCanonical(show))
                    let shown = try #require(show.body?["server"])
                    #expect(shown == servers[0].merging(serverGroups: version.1 >= 71))
                }
            }
            #expect(faults > 0)
        }
    }
}

extension JSON {
    /// A listed server's view as its show gives it: the same, plus `server_groups` from 2.71.
    fileprivate func merging(serverGroups: Bool) -> JSON {
        var view = self
        if serverGroups { view["server_groups"] = [] }
        return view
    }
}
