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

/// `POST /servers`: `{"server": {…}, "os:scheduler_hints": {…}}`, with the fields each microversion adds.
struct ServerCreateBody: RequestBody {
    struct Fields: Decodable, Sendable {
        let name: String
        let imageRef: String?
        let flavorRef: Identifier
        let adminPass: String?
        let metadata: ServerMetadataValue?
        let keyName: String?
        let userData: String?
        let availabilityZone: String?
        let minCount: InstanceCount?
        let maxCount: InstanceCount?
        let returnReservationID: FlexibleBool?
        let configDrive: FlexibleBool?
        let diskConfig: String?
        let accessIPv4: AccessAddress?
        let accessIPv6: AccessAddress?
        let networks: NetworkRequest?
        let description: String?
        let tags: [String]?
        let hostname: String?
        let personality: [PersonalityFile]?
        let securityGroups: [NamedGroup]?

        struct NamedGroup: Decodable, Sendable { let name: String }

        enum CodingKeys: String, CodingKey {
            case name, imageRef, flavorRef, adminPass, metadata, accessIPv4, accessIPv6, networks, description, tags, hostname, personality
            case keyName = "key_name"
            case userData = "user_data"
            case availabilityZone = "availability_zone"
            case minCount = "min_count"
            case maxCount = "max_count"
            case returnReservationID = "return_reservation_id"
            case configDrive = "config_drive"
            case diskConfig = "OS-DCF:diskConfig"
            case securityGroups = "security_groups"
        }
    }

    let server: Fields
    let schedulerHints: SchedulerHints?

    /// `os:scheduler_hints` (or its old name `OS-SCH-HNT:scheduler_hints`): the server group to join, and
    /// servers to land beside (`same_host`) or away from (`different_host`), each one id or a list.
    struct SchedulerHints: Decodable, Sendable {
        let group: String?
        let sameHost: [String]
        let differentHost: [String]

        enum CodingKeys: String, CodingKey {
            case group
            case sameHost = "same_host"
            case differentHost = "different_host"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            group = try container.decodeIfPresent(String.self, forKey: .group)
            let ids = { (key: CodingKeys) throws -> [String] in
                if let one = try? container.decodeIfPresent(String.self, forKey: key) { return [one] }
                return try container.decodeIfPresent([String].self, forKey: key) ?? []
            }
            sameHost = try ids(.sameHost)
            differentHost = try ids(.differentHost)
        }
    }

    enum CodingKeys: String, CodingKey {
        case server
        case schedulerHints = "os:scheduler_hints"
        case legacyHints = "OS-SCH-HNT:scheduler_hints"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        server = try container.decode(Fields.self, forKey: .server)
        schedulerHints =
            try container.decodeIfPresent(SchedulerHints.self, forKey: .schedulerHints)
            ?? container.decodeIfPresent(SchedulerHints.self, forKey: .legacyHints)
    }

    /// Nova's hints: `group` a uuid, the others (same_host, different_host, query, …) accepted as given.
    static let uuidPattern = "^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
    /// One server id or a list of them.
    static let serverIDs: Schema = {
        var schema = Schema(types: [.string, .array], items: .string(pattern: uuidPattern))
        schema.pattern = uuidPattern
        return schema
    }()
    static let hintsSchema = Schema(
        types: [.object],
        properties: ["group": .string(pattern: uuidPattern), "same_host": serverIDs, "different_host": serverIDs],
        additionalProperties: true)

    /// A hostname (2.90): one label of at most 63 characters; from 2.94 a fully qualified name of at most 255.
    static func hostnameSchema(at version: APIVersion) -> Schema {
        version >= APIVersion(2, 94)
            ? .string(minLength: 1, maxLength: 255, pattern: "^[a-zA-Z0-9][a-zA-Z0-9.-]*$")
            : .string(minLength: 1, maxLength: 63, pattern: "^[a-zA-Z0-9][a-zA-Z0-9.-]*$")
    }

