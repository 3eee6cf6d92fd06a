import Crypto
import Foundation
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitImage
import NovaKitNetwork
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// Nova's server views, field by field as each microversion adds them. Views are written straight into JSON
/// text (`JSONWriter`), members in sorted key order, since a page of 100 detailed servers is most of what a
/// busy list request does; update and rebuild read the text back as a tree to trim it.
enum ServerViews {
    /// `{"id", "links", "name"}` for `GET /servers` (`links`: the request's links to servers).
    static func writeSummary(_ server: ServerSummary, links: ResourceLinks, into writer: inout JSONWriter) {
        writer.object { view in
            view.key("id")
            view.string(server.id)
            view.key("links")
            links.write(server.id, into: &view)
            view.key("name")
            view.string(server.name)
        }
    }

    /// `{"server": <the full view>}` for `GET /servers/{id}`.
    static func show(_ server: Server, _ request: APIRequest, data: ServerViewData) -> Reply {
        var writer = JSONWriter(capacity: 2048)
        writer.object { body in
            body.key("server")
            writeDetail(server, request, data: data, into: &body)
        }
        return Reply(encoded: writer.bytes)
    }

    /// The full view as a tree (what update and rebuild trim).
    static func detail(_ server: Server, _ request: APIRequest, data: ServerViewData) -> JSON {
        var writer = JSONWriter(capacity: 2048)
        writeDetail(server, request, data: data, into: &writer)
        return tree(writer)
    }

    /// The full view of `GET /servers/{id}`, `/servers/detail` (`listing`: without server_groups) and (2.75+)
    /// update and rebuild. Keys are written in sorted order, whatever microversion added them.
    static func writeDetail(
        _ server: Server, _ request: APIRequest, data: ServerViewData, listing: Bool = false, into writer: inout JSONWriter
    ) {
        let version = request.version
        let rules = data.rules(for: server, request)
        let extended = rules.extendedAttributes
        let since3 = version >= APIVersion(2, 3)
        writer.object { view in
            view.key("OS-DCF:diskConfig")
            view.string(server.autoDiskConfig ? "AUTO" : "MANUAL")
            view.key("OS-EXT-AZ:availability_zone")
            view.string(data.zone(of: server))
            if extended {
                view.key("OS-EXT-SRV-ATTR:host")
                view.string(server.host)
            }
            if (extended && since3) || version >= APIVersion(2, 90) {
                view.key("OS-EXT-SRV-ATTR:hostname")
                view.string(server.hostname ?? "")
            }
            if extended {
                view.key("OS-EXT-SRV-ATTR:hypervisor_hostname")
                view.string(server.host)
                view.key("OS-EXT-SRV-ATTR:instance_name")
                view.string(server.instanceName)
            }
            if extended && since3 {
                view.key("OS-EXT-SRV-ATTR:kernel_id")
                view.string("")
                view.key("OS-EXT-SRV-ATTR:launch_index")
                view.int(server.launchIndex)
                view.key("OS-EXT-SRV-ATTR:ramdisk_id")
                view.string("")
                view.key("OS-EXT-SRV-ATTR:reservation_id")
                view.string(server.reservationID)
                view.key("OS-EXT-SRV-ATTR:root_device_name")
                view.string("/dev/vda")
                view.key("OS-EXT-SRV-ATTR:user_data")
                view.string(server.userData)
            }
            view.key("OS-EXT-STS:power_state")
            view.int(server.state.power.rawValue)
            view.key("OS-EXT-STS:task_state")
            view.string(server.state.task?.rawValue)
            view.key("OS-EXT-STS:vm_state")
            view.string(server.deleted ? "deleted" : server.state.vm.rawValue)
            view.key("OS-SRV-USG:launched_at")
            view.naiveTimestamp(server.launchedAt)
            view.key("OS-SRV-USG:terminated_at")
            view.naiveTimestamp(server.terminatedAt)
            view.key("accessIPv4")
            view.string(server.accessIPv4)
            view.key("accessIPv6")
            view.string(server.accessIPv6)
            view.key("addresses")
            writeAddresses(server.addresses, floating: data.floating[server.id] ?? [], into: &view)
            view.key("config_drive")
            view.string(server.configDrive ? "True" : "")
            view.key("created")
            view.zuluTimestamp(server.createdAt)
            if version >= APIVersion(2, 19) {
                view.key("description")
                view.string(server.description)
            }
            if let fault = server.fault, server.showsFault {
                view.key("fault")
                view.object { shown in
                    shown.key("code")
                    shown.int(fault.code)
                    shown.key("created")
                    shown.zuluTimestamp(fault.created)
                    if request.auth.isAdmin || fault.code != 500 {
                        shown.key("details")
                        shown.string(fault.details ?? "")
                    }
                    shown.key("message")
                    shown.string(fault.message)
                }
            }
            view.key("flavor")
            writeFlavor(server, request, links: data.links.flavors, extraSpecs: rules.flavorExtraSpecs, into: &view)
            view.key("hostId")
            view.string(data.hostID(of: server))
            if version >= APIVersion(2, 16), rules.hostStatus {
                view.key("host_status")
                view.string(server.host == nil ? "" : "UP")
            }
            view.key("id")
            view.string(server.id)
            view.key("image")
            writeImage(server, request, data: data, into: &view)
            view.key("key_name")
            view.string(server.keyName)
            view.key("links")
            data.links.servers.write(server.id, into: &view)
            if version >= APIVersion(2, 9) {
                view.key("locked")
                view.bool(server.locked)
            }
            if version >= APIVersion(2, 73) {
                view.key("locked_reason")
                view.string(server.lockedReason)
            }
            view.key("metadata")
            view.object(strings: server.metadata)
            view.key("name")
            view.string(server.name)
            view.key("os-extended-volumes:volumes_attached")
            view.array { _ in }
            if version >= APIVersion(2, 96) {
                view.key("pinned_availability_zone")
                view.string(server.availabilityZone)
            }
            if let progress = progress(server) {
                view.key("progress")
                view.int(progress)
            }
            if version >= APIVersion(2, 100) {
                view.key("scheduler_hints")
                view.object { _ in }
            }
            if !server.securityGroups.isEmpty {
                view.key("security_groups")
                view.array { groups in
                    for name in server.securityGroups {
                        groups.object { group in
                            group.key("name")
                            group.string(name)
                        }
                    }
                }
            }
            if version >= APIVersion(2, 71), !listing {
                view.key("server_groups")
                view.array(strings: data.groups[server.id] ?? [])
            }
            view.key("status")
            view.string(server.status)
            if version >= APIVersion(2, 26) {
                view.key("tags")
                view.array(strings: server.tags)
            }
            view.key("tenant_id")
            view.string(server.projectID)
            if version >= APIVersion(2, 63) {
                view.key("trusted_image_certificates")
                view.null()
            }
            view.key("updated")
            view.zuluTimestamp(server.updatedAt ?? server.createdAt)
            view.key("user_id")
            view.string(server.userID)
        }
    }

