import Foundation
import NovaKitCore
import NovaKitHTTP

/// `PATCH /v2/images/{id}` as Glance takes it: a JSON patch (`application/openstack-images-v2.1-json-patch`)
/// of `add`, `replace` and `remove` operations on the image's fields, tags and string properties. The
/// owner (or an admin) may change an image; the service's own fields are read-only, formats change only
/// while nothing has been uploaded, and only admins make an image public or give it to another project.
enum ImagePatch {
    static let mediaTypes = ["application/openstack-images-v2.1-json-patch"]

    static let schema = Schema.array(
        .object(
            ["op": .oneOf(["add", "replace", "remove"]), "path": .string(minLength: 2, pattern: "^/"), "value": .any],
            required: ["op", "path"], additional: false))

    /// Fields Glance keeps to itself beyond the read-only ones of the schema.
    static let reserved: Set = ["deleted", "deleted_at", "location", "locations", "direct_url"]

    /// The tags with repeats dropped, in their first order.
    static func unique(_ tags: [String]) -> [String] {
        var seen: Set<String> = []
        return tags.filter { seen.insert($0).inserted }
    }

    /// Applies one operation to `image`.
    static func apply(_ operation: JSON, to image: inout Image, isAdmin: Bool) throws {
        let op = operation["op"]?.stringValue ?? ""
        let key = String((operation["path"]?.stringValue ?? "/").dropFirst())
            .replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        let value = operation["value"]
        if op != "remove" && value == nil { throw Fault.badRequest("Operation \(op) on /\(key) needs a value.") }
        if reserved.contains(key) { throw Fault.forbidden("Attribute '\(key)' is reserved.") }
        guard let field = ImageSchemas.fields[key] else {
            try applyProperty(op, key, value, to: &image)
            return
        }
        if field.readOnly || key == "id" { throw Fault.forbidden("Attribute '\(key)' is read-only.") }
        guard op != "remove" else { throw Fault.forbidden("Cannot remove '\(key)': it is a core attribute of images.") }
        let checked: JSON
        do { checked = try field.schema.validate(value ?? .null) } catch { throw Fault.badRequest("Invalid value for \(key): \(error.message)") }
        switch key {
        case "name": image.name = checked.stringValue
        case "visibility":
            let visibility = checked.stringValue ?? image.visibility
            guard visibility != "public" || isAdmin || image.visibility == "public" else {
                throw Fault.forbidden("You are not authorized to publicize images.")
            }
            image.visibility = visibility
        case "owner":
            guard isAdmin else { throw Fault.forbidden("Only admins give an image to another project.") }
            image.owner = checked.stringValue
        case "protected": image.protected = checked == .bool(true)
        case "os_hidden": image.hidden = checked == .bool(true)
        case "min_ram": image.minRam = checked.intValue ?? image.minRam
        case "min_disk": image.minDisk = checked.intValue ?? image.minDisk
        case "tags": image.tags = unique(checked.arrayValue?.compactMap(\.stringValue) ?? [])
        case "container_format", "disk_format":
            guard image.status == "queued" else { throw Fault.forbidden("Attribute \(key) can be only replaced for a queued image.") }
            if key == "container_format" { image.containerFormat = checked.stringValue } else { image.diskFormat = checked.stringValue }
        default: throw Fault.forbidden("Attribute '\(key)' is read-only.")
        }
    }

    /// An additional property: `add` sets it, `replace` and `remove` need it to exist (409, as Glance).
    static func applyProperty(_ op: String, _ key: String, _ value: JSON?, to image: inout Image) throws {
        guard !key.isEmpty, !key.contains("/") else { throw Fault.badRequest("Invalid JSON pointer for this resource: /\(key)") }
        switch op {
        case "remove":
            guard image.properties.removeValue(forKey: key) != nil else { throw Fault.conflict("Property \(key) does not exist.") }
        default:
            guard let text = value?.stringValue, text.count <= 65535 else {
                throw Fault.badRequest("Property \(key) must be a string of at most 65535 characters.")
            }
            if op == "replace" && image.properties[key] == nil { throw Fault.conflict("Property \(key) does not exist.") }
            image.properties[key] = text
        }
    }
}

extension ImageListener {
    /// The image, if the caller may change it: visible (404 otherwise) and their own or they are an admin (403).
    func changeable(_ id: String, _ auth: AuthContext) async throws -> Image {
        let image = try await store.get(id, project: auth.projectID, isAdmin: auth.isAdmin)
        guard auth.isAdmin || image.owner == auth.projectID else { throw Fault.forbidden("You are not permitted to modify this image.") }
        return image
    }

    /// `PATCH /v2/images/{id}`: every operation applies, or none does.
    func patch(_ id: String, _ operations: JSON, _ auth: AuthContext) async throws -> Image {
        var image = try await changeable(id, auth)
        for operation in operations.arrayValue ?? [] { try ImagePatch.apply(operation, to: &image, isAdmin: auth.isAdmin) }
        try await store.update(image)
        return try await store.get(id, project: auth.projectID, isAdmin: auth.isAdmin)
    }

    /// `PUT`/`DELETE /v2/images/{id}/tags/{tag}`: adding a tag the image has is a no-op; removing one it
    /// lacks is a 404.
    func changeTag(_ id: String, _ tag: String, add: Bool, _ auth: AuthContext) async throws {
        var image = try await changeable(id, auth)
        if add {
            guard tag.count <= 255 else { throw Fault.badRequest("A tag is at most 255 characters.") }
            guard !image.tags.contains(tag) else { return }
            image.tags.append(tag)
        } else {
            guard let index = image.tags.firstIndex(of: tag) else { throw Fault.notFound("Tag \(tag) not found.") }
            image.tags.remove(at: index)
        }
        try await store.update(image)
    }
}
