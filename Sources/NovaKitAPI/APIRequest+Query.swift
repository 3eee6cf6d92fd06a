import NovaKitCore

extension APIRequest {
    /// The last value of a query parameter.
    public func queryValue(_ name: String) -> String? { query[name]?.last }

    /// An integer query parameter; 400 naming it when it is not an integer or below `minimum`.
    public func queryInt(_ name: String, minimum: Int? = nil) throws -> Int? {
        guard let text = queryValue(name) else { return nil }
        guard let value = Int(text) else {
            throw Fault.badRequest("Invalid input for query parameters \(name). Value: \(text). '\(text)' is not of type 'integer'")
        }
        if let minimum, value < minimum {
            throw Fault.badRequest("Invalid input for query parameters \(name). Value: \(text). \(value) is less than the minimum of \(minimum)")
        }
        return value
    }

    /// A boolean query parameter as Nova reads them (`true/1/yes/on`, `false/0/no/off`); 400 otherwise.
    public func queryBool(_ name: String) throws -> Bool? {
        guard let text = queryValue(name)?.lowercased() else { return nil }
        if ["true", "1", "yes", "on", "t", "y"].contains(text) { return true }
        if ["false", "0", "no", "off", "f", "n"].contains(text) { return false }
        throw Fault.badRequest("Invalid input for query parameters \(name). Value: \(text). '\(text)' is not a valid boolean")
    }

    /// `limit` (above the configured `max_limit` means it; 0 an empty page, as Nova; negative is 400) and `marker`.
    public func pagination() throws -> (limit: Int, marker: String?) {
        let maxLimit = services.maxLimit
        let limit = try queryInt("limit", minimum: 0) ?? maxLimit
        return (Swift.min(limit, maxLimit), queryValue("marker"))
    }

    /// The page after `marker` (400 when the marker is unknown), at most `limit` long.
    public func page<T>(_ items: [T], limit: Int, marker: String?, key: (T) -> String) throws -> [T] {
        var start = items.startIndex
        if let marker {
            guard let index = items.firstIndex(where: { key($0) == marker }) else { throw Fault.badRequest("marker [\(marker)] not found") }
            start = index + 1
        }
        return Array(items[start...].prefix(limit))
    }
}