    /// What `writer` wrote, as a tree.
    private static func tree(_ writer: JSONWriter) -> JSON {
        // The writer's output is well-formed JSON by construction.
        (try? JSON.parse(Data(writer.bytes))) ?? [:]
    }

    /// The view update and rebuild answer with: before 2.75 only the basic fields (plus key_name from 2.54
    /// and user_data from 2.57 for a rebuild); from 2.75 the full view.
    static func changed(_ server: Server, _ request: APIRequest, data: ServerViewData, rebuild: Bool) -> JSON {
        var view = detail(server, request, data: data)
        let version = request.version
        if rebuild && version >= APIVersion(2, 57) { view["user_data"] = server.userData.map(JSON.string) ?? .null }
        if version >= APIVersion(2, 75) {
            if rebuild { view["OS-EXT-SRV-ATTR:user_data"] = nil }
            return view
        }
        var kept: Set<String> = [
            "id", "name", "status", "tenant_id", "user_id", "metadata", "hostId", "image", "flavor", "created", "updated", "addresses",
            "accessIPv4", "accessIPv6", "links", "OS-DCF:diskConfig", "progress", "fault", "locked", "description", "tags",
            "trusted_image_certificates", "server_groups", "locked_reason",
        ]
        if rebuild && version >= APIVersion(2, 54) { kept.insert("key_name") }
        if rebuild && version >= APIVersion(2, 57) { kept.insert("user_data") }
        var basic = (view.objectValue ?? [:]).filter { kept.contains($0.key) }
        basic["addresses"] = addresses(server, extended: false, floating: data.floating[server.id] ?? [])
        return .object(basic)
    }

