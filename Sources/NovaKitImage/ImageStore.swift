public import Foundation
public import NovaKitCore
import NovaKitHTTP
public import NovaKitStorage
public import SQLKit

/// An image in the catalog; its data, once uploaded, is in the `ImageDataStore`.
public struct Image: VersionedObject {
    public static let objectName = "ImageMeta"
    public static let objectVersion = "1.8"

    public var id: String
    public var name: String?
    public var status: String
    public var visibility: String
    public var containerFormat: String?
    public var diskFormat: String?
    public var minDisk: Int
    public var minRam: Int
    public var size: Int?
    public var checksum: String?
    public var owner: String?
    public var protected: Bool
    public var hidden: Bool
    public var properties: [String: String]
    public var createdAt: Date
    public var updatedAt: Date?
    /// SHA-512 of the uploaded data (Glance's `os_hash_value`, algorithm `sha512`); `nil` before an upload.
    public var osHashValue: String?
    /// Glance's image tags, in the order they were added.
    public var tags: [String] = []

    public init(
        id: String, name: String?, status: String, visibility: String, containerFormat: String?, diskFormat: String?, minDisk: Int,
        minRam: Int, size: Int?, checksum: String?, owner: String?, protected: Bool, hidden: Bool, properties: [String: String],
        createdAt: Date, updatedAt: Date?
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.visibility = visibility
        self.containerFormat = containerFormat
        self.diskFormat = diskFormat
        self.minDisk = minDisk
        self.minRam = minRam
        self.size = size
        self.checksum = checksum
        self.owner = owner
        self.protected = protected
        self.hidden = hidden
        self.properties = properties
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// A field or additional property as list filters compare it (`nil` when the image has none).
    public func field(_ key: String) -> String? {
        switch key {
        case "id": return id
        case "name": return name
        case "status": return status
        case "visibility": return visibility
        case "container_format": return containerFormat
        case "disk_format": return diskFormat
        case "owner": return owner
        case "checksum": return checksum
        case "os_hash_value": return osHashValue
        case "size": return size.map(String.init)
        case "min_disk": return String(minDisk)
        case "min_ram": return String(minRam)
        case "protected": return String(protected)
        case "os_hidden": return String(hidden)
        default: return properties[key]
        }
    }

    /// A sortable rendering of a sort key's value: times and numbers zero-padded so text order is their order.
    public func sortValue(_ key: String) -> String {
        let padded = { (number: Int) in String(repeating: "0", count: max(0, 20 - String(number).count)) + String(number) }
        switch key {
        case "created_at": return padded(Int(createdAt.timeIntervalSince1970 * 1_000_000))
        case "updated_at": return padded(Int((updatedAt ?? createdAt).timeIntervalSince1970 * 1_000_000))
        case "size": return padded(size ?? 0)
        case "min_disk": return padded(minDisk)
        case "min_ram": return padded(minRam)
        default: return field(key) ?? ""
        }
    }

    /// Whether a list shows it to `project`, as Glance's default list does: admins see every image; others their
    /// own, public ones, shared ones whose membership has `memberStatus` (`accepted` unless asked; `all`), and
    /// community ones only when they ask for `visibility=community` (or `all`). `visibility` narrows to one kind.
    public func listed(
        to project: String, isAdmin: Bool, membership: ImageMember?, visibility filter: String? = nil, memberStatus: String = "accepted"
    ) -> Bool {
        if let filter, filter != "all", visibility != filter { return false }
        if isAdmin || owner == project { return true }
        switch visibility {
        case "public": return true
        case "community": return filter == "community" || filter == "all"
        case "shared": return membership.map { memberStatus == "all" || $0.status == memberStatus } ?? false
        default: return false
        }
    }

    /// Whether `project` may see it: public or community images, its own, a shared one it is a member of
    /// (`isMember`, whatever its membership's status), or any for admins.
    public func visible(to project: String, isAdmin: Bool, isMember: Bool = false) -> Bool {
        isAdmin || visibility == "public" || visibility == "community" || owner == project || visibility == "shared" && isMember
    }
}

/// `Image <id> could not be found.` (404)
public struct ImageNotFound: FaultConvertible {
    public let id: String
    public var fault: Fault { .notFound("Image \(id) could not be found.") }
}

/// The SQL of `images`.
public struct ImageStore: Sendable {
    let database: Database
    let clock: any NovaClock

    public init(database: Database, clock: any NovaClock) {
        self.database = database
        self.clock = clock
    }

    /// The SHA-512 of uploaded data (`os_hash_value`).
    public static let hashMigration = SchemaMigration("images/002_os_hash_value") { sql, _ in
        try await sql.alter(table: "images").column("os_hash_value", type: .text).run()
    }

    /// The image service's tables, in order.
    public static let migrations = [migration, hashMigration, snapshotMigration, ImageMemberStore.migration, MetadefStore.migration]

