import Foundation
import NovaKitAPI
import NovaKitCompute
import NovaKitImage

/// `POST /servers`: validates the references, checks quotas and picks a host in one transaction, writes
/// the instances as BUILD/scheduling and hands each to the lifecycle engine.
enum ServerCreate {
    static let ranges: [(VersionRange, APIVersion)] = [
        (.through(18), APIVersion(2, 1)), (VersionRange(APIVersion(2, 19), APIVersion(2, 36)), APIVersion(2, 19)),
        (VersionRange(APIVersion(2, 37), APIVersion(2, 51)), APIVersion(2, 37)),
        (VersionRange(APIVersion(2, 52), APIVersion(2, 89)), APIVersion(2, 52)),
        (.from(90), APIVersion(2, 90)),
    ]

    static func schema(_ version: APIVersion) -> Schema {
        let count = Schema(types: [.integer, .string], pattern: "^[0-9]+$", minimum: 1)
        let network = Schema.object(["uuid": .string(), "port": .string(), "fixed_ip": .string(), "tag": .string()])
        var server: [String: Schema] = [
            "name": .string(minLength: 1, maxLength: 255), "imageRef": Schema(types: [.string]),
            "flavorRef": Schema(types: [.string, .integer], minLength: 1), "adminPass": .string(), "metadata": metadataSchema,
            "key_name": .string(minLength: 1, maxLength: 255), "user_data": .string(maxLength: 65535), "availability_zone": .string(maxLength: 255),
            "min_count": count, "max_count": count, "return_reservation_id": Schema(types: [.boolean, .string]),
            "accessIPv4": .string(), "accessIPv6": .string(), "config_drive": Schema(types: [.boolean, .string]),
            "security_groups": .array(.object(["name": .string()])), "OS-DCF:diskConfig": .oneOf(["AUTO", "MANUAL"]),
            "block_device_mapping_v2": .array(.any), "personality": .array(.any),
            "networks": version >= APIVersion(2, 37) ? Schema(types: [.string, .array], items: network) : .array(network),
        ]
        if version >= APIVersion(2, 19) { server["description"] = Schema.string(maxLength: 255).nullable }
        if version >= APIVersion(2, 52) { server["tags"] = .array(ServerTags.tagSchema, maxItems: 50) }
        if version >= APIVersion(2, 90) { server["hostname"] = .string(minLength: 1, maxLength: 63, pattern: "^[a-zA-Z0-9][a-zA-Z0-9.-]*$") }
        var required = ["name", "flavorRef"]
        if version >= APIVersion(2, 37) { required.append("networks") }
        return .object(["server": .object(server, required: required), "os:scheduler_hints": .any], required: ["server"])
    }

    static let metadataSchema = Schema(types: [.object], additionalProperties: true)

    /// A create request once every reference and value in it has been checked; nothing is written before.
    struct Plan: Sendable {
        var name: String
        var description: String?
        var hostname: String?
        var flavor: FlavorSnapshot
        var imageID: String
        var metadata: [String: String]
        var tags: [String]
        var keyName: String?
        var keyData: String?
        var userData: String?
        var availabilityZone: String?
        var accessIPv4: String
        var accessIPv6: String
        var withNetwork: Bool
        var count: (min: Int, max: Int)
        var returnReservationID: Bool
        var adminPass: String?

        /// The display name of instance `index` of `total` (Nova's `name-1 … name-n` for several).
        func name(_ index: Int, of total: Int) -> String { total > 1 ? "\(name)-\(index + 1)" : name }
    }

    static let create: Handler = { request in
        let plan = try await ServerCreate.plan(request)
        let runtime = try request.services.components.require(ComputeRuntime.self)
        let reservation = "r-" + String(request.services.ids.uuid().replacingOccurrences(of: "-", with: "").prefix(8))
        let built = try await build(plan, reservation: reservation, hosts: runtime.configuration.hosts, request)
        for server in built where server.state.vm == .building {
            try await runtime.engine.submit(.build, instance: server.id, isAdmin: request.auth.isAdmin)
        }
        if plan.returnReservationID { return Reply(["reservation_id": .string(reservation)]) }
        let first = built[0]
        let view: JSON = [
            "id": .string(first.id), "links": request.links("servers", first.id), "OS-DCF:diskConfig": "MANUAL",
            "security_groups": [["name": "default"]], "adminPass": .string(plan.adminPass ?? password(request.services.ids.uuid())),
        ]
        return Reply(["server": view], headers: ["Location": "\(request.versionedBase)/servers/\(first.id)"])
    }

