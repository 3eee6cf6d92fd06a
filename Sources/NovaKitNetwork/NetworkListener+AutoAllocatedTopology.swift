import Foundation
import Hummingbird
import NovaKitCore
import NovaKitHTTP

extension NetworkListener {
    /// `GET /v2.0/auto-allocated-topology/{project_id}` makes (or finds) the project's topology and names its
    /// network; `?fields=dry-run` only checks that one could be made; `DELETE` removes it. A project reaches its
    /// own; admins any.
    func autoAllocatedTopology(_ request: Request, project: String, _ query: [(String, String)], _ auth: AuthContext) async throws -> Response {
        guard auth.isAdmin || project == auth.projectID else {
            throw NeutronError(code: 403, type: "PolicyNotAuthorized", message: "(rule:get_auto_allocated_topology) is disallowed by policy")
        }
        switch request.method {
        case .get:
            if query.contains(where: { $0.0 == "fields" && $0.1 == "dry-run" }) {
                try await topologies.validate()
                return .json(["auto_allocated_topology": ["dry-run": "pass"]], status: .ok)
            }
            let members = try await topologies.ensure(project: project)
            return .json(
                ["auto_allocated_topology": ["id": .string(members.networkID), "project_id": .string(project), "tenant_id": .string(project)]],
                status: .ok)
        case .delete:
            try await topologies.delete(project: project)
            return Response(status: .noContent)
        default:
            throw Self.notAllowed
        }
    }
}