    static func schema(at version: APIVersion) -> Schema {
        var server: [String: Schema] = [
            "name": .string(minLength: 1, maxLength: 255), "imageRef": Schema(types: [.string]),
            "flavorRef": Schema(types: [.string, .integer], minLength: 1), "adminPass": .string(), "metadata": ServerMetadataValue.schema,
            "key_name": .string(minLength: 1, maxLength: 255), "user_data": .string(maxLength: 65535), "availability_zone": .string(maxLength: 255),
            "min_count": InstanceCount.schema, "max_count": InstanceCount.schema, "return_reservation_id": .novaBoolean,
            "accessIPv4": .string(), "accessIPv6": .string(), "config_drive": .novaBoolean,
            "security_groups": .array(.object(["name": .string()])), "OS-DCF:diskConfig": .oneOf(["AUTO", "MANUAL"]),
            "block_device_mapping_v2": .array(.any), "networks": NetworkRequest.schema(at: version),
        ]
        if version < APIVersion(2, 57) { server["personality"] = PersonalityFile.schema }
        if version >= APIVersion(2, 19) { server["description"] = Schema.string(maxLength: 255).nullable }
        if version >= APIVersion(2, 52) { server["tags"] = .array(ServerTagStore.tagSchema, maxItems: ServerTagStore.maxTags) }
        if version >= APIVersion(2, 90) { server["hostname"] = hostnameSchema(at: version) }
        var required = ["name", "flavorRef"]
        if version >= APIVersion(2, 37) { required.append("networks") }
        return .object(
            ["server": .object(server, required: required), "os:scheduler_hints": hintsSchema, "OS-SCH-HNT:scheduler_hints": hintsSchema],
            required: ["server"])
    }
}

/// A create request once every reference and value in it has been checked; nothing is written before.
struct ServerPlan: Sendable {
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
    /// Each instance's interfaces (none: `networks: none`).
    var networks: [NetworkChoice]
    var count: (min: Int, max: Int)
    var returnReservationID: Bool
    var adminPass: String?
    var configDrive: Bool
    var autoDiskConfig = false
    /// The server group the instances join (the `group` hint).
    var group: ServerGroup?
    /// The security groups the instances' ports are in.
    var securityGroups: [String] = [SecurityGroup.defaultName]
    /// Their ids, which the instances' new ports carry.
    var securityGroupIDs: [String] = []
    /// The hosts of the requested availability zone (`nil`: none requested, any host).
    var zoneHosts: Set<String>?

    /// The display name of instance `index` of `total` (Nova's `name-1 … name-n` for several).
    func name(_ index: Int, of total: Int) -> String { total > 1 ? "\(name)-\(index + 1)" : name }
}

/// `POST /servers`: validates the references, checks quotas and picks a host in one transaction, writes
/// the instances as BUILD/scheduling and hands each to the lifecycle engine.
extension ServerContext {
    func create(_ body: ServerCreateBody, _ request: APIRequest) async throws -> Reply {
        var plan = try await plan(body.server, request)
        if let groupID = body.schedulerHints?.group {
            let group = try await ServerGroupStore(database: database, clock: clock).get(groupID)
            guard request.auth.isAdmin || group.projectID == request.auth.projectID else { throw ServerGroupNotFound(id: groupID) }
            plan.group = group
        }
        let reservation = "r-" + String(ids.uuid().replacingOccurrences(of: "-", with: "").prefix(8))
        let inZone = compute.configuration.hosts.filter { plan.zoneHosts?.contains($0.name) ?? true }
        let hosts = try await hinted(inZone, body.schedulerHints)
        let built = try await build(plan, reservation: reservation, hosts: hosts, request)
        for server in built where server.state.vm == .building {
            try await compute.engine.submit(.build, instance: server.id, current: server.lifecycleRecord, isAdmin: request.auth.isAdmin)
        }
        if plan.returnReservationID { return Reply(["reservation_id": .string(reservation)]) }
        let first = built[0]
        let view: JSON = [
            "id": .string(first.id), "links": request.links("servers", first.id), "OS-DCF:diskConfig": first.diskConfig,
            "security_groups": .array(plan.securityGroups.map { ["name": .string($0)] }),
            "adminPass": .string(plan.adminPass ?? Self.password(ids.uuid())),
        ]
        return Reply(["server": view], headers: ["Location": "\(request.versionedBase)/servers/\(first.id)"])
    }

    /// The hosts the `same_host` / `different_host` hints leave: beside any of the named servers, away from all of them.
    func hinted(_ candidates: [ComputeHost], _ hints: ServerCreateBody.SchedulerHints?) async throws -> [ComputeHost] {
        guard let hints, !(hints.sameHost.isEmpty && hints.differentHost.isEmpty) else { return candidates }
        var kept = candidates
        if !hints.sameHost.isEmpty {
            let beside = try await hosts(of: hints.sameHost)
            kept = kept.filter { beside.contains($0.name) }
        }
        let away = try await hosts(of: hints.differentHost)
        return kept.filter { !away.contains($0.name) }
    }

    /// The hosts the given live servers are on.
    func hosts(of servers: [String]) async throws -> Set<String> {
        guard !servers.isEmpty else { return [] }
        return try await database.read { sql in
            Set(
                try await sql.select().column("host").from("instances").where("uuid", .in, servers).readDeleted(.no).all()
                    .compactMap { try $0.decode(column: "host", as: String?.self) })
        }
    }