    /// Nova's `hostId`: a per-project hash of the host, so projects cannot map hosts.
    static func hostID(_ server: Server) -> String { hostID(project: server.projectID, host: server.host) }

    static func hostID(project: String, host: String?) -> String {
        guard let host, !host.isEmpty else { return "" }
        // The first 56 hex digits (28 bytes).
        return Hex.string(SHA256.hash(data: Data((project + host).utf8)).prefix(28))
    }

    /// Nova shows `progress` only while building or moving, and once active.
    static func progress(_ server: Server) -> Int? {
        switch server.status {
        case "ACTIVE", "VERIFY_RESIZE": 100
        case "BUILD", "REBUILD", "RESIZE", "MIGRATING": server.state.task?.progress ?? 0
        default: nil
        }
    }

    static func writeImage(_ server: Server, _ request: APIRequest, data: ServerViewData, into writer: inout JSONWriter) {
        guard let ref = server.imageRef, !ref.isEmpty else { return writer.string("") }
        writer.object { image in
            image.key("id")
            image.string(ref)
            image.key("links")
            data.links.images.writeBookmark(ref, into: &image)
            if request.version >= APIVersion(2, 98) {
                image.key("properties")
                image.object(strings: data.images[ref]?.properties ?? [:])
            }
        }
    }

    static func writeFlavor(_ server: Server, _ request: APIRequest, links: ResourceLinks, extraSpecs: Bool, into writer: inout JSONWriter) {
        let flavor = server.flavor
        guard request.version >= APIVersion(2, 47) else {
            return writer.object { view in
                view.key("id")
                view.string(flavor.id)
                view.key("links")
                links.writeBookmark(flavor.id, into: &view)
            }
        }
        writer.object { view in
            view.key("disk")
            view.int(flavor.disk)
            view.key("ephemeral")
            view.int(flavor.ephemeral)
            if extraSpecs {
                view.key("extra_specs")
                view.object(strings: flavor.extraSpecs)
            }
            view.key("original_name")
            view.string(flavor.name)
            view.key("ram")
            view.int(flavor.ram)
            view.key("swap")
            view.int(flavor.swap)
            view.key("vcpus")
            view.int(flavor.vcpus)
        }
    }

    /// `writeAddresses` as a tree (`/servers/{id}/ips`, the basic view of update and rebuild).
    static func addresses(_ server: Server, extended: Bool, floating: [FloatingAddress]) -> JSON {
        var writer = JSONWriter(capacity: 256)
        writeAddresses(server.addresses, extended: extended, floating: floating, into: &writer)
        return tree(writer)
    }

    /// Addresses by network, networks in name order, each network's fixed addresses first (as stored), then its
    /// floating ones; `extended` adds the type and MAC (`OS-EXT-IPS`), which the basic view of an update or
    /// rebuild before 2.75 leaves out.
    static func writeAddresses(
        _ fixed: [NetworkAddress], extended: Bool = true, floating: [FloatingAddress] = [], into writer: inout JSONWriter
    ) {
        var entries = fixed.map { ShownAddress(network: $0.network, address: $0.address, mac: $0.mac, type: "fixed") }
        for address in floating {
            entries.append(ShownAddress(network: address.network, address: address.address, mac: address.mac, type: "floating"))
        }
        if entries.count > 1 {
            // Stable: by network, then where each stood.
            entries = entries.enumerated().sorted { ($0.element.network, $0.offset) < ($1.element.network, $1.offset) }.map(\.element)
        }
        writer.object { networks in
            var index = 0
            while index < entries.count {
                let network = entries[index].network
                networks.key(text: network)
                networks.array { list in
                    while index < entries.count, entries[index].network == network {
                        entries[index].write(extended: extended, into: &list)
                        index += 1
                    }
                }
            }
        }
    }
}

/// One address as a server's `addresses` shows it.
private struct ShownAddress {
    let network: String
    let address: String
    let mac: String
    let type: String

    func write(extended: Bool, into writer: inout JSONWriter) {
        writer.object { entry in
            if extended {
                entry.key("OS-EXT-IPS-MAC:mac_addr")
                entry.string(mac)
                entry.key("OS-EXT-IPS:type")
                entry.string(type)
            }
            entry.key("addr")
            entry.string(address)
            entry.key("version")
            entry.int(address.utf8.contains(UInt8(ascii: ":")) ? 6 : 4)
        }
    }
}
