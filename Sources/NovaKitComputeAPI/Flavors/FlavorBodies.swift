import NovaKitAPI
import NovaKitCore
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// `POST /flavors`: `{"flavor": {"name", "ram", "vcpus", "disk", …}}`; `description` from 2.55.
struct FlavorCreateBody: RequestBody {
    struct Fields: Decodable, Sendable {
        let name: String
        let id: Identifier?
        let ram: FlexibleInt
        let vcpus: FlexibleInt
        let disk: FlexibleInt
        let ephemeral: FlexibleInt?
        let swap: FlexibleInt?
        let rxtxFactor: FlexibleDouble?
        let isPublic: FlexibleBool?
        let description: String?

        enum CodingKeys: String, CodingKey {
            case name, id, ram, vcpus, disk, swap, description
            case ephemeral = "OS-FLV-EXT-DATA:ephemeral"
            case rxtxFactor = "rxtx_factor"
            case isPublic = "os-flavor-access:is_public"
        }
    }

    let flavor: Fields

    static let positive = Schema.integerOrNumeric(minimum: 1, maximum: Int(Int32.max))
    static let nonNegative = Schema.integerOrNumeric(minimum: 0, maximum: Int(Int32.max))
    static let flavorID = Schema(types: [.string, .integer, .null], minLength: 1, maxLength: 255, pattern: "^(?! )[a-zA-Z0-9. _-]+(?<! )$")
    static let description = Schema.string(maxLength: 65535).nullable

    static func schema(at version: APIVersion) -> Schema {
        var fields: [String: Schema] = [
            "name": .string(minLength: 1, maxLength: 255, pattern: "^(?! )[^\\n\\r\\t]+(?<! )$"), "id": flavorID, "ram": positive,
            "vcpus": positive, "disk": nonNegative, "OS-FLV-EXT-DATA:ephemeral": nonNegative, "swap": nonNegative,
            "rxtx_factor": Schema(types: [.number, .string], pattern: "^[0-9]+(\\.[0-9]+)?$"), "os-flavor-access:is_public": .novaBoolean,
        ]
        if version >= APIVersion(2, 55) { fields["description"] = description }
        return .object(["flavor": .object(fields, required: ["name", "ram", "vcpus", "disk"])], required: ["flavor"])
    }

    /// The flavor to create; its id is `defaultID` unless the body gives one. A non-positive rxtx_factor is a 400.
    func flavor(defaultID: String) throws -> Flavor {
        let rxtx = flavor.rxtxFactor?.value ?? 1.0
        guard rxtx > 0 else {
            throw Fault.badRequest("Invalid input for field/attribute rxtx_factor. Value: \(rxtx). It must be greater than 0")
        }
        return Flavor(
            flavorID: flavor.id?.text ?? defaultID, name: flavor.name, memoryMB: flavor.ram.value, vcpus: flavor.vcpus.value,
            rootGB: flavor.disk.value, ephemeralGB: flavor.ephemeral?.value ?? 0, swap: flavor.swap?.value ?? 0, rxtxFactor: rxtx,
            isPublic: flavor.isPublic?.value ?? true, disabled: false,
            description: flavor.description)
    }
}

/// `PUT /flavors/{id}` (2.55): `{"flavor": {"description": "…" | null}}`.
struct FlavorUpdateBody: RequestBody {
    struct Fields: Decodable, Sendable {
        let description: String?
    }

    let flavor: Fields

    static func schema(at version: APIVersion) -> Schema {
        .object(["flavor": .object(["description": FlavorCreateBody.description], required: ["description"])], required: ["flavor"])
    }
}
