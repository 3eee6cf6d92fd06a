public import NovaKitAPI
public import NovaKitComputeAPI

/// Which extensions a `novakit` binary registers: NovaKit's own, or a package's list given to
/// `NovaKitMain.main(extensions:)`. Built once the database and compute runtime exist, so every extension
/// gets its dependencies through its initialiser.
public struct Distribution: Sendable {
    public let extensions: @Sendable (APIEnvironment) -> [any APIExtension]

    public init(extensions: @escaping @Sendable (APIEnvironment) -> [any APIExtension]) {
        self.extensions = extensions
    }

    /// NovaKit's own APIs.
    public static let builtin = Distribution(extensions: BuiltinExtensions.all)
}