    /// Checks the body against the catalog (flavor, image, key pair), the version's rules and the metadata quota.
    static func plan(_ request: APIRequest) async throws -> Plan {
        let body = request.body["server"] ?? [:]
        let project = request.auth.projectID
        let flavor = try await requestedFlavor(body["flavorRef"], request)
        let imageID = reference(body["imageRef"])
        guard !imageID.isEmpty else {
            throw Fault.badRequest(
                "Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.")
        }
        let image = try await requestedImage(imageID, request)
        guard image.status == "active" else { throw Fault.badRequest("Image \(imageID) is not active.") }
        if flavor.memoryMB < image.minRam { throw Fault.badRequest("Flavor's memory is too small for requested image.") }
        if flavor.rootGB > 0 && flavor.rootGB < image.minDisk { throw Fault.badRequest("Flavor's disk is too small for requested image.") }
        if let zone = body["availability_zone"]?.stringValue, zone != "nova" {
            throw Fault.badRequest("The requested availability zone is not available")
        }
        let metadata = try validatedMetadata(body["metadata"])
        let keyName = body["key_name"]?.stringValue
        var keyData: String?
        if let keyName {
            guard let pair = try? await KeypairStore(request).get(keyName, user: request.auth.userID) else {
                throw Fault.badRequest("Invalid key_name provided.")
            }
            keyData = pair.publicKey
        }
        if let userData = body["user_data"]?.stringValue, Data(base64Encoded: userData) == nil {
            throw Fault.badRequest("Invalid input for field/attribute user_data. Value: \(userData). '\(userData)' is not a 'base64' string")
        }
        let minCount = try countValue(body["min_count"], name: "min_count") ?? 1
        let maxCount = try countValue(body["max_count"], name: "max_count") ?? minCount
        guard minCount <= maxCount else { throw Fault.badRequest("min_count must be <= max_count") }
        if maxCount > 1, body["hostname"] != nil { throw Fault.badRequest("Cannot use hostname with multiple instances.") }
        try await ServerMetadata.checkQuota(metadata.count, project: project, request)
        return Plan(
            name: body["name"]?.stringValue ?? "", description: body["description"]?.stringValue, hostname: body["hostname"]?.stringValue,
            flavor: FlavorSnapshot(flavor, extraSpecs: try await FlavorStore(request).specs(of: flavor.flavorID)), imageID: imageID,
            metadata: metadata, tags: Set((body["tags"]?.arrayValue ?? []).compactMap(\.stringValue)).sorted(), keyName: keyName,
            keyData: keyData, userData: body["user_data"]?.stringValue, availabilityZone: body["availability_zone"]?.stringValue,
            accessIPv4: body["accessIPv4"]?.stringValue ?? "", accessIPv6: body["accessIPv6"]?.stringValue ?? "",
            withNetwork: try networkRequested(body["networks"], version: request.version), count: (minCount, maxCount),
            returnReservationID: try boolValue(body["return_reservation_id"]) ?? false, adminPass: body["adminPass"]?.stringValue)
    }

    /// In one transaction: the quotas for as many instances as fit (at least the minimum), a host for each
    /// (none left: that instance is written in ERROR with Nova's NoValidHost fault), and the rows.
    static func build(_ plan: Plan, reservation: String, hosts: [ComputeHost], _ request: APIRequest) async throws -> [Server] {
        let (project, services, now) = (request.auth.projectID, request.services, request.services.clock.now())
        let perInstance = ["instances": 1, "cores": plan.flavor.vcpus, "ram": plan.flavor.ram]
        return try await QuotaStore(request).withQuotas(
            perInstance, count: plan.count, project: project,
            used: { sql in
                let usage = try await ServerStore.usage(sql, project: project)
                return ["instances": usage.instances, "cores": usage.total.vcpus, "ram": usage.total.memoryMB]
            }
        ) { sql, count in
            var servers: [Server] = []
            var used = try await ServerStore.usage(sql).byHost
            for index in 0..<count {
                var host: String?
                var fault: String?
                do throws(NoValidHost) {
                    let chosen = try Scheduler.select(plan.flavor.resources, hosts: hosts, used: used)
                    host = chosen.name
                    used[chosen.name] = (used[chosen.name] ?? .zero) + plan.flavor.resources
                } catch {
                    fault = error.reason
                }
                let name = plan.name(index, of: count)
                let server = Server(
                    rowID: 0, id: services.ids.uuid(), name: name, description: plan.description, hostname: plan.hostname ?? hostname(from: name),
                    projectID: project, userID: request.auth.userID, imageRef: plan.imageID, flavor: plan.flavor, oldFlavor: nil, newFlavor: nil,
                    state: InstanceState(fault == nil ? .building : .error, power: .noState), locked: false, lockedBy: nil, lockedReason: nil,
                    host: host, keyName: plan.keyName, userData: plan.userData, availabilityZone: plan.availabilityZone,
                    reservationID: reservation, launchIndex: index, accessIPv4: plan.accessIPv4, accessIPv6: plan.accessIPv6,
                    addresses: plan.withNetwork ? [fixedAddress(services.ids.uuid())] : [], launchedAt: nil, terminatedAt: nil, createdAt: now,
                    updatedAt: nil, deleted: false, metadata: plan.metadata, tags: plan.tags, fault: nil)
                try await ServerStore.insert(server, keyData: plan.keyData, fault: fault, sql)
                try await InstanceActionStore.start("create", instance: server.id, request: request, at: now, sql)
                servers.append(server)
            }
            return servers
        }
    }

