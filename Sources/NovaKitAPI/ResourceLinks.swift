public import NovaKitCore

/// Nova's `self` and `bookmark` links to one collection's resources, for one request: the URLs before the
/// id are built and escaped once, so a page of a hundred servers writes a hundred ids, not two hundred URLs.
public struct ResourceLinks: Sendable {
    /// `http://host/v2.1[/project]/<collection>/`
    let versioned: JSONStringPrefix
    /// `http://host[/project]/<collection>/`
    let bookmark: JSONStringPrefix

    init(_ request: APIRequest, _ collection: String) {
        versioned = JSONStringPrefix("\(request.versionedBase)/\(collection)/")
        bookmark = JSONStringPrefix("\(request.bookmarkBase)/\(collection)/")
    }

    /// `[{"href": <versioned>/id, "rel": "self"}, {"href": <bookmark>/id, "rel": "bookmark"}]`
    public func write(_ id: String, into writer: inout JSONWriter) {
        writer.array { links in
            Self.write(versioned, id, rel: "self", into: &links)
            Self.write(bookmark, id, rel: "bookmark", into: &links)
        }
    }

    /// `[{"href": <bookmark>/id, "rel": "bookmark"}]`: how a server's view links its image and flavor.
    public func writeBookmark(_ id: String, into writer: inout JSONWriter) {
        writer.array { links in Self.write(bookmark, id, rel: "bookmark", into: &links) }
    }

    /// Inlined into its callers, so each writes its `rel` as the constant it is: called out of line, this one
    /// writer cost a summary page 3–7 % against the two written out (measured with bench/compare.sh).
    @inline(__always)
    private static func write(_ prefix: JSONStringPrefix, _ id: String, rel: String, into writer: inout JSONWriter) {
        writer.object { link in
            link.key("href")
            link.string(prefix, id)
            link.key("rel")
            link.string(rel)
        }
    }
}

extension APIRequest {
    /// The links to `collection`'s resources as this request shows them.
    public func resourceLinks(_ collection: String) -> ResourceLinks { ResourceLinks(self, collection) }
}
