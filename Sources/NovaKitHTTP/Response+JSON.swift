public import HTTPTypes
import Hummingbird
public import HummingbirdCore
import NIOCore
public import NovaKitCore

extension Response {
    /// A JSON response.
    public static func json(_ body: JSON, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        json(encoded: body.encodedBytes(), status: status, headers: headers)
    }

    /// A JSON response whose body is already written (by `JSONWriter`).
    public static func json(encoded: [UInt8], status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: encoded)))
    }
}
