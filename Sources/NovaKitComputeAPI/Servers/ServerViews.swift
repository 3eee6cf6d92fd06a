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

/// Nova's server views, field by field as each microversion adds them.
enum ServerViews {
    /// `{"id", "name", "links"}` for `GET /servers`.
    static func summary(_ server: Server, _ request: APIRequest) -> JSON {
        ["id": .string(server.id), "name": .string(server.name), "links": request.links("servers", server.id)]
    }

    /// The full view of `GET /servers/{id}`, `/servers/detail` (`listing`: without server_groups) and (2.75+) update and rebuild.
    static func detail(_ server: Server, _ request: APIRequest, data: ServerViewData = ServerViewData(), listing: Bool = false) -> JSON {
        let version = request.version
        let target = ["project_id": server.projectID, "user_id": server.userID]
        var view: JSON = [
            "id": .string(server.id), "name": .string(server.name), "status": .string(server.status), "tenant_id": .string(server.projectID),
            "user_id": .string(server.userID), "metadata": .object(server.metadata.mapValues(JSON.string)),
            "hostId": .string(hostID(server)), "image": image(server, request, images: data.images), "flavor": flavor(server, request),
            "created": .string(Timestamp.zulu(server.createdAt)), "updated": .string(Timestamp.zulu(server.updatedAt ?? server.createdAt)),
            "addresses": addresses(server, floating: data.floating[server.id] ?? []), "accessIPv4": .string(server.accessIPv4),
            "accessIPv6": .string(server.accessIPv6),
            "links": request.links("servers", server.id), "OS-DCF:diskConfig": server.diskConfig,
            "OS-EXT-AZ:availability_zone": .string(data.zone(of: server)), "config_drive": .string(server.configDrive ? "True" : ""),
            "key_name": server.keyName.map(JSON.string) ?? .null,
            "OS-SRV-USG:launched_at": server.launchedAt.map { .string(Timestamp.naive($0)) } ?? .null,
            "OS-SRV-USG:terminated_at": server.terminatedAt.map { .string(Timestamp.naive($0)) } ?? .null,
            "OS-EXT-STS:vm_state": .string(server.deleted ? "deleted" : server.state.vm.rawValue),
            "OS-EXT-STS:task_state": server.state.task.map { .string($0.rawValue) } ?? .null,
            "OS-EXT-STS:power_state": .int(server.state.power.rawValue),
            "os-extended-volumes:volumes_attached": [],
        ]
        if let progress = progress(server) { view["progress"] = .int(progress) }
        if !server.securityGroups.isEmpty { view["security_groups"] = .array(server.securityGroups.map { ["name": .string($0)] }) }
        if request.allows(ServerRules.extendedAttributes, target: target) {
            view["OS-EXT-SRV-ATTR:host"] = server.host.map(JSON.string) ?? .null
            view["OS-EXT-SRV-ATTR:hypervisor_hostname"] = server.host.map(JSON.string) ?? .null
            view["OS-EXT-SRV-ATTR:instance_name"] = .string(server.instanceName)
            if version >= APIVersion(2, 3) {
                view["OS-EXT-SRV-ATTR:reservation_id"] = .string(server.reservationID)
                view["OS-EXT-SRV-ATTR:launch_index"] = .int(server.launchIndex)
                view["OS-EXT-SRV-ATTR:hostname"] = .string(server.hostname ?? "")
                view["OS-EXT-SRV-ATTR:kernel_id"] = ""
                view["OS-EXT-SRV-ATTR:ramdisk_id"] = ""
                view["OS-EXT-SRV-ATTR:root_device_name"] = "/dev/vda"
                view["OS-EXT-SRV-ATTR:user_data"] = server.userData.map(JSON.string) ?? .null
            }
        }
        if version >= APIVersion(2, 3) { view["os-extended-volumes:volumes_attached"] = [] }
        if version >= APIVersion(2, 9) { view["locked"] = .bool(server.locked) }
        if version >= APIVersion(2, 16), request.allows(ServerRules.hostStatus, target: target) {
            view["host_status"] = server.host == nil ? "" : "UP"
        }
        if version >= APIVersion(2, 19) { view["description"] = server.description.map(JSON.string) ?? .null }
        if version >= APIVersion(2, 26) { view["tags"] = .array(server.tags.map(JSON.string)) }
        if version >= APIVersion(2, 63) { view["trusted_image_certificates"] = .null }
        if version >= APIVersion(2, 71), !listing { view["server_groups"] = .array((data.groups[server.id] ?? []).map(JSON.string)) }
        if version >= APIVersion(2, 73) { view["locked_reason"] = server.lockedReason.map(JSON.string) ?? .null }
        if version >= APIVersion(2, 90) { view["OS-EXT-SRV-ATTR:hostname"] = .string(server.hostname ?? "") }
        if version >= APIVersion(2, 96) { view["pinned_availability_zone"] = server.availabilityZone.map(JSON.string) ?? .null }
        if version >= APIVersion(2, 100) { view["scheduler_hints"] = [:] }
        if let fault = server.fault, server.status == "ERROR" || server.status == "DELETED" {
            var shown: JSON = ["code": .int(fault.code), "message": .string(fault.message), "created": .string(Timestamp.zulu(fault.created))]
            if request.auth.isAdmin || fault.code != 500 { shown["details"] = .string(fault.details ?? "") }
            view["fault"] = shown
        }
        return view
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
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in SHA256.hash(data: Data((project + host).utf8)) { hex += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        return String(decoding: hex.prefix(56), as: UTF8.self)
    }

    /// Nova shows `progress` only while building or moving, and once active.
    static func progress(_ server: Server) -> Int? {
        switch server.status {
        case "ACTIVE", "VERIFY_RESIZE": 100
        case "BUILD", "REBUILD", "RESIZE", "MIGRATING": server.state.task?.progress ?? 0
        default: nil
        }
    }

    static func image(_ server: Server, _ request: APIRequest, images: [String: Image]) -> JSON {
        guard let ref = server.imageRef, !ref.isEmpty else { return "" }
        let bookmark = "\(request.bookmarkBase)/images/\(ref)"
        var image: JSON = ["id": .string(ref), "links": [["rel": "bookmark", "href": .string(bookmark)]]]
        if request.version >= APIVersion(2, 98) { image["properties"] = .object((images[ref]?.properties ?? [:]).mapValues(JSON.string)) }
        return image
    }

    static func flavor(_ server: Server, _ request: APIRequest) -> JSON {
        let flavor = server.flavor
        guard request.version >= APIVersion(2, 47) else {
            let bookmark = "\(request.bookmarkBase)/flavors/\(flavor.id)"
            return ["id": .string(flavor.id), "links": [["rel": "bookmark", "href": .string(bookmark)]]]
        }
        var view: JSON = [
            "original_name": .string(flavor.name), "vcpus": .int(flavor.vcpus), "ram": .int(flavor.ram), "disk": .int(flavor.disk),
            "ephemeral": .int(flavor.ephemeral), "swap": .int(flavor.swap),
        ]
        if request.allows(FlavorExtraSpecs.Rules.index, target: ["project_id": server.projectID]) {
            view["extra_specs"] = .object(flavor.extraSpecs.mapValues(JSON.string))
        }
        return view
    }

    /// Addresses by network; `extended` adds the type and MAC (`OS-EXT-IPS`), which the basic view of an
    /// update or rebuild before 2.75 leaves out.
    static func addresses(_ server: Server, extended: Bool = true, floating: [FloatingAddress] = []) -> JSON {
        var networks: [String: [JSON]] = [:]
        let all = server.addresses.map { ($0.network, $0.address, $0.mac, "fixed") } + floating.map { ($0.network, $0.address, $0.mac, "floating") }
        for (network, address, mac, type) in all {
            var view: JSON = ["version": .int(address.contains(":") ? 6 : 4), "addr": .string(address)]
            if extended {
                view["OS-EXT-IPS:type"] = .string(type)
                view["OS-EXT-IPS-MAC:mac_addr"] = .string(mac)
            }
            networks[network, default: []].append(view)
        }
        return .object(networks.mapValues(JSON.array))
    }
}
