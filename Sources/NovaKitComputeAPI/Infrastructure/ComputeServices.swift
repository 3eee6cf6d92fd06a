import Foundation
import HTTPTypes
public import NovaKitAPI
public import NovaKitCompute
import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage

/// `os-services` (admin): the services of the deployment — `nova-compute` on every compute host, the
/// scheduler and conductor on the first — listed, enabled or disabled (with a reason), forced down and
/// deleted. A disabled or forced-down compute service takes no new instances: the scheduler skips it.
///
/// Before 2.53 ids are integers and updates are `PUT /os-services/{enable|disable|disable-log-reason|force-down}`
/// naming host and binary; from 2.53 ids are uuids and `PUT /os-services/{id}` changes the service itself.
public struct ComputeServices: APIExtension {
    public static let key = ResourceKey<ComputeService>("os-services")

    let store: ComputeServiceStore
    let database: Database

    public init(database: Database, compute: ComputeRuntime) {
        store = compute.services
        self.database = database
    }

    public let descriptor = ExtensionDescriptor(
        name: "Services", alias: "os-services", namespace: "http://docs.openstack.org/compute/ext/services/api/v2",
        updated: "2012-10-28T00:00:00Z", description: "Services support.")

    enum Rules {
        static let list = PolicyDefault("os_compute_api:os-services:list", "rule:admin_api", description: "List all running compute services.")
        static let update = PolicyDefault(
            "os_compute_api:os-services:update", "rule:admin_api", description: "Enable, disable or force down a compute service.")
        static let delete = PolicyDefault("os_compute_api:os-services:delete", "rule:admin_api", description: "Delete a service.")
    }

    public var policies: [PolicyDefault] { [Rules.list, Rules.update, Rules.delete] }

    /// The id in the URL: an integer before 2.53, a uuid from it; anything else is a 400, an unknown one a 404.
    func lookup(_ id: String, _ request: APIRequest) async throws -> ComputeService {
        let services = try await store.all()
        if request.version >= APIVersion(2, 53) {
            guard UUID(uuidString: id) != nil else { throw Fault.badRequest("Invalid uuid \(id)") }
            guard let found = services.first(where: { $0.uuid.lowercased() == id.lowercased() }) else {
                throw Fault.notFound("Service \(id) could not be found.")
            }
            return found
        }
        guard let number = Int(id) else { throw Fault.badRequest("Invalid service id \(id)") }
        guard let found = services.first(where: { $0.id == number }) else { throw Fault.notFound("Service \(id) could not be found.") }
        return found
    }

    public var api: [APIDeclaration] {
        Resource(Self.key, lookup: .afterPolicy(lookup)) {
            Index(policy: Rules.list) { request in
                try Self.refuseUnknownFilters(request)
                let host = request.queryValue("host")
                let binary = request.queryValue("binary")
                let services = try await store.all().filter { service in
                    (host == nil || service.host == host) && (binary == nil || service.binary == binary)
                }
                let zones = try await AggregateStore.zonesByHost(in: database)
                return Reply(["services": .array(services.map { Self.view($0, request.version, zones: zones) })])
            }
            Operation(.named("legacy_update"), method: .put, path: "{id}", body: LegacyUpdateBody.self, versions: .through(52), policy: Rules.update)
            {
                body, request in
                try await legacyUpdate(action: request.parameter("id"), body, request)
            }
            Update(body: UpdateBody.self, versions: .from(53), policy: Rules.update) { service, body, request in
                try await update(service, body, request)
            }
            Delete(policy: Rules.delete) { service, _ in
                if service.isCompute, try await store.hostsInstances(service.host) {
                    throw Fault.conflict("Unable to delete compute service that is hosting instances. Migrate or delete the instances first.")
                }
                try await store.delete(service)
                return .empty
            }
        }
    }

    /// From 2.75 a filter other than `host` and `binary` is refused; before, it is ignored.
    static func refuseUnknownFilters(_ request: APIRequest) throws {
        guard request.version >= APIVersion(2, 75) else { return }
        for name in request.query.keys where name != "host" && name != "binary" {
            throw Fault.badRequest("Invalid input for query parameters \(name). Additional properties are not allowed ('\(name)' was unexpected)")
        }
    }

