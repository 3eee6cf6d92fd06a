import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NovaKitCompute
import NovaKitCore
import NovaKitHTTP
import NovaKitStorage
import Prometheus

/// `GET /metrics` in Prometheus' text format, on its own (loopback by default) port: what swift-metrics
/// recorded in this process (requests by service, method, route template and status; request latency
/// histograms; database connection waits and use; token cache lookups), plus the cloud's servers by state and
/// its tasks in flight with the oldest one's age, read from the database at each scrape.
struct MetricsListener: Listener {
    let name = "metrics"
    let registry: PrometheusCollectorRegistry
    let database: Database
    var accessLogLevel: Logger.Level { .debug }

    func handle(_ request: Request, trace: inout RequestTrace) async throws -> Response {
        guard request.uri.path == "/metrics" else { throw Fault.notFound("The resource could not be found.") }
        guard request.method == .get || request.method == .head else {
            throw Fault(
                code: 405, message: "The method \(request.method.rawValue) is not allowed for this resource.", headers: ["Allow": "GET, HEAD"])
        }
        trace.route = "/metrics"
        try await refreshComputeGauges()
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }

    func response(for error: any Error, trace: RequestTrace) -> Response {
        let fault = (error as? any FaultConvertible)?.fault ?? .internalError
        if fault.code >= 500 { trace.logger.error("metrics scrape failed: \(String(reflecting: error))") }
        return .plainText(fault)
    }

    private static var servers: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "novakit", metricName: "servers", unitName: "", helpText: "Live servers in the cloud by vm_state.")
    }
    private static var tasks: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "novakit", subsystem: "compute", metricName: "tasks_in_flight", unitName: "",
            helpText: "Servers with a task (build, resize, reboot...) in flight.")
    }
    private static var oldestTask: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "novakit", subsystem: "compute", metricName: "oldest_task_age", unitName: "seconds",
            helpText: "Seconds since the longest-running task in flight last moved; 0 when none is.")
    }

    private func refreshComputeGauges() async throws {
        let statistics = try await ComputeStatistics.read(database)
        // Every state is reported, so a state that empties shows 0 rather than its last count.
        for state in Set(VMState.allCases.map(\.rawValue)).union(statistics.serversByState.keys) {
            registry.makeGauge(descriptor: Self.servers, labels: [("vm_state", state)]).set(Double(statistics.serversByState[state] ?? 0))
        }
        registry.makeGauge(descriptor: Self.tasks).set(Double(statistics.tasksInFlight))
        let age = statistics.oldestTaskSince.map { max(0, Date().timeIntervalSince($0)) } ?? 0
        registry.makeGauge(descriptor: Self.oldestTask).set(age)
    }
}
