public import NovaKitCore

/// Post-processes another resource's responses, Nova's `@wsgi.extends`: adds fields or rewrites the body.
public struct ResponseExtension: Sendable {
    public typealias Transform = @Sendable (APIRequest, inout JSON) async throws -> Void

    public let resourcePath: String
    public let operations: Set<OperationName>
    public let versions: VersionRange
    public let transform: Transform
}

/// `Extend(Documents.key, [.show, .index]) { request, body in … }`
public func Extend<Member>(
    _ resource: ResourceKey<Member>, _ operations: Set<OperationName>, versions: VersionRange = .all,
    _ transform: @escaping ResponseExtension.Transform
) -> ResponseExtension {
    ResponseExtension(resourcePath: resource.path, operations: operations, versions: versions, transform: transform)
}
