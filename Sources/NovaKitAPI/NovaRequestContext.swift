import Hummingbird

/// Hummingbird's per-request context; NovaKit's own state travels in `APIRequest` instead.
public struct NovaRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}
