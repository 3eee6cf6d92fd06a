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

/// The value of an action that takes no arguments. Nova validates none of them, so any value is accepted and
/// ignored: `{"pause": null}`, `{"pause": {}}` (what tempest and the clients send).
public struct NoArguments: RequestBody {
    public static func schema(at version: APIVersion) -> Schema { .any }
    public init(from decoder: any Decoder) throws {}
}
