import NovaKitCore

/// The attributes of a create or update body (`{"network": {…}}`), read as Neutron's validators read them:
/// unknown attributes and values of the wrong type are 400s naming the attribute.
struct NeutronBody {
    let fields: [String: JSON]

    /// The object under `resource`; anything else is a 400. `allowed` are the attributes the call takes.
    init(_ body: JSON, resource: String, allowed: Set<String>) throws {
        guard case .object(let top) = body, case .object(let fields)? = top[resource] else {
            throw NeutronError.badRequest("Resource body required")
        }
        let unknown = fields.keys.filter { !allowed.contains($0) }.sorted()
        guard unknown.isEmpty else { throw NeutronError.badRequest("Unrecognized attribute(s) '\(unknown.joined(separator: ", "))'") }
        self.fields = fields
    }

    func has(_ key: String) -> Bool { fields[key] != nil }

    func string(_ key: String) throws -> String? {
        guard let value = fields[key], value != .null else { return nil }
        guard let text = value.stringValue else { throw invalid(key, value, "is not a valid string") }
        return text
    }

    /// Neutron's `convert_to_boolean`: booleans, `0`/`1` and their text forms, `true`/`false` in any case.
    func bool(_ key: String) throws -> Bool? {
        guard let value = fields[key], value != .null else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .int(let number) where number == 0 || number == 1: return number == 1
        case .string(let text) where ["true", "1"].contains(text.lowercased()): return true
        case .string(let text) where ["false", "0"].contains(text.lowercased()): return false
        default: throw invalid(key, value, "cannot be converted to boolean")
        }
    }

    func int(_ key: String) throws -> Int? {
        guard let value = fields[key], value != .null else { return nil }
        if let number = value.intValue ?? value.stringValue.flatMap({ Int($0) }) { return number }
        throw invalid(key, value, "is not an integer")
    }

    func strings(_ key: String) throws -> [String]? {
        guard let value = fields[key], value != .null else { return nil }
        guard let items = value.arrayValue, let texts = Optional(items.compactMap(\.stringValue)), texts.count == items.count else {
            throw invalid(key, value, "is not a list of strings")
        }
        return texts
    }

    func invalid(_ key: String, _ value: JSON, _ reason: String) -> NeutronError {
        .badRequest("Invalid input for \(key). Reason: '\(value.pythonStr)' \(reason).")
    }
}
