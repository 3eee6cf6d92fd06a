import Foundation
public import NovaKitAPI
import NovaKitCompute
public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage
import SQLKit

/// `os-instance-actions`: what was done to a server, by whom and with which request id, with its compute events.
public struct InstanceActions: APIExtension {
    public static let key = ResourceKey<Server>("os-instance-actions", under: Servers.key, parameter: "server_id")

    let store: InstanceActionStore
    let servers: ServerStore

    public init(database: Database, clock: any NovaClock) {
        store = InstanceActionStore(database: database, clock: clock)
        servers = ServerStore(database: database, clock: clock)
    }

    public let descriptor = ExtensionDescriptor(
        name: "InstanceActions", alias: "os-instance-actions", namespace: "http://docs.openstack.org/compute/ext/instance-actions/api/v1.1",
        updated: "2013-02-08T00:00:00Z", description: "View a log of actions and events taken on an instance.")

    enum Rules {
        static let list = PolicyDefault("os_compute_api:os-instance-actions:list", "rule:admin_or_owner")
        static let show = PolicyDefault("os_compute_api:os-instance-actions:show", "rule:admin_or_owner")
        static let events = PolicyDefault(
            "os_compute_api:os-instance-actions:events", "rule:admin_api", description: "See events (and, before 2.51, any events at all).")
        static let eventDetails = PolicyDefault(
            "os_compute_api:os-instance-actions:events:details", "rule:admin_api", description: "See event tracebacks and details.")
    }

    public var policies: [PolicyDefault] { [Rules.list, Rules.show, Rules.events, Rules.eventDetails] }

    public var api: [APIDeclaration] {
        // Actions stay visible after the server is deleted (2.21+).
        Resource(Self.key, lookup: servers.lookup { $0.version >= APIVersion(2, 21) ? .yes : .no }) {
            Index(policy: Rules.list) { server, request in
                var body: JSON = [:]
                let actions: [InstanceActionRecord]
                if request.version >= APIVersion(2, 58) {
                    let (limit, marker) = try request.pagination()
                    actions = try await store.list(
                        instance: server.id, changesSince: try ServerListing.date("changes-since", request),
                        changesBefore: try ServerListing.date("changes-before", request), limit: limit, marker: marker)
                    if let next = request.nextLinks(
                        "servers/\(server.id)/os-instance-actions", page: actions.count, limit: limit, lastMarker: actions.last?.requestID)
                    {
                        body["links"] = next
                    }
                } else {
                    actions = try await store.list(instance: server.id)
                }
                body["instanceActions"] = .array(actions.map { Self.view($0, request) })
                return Reply(body)
            }
            Show(policy: Rules.show) { server, request in
                guard let action = try await store.get(instance: server.id, requestID: request.parameter("id")) else {
                    throw Fault.notFound("Action \(request.parameter("id")) could not be found.")
                }
                var view = Self.view(action, request)
                let target = ["project_id": action.projectID ?? "", "user_id": action.userID ?? ""]
                if request.version >= APIVersion(2, 51) || request.allows(Rules.events, target: target) {
                    let details = request.allows(Rules.eventDetails, target: target)
                    view["events"] = .array(action.events.map { Self.event($0, action, request, details: details) })
                }
                return Reply(["instanceAction": view])
            }
        }
    }

    static func view(_ action: InstanceActionRecord, _ request: APIRequest) -> JSON {
        var view: JSON = [
            "action": .string(action.action), "instance_uuid": .string(action.instance), "request_id": .string(action.requestID),
            "user_id": .string(action.userID ?? ""), "project_id": .string(action.projectID ?? ""),
            "start_time": .string(action.start.map(Timestamp.naive) ?? ""), "message": action.message.map(JSON.string) ?? .null,
        ]
        if request.version >= APIVersion(2, 58) { view["updated_at"] = .string(Timestamp.naive(action.updated ?? action.start ?? Date())) }
        return view
    }

    static func event(_ event: InstanceActionRecord.Event, _ action: InstanceActionRecord, _ request: APIRequest, details: Bool) -> JSON {
        var view: JSON = [
            "event": .string(event.name), "start_time": .string(event.start.map(Timestamp.naive) ?? ""),
            "finish_time": event.finish.map { .string(Timestamp.naive($0)) } ?? .null, "result": event.result.map(JSON.string) ?? .null,
        ]
        if details || request.version < APIVersion(2, 51) { view["traceback"] = event.traceback.map(JSON.string) ?? .null }
        if request.version >= APIVersion(2, 62) {
            let hostID = ServerViews.hostID(project: action.projectID ?? "", host: event.host)
            view["hostId"] = .string(hostID)
            if details { view["host"] = .string(event.host ?? "") }
        }
        if request.version >= APIVersion(2, 84), details { view["details"] = event.traceback.map(JSON.string) ?? .null }
        return view
    }
}
