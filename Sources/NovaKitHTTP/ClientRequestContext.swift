public import Hummingbird
public import NIOCore

/// The request context of every NovaKit listener: Hummingbird's core context plus the connected client's
/// address, which the rate limit keys on.
public struct ClientRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
