public import NovaKitCore
public import NovaKitPolicy
public import NovaKitStorage

/// One API: its descriptor, policy defaults, migrations and routes, declared in one place.
///
/// Core resources and third-party extensions use exactly this protocol; register it in the list
/// given to `ExtensionRegistry`.
public protocol APIExtension: Sendable {
    var descriptor: ExtensionDescriptor { get }
    var policies: [PolicyDefault] { get }
    var migrations: [SchemaMigration] { get }
    @APIBuilder var api: [APIDeclaration] { get }
    /// The highest microversion whose changes this API implements; `nil` when no microversion changes it.
    var microversionCeiling: APIVersion? { get }
    /// Whether the extension is on unless configuration switches it off.
    var enabledByDefault: Bool { get }
    /// Seeds data `novakit bootstrap` creates (default flavors, images); must be idempotent.
    func bootstrap(_ context: BootstrapContext) async throws
}

/// What an extension's bootstrap step may use.
public struct BootstrapContext: Sendable {
    public let database: Database
    public let clock: any NovaClock
    public let ids: any IDGenerator
    /// The bootstrap admin project, which owns the resources bootstrap makes for everyone (shared networks).
    public let adminProjectID: String

    public init(database: Database, clock: any NovaClock, ids: any IDGenerator, adminProjectID: String = "") {
        self.database = database
        self.clock = clock
        self.ids = ids
        self.adminProjectID = adminProjectID
    }
}

extension APIExtension {
    public var policies: [PolicyDefault] { [] }
    public var migrations: [SchemaMigration] { [] }
    public var microversionCeiling: APIVersion? { nil }
    public var enabledByDefault: Bool { true }
    public func bootstrap(_ context: BootstrapContext) async throws {}
}

/// Everything an extension can declare, as the registry holds it.
public struct APIDeclaration: Sendable {
    enum Kind: Sendable {
        /// A new collection (Nova's ResourceExtension).
        case resource(AnyResource)
        /// Actions added to an existing resource's `/action` table (`@wsgi.action`).
        case actions(AnyActionSet)
        /// A post-processor on another resource's responses (`@wsgi.extends`).
        case responseExtension(ResponseExtension)
    }

    let kind: Kind
}

/// Collects declarations in `api`.
@resultBuilder
public enum APIBuilder {
    public static func buildExpression<Member>(_ resource: Resource<Member>) -> [APIDeclaration] {
        [APIDeclaration(kind: .resource(resource.erased))]
    }
    public static func buildExpression<Member>(_ actions: ActionSet<Member>) -> [APIDeclaration] { [APIDeclaration(kind: .actions(actions.erased))] }
    public static func buildExpression(_ extensionDeclaration: ResponseExtension) -> [APIDeclaration] {
        [APIDeclaration(kind: .responseExtension(extensionDeclaration))]
    }
    public static func buildExpression(_ declarations: [APIDeclaration]) -> [APIDeclaration] { declarations }
    public static func buildBlock(_ parts: [APIDeclaration]...) -> [APIDeclaration] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [APIDeclaration]?) -> [APIDeclaration] { part ?? [] }
    public static func buildEither(first: [APIDeclaration]) -> [APIDeclaration] { first }
    public static func buildEither(second: [APIDeclaration]) -> [APIDeclaration] { second }
    public static func buildArray(_ parts: [[APIDeclaration]]) -> [APIDeclaration] { parts.flatMap { $0 } }
}
