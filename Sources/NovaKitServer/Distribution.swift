import NovaKitAPI
import NovaKitExtensions

/// Which extensions a `novakit` binary registers; a package that ships its own binary sets its list here.
public enum Distribution {
    /// The extensions of the running binary: NovaKit's own unless `NovaKitMain.main(extensions:)` named others.
    @TaskLocal public static var extensions: [any APIExtension] = BuiltinExtensions.all
}
