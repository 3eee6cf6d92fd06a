import NovaKitCore

/// Keystone's JSON for each entity; `base` is `http://host:port/v3`.
enum IdentityViews {
    static func links(_ base: String, _ collection: String, _ id: String) -> JSON { ["self": .string("\(base)/\(collection)/\(id)")] }

    static func domain(_ d: DomainRecord, _ base: String) -> JSON {
        [
            "id": .string(d.id), "name": .string(d.name), "description": .string(d.description), "enabled": .bool(d.enabled),
            "tags": [], "options": [:], "links": links(base, "domains", d.id),
        ]
    }

    static func project(_ p: ProjectRecord, _ base: String) -> JSON {
        [
            "id": .string(p.id), "name": .string(p.name), "domain_id": .string(p.domainId), "parent_id": .string(p.domainId),
            "description": .string(p.description), "enabled": .bool(p.enabled), "is_domain": false, "tags": [], "options": [:],
            "links": links(base, "projects", p.id),
        ]
    }

    static func user(_ u: UserRecord, _ base: String) -> JSON {
        var view: JSON = [
            "id": .string(u.id), "name": .string(u.name), "domain_id": .string(u.domainId), "enabled": .bool(u.enabled),
            "password_expires_at": nil, "options": [:], "links": links(base, "users", u.id),
        ]
        if let project = u.defaultProjectId { view["default_project_id"] = .string(project) }
        if let email = u.email { view["email"] = .string(email) }
        if let description = u.description { view["description"] = .string(description) }
        return view
    }

    static func role(_ r: RoleRecord, _ base: String) -> JSON {
        [
            "id": .string(r.id), "name": .string(r.name), "domain_id": nil, "description": .string(r.description), "options": [:],
            "links": links(base, "roles", r.id),
        ]
    }

    static func group(_ g: GroupRecord, _ base: String) -> JSON {
        [
            "id": .string(g.id), "name": .string(g.name), "domain_id": .string(g.domainId), "description": .string(g.description),
            "links": links(base, "groups", g.id),
        ]
    }

    static func service(_ s: ServiceRecord, _ base: String) -> JSON {
        [
            "id": .string(s.id), "type": .string(s.type), "name": .string(s.name), "description": .string(s.description),
            "enabled": .bool(s.enabled), "links": links(base, "services", s.id),
        ]
    }

    static func region(_ r: RegionRecord, _ base: String) -> JSON {
        [
            "id": .string(r.id), "description": .string(r.description), "parent_region_id": .string(r.parentRegionId),
            "links": links(base, "regions", r.id),
        ]
    }

    static func endpoint(_ e: EndpointRecord, _ base: String) -> JSON {
        [
            "id": .string(e.id), "service_id": .string(e.serviceId), "interface": .string(e.interface), "region": .string(e.region),
            "region_id": .string(e.region), "url": .string(e.url), "enabled": .bool(e.enabled), "links": links(base, "endpoints", e.id),
        ]
    }

    /// `{"<collection>": [...], "links": {...}}`
    static func list(_ collection: String, _ items: [JSON], _ base: String) -> JSON {
        [collection: .array(items), "links": ["self": .string("\(base)/\(collection)"), "previous": nil, "next": nil]]
    }

    static func versionDocument(_ base: String) -> JSON {
        [
            "id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
            "links": [["rel": "self", "href": .string("\(base)/v3/")]],
            "media-types": [["base": "application/json", "type": "application/vnd.openstack.identity-v3+json"]],
        ]
    }
}
