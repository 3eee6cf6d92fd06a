public import NovaKitCore

/// A request body as a handler receives it: validated against its schema for the request's microversion,
/// then decoded once. Wire names go through `CodingKeys`.
public protocol RequestBody: Decodable, Sendable {
    /// The schema a body must satisfy at `version` (unknown keys are tolerated under the legacy `/v2`).
    static func schema(at version: APIVersion) -> Schema
}

/// A body that may also be JSON `null` (`{"lock": null}` and `{"lock": {"locked_reason": …}}`).
extension Optional: RequestBody where Wrapped: RequestBody {
    public static func schema(at version: APIVersion) -> Schema { Wrapped.schema(at: version).nullable }
}

/// A body whose only valid value is JSON `null` (`{"pause": null}`).
public struct NullBody: RequestBody {
    public static func schema(at version: APIVersion) -> Schema { .null }
    public init(from decoder: any Decoder) throws {}
}
