import NovaKitAPI
import NovaKitImage

/// Every API NovaKit ships, core and `os-*` alike, in registration order. One line per API.
public enum BuiltinExtensions {
    public static var all: [any APIExtension] {
        [
            ExtensionsAPI(),
            Documents(),
            Flavors(),
            FlavorAccess(),
            FlavorExtraSpecs(),
            Keypairs(),
            QuotaSets(),
            Limits(),
            ImagesProxy(),
            Servers(),
            InstanceActions(),
            Migrations(),
            NovaKitDebug(),
        ]
    }
}
