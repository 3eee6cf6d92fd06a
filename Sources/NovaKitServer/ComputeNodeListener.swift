import Hummingbird
import NovaKitCore
import NovaKitHTTP

/// The compute port of a `--role compute` node: it serves no API, only `GET /healthcheck` (answered by the
/// pipeline before any listener) so a supervisor or balancer can tell the worker is up; everything else is a
/// 404 that says where the APIs are.
struct ComputeNodeListener: Listener {
    let name = "compute-node"

    func handle(_ request: Request, trace: inout RequestTrace) async throws -> Response {
        throw Fault.notFound("This NovaKit node runs compute work only (role compute); the APIs are served by the api and all nodes.")
    }

    func response(for error: any Error, trace: RequestTrace) -> Response {
        .plainText((error as? any FaultConvertible)?.fault ?? .internalError)
    }
}