    /// The instance a snapshot image is being written from: set while the image is `saving`.
    public static let snapshotMigration = SchemaMigration("images/003_snapshot_of") { sql, _ in
        try await sql.alter(table: "images").column("snapshot_of", type: .text).run()
        try await sql.create(index: "images_snapshot_of_idx").on("images").column("snapshot_of").column("deleted").run()
    }

    public static let migration = SchemaMigration("images/001_create_images") { sql, _ in
        try await sql.createSoftDeletableTable("images") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("uuid", type: .text, .notNull).column("name", type: .text)
                .column("status", type: .text, .notNull).column("visibility", type: .text, .notNull).column("container_format", type: .text)
                .column("disk_format", type: .text).column("min_disk", type: .int, .notNull).column("min_ram", type: .int, .notNull)
                .column("size", type: .bigint).column("checksum", type: .text).column("owner", type: .text)
                .column("protected", type: .custom(SQLRaw("BOOLEAN")), .notNull).column("os_hidden", type: .custom(SQLRaw("BOOLEAN")), .notNull)
                .column("properties", type: .text, .notNull).unique(["uuid", "deleted"])
        }
    }

    private static let columns = [
        "uuid", "name", "status", "visibility", "container_format", "disk_format", "min_disk", "min_ram", "size", "checksum", "owner",
        "protected", "os_hidden", "properties", "created_at", "updated_at", "os_hash_value", "tags",
    ]

    private static func image(_ row: any SQLRow) throws -> Image {
        let properties = try row.decode(column: "properties", as: String.self)
        let decoded = (try? JSON.parse(Data(properties.utf8)).objectValue?.compactMapValues(\.stringValue)) ?? [:]
        var image = Image(
            id: try row.decode(column: "uuid"), name: try row.decode(column: "name", as: String?.self), status: try row.decode(column: "status"),
            visibility: try row.decode(column: "visibility"), containerFormat: try row.decode(column: "container_format", as: String?.self),
            diskFormat: try row.decode(column: "disk_format", as: String?.self), minDisk: try row.decode(column: "min_disk"),
            minRam: try row.decode(column: "min_ram"), size: try row.decode(column: "size", as: Int?.self),
            checksum: try row.decode(column: "checksum", as: String?.self), owner: try row.decode(column: "owner", as: String?.self),
            protected: try row.decode(column: "protected"), hidden: try row.decode(column: "os_hidden"), properties: decoded,
            createdAt: try row.decode(column: "created_at"), updatedAt: try row.decode(column: "updated_at", as: Date?.self))
        image.osHashValue = try row.decode(column: "os_hash_value", as: String?.self)
        if let tags = try row.decode(column: "tags", as: String?.self) {
            image.tags = (try? JSON.parse(Data(tags.utf8)).arrayValue?.compactMap(\.stringValue)) ?? []
        }
        return image
    }

