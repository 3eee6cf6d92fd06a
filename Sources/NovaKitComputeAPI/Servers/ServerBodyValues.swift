import Foundation
import NovaKitAPI
import NovaKitCore
import NovaKitNetwork
import NovaKitPolicy
import NovaKitStorage
import SQLKit

/// Server metadata as a body gives it (create, rebuild, createImage, metadata writes): keys of 1 to 255
/// characters, string values of at most 255; anything else is a 400 naming the key.
struct ServerMetadataValue: Decodable, Sendable {
    let values: [String: String]

    init(from decoder: any Decoder) throws {
        values = try Self.validated(try [String: JSON](from: decoder))
    }

    static let schema = Schema(types: [.object], additionalProperties: true)

    static func validated(_ object: [String: JSON]) throws -> [String: String] {
        var metadata: [String: String] = [:]
        for (key, item) in object {
            guard (1...255).contains(key.count) else {
                throw Fault.badRequest("Invalid input for field/attribute metadata. Metadata key must be 1 to 255 characters")
            }
            guard let text = item.stringValue, text.count <= 255 else {
                throw Fault.badRequest("Invalid input for field/attribute metadata. Value of \(key) must be a string of at most 255 characters")
            }
            metadata[key] = text
        }
        return metadata
    }
}

/// `min_count` / `max_count`: a positive integer, also as a numeric string.
struct InstanceCount: Decodable, Sendable {
    let value: Int

    init(from decoder: any Decoder) throws {
        let given = try JSON(from: decoder)
        guard let count = given.intValue ?? given.stringValue.flatMap({ Int($0) }), count >= 1 else {
            let name = decoder.codingPath.last?.stringValue ?? "count"
            throw Fault.badRequest("Invalid input for field/attribute \(name). Value: \(given.pythonStr). must be an integer of at least 1")
        }
        value = count
    }

    static let schema = Schema(types: [.integer, .string], pattern: "^[0-9]+$", minimum: 1)
}

/// `networks` of a create: `none`, `auto` (an address on the default network), or a list of networks (by
/// `uuid`, optionally with a `fixed_ip`) and existing ports, resolved against the network service when the
/// server is planned (`ServerNetworks`).
struct NetworkRequest: Decodable, Sendable {
    /// The listed entries; `nil` for `auto` and `none`.
    let entries: [Entry]?
    /// Whether the instance gets an address at all.
    let wantsAddress: Bool

    struct Entry: Decodable, Sendable {
        let uuid: String?
        let port: String?
        let fixedIP: String?

        enum CodingKeys: String, CodingKey {
            case uuid, port
            case fixedIP = "fixed_ip"
        }
    }

    /// A list made by compute itself (an interface attachment).
    init(entries: [Entry]) {
        self.entries = entries
        wantsAddress = !entries.isEmpty
    }

    init(from decoder: any Decoder) throws {
        let given = try JSON(from: decoder)
        if let text = given.stringValue {
            guard ["none", "auto"].contains(text) else {
                throw Fault.badRequest("Invalid input for field/attribute networks. Value: \(text). '\(text)' is not one of ['none', 'auto']")
            }
            wantsAddress = text == "auto"
            entries = nil
            return
        }
        let entries = try [Entry](from: decoder)
        for entry in entries {
            if let address = entry.fixedIP, IPAddress(address) == nil {
                throw Fault.badRequest("Invalid input for field/attribute fixed_ip. Value: \(address). '\(address)' is not an IP address")
            }
        }
        self.entries = entries
        wantsAddress = !entries.isEmpty
    }

    static func schema(at version: APIVersion) -> Schema {
        let network = Schema.object(["uuid": .string(), "port": .string(), "fixed_ip": .string(), "tag": .string()])
        return version >= APIVersion(2, 37) ? Schema(types: [.string, .array], items: network) : .array(network)
    }
}

/// A file injected at create or rebuild (`personality`, through 2.56): a path and base64 contents, within the
/// project's injected-file quotas. The fake driver writes nothing, but the request is checked as Nova does.
struct PersonalityFile: Decodable, Sendable {
    let path: String
    let contents: String

    static let schema = Schema.array(.object(["path": .string(), "contents": .string()], required: ["path", "contents"]))

    /// Nova's checks: the number of files, each path's and each content's size (403), contents that are not base64 (400).
    static func check(_ files: [PersonalityFile], limits: [String: Int]) throws {
        let within = { (key: String, value: Int) in (limits[key] ?? -1) < 0 || value <= limits[key]! }
        guard within("injected_files", files.count) else {
            throw QuotaExceeded(resource: "injected_files", requested: files.count, used: 0, limit: limits["injected_files"] ?? 0)
        }
        for file in files {
            guard within("injected_file_path_bytes", file.path.utf8.count) else {
                throw Fault.forbidden("Personality file path exceeds maximum \(limits["injected_file_path_bytes"] ?? 0)")
            }
            guard let decoded = Data(base64Encoded: file.contents) else {
                throw Fault.badRequest("Personality content for \(file.path) cannot be decoded.")
            }
            guard within("injected_file_content_bytes", decoded.count) else {
                throw Fault.forbidden("Personality file content exceeds maximum \(limits["injected_file_content_bytes"] ?? 0)")
            }
        }
    }
}
