import HTTPTypes
import InMemoryTracing
import NovaKitHTTP
import NovaKitServer
import NovaKitTesting
import Testing
import Tracing

/// Any tracer the process installs sees each request as a server span — continuing the caller's trace,
/// named by route template, carrying the request id — with the database calls it made as child spans.
@Suite("Tracing")
struct TracingTests {
    /// The only test in the process that installs a tracer (the instrumentation system is bootstrapped once).
    static let tracer: InMemoryTracer = {
        let tracer = InMemoryTracer()
        InstrumentationSystem.bootstrap(tracer)
        return tracer
    }()

    @Test("a request is a server span in the caller's trace, with the request id and its database calls beneath")
    func requestSpans() async throws {
        let tracer = Self.tracer
        try await TestCloud().run { (client) async throws in
            let reply = try await client.call(
                .get, "/v2.1/flavors/detail", headers: [InMemoryTracer.traceIDKey: "trace-from-caller", InMemoryTracer.spanIDKey: "caller-span"])
            #expect(reply.status == 200)
            let requestID = reply.headers[.openStackRequestID]
            let spans = tracer.finishedSpans.filter { $0.traceID == "trace-from-caller" }
            let server = spans.first { $0.kind == .server }
            #expect(server?.operationName == "GET /flavors/detail")
            #expect(server?.spanContext.parentSpanID == "caller-span")
            #expect(server?.attributes["openstack.request_id"]?.toSpanAttribute() == requestID.map { .string($0) })
            #expect(server?.attributes["http.response.status_code"]?.toSpanAttribute() == .int64(200))
            let database = spans.filter { $0.kind == .client && $0.operationName.hasPrefix("db.") }
            #expect(!database.isEmpty)
            #expect(database.allSatisfy { $0.spanContext.parentSpanID == server?.spanContext.spanID })
        }
    }
}