    /// Checks the body against the catalog (flavor, image, key pair), the version's rules and the metadata quota.
    func plan(_ body: ServerCreateBody.Fields, _ request: APIRequest) async throws -> ServerPlan {
        let project = request.auth.projectID
        let flavor = try await requestedFlavor(body.flavorRef, request)
        let imageID = Identifier.lastSegment(of: body.imageRef ?? "")
        guard !imageID.isEmpty else {
            throw Fault.badRequest(
                "Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.")
        }
        let image = try await requestedImage(imageID, request)
        guard image.status == "active" else { throw Fault.badRequest("Image \(imageID) is not active.") }
        if flavor.memoryMB < image.minRam { throw Fault.badRequest("Flavor's memory is too small for requested image.") }
        if flavor.rootGB > 0 && flavor.rootGB < image.minDisk { throw Fault.badRequest("Flavor's disk is too small for requested image.") }
        // A requested zone narrows the hosts to its own (and pins the server to it).
        var zoneHosts: Set<String>?
        if let zone = body.availabilityZone {
            let zones = try await AggregateStore.zonesByHost(in: database)
            guard zone == AvailabilityZones.zone || zones.values.contains(zone) else {
                throw Fault.badRequest("The requested availability zone is not available")
            }
            zoneHosts = Set(compute.configuration.hosts.map(\.name).filter { (zones[$0] ?? AvailabilityZones.zone) == zone })
        }
        let metadata = body.metadata?.values ?? [:]
        var keyData: String?
        if let keyName = body.keyName {
            guard let pair = try? await keypairs.get(keyName, user: request.auth.userID) else {
                throw Fault.badRequest("Invalid key_name provided.")
            }
            keyData = pair.publicKey
        }
        if let userData = body.userData, Data(base64Encoded: userData) == nil {
            throw Fault.badRequest("Invalid input for field/attribute user_data. Value: \(userData). '\(userData)' is not a 'base64' string")
        }
        let minCount = body.minCount?.value ?? 1
        var maxCount = body.maxCount?.value ?? minCount
        guard minCount <= maxCount else { throw Fault.badRequest("min_count must be <= max_count") }
        if maxCount > 1, body.hostname != nil { throw Fault.badRequest("Cannot use hostname with multiple instances.") }
        try await quotas.checkMetadataItems(metadata.count, project: project)
        if let files = body.personality { try PersonalityFile.check(files, limits: try await quotas.limits(for: project)) }
        var securityGroups = [SecurityGroup.defaultName]
        if let requested = body.securityGroups, !requested.isEmpty {
            let known = try await SecurityGroupStore(database: database, clock: clock, ids: ids).list(project: project)
            securityGroups = try requested.map { wanted in
                guard let group = known.first(where: { $0.name == wanted.name || $0.id == wanted.name }) else {
                    throw Fault.badRequest("Unable to find security_group with name or id '\(wanted.name)'")
                }
                return group.name
            }
            var seen: Set<String> = []
            securityGroups = securityGroups.filter { seen.insert($0).inserted }
        }
        let serverNetworks = ServerNetworks(database: database, clock: clock, ids: ids)
        let networks = try await serverNetworks.resolve(body.networks, count: maxCount, auth: request.auth)
        maxCount = try await serverNetworks.instancesWithinPortQuota(networks, count: (minCount, maxCount), project: project)
        var plan = ServerPlan(
            name: body.name, description: body.description, hostname: body.hostname,
            flavor: FlavorSnapshot(flavor, extraSpecs: try await flavors.specs(of: flavor.flavorID)), imageID: imageID, metadata: metadata,
            tags: Set(body.tags ?? []).sorted(), keyName: body.keyName, keyData: keyData, userData: body.userData,
            availabilityZone: body.availabilityZone, accessIPv4: body.accessIPv4?.text ?? "", accessIPv6: body.accessIPv6?.text ?? "",
            networks: networks, count: (minCount, maxCount),
            returnReservationID: body.returnReservationID?.value ?? false, adminPass: body.adminPass, configDrive: body.configDrive?.value ?? false)
        plan.securityGroups = securityGroups
        if !plan.networks.isEmpty {
            plan.securityGroupIDs = try await serverNetworks.securityGroupIDs(securityGroups, project: project)
        }
        plan.autoDiskConfig = body.diskConfig == "AUTO"
        plan.zoneHosts = zoneHosts
        return plan
    }

