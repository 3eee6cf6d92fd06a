import NovaKitAPI
import NovaKitCore
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// `{"resize": {"flavorRef": "2"}}`
struct ResizeBody: RequestBody {
    let flavorRef: Identifier
    let diskConfig: String?

    enum CodingKeys: String, CodingKey {
        case flavorRef
        case diskConfig = "OS-DCF:diskConfig"
    }

    static func schema(at version: APIVersion) -> Schema {
        .object(
            ["flavorRef": Schema(types: [.string, .integer], minLength: 1), "OS-DCF:diskConfig": .oneOf(["AUTO", "MANUAL"])],
            required: ["flavorRef"])
    }
}

/// `{"migrate": {"host": "…"}}` (2.56+; `null` or `{}` lets the scheduler choose).
struct MigrateBody: RequestBody {
    let host: String?

    static func schema(at version: APIVersion) -> Schema { .object(["host": Schema.string(minLength: 1, maxLength: 255).nullable]) }
}

/// `{"reboot": {"type": "SOFT" | "HARD"}}` (any case).
struct RebootBody: RequestBody {
    let type: String

    var isHard: Bool { type.uppercased() == "HARD" }

    static func schema(at version: APIVersion) -> Schema {
        .object(["type": Schema(types: [.string], pattern: "^([Ss][Oo][Ff][Tt]|[Hh][Aa][Rr][Dd])$")], required: ["type"])
    }
}

/// `{"lock": {"locked_reason": "…"}}` (2.73+; `null` still locks without a reason).
struct LockBody: RequestBody {
    let lockedReason: String?

    enum CodingKeys: String, CodingKey { case lockedReason = "locked_reason" }

    static func schema(at version: APIVersion) -> Schema { .object(["locked_reason": .string(minLength: 1, maxLength: 255)]) }
}

/// `{"createImage": {"name": "…", "metadata": {…}}}`
struct CreateImageBody: RequestBody {
    let name: String
    let metadata: ServerMetadataValue?

    static func schema(at version: APIVersion) -> Schema {
        .object(["name": .string(minLength: 1, maxLength: 255), "metadata": ServerMetadataValue.schema], required: ["name"])
    }
}

/// `{"createBackup": {"name": "…", "backup_type": "daily", "rotation": 2, "metadata": {…}}}`
struct CreateBackupBody: RequestBody {
    let name: String
    let backupType: String
    let rotation: FlexibleInt
    let metadata: ServerMetadataValue?

    enum CodingKeys: String, CodingKey {
        case name, rotation, metadata
        case backupType = "backup_type"
    }

    static func schema(at version: APIVersion) -> Schema {
        .object(
            [
                "name": .string(minLength: 1, maxLength: 255), "backup_type": .string(), "rotation": .integerOrNumeric(minimum: 0),
                "metadata": ServerMetadataValue.schema,
            ], required: ["name", "backup_type", "rotation"])
    }
}

/// `{"rebuild": {"imageRef": "…", "name", "metadata", "adminPass", "description" (2.19), …}}`
struct RebuildBody: RequestBody {
    let imageRef: String
    let name: String?
    let adminPass: String?
    let metadata: ServerMetadataValue?
    let description: Patch<String>?
    let personality: [PersonalityFile]?
    let diskConfig: String?

    enum CodingKeys: String, CodingKey {
        case imageRef, name, adminPass, metadata, description, personality
        case diskConfig = "OS-DCF:diskConfig"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        imageRef = try container.decode(String.self, forKey: .imageRef)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        adminPass = try container.decodeIfPresent(String.self, forKey: .adminPass)
        metadata = try container.decodeIfPresent(ServerMetadataValue.self, forKey: .metadata)
        description = try container.decodePatch(String.self, forKey: .description)
        personality = try container.decodeIfPresent([PersonalityFile].self, forKey: .personality)
        diskConfig = try container.decodeIfPresent(String.self, forKey: .diskConfig)
    }

    static func schema(at version: APIVersion) -> Schema {
        var fields: [String: Schema] = [
            "imageRef": .string(minLength: 1), "name": .string(minLength: 1, maxLength: 255), "adminPass": .string(),
            "metadata": ServerMetadataValue.schema, "preserve_ephemeral": .novaBoolean, "OS-DCF:diskConfig": .oneOf(["AUTO", "MANUAL"]),
            "accessIPv4": .string(), "accessIPv6": .string(), "description": Schema.string(maxLength: 255).nullable,
            "key_name": Schema.string(minLength: 1, maxLength: 255).nullable, "user_data": Schema.string(maxLength: 65535).nullable,
            "trusted_image_certificates": Schema(types: [.array, .null]), "hostname": .string(),
        ]
        if version < APIVersion(2, 57) { fields["personality"] = PersonalityFile.schema }
        return .object(fields, required: ["imageRef"])
    }
}

/// `{"os-resetState": {"state": "active" | "error"}}`
struct ResetStateBody: RequestBody {
    let state: String

    static func schema(at version: APIVersion) -> Schema { .object(["state": .oneOf(["active", "error"])], required: ["state"]) }
}

/// `{"changePassword": {"adminPass": "…"}}`
struct ChangePasswordBody: RequestBody {
    let adminPass: String

    static func schema(at version: APIVersion) -> Schema { .object(["adminPass": .string()], required: ["adminPass"]) }
}
