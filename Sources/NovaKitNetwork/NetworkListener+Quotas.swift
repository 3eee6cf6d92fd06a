import Foundation
import Hummingbird
import NovaKitCore
import NovaKitHTTP

/// `quotas`: anyone reads their own project's (`/quotas/{project}`, `/default`, `/details` with usage); admins
/// read every project's, set limits (`PUT`) and reset them (`DELETE`).
extension NetworkListener {
    func quotas(_ request: Request, _ path: [String], _ auth: AuthContext) async throws -> Response {
        if path.count == 1 {
            guard request.method == .get else { throw Self.notAllowed }
            guard auth.isAdmin else { throw Self.adminOnly("get_quota") }
            let listed = try await quotaStore.projects().sorted { $0.key < $1.key }.map { project, own -> JSON in
                var quota = NetworkQuotaStore.defaults.merging(own) { _, set in set }.mapValues(JSON.int)
                quota["project_id"] = .string(project)
                quota["tenant_id"] = .string(project)
                return .object(quota)
            }
            return .json(["quotas": .array(listed)], status: .ok)
        }
        let project = path[1]
        guard auth.isAdmin || project == auth.projectID else { throw Self.adminOnly("get_quota") }
        switch (request.method, path.count, path.count == 3 ? path[2] : "") {
        case (.get, 2, _):
            return .json(["quota": .object(try await quotaStore.limits(project).mapValues(JSON.int))], status: .ok)
        case (.get, 3, "default"):
            return .json(["quota": .object(NetworkQuotaStore.defaults.mapValues(JSON.int))], status: .ok)
        case (.get, 3, "details"):
            let (limits, used) = (try await quotaStore.limits(project), try await quotaStore.usage(project))
            var quota: [String: JSON] = [:]
            for (resource, limit) in limits { quota[resource] = ["limit": .int(limit), "used": .int(used[resource] ?? 0), "reserved": 0] }
            return .json(["quota": .object(quota)], status: .ok)
        case (.put, 2, _):
            guard auth.isAdmin else { throw Self.adminOnly("update_quota") }
            guard case .object(let top) = try await body(request), case .object(let fields)? = top["quota"] else {
                throw NeutronError.badRequest("Resource body required")
            }
            var limits: [String: Int] = [:]
            for (resource, value) in fields {
                guard NetworkQuotaStore.defaults[resource] != nil else { throw NeutronError.badRequest("Unrecognized attribute(s) '\(resource)'") }
                guard let limit = value.intValue ?? value.stringValue.flatMap({ Int($0) }), limit >= -1 else {
                    throw NeutronError.badRequest("Invalid input for \(resource). Reason: '\(value.pythonStr)' is not a valid quota limit.")
                }
                limits[resource] = limit
            }
            try await quotaStore.set(project, limits)
            return .json(["quota": .object(try await quotaStore.limits(project).mapValues(JSON.int))], status: .ok)
        case (.delete, 2, _):
            guard auth.isAdmin else { throw Self.adminOnly("delete_quota") }
            try await quotaStore.reset(project)
            return Response(status: .noContent)
        default:
            throw Self.notAllowed
        }
    }
}
