import NovaKitCore

/// The unauthenticated version documents at `/`, `/v2/` and `/v2.1/`.
enum VersionDocuments {
    static func v21(baseURL: String, maximum: APIVersion) -> JSON {
        [
            "id": "v2.1", "status": "CURRENT", "version": .string(maximum.description), "min_version": "2.1",
            "updated": "2013-07-23T11:33:21Z",
            "links": [["rel": "self", "href": .string("\(baseURL)/v2.1/")]],
            "media-types": [["base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"]],
        ]
    }

    static func v20(baseURL: String) -> JSON {
        [
            "id": "v2.0", "status": "DEPRECATED", "version": "", "min_version": "",
            "updated": "2025-07-04T12:00:00Z",
            "links": [["rel": "self", "href": .string("\(baseURL)/v2/")]],
            "media-types": [["base": "application/json", "type": "application/vnd.openstack.compute+json;version=2"]],
        ]
    }

    /// `GET /`
    static func list(baseURL: String, maximum: APIVersion) -> JSON {
        var v20 = v20(baseURL: baseURL)
        var v21 = v21(baseURL: baseURL, maximum: maximum)
        v20["media-types"] = nil
        v21["media-types"] = nil
        return ["versions": [v20, v21]]
    }

    /// `GET /v2/` or `GET /v2.1/`: one version with a `describedby` link.
    static func single(_ document: JSON) -> JSON {
        var document = document
        if case .array(var links) = document["links"] {
            links.append(["rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"])
            document["links"] = .array(links)
        }
        return ["version": document]
    }
}
