import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NovaKitCore
import NovaKitHTTP
import Testing

/// The pipeline every listener shares: a request id on every answer, the listener's own fault format for
/// every error, the listener's trace headers on errors too.
@Suite("Request pipeline")
struct RequestPipelineTests {
    /// A listener that answers `/ok`, fails with a fault on `/fault` after recording a header, and with an
    /// unexpected error anywhere else.
    struct Probe: Listener {
        let name = "probe"

        struct Unexpected: Error {}

        func handle(_ request: Request, trace: inout RequestTrace) async throws -> Response {
            trace.headers[HTTPField.Name("x-probe")!] = "seen"
            switch request.uri.path {
            case "/ok": return .json(["request": .string(trace.requestID)], status: .ok)
            case "/fault": throw Fault.conflict("busy")
            default: throw Unexpected()
            }
        }

        func response(for error: any Error, trace: RequestTrace) -> Response {
            let fault = (error as? any FaultConvertible)?.fault ?? .internalError
            return .json(["probe-fault": .string(fault.message)], status: .init(code: fault.code))
        }
    }

    struct Counter: IDGenerator {
        func uuid() -> String { "00000000-0000-4000-8000-000000000001" }
    }

    @Test("request ids, trace headers and the listener's fault format, on success and on failure")
    func pipeline() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let app = Application(responder: RequestPipeline(Probe(), ids: Counter(), logger: logger), logger: logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/ok", method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .ok)
                #expect(response.headers[.openStackRequestID] == "req-00000000-0000-4000-8000-000000000001")
                #expect(try JSON.parse(Data(response.body.readableBytesView)) == ["request": "req-00000000-0000-4000-8000-000000000001"])
            }
            try await client.execute(uri: "/fault", method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .conflict)
                #expect(response.headers[HTTPField.Name("x-probe")!] == "seen")
                #expect(response.headers[.openStackRequestID] != nil)
                #expect(try JSON.parse(Data(response.body.readableBytesView)) == ["probe-fault": "busy"])
            }
            try await client.execute(uri: "/boom", method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .internalServerError)
                #expect(try JSON.parse(Data(response.body.readableBytesView)) == ["probe-fault": .string(Fault.internalError.message)])
            }
        }
    }
}
