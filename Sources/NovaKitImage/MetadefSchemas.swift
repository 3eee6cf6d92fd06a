import HTTPTypes
import NovaKitCore
import NovaKitHTTP

/// The metadata-definition catalog's documents (`/v2/schemas/metadefs/*`) and the bodies its routes take,
/// from one set of definitions.
enum MetadefSchemas {
    static let name80 = Schema.string(minLength: 1, maxLength: 80)
    static let propertyTypes: [JSON] = ["array", "boolean", "integer", "number", "object", "string"]

    /// A property definition as a namespace or an object holds it (the name is its key there).
    static let propertyDefinition = Schema.object(
        [
            "name": .string(minLength: 1, maxLength: 255), "title": .string(minLength: 1, maxLength: 255), "description": .string(),
            "type": Schema(types: [.string], enumValues: propertyTypes), "default": .any, "readonly": .boolean,
            "minimum": Schema(types: [.number]), "maximum": Schema(types: [.number]), "minLength": .integer(minimum: 0),
            "maxLength": .integer(minimum: 0), "pattern": .string(), "enum": .array(.any), "operators": .array(.string()),
            "items": .object(["type": Schema(types: [.string], enumValues: propertyTypes), "enum": .array(.any)], additional: false),
            "uniqueItems": .boolean, "minItems": .integer(minimum: 0), "maxItems": .integer(minimum: 0), "additionalItems": .boolean,
        ], required: ["title", "type"], additional: false)

    /// `POST …/properties`: a definition with its name.
    static let property: Schema = {
        var schema = propertyDefinition
        schema.required = ["name", "title", "type"]
        return schema
    }()

    /// An object: a name, and property definitions keyed by name (checked one by one: `checkProperties`).
    static let object = Schema.object(
        [
            "name": name80, "description": .string(), "required": .array(.string()), "properties": .object([:], additional: true),
            "created_at": .string(), "updated_at": .string(), "schema": .string(), "self": .string(),
        ], required: ["name"], additional: false)

    static let tag = Schema.object(
        ["name": .string(minLength: 1, maxLength: 255), "created_at": .string(), "updated_at": .string()], required: ["name"], additional: false)
    static let tags = Schema.object(["tags": .array(tag)], required: ["tags"], additional: true)
    static let tagRename = Schema.object(["name": .string(minLength: 1, maxLength: 255)], required: ["name"], additional: true)

    static let association = Schema.object(
        [
            "name": name80, "prefix": .string(maxLength: 80), "properties_target": .string(maxLength: 80), "created_at": .string(),
            "updated_at": .string(),
        ],
        required: ["name"], additional: false)

    static let namespace = Schema.object(
        [
            "namespace": name80, "display_name": .string(maxLength: 80), "description": .string(maxLength: 500),
            "visibility": .oneOf(["public", "private"]), "protected": .boolean, "owner": .string(maxLength: 255),
            "resource_type_associations": .array(association), "properties": .object([:], additional: true), "objects": .array(object),
            "tags": .array(tag), "created_at": .string(), "updated_at": .string(), "schema": .string(), "self": .string(),
        ], required: ["namespace"], additional: false)

    /// Each value of a `properties` map must be a property definition (400 naming the bad one).
    static func checkProperties(_ properties: JSON?) throws {
        for (name, definition) in properties?.objectValue ?? [:] {
            do { _ = try propertyDefinition.validate(definition) } catch {
                throw Fault.badRequest("Invalid property definition \(name): \(error.message)")
            }
        }
    }

    /// The service's own fields, shown but not taken.
    static let readOnly: [String: JSON] = [
        "created_at": ["type": "string", "readOnly": true, "format": "date-time"],
        "updated_at": ["type": "string", "readOnly": true, "format": "date-time"],
        "schema": ["type": "string", "readOnly": true], "self": ["type": "string", "readOnly": true],
    ]

    /// A document: the schema's properties with the read-only ones marked, and `{"name", "links"?}`.
    static func document(_ name: String, _ schema: Schema, readOnlyKeys: [String] = [], required: [String]? = nil) -> JSON {
        var json = schema.jsonSchema
        var properties = json["properties"]?.objectValue ?? [:]
        for key in readOnlyKeys { properties[key] = readOnly[key] ?? ["type": "string", "readOnly": true] }
        json["properties"] = .object(properties)
        if let required { json["required"] = .array(required.map(JSON.string)) }
        json["name"] = .string(name)
        return json
    }

    static func collection(_ name: String, _ key: String, _ item: JSON) -> JSON {
        var properties: [String: JSON] = ["first": ["type": "string"], "next": ["type": "string"], "schema": ["type": "string"]]
        properties[key] = ["type": "array", "items": item]
        return [
            "name": .string(name),
            "properties": .object(properties),
            "links": [["rel": "first", "href": "{first}"], ["rel": "next", "href": "{next}"], ["rel": "describedby", "href": "{schema}"]],
        ]
    }

    static var documents: [(String, JSON)] {
        let namespaceDocument = document("namespace", namespace, readOnlyKeys: ["created_at", "updated_at", "schema", "self", "owner"])
        let objectDocument = document("object", object, readOnlyKeys: ["created_at", "updated_at", "schema", "self"])
        let propertyDocument = document("property", property)
        let tagDocument = document("tag", tag, readOnlyKeys: ["created_at", "updated_at"])
        let associationDocument = document("resource_type_association", association, readOnlyKeys: ["created_at", "updated_at"])
        return [
            ("namespace", namespaceDocument), ("namespaces", collection("namespaces", "namespaces", namespaceDocument)),
            ("object", objectDocument), ("objects", collection("objects", "objects", objectDocument)),
            ("property", propertyDocument),
            (
                "properties",
                [
                    "name": "properties",
                    "properties": [
                        "properties": ["type": "object", "additionalProperties": document("property", propertyDefinition)],
                        "schema": ["type": "string"],
                    ],
                    "links": [["rel": "describedby", "href": "{schema}"]],
                ]
            ),
            ("tag", tagDocument), ("tags", collection("tags", "tags", tagDocument)),
            ("resource_type", associationDocument),
            ("resource_types", collection("resource_type_associations", "resource_type_associations", associationDocument)),
        ]
    }

    static var routes: [ImageRoute] {
        documents.map { name, document in
            ImageRoute(.get, "v2/schemas/metadefs/\(name)", success: [200]) { _, _ in .json(document, status: .ok) }
        }
    }
}
