// What an extension author needs comes with `import NovaKitAPI`: schemas and faults, policy
// defaults, migrations and the SQL builder.
@_exported import NovaKitCore
@_exported import NovaKitPolicy
@_exported import NovaKitStorage
@_exported import SQLKit
