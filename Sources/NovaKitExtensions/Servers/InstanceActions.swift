import Foundation
import NovaKitAPI
import NovaKitCompute

/// `os-instance-actions`: what was done to a server, by whom and with which request id, with its compute events.
public struct InstanceActions: APIExtension {
    public init() {}

    public let descriptor = ExtensionDescriptor(
        name: "InstanceActions", alias: "os-instance-actions", namespace: "http://docs.openstack.org/compute/ext/instance-actions/api/v1.1",
        updated: "2013-02-08T00:00:00Z", description: "View a log of actions and events taken on an instance.")

    static func rule(_ action: String) -> String { "os_compute_api:os-instance-actions:\(action)" }

    public var policies: [PolicyDefault] {
        [
            PolicyDefault(Self.rule("list"), "rule:admin_or_owner"), PolicyDefault(Self.rule("show"), "rule:admin_or_owner"),
            PolicyDefault(Self.rule("events"), "rule:admin_api", description: "See events (and, before 2.51, any events at all)."),
            PolicyDefault(Self.rule("events:details"), "rule:admin_api", description: "See event tracebacks and details."),
        ]
    }

    /// Actions stay visible after the server is deleted (2.21+).
    static let target: Resource.TargetLookup = { request in
        let deleted: ReadDeleted = request.version >= APIVersion(2, 21) ? .yes : .no
        let server = try await Servers.visibleServer(request, request.parameter("server_id"), readDeleted: deleted)
        return ["project_id": server.projectID, "user_id": server.userID]
    }

    public var api: [APIDeclaration] {
        Resource("os-instance-actions", parent: .init("servers", parameter: "server_id"), memberTarget: Self.target, collectionTarget: Self.target) {
            Index(policy: Self.rule("list")) { request in
                var actions = try await InstanceActionStore(request).all(instance: request.parameter("server_id"))
                var body: JSON = [:]
                if request.version >= APIVersion(2, 58) {
                    if let since = try ServerListing.date("changes-since", request) { actions.removeAll { ($0.updated ?? .distantPast) < since } }
                    if let before = try ServerListing.date("changes-before", request) { actions.removeAll { ($0.updated ?? .distantPast) > before } }
                    let (limit, marker) = try request.pagination()
                    actions = try request.page(actions, limit: limit, marker: marker, key: \.requestID)
                    if let next = request.nextLinks(
                        "servers/\(request.parameter("server_id"))/os-instance-actions", page: actions.count, limit: limit,
                        lastMarker: actions.last?.requestID)
                    {
                        body["links"] = next
                    }
                }
                body["instanceActions"] = .array(actions.map { Self.view($0, request) })
                return Reply(body)
            }
            Show(policy: Self.rule("show")) { request in
                guard
                    let action = try await InstanceActionStore(request).get(
                        instance: request.parameter("server_id"), requestID: request.parameter("id"))
                else { throw Fault.notFound("Action \(request.parameter("id")) could not be found.") }
                var view = Self.view(action, request)
                let target = ["project_id": action.projectID ?? "", "user_id": action.userID ?? ""]
                let policy = request.services.policy
                let credentials = request.auth.credentials
                if request.version >= APIVersion(2, 51) || policy.allows(Self.rule("events"), credentials: credentials, target: target) {
                    let details = policy.allows(Self.rule("events:details"), credentials: credentials, target: target)
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
