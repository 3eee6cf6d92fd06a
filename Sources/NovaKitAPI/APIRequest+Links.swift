public import NovaKitCore

extension APIRequest {
    /// The versioned URL prefix of this request: `http://host/v2.1[/project]` or `http://host/v2/project`.
    public var versionedBase: String {
        let api = isLegacy ? "v2" : "v2.1"
        return urlProjectID.map { "\(baseURL)/\(api)/\($0)" } ?? "\(baseURL)/\(api)"
    }

    /// The unversioned prefix of bookmark links: `http://host[/project]`.
    public var bookmarkBase: String { urlProjectID.map { "\(baseURL)/\($0)" } ?? baseURL }

    /// Nova's `self` (versioned) and `bookmark` (unversioned) links for `collection/id`.
    public func links(_ collection: String, _ id: String) -> JSON {
        [
            ["rel": "self", "href": .string("\(versionedBase)/\(collection)/\(id)")],
            ["rel": "bookmark", "href": .string("\(bookmarkBase)/\(collection)/\(id)")],
        ]
    }

    /// `[{"rel": "next", "href": …?limit=…&marker=…}]` when a page came back full, else `nil`.
    public func nextLinks(_ collection: String, page: Int, limit: Int, lastMarker: String?) -> JSON? {
        guard page > 0, page == limit, let lastMarker else { return nil }
        var parameters = query.filter { $0.key != "marker" && $0.key != "limit" }.sorted { $0.key < $1.key }
            .flatMap { key, values in values.map { "\(key)=\($0)" } }
        parameters.append("limit=\(limit)")
        parameters.append("marker=\(lastMarker)")
        return [["rel": "next", "href": .string("\(versionedBase)/\(collection)?" + parameters.joined(separator: "&"))]]
    }
}
