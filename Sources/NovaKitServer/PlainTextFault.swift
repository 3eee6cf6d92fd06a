import Hummingbird
import NIOCore
import NovaKitCore
import NovaKitHTTP

extension Response {
    /// `fault` for listeners only machines read (metrics, a compute node's port): its status and headers, its
    /// message as a line of plain text.
    static func plainText(_ fault: Fault) -> Response {
        Response(
            status: .init(code: fault.code), headers: fault.httpHeaders, body: ResponseBody(byteBuffer: ByteBuffer(string: fault.message + "\n")))
    }
}