    /// The flavor a request names (id or URL), as the caller may see it; unknown or disabled → 400.
    static func requestedFlavor(_ reference: JSON?, _ request: APIRequest) async throws -> Flavor {
        let id = self.reference(reference)
        let flavor: Flavor
        do {
            flavor = try await FlavorStore(request).get(id, visibleTo: request.auth.projectID, isAdmin: request.auth.isAdmin)
        } catch is FlavorNotFound {
            throw Fault.badRequest("Flavor \(id) could not be found.")
        }
        if flavor.disabled { throw Fault.badRequest("Flavor is disabled.") }
        return flavor
    }

    /// The image a request names, as the caller may see it; unknown → 400 (not the image API's 404).
    static func requestedImage(_ id: String, _ request: APIRequest) async throws -> Image {
        do { return try await ImageStore(request).get(id, project: request.auth.projectID, isAdmin: request.auth.isAdmin) } catch is ImageNotFound {
            throw Fault.badRequest("Image \(id) could not be found.")
        }
    }

    /// A reference given as an id or as a URL ending in the id.
    static func reference(_ value: JSON?) -> String {
        let text = value?.stringValue ?? value?.intValue.map(String.init) ?? ""
        return text.split(separator: "/").last.map(String.init) ?? text
    }

    static func validatedMetadata(_ value: JSON?) throws -> [String: String] {
        guard let value, !value.isNull else { return [:] }
        guard let object = value.objectValue else { throw Fault.badRequest("Invalid input for field/attribute metadata. Value: must be an object") }
        var metadata: [String: String] = [:]
        for (key, item) in object {
            guard (1...255).contains(key.count) else {
                throw Fault.badRequest("Invalid input for field/attribute metadata. Metadata key must be 1 to 255 characters")
            }
            guard let text = item.stringValue, text.count <= 255 else {
                throw Fault.badRequest("Invalid input for field/attribute metadata. Value of \(key) must be a string of at most 255 characters")
            }
            metadata[key] = text
        }
        return metadata
    }

    /// Whether the instance gets an address: `none` gives none, `auto` (or nothing before 2.37) one on `private`.
    static func networkRequested(_ value: JSON?, version: APIVersion) throws -> Bool {
        guard let value else { return true }
        if let text = value.stringValue {
            guard ["none", "auto"].contains(text) else {
                throw Fault.badRequest("Invalid input for field/attribute networks. Value: \(text). '\(text)' is not one of ['none', 'auto']")
            }
            return text == "auto"
        }
        for network in value.arrayValue ?? [] {
            if let uuid = network["uuid"]?.stringValue { throw Fault.badRequest("Network \(uuid) could not be found.") }
            if let port = network["port"]?.stringValue { throw Fault.notFound("Port \(port) could not be found.") }
        }
        return !(value.arrayValue ?? []).isEmpty
    }

    static func countValue(_ value: JSON?, name: String) throws -> Int? {
        guard let value else { return nil }
        guard let count = value.intValue ?? value.stringValue.flatMap({ Int($0) }), count >= 1 else {
            throw Fault.badRequest("Invalid input for field/attribute \(name). Value: \(value). must be an integer of at least 1")
        }
        return count
    }

    static func boolValue(_ value: JSON?) throws -> Bool? {
        guard let value else { return nil }
        if case .bool(let flag) = value { return flag }
        switch value.stringValue?.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw Fault.badRequest("Invalid input for field/attribute return_reservation_id. Value: \(value). is not a boolean")
        }
    }

    /// Nova's hostname from the display name: lower case, runs of other characters as `-`, at most 63.
    static func hostname(from name: String) -> String {
        let lowered = name.lowercased().map { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "." ? $0 : "-" }
        let trimmed = String(lowered).trimmingCharacters(in: CharacterSet(charactersIn: "-."))
        return trimmed.isEmpty ? "server" : String(trimmed.prefix(63))
    }

    /// A fixed address on the simulated `private` network, derived from a fresh uuid.
    static func fixedAddress(_ seed: String) -> NetworkAddress {
        let bytes = Array(seed.replacingOccurrences(of: "-", with: "").utf8.prefix(8))
        let hex = { (index: Int) in Int(String(decoding: bytes[index...index + 1], as: UTF8.self), radix: 16) ?? 0 }
        return NetworkAddress(
            network: "private", address: "10.0.\(hex(0)).\(2 + hex(2) % 252)",
            mac: String(format: "fa:16:3e:%02x:%02x:%02x", hex(2), hex(4), hex(6)))
    }

    /// A random admin password (Nova's default length is 12).
    static func password(_ seed: String) -> String {
        String(seed.replacingOccurrences(of: "-", with: "").prefix(12))
    }
}
