import NovaKitHTTP

/// When a member is loaded relative to the policy check.
public enum LookupOrder: Sendable {
    /// The member is the target: a member the caller cannot see is a 404 before any 403 (Nova's servers).
    case beforePolicy
    /// The caller's own project (or the collection target) is checked first, then the member is loaded.
    case afterPolicy
}

/// The project and user a policy rule is checked against (`%(project_id)s`, `%(user_id)s`).
public typealias PolicyTarget = [String: String]

/// How a resource loads the member its operations receive, and whether the member or the caller's own
/// project is the policy target. The framework runs it once per request, before the handler.
public struct MemberLookup<Member: Sendable>: Sendable {
    public typealias Load = @Sendable (_ id: String, _ request: APIRequest) async throws -> (member: Member, target: PolicyTarget)

    let order: LookupOrder
    let load: Load

    /// The member is loaded first and names the policy target.
    public static func target(_ load: @escaping Load) -> MemberLookup { MemberLookup(order: .beforePolicy, load: load) }

    /// Policy is checked against the caller's own project (or the collection target) first; then the member is loaded.
    public static func afterPolicy(_ load: @escaping @Sendable (_ id: String, _ request: APIRequest) async throws -> Member) -> MemberLookup {
        MemberLookup(order: .afterPolicy) { id, request in (try await load(id, request), request.auth.ownTarget) }
    }

    /// Type-erased, for the route table.
    var erased: AnyMemberLookup {
        AnyMemberLookup(order: order, memberType: ObjectIdentifier(Member.self)) { id, request in
            let (member, target) = try await load(id, request)
            return (member, target)
        }
    }
}

/// A member lookup as the router holds it.
struct AnyMemberLookup: Sendable {
    let order: LookupOrder
    let memberType: ObjectIdentifier
    let load: @Sendable (String, APIRequest) async throws -> (any Sendable, PolicyTarget)
}
