public import Foundation
import NovaKitCore
import NovaKitHTTP
import NovaKitStorage
import SQLKit

/// A project a shared image is offered to, and whether that project has accepted it.
public struct ImageMember: Sendable, Equatable {
    public static let statuses = ["pending", "accepted", "rejected"]

    public var imageID: String
    public var member: String
    public var status: String
    public var createdAt: Date
    public var updatedAt: Date?
}

/// `Member <id> not found for image <image>.` (404)
struct ImageMemberNotFound: FaultConvertible {
    let image: String
    let member: String
    var fault: Fault { .notFound("Member \(member) not found for image \(image).") }
}

/// The SQL of `image_members`.
public struct ImageMemberStore: Sendable {
    let database: Database
    let clock: any NovaClock

    /// Image members, and tags on images.
    static let migration = SchemaMigration("images/004_members_and_tags") { sql, _ in
        try await sql.alter(table: "images").column("tags", type: .text).run()
        try await sql.createSoftDeletableTable("image_members") {
            $0.column("id", type: .int, .primaryKey(autoIncrement: true)).column("image_id", type: .text, .notNull)
                .column("member", type: .text, .notNull).column("status", type: .text, .notNull).unique(["image_id", "member", "deleted"])
        }
        try await sql.create(index: "image_members_member_idx").on("image_members").column("member").column("deleted").run()
    }

    private static func member(_ row: any SQLRow) throws -> ImageMember {
        ImageMember(
            imageID: try row.decode(column: "image_id"), member: try row.decode(column: "member"), status: try row.decode(column: "status"),
            createdAt: try row.decode(column: "created_at"), updatedAt: try row.decode(column: "updated_at", as: Date?.self))
    }

    private func select(_ sql: any SQLDatabase) -> SQLSelectBuilder {
        sql.select().columns("image_id", "member", "status", "created_at", "updated_at").from("image_members").readDeleted(.no)
    }

    /// The image's members, oldest first.
    public func list(image: String) async throws -> [ImageMember] {
        try await database.withConnection { sql in
            try await select(sql).where("image_id", .equal, SQLBind(image)).orderBy("id").all().map(Self.member)
        }
    }

    /// The project's memberships, by image id.
    public func memberships(of project: String) async throws -> [String: ImageMember] {
        let found = try await database.withConnection { sql in
            try await select(sql).where("member", .equal, SQLBind(project)).all().map(Self.member)
        }
        return Dictionary(found.map { ($0.imageID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func find(image: String, member: String) async throws -> ImageMember? {
        try await database.withConnection { sql in
            try await select(sql).where("image_id", .equal, SQLBind(image)).where("member", .equal, SQLBind(member)).first().map(Self.member)
        }
    }

    /// Offers the image to `member` (pending); 409 when it already is.
    public func add(image: String, member: String) async throws -> ImageMember {
        let now = clock.now()
        let added = ImageMember(imageID: image, member: member, status: "pending", createdAt: now, updatedAt: now)
        try await database.transaction { sql in
            guard try await select(sql).where("image_id", .equal, SQLBind(image)).where("member", .equal, SQLBind(member)).first() == nil else {
                throw Fault.conflict("Member \(member) already exists for image \(image).")
            }
            try await sql.insert(into: "image_members").columns("image_id", "member", "status", "created_at", "updated_at", "deleted")
                .values(SQLBind(image), SQLBind(member), SQLBind("pending"), SQLBind(now), SQLBind(now), SQLBind(0)).run()
        }
        return added
    }

    /// Sets a membership's status; 404 when there is none.
    public func setStatus(image: String, member: String, _ status: String) async throws -> ImageMember {
        let now = clock.now()
        let changed = try await database.withConnection { sql in
            try await sql.update("image_members").set("status", to: SQLBind(status)).set("updated_at", to: SQLBind(now))
                .where("image_id", .equal, SQLBind(image)).where("member", .equal, SQLBind(member)).readDeleted(.no).returning("id").all()
        }
        guard !changed.isEmpty, let found = try await find(image: image, member: member) else {
            throw ImageMemberNotFound(image: image, member: member)
        }
        return found
    }

    /// Ends a membership; 404 when there is none.
    public func remove(image: String, member: String) async throws {
        let now = clock.now()
        let removed = try await database.withConnection { sql in
            try await sql.softDelete(from: "image_members", matching: [("image_id", image), ("member", member)], at: now)
        }
        guard removed > 0 else { throw ImageMemberNotFound(image: image, member: member) }
    }
}
