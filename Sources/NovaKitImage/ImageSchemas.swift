import HTTPTypes
import NovaKitCore
import NovaKitHTTP

/// Glance's schemas (`/v2/schemas/image`, `images`, `member`, `members`), written from the fields NovaKit
/// stores and shows. The same field table checks image-create bodies and image-update values, so what the
/// schema advertises is what the API accepts.
enum ImageSchemas {
    /// One image field: its schema, whether only the service sets it, and what it means.
    struct Field {
        let schema: Schema
        let readOnly: Bool
        let description: String
    }

    static let containerFormats: [JSON] = ["ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"]
    static let diskFormats: [JSON] = ["ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"]
    static let visibilities: [JSON] = ["public", "private", "shared", "community"]
    static let statuses: [JSON] = [
        "queued", "saving", "active", "killed", "deleted", "uploading", "importing", "pending_delete", "deactivated",
    ]

    static let fields: [String: Field] = [
        "id": Field(
            schema: .string(pattern: "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"),
            readOnly: false, description: "The image's UUID; chosen by the service unless given at creation."),
        "name": Field(schema: Schema.string(maxLength: 255).nullable, readOnly: false, description: "A name for people; not unique."),
        "status": Field(
            schema: Schema(types: [.string], enumValues: statuses), readOnly: true, description: "Where the image is in its life."),
        "visibility": Field(
            schema: Schema(types: [.string], enumValues: visibilities), readOnly: false,
            description: "Who sees the image: everyone, its owner, its owner and members, or anyone who asks for community images."),
        "protected": Field(schema: .boolean, readOnly: false, description: "A protected image cannot be deleted."),
        "os_hidden": Field(schema: .boolean, readOnly: false, description: "Hidden images are left out of lists unless asked for."),
        "checksum": Field(schema: Schema.string(maxLength: 32).nullable, readOnly: true, description: "MD5 of the image's data."),
        "os_hash_algo": Field(schema: Schema.string(maxLength: 64).nullable, readOnly: true, description: "The algorithm of os_hash_value."),
        "os_hash_value": Field(schema: Schema.string(maxLength: 128).nullable, readOnly: true, description: "SHA-512 of the image's data."),
        "owner": Field(
            schema: Schema.string(maxLength: 255).nullable, readOnly: false,
            description: "The project that owns the image; only admins give an image to another project."),
        "size": Field(schema: Schema(types: [.integer, .null]), readOnly: true, description: "Bytes of data uploaded."),
        "virtual_size": Field(schema: Schema(types: [.integer, .null]), readOnly: true, description: "Not tracked: always null."),
        "container_format": Field(
            schema: Schema(types: [.string], enumValues: containerFormats).nullable, readOnly: false,
            description: "The format the data is wrapped in."),
        "disk_format": Field(
            schema: Schema(types: [.string], enumValues: diskFormats).nullable, readOnly: false, description: "The format of the disk image."),
        "created_at": Field(schema: .string(), readOnly: true, description: "When the image was made."),
        "updated_at": Field(schema: .string(), readOnly: true, description: "When the image last changed."),
        "tags": Field(schema: .array(.string(maxLength: 255)), readOnly: false, description: "Words attached to the image."),
        "min_ram": Field(schema: .integer(minimum: 0), readOnly: false, description: "MiB of RAM a server needs to boot it."),
        "min_disk": Field(schema: .integer(minimum: 0), readOnly: false, description: "GiB of disk a server needs to boot it."),
        "self": Field(schema: .string(), readOnly: true, description: "The image's URL."),
        "file": Field(schema: .string(), readOnly: true, description: "The URL of the image's data."),
        "schema": Field(schema: .string(), readOnly: true, description: "The URL of this schema."),
    ]

    /// The body of `POST /v2/images`: every field a client may set; other keys are string properties.
    static let createBody = Schema.object(fields.filter { !$0.value.readOnly }.mapValues(\.schema), additional: true)

    static var image: JSON {
        var properties: [String: JSON] = [:]
        for (name, field) in fields {
            var schema = field.schema.jsonSchema
            schema["description"] = .string(field.description)
            if field.readOnly { schema["readOnly"] = true }
            properties[name] = schema
        }
        return [
            "name": "image", "properties": .object(properties), "additionalProperties": ["type": "string"],
            "links": [
                ["rel": "self", "href": "{self}"], ["rel": "enclosure", "href": "{file}"], ["rel": "describedby", "href": "{schema}"],
            ],
        ]
    }

    static var images: JSON {
        [
            "name": "images",
            "properties": [
                "images": ["type": "array", "items": image], "schema": ["type": "string"], "first": ["type": "string"],
                "next": ["type": "string"],
            ],
            "links": [["rel": "first", "href": "{first}"], ["rel": "next", "href": "{next}"], ["rel": "describedby", "href": "{schema}"]],
        ]
    }

    static let member: JSON = [
        "name": "member",
        "properties": [
            "image_id": ["type": "string", "description": "The shared image's id."],
            "member_id": ["type": "string", "description": "The project the image is shared with."],
            "status": [
                "type": "string", "enum": .array(ImageMember.statuses.map(JSON.string)),
                "description": "Whether the project has accepted the image.",
            ],
            "created_at": ["type": "string", "description": "When the image was shared with the project."],
            "updated_at": ["type": "string", "description": "When the membership last changed."],
            "schema": ["type": "string", "readOnly": true],
        ],
    ]

    static var members: JSON {
        [
            "name": "members",
            "properties": ["members": ["type": "array", "items": member], "schema": ["type": "string"]],
            "links": [["rel": "describedby", "href": "{schema}"]],
        ]
    }

    static let routes: [ImageRoute] = [("image", image), ("images", images), ("member", member), ("members", members)].map { name, document in
        ImageRoute(.get, "v2/schemas/\(name)", success: [200]) { _, _ in .json(document, status: .ok) }
    }
}
