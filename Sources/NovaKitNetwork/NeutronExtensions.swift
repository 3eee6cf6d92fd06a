import NovaKitCore

/// The Neutron API extensions this subset implements, as `GET /v2.0/extensions` lists them.
struct NeutronExtensions {
    let alias: String
    let name: String
    let description: String

    var view: JSON {
        ["alias": .string(alias), "name": .string(name), "description": .string(description), "updated": "2013-01-01T10:00:00-00:00", "links": []]
    }

    static let all: [NeutronExtensions] = [
        .init(alias: "external-net", name: "Neutron external network", description: "Adds external network attribute to network resource."),
        .init(alias: "router", name: "Neutron L3 Router", description: "Router abstraction for basic L3 forwarding between L2 Neutron networks."),
        .init(alias: "binding", name: "Port Binding", description: "Expose port bindings of a virtual port to external application."),
        .init(alias: "project-id", name: "project_id field enabled", description: "Extension that indicates that project_id field is enabled."),
        .init(
            alias: "standard-attr-description", name: "standard-attr-description",
            description: "Extension to add descriptions to standard attributes."),
        .init(
            alias: "standard-attr-timestamp", name: "Resource timestamps",
            description: "Adds created_at and updated_at fields to all Neutron resources."),
        .init(alias: "sorting", name: "Sorting support", description: "Enabled sorting support."),
        .init(alias: "pagination", name: "Pagination support", description: "Enabled pagination support."),
        .init(alias: "security-group", name: "security-group", description: "The security groups extension."),
        .init(alias: "floatingip-pools", name: "Floating IP Pools", description: "Provides a floating IP pools API."),
        .init(alias: "net-mtu", name: "Network MTU", description: "Provides MTU attribute for a network resource."),
        .init(
            alias: "auto-allocated-topology", name: "Auto Allocated Topology Services",
            description: "Auto Allocated Topology Services: a project's network, subnet and router, made on first use."),
    ]
}