    /// `PUT /os-services/{enable|disable|disable-log-reason|force-down}` (before 2.53): the compute service on
    /// `host` named by `binary`.
    func legacyUpdate(action: String, _ body: LegacyUpdateBody, _ request: APIRequest) async throws -> Reply {
        let forceDown = action == "force-down" && request.version >= APIVersion(2, 11)
        guard ["enable", "disable", "disable-log-reason"].contains(action) || forceDown else { throw Fault.notFound("Unknown action") }
        guard var service = try await store.all().first(where: { $0.host == body.host && $0.binary == body.binary }) else {
            throw Fault.notFound("Service \(body.binary) on host \(body.host) could not be found.")
        }
        var view: JSON = ["host": .string(service.host), "binary": .string(service.binary)]
        switch action {
        case "enable":
            service.disabled = false
            service.disabledReason = nil
        case "disable":
            service.disabled = true
        case "disable-log-reason":
            guard let reason = body.disabledReason else { throw Fault.badRequest("Missing disabled reason field") }
            service.disabled = true
            service.disabledReason = reason
            view["disabled_reason"] = .string(reason)
        default:
            guard let forcedDown = body.forcedDown else { throw Fault.badRequest("Missing forced_down field") }
            service.forcedDown = forcedDown
        }
        service = try await store.update(service)
        if forceDown { view["forced_down"] = .bool(service.forcedDown) } else { view["status"] = .string(service.status) }
        return Reply(["service": view])
    }

    /// `PUT /os-services/{id}` (2.53): status (and its reason) and forced_down, of a compute service only.
    func update(_ service: ComputeService, _ body: UpdateBody, _ request: APIRequest) async throws -> Reply {
        guard body.status != nil || body.forcedDown != nil else {
            throw Fault.badRequest("No updates were requested. Fields 'status' or 'forced_down' should be specified.")
        }
        if body.disabledReason != nil, body.status != "disabled" {
            throw Fault.badRequest(
                body.status == "enabled"
                    ? "Specifying 'disabled_reason' with status 'enabled' is invalid."
                    : "'disabled_reason' is only supported when 'status' is changed to 'disabled'.")
        }
        guard service.isCompute else {
            throw Fault.badRequest("Updating a \(service.binary) service is not supported. Only nova-compute services can be updated.")
        }
        var changed = service
        if let status = body.status {
            changed.disabled = status == "disabled"
            changed.disabledReason = changed.disabled ? body.disabledReason : nil
        }
        if let forcedDown = body.forcedDown { changed.forcedDown = forcedDown }
        return Reply([
            "service": Self.view(try await store.update(changed), request.version, zones: try await AggregateStore.zonesByHost(in: database))
        ])
    }

    /// Nova's service view: zone `nova` for compute services, `internal` for the control ones; `forced_down`
    /// from 2.11; uuid ids from 2.53.
    static func view(_ service: ComputeService, _ version: APIVersion, zones: [String: String]) -> JSON {
        var view: JSON = [
            "id": version >= APIVersion(2, 53) ? .string(service.uuid) : .int(service.id), "binary": .string(service.binary),
            "host": .string(service.host), "zone": .string(service.isCompute ? zones[service.host] ?? AvailabilityZones.zone : "internal"),
            "status": .string(service.status), "state": .string(service.state),
            "updated_at": .string(Timestamp.naive(service.updatedAt ?? service.createdAt)),
            "disabled_reason": .string(service.disabledReason),
        ]
        if version >= APIVersion(2, 11) { view["forced_down"] = .bool(service.forcedDown) }
        return view
    }

    /// `{"host", "binary"}` with `disabled_reason` (disable-log-reason) or, from 2.11, `forced_down` (force-down).
    struct LegacyUpdateBody: RequestBody {
        let host: String
        let binary: String
        let disabledReason: String?
        let forcedDown: Bool?

        enum CodingKeys: String, CodingKey {
            case host, binary
            case disabledReason = "disabled_reason"
            case forcedDown = "forced_down"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            host = try container.decode(String.self, forKey: .host)
            binary = try container.decode(String.self, forKey: .binary)
            disabledReason = try container.decodeIfPresent(String.self, forKey: .disabledReason)
            forcedDown = try container.decodeIfPresent(FlexibleBool.self, forKey: .forcedDown)?.value
        }

        static func schema(at version: APIVersion) -> Schema {
            let text = Schema.string(minLength: 1, maxLength: 255)
            var fields: [String: Schema] = ["host": text, "binary": text, "disabled_reason": text]
            if version >= APIVersion(2, 11) { fields["forced_down"] = .novaBoolean }
            return .object(fields, required: ["host", "binary"])
        }
    }

    /// `{"status": "enabled"|"disabled", "disabled_reason", "forced_down"}` (2.53).
    struct UpdateBody: RequestBody {
        let status: String?
        let disabledReason: String?
        let forcedDown: Bool?

        enum CodingKeys: String, CodingKey {
            case status
            case disabledReason = "disabled_reason"
            case forcedDown = "forced_down"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = try container.decodeIfPresent(String.self, forKey: .status)
            disabledReason = try container.decodeIfPresent(String.self, forKey: .disabledReason)
            forcedDown = try container.decodeIfPresent(FlexibleBool.self, forKey: .forcedDown)?.value
        }

        static func schema(at version: APIVersion) -> Schema {
            .object([
                "status": .oneOf(["enabled", "disabled"]), "disabled_reason": .string(minLength: 1, maxLength: 255), "forced_down": .novaBoolean,
            ])
        }
    }
}