    /// Every live image, newest first.
    public func all() async throws -> [Image] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.columns.map { SQLColumn($0) }).from("images").readDeleted(.no)
                .orderBy("created_at", .descending).orderBy("id", .descending).all().map(Self.image)
        }
    }

    /// The live image `id` if `project` may see it (as a member too); 404 otherwise.
    public func get(_ id: String, project: String, isAdmin: Bool) async throws -> Image {
        let row = try await database.withConnection { sql in
            try await sql.select().columns(Self.columns.map { SQLColumn($0) }).from("images").where("uuid", .equal, SQLBind(id)).readDeleted(.no)
                .first()
        }
        guard let row else { throw ImageNotFound(id: id) }
        let image = try Self.image(row)
        if image.visible(to: project, isAdmin: isAdmin) { return image }
        guard image.visibility == "shared", try await members.find(image: id, member: project) != nil else { throw ImageNotFound(id: id) }
        return image
    }

    /// The image's members.
    public var members: ImageMemberStore { ImageMemberStore(database: database, clock: clock) }

    /// Writes the fields an image-update changes: name, visibility, owner, formats, minimums, flags, tags and properties.
    public func update(_ image: Image) async throws {
        let properties = String(decoding: JSON.object(image.properties.mapValues(JSON.string)).encoded(), as: UTF8.self)
        let tags = String(decoding: JSON.array(image.tags.map(JSON.string)).encoded(), as: UTF8.self)
        let now = clock.now()
        try await database.withConnection { sql in
            try await sql.update("images").set("name", to: SQLBind(image.name)).set("visibility", to: SQLBind(image.visibility))
                .set("owner", to: SQLBind(image.owner))
                .set("container_format", to: SQLBind(image.containerFormat)).set("disk_format", to: SQLBind(image.diskFormat))
                .set("min_disk", to: SQLBind(image.minDisk)).set("min_ram", to: SQLBind(image.minRam))
                .set("protected", to: SQLBind(image.protected)).set("os_hidden", to: SQLBind(image.hidden))
                .set("properties", to: SQLBind(properties)).set("tags", to: SQLBind(tags)).set("updated_at", to: SQLBind(now))
                .where("uuid", .equal, SQLBind(image.id)).readDeleted(.no).run()
        }
    }

    /// Inserts `image`; `snapshotOf` names the instance a `saving` snapshot is being written from, until the
    /// snapshot task ends (`finishSnapshots`).
    public func create(_ image: Image, snapshotOf instance: String? = nil) async throws {
        let properties = String(decoding: JSON.object(image.properties.mapValues(JSON.string)).encoded(), as: UTF8.self)
        let tags = String(decoding: JSON.array(image.tags.map(JSON.string)).encoded(), as: UTF8.self)
        try await database.withConnection { sql in
            let values: [any SQLExpression] = [
                SQLBind(image.id), SQLBind(image.name), SQLBind(image.status), SQLBind(image.visibility), SQLBind(image.containerFormat),
                SQLBind(image.diskFormat), SQLBind(image.minDisk), SQLBind(image.minRam), SQLBind(image.size), SQLBind(image.checksum),
                SQLBind(image.owner), SQLBind(image.protected), SQLBind(image.hidden), SQLBind(properties), SQLBind(image.createdAt),
                SQLBind(image.updatedAt), SQLBind(image.osHashValue), SQLBind(tags), SQLBind(0), SQLBind(instance),
            ]
            try await sql.insert(into: "images").columns(Self.columns + ["deleted", "snapshot_of"]).values(values).run()
        }
    }

    /// Moves a queued image to `status` (`saving` while its data arrives, back to `queued` when an upload fails);
    /// `false` when the image was not in `from` (someone else changed it).
    public func transition(_ id: String, from: String, to status: String) async throws -> Bool {
        let now = clock.now()
        return try await database.withConnection { sql in
            let changed = try await sql.update("images").set("status", to: SQLBind(status)).set("updated_at", to: SQLBind(now))
                .where("uuid", .equal, SQLBind(id)).where("status", .equal, SQLBind(from)).readDeleted(.no).returning("id").all()
            return !changed.isEmpty
        }
    }

    /// Ends the snapshots being written from `instance` (in the transaction that settles its snapshot task):
    /// `active` when the task succeeded; deleted when it failed, as Nova deletes a failed snapshot's image.
    public static func finishSnapshots(of instance: String, failed: Bool, at now: Date, _ sql: any SQLDatabase) async throws {
        if failed {
            _ = try await sql.softDelete(from: "images", matching: [("snapshot_of", instance), ("status", "saving")], at: now)
        } else {
            try await sql.update("images").set("status", to: SQLBind("active")).set("snapshot_of", to: SQLLiteral.null)
                .set("updated_at", to: SQLBind(now)).where("snapshot_of", .equal, SQLBind(instance)).where("status", .equal, SQLBind("saving"))
                .readDeleted(.no).run()
        }
    }

    /// Replaces an image's additional properties.
    public func setProperties(_ id: String, _ properties: [String: String]) async throws {
        let text = String(decoding: JSON.object(properties.mapValues(JSON.string)).encoded(), as: UTF8.self)
        let now = clock.now()
        try await database.withConnection { sql in
            try await sql.update("images").set("properties", to: SQLBind(text)).set("updated_at", to: SQLBind(now))
                .where("uuid", .equal, SQLBind(id)).readDeleted(.no).run()
        }
    }

    /// Records uploaded data: size, checksums, and the image becomes `active`.
    public func recordUpload(_ id: String, size: Int, checksum: String, osHashValue: String) async throws {
        let now = clock.now()
        try await database.withConnection { sql in
            try await sql.update("images").set("status", to: SQLBind("active")).set("size", to: SQLBind(size))
                .set("checksum", to: SQLBind(checksum)).set("os_hash_value", to: SQLBind(osHashValue)).set("updated_at", to: SQLBind(now))
                .where("uuid", .equal, SQLBind(id)).readDeleted(.no).run()
        }
    }

    /// Soft-deletes an image `project` may delete: 403 when protected or not its own (admins excepted).
    public func delete(_ id: String, project: String, isAdmin: Bool) async throws {
        let image = try await get(id, project: project, isAdmin: isAdmin)
        guard isAdmin || image.owner == project else { throw Fault.forbidden("You are not permitted to delete this image.") }
        guard !image.protected else { throw Fault.forbidden("Image \(id) is protected and cannot be deleted.") }
        let now = clock.now()
        _ = try await database.withConnection { sql in
            try await sql.softDelete(from: "images", where: "uuid", equals: id, rowIDColumn: "id", at: now)
        }
    }

    /// Registers the `cirros` image once (what `novakit bootstrap` seeds).
    public func seedCirros(id: String) async throws {
        guard try await !all().contains(where: { $0.name == "cirros" }) else { return }
        try await create(
            Image(
                id: id, name: "cirros", status: "active", visibility: "public", containerFormat: "bare", diskFormat: "qcow2", minDisk: 0,
                minRam: 0, size: nil, checksum: nil, owner: nil, protected: false, hidden: false,
                properties: ["os_distro": "cirros", "architecture": "x86_64"], createdAt: clock.now(), updatedAt: nil))
    }
}