    /// In one transaction: the quotas for as many instances as fit (at least the minimum), a host for each
    /// (none left: that instance is written in ERROR with Nova's NoValidHost fault), and the rows.
    func build(_ plan: ServerPlan, reservation: String, hosts: [ComputeHost], _ request: APIRequest) async throws -> [Server] {
        let (project, ids, now) = (request.auth.projectID, ids, clock.now())
        let perInstance = ["instances": 1, "cores": plan.flavor.vcpus, "ram": plan.flavor.ram]
        return try await quotas.withQuotas(
            perInstance, count: plan.count, project: project,
            used: { sql in
                let usage = try await ResourceUsage.project(sql, project)
                return ["instances": usage.instances, "cores": usage.total.vcpus, "ram": usage.total.memoryMB]
            }
        ) { sql, count in
            var servers: [Server] = []
            var used = try await ResourceUsage.hosts(sql)
            let unschedulable = try await ComputeServiceStore.unschedulableHosts(sql)
            var placement: GroupPlacement?
            if let group = plan.group {
                placement = try await GroupPlacement(group, adding: count, limits: try await quotas.limits(for: project, sql), sql)
            }
            for index in 0..<count {
                var host: String?
                var fault: String?
                do throws(NoValidHost) {
                    let chosen =
                        if let placement {
                            try placement.select(plan.flavor.resources, hosts: hosts, used: used, excluding: unschedulable)
                        } else {
                            try Scheduler.select(plan.flavor.resources, hosts: hosts, used: used, excluding: unschedulable)
                        }
                    host = chosen.name
                    used[chosen.name] = (used[chosen.name] ?? .zero) + plan.flavor.resources
                    placement?.place(on: chosen.name)
                } catch {
                    fault = error.reason
                }
                let name = plan.name(index, of: count)
                let id = ids.uuid()
                // A server that found no host gets no ports, as Nova allocates networks only once scheduled.
                let addresses =
                    host == nil
                    ? []
                    : try await ServerNetworks.attach(
                        plan.networks, server: id, project: project, host: host, zone: plan.availabilityZone,
                        securityGroups: plan.securityGroupIDs, at: now, ids: ids, sql)
                let server = Server(
                    rowID: 0, id: id, name: name, description: plan.description, hostname: plan.hostname ?? Self.hostname(from: name),
                    projectID: project, userID: request.auth.userID, imageRef: plan.imageID, flavor: plan.flavor, oldFlavor: nil, newFlavor: nil,
                    state: InstanceState(fault == nil ? .building : .error, power: .noState), locked: false, lockedBy: nil, lockedReason: nil,
                    host: host, keyName: plan.keyName, userData: plan.userData, availabilityZone: plan.availabilityZone,
                    reservationID: reservation, launchIndex: index, accessIPv4: plan.accessIPv4, accessIPv6: plan.accessIPv6,
                    addresses: addresses, launchedAt: nil, terminatedAt: nil, createdAt: now,
                    updatedAt: nil, deleted: false, metadata: plan.metadata, tags: plan.tags, fault: nil, configDrive: plan.configDrive,
                    securityGroups: plan.networks.isEmpty ? [] : plan.securityGroups, autoDiskConfig: plan.autoDiskConfig)
                try await ServerStore.insert(server, keyData: plan.keyData, fault: fault, sql)
                if let group = plan.group { try await ServerGroupStore.addMember(server.id, to: group.rowID, at: now, sql) }
                try await InstanceActionStore.start("create", instance: server.id, request: request, at: now, sql)
                servers.append(server)
            }
            return servers
        }
    }

    /// The flavor a request names (id or URL), as the caller may see it; unknown or disabled → 400.
    func requestedFlavor(_ reference: Identifier, _ request: APIRequest) async throws -> Flavor {
        let id = reference.lastSegment
        let flavor: Flavor
        do {
            flavor = try await flavors.get(id, visibleTo: request.auth.projectID, isAdmin: request.auth.isAdmin)
        } catch is FlavorNotFound {
            throw Fault.badRequest("Flavor \(id) could not be found.")
        }
        if flavor.disabled { throw Fault.badRequest("Flavor is disabled.") }
        return flavor
    }

    /// The image a request names, as the caller may see it; unknown → 400 (not the image API's 404).
    func requestedImage(_ id: String, _ request: APIRequest) async throws -> Image {
        do { return try await images.get(id, project: request.auth.projectID, isAdmin: request.auth.isAdmin) } catch is ImageNotFound {
            throw Fault.badRequest("Image \(id) could not be found.")
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
            network: SimulatedNetwork.label, address: "10.0.\(hex(0)).\(2 + hex(2) % 252)",
            mac: "fa:16:3e:" + Hex.string([hex(2), hex(4), hex(6)].map(UInt8.init), separator: ":"))
    }

    /// A random admin password (Nova's default length is 12).
    static func password(_ seed: String) -> String {
        String(seed.replacingOccurrences(of: "-", with: "").prefix(12))
    }
}
