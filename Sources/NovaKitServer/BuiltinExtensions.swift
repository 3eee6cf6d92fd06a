public import NovaKitAPI
public import NovaKitComputeAPI
import NovaKitExtensions

/// Every API NovaKit ships — the core resources of `NovaKitComputeAPI` and the optional extensions of
/// `NovaKitExtensions` — in registration order. One line per API.
public enum BuiltinExtensions {
    public static func all(_ environment: APIEnvironment) -> [any APIExtension] {
        let (database, clock, ids) = (environment.database, environment.clock, environment.ids)
        let apis: [any APIExtension] = [
            Documents(database: database, clock: clock),
            Flavors(database: database, clock: clock, ids: ids),
            FlavorAccess(database: database, clock: clock),
            FlavorExtraSpecs(database: database, clock: clock),
            Keypairs(database: database, clock: clock),
            QuotaSets(database: database, clock: clock),
            QuotaClassSets(database: database, clock: clock),
            Limits(database: database, clock: clock),
            ImagesProxy(database: database, clock: clock),
            ImageMetadata(database: database, clock: clock),
            Servers(database: database, clock: clock, ids: ids, compute: environment.compute),
            InstanceActions(database: database, clock: clock),
            Migrations(database: database, clock: clock),
            ServerDiagnostics(clock: clock),
            ServerPassword(),
            SimpleTenantUsage(database: database, clock: clock),
            ServerExternalEvents(database: database, clock: clock),
            AvailabilityZones(database: database, compute: environment.compute, clock: clock),
            InstanceUsageAuditLog(compute: environment.compute, clock: clock),
            ComputeServices(database: database, compute: environment.compute),
            Hypervisors(compute: environment.compute, clock: clock),
            Hosts(database: database, compute: environment.compute, clock: clock),
            Networks(database: database, clock: clock, ids: ids),
            FloatingIPs(database: database, clock: clock, ids: ids),
            ServerGroups(database: database, clock: clock, ids: ids),
            SecurityGroups(database: database, clock: clock, ids: ids),
            RemoteConsoles(database: database, clock: clock),
            Aggregates(database: database, clock: clock, ids: ids, compute: environment.compute),
            TenantNetworks(database: database, clock: clock, ids: ids),
            NovaKitDebug(),
        ]
        let catalog = ExtensionsAPI(catalog: NovaExtensionCatalog.descriptors, shipped: Set(apis.map(\.descriptor.alias)))
        return [catalog] + apis
    }
}
