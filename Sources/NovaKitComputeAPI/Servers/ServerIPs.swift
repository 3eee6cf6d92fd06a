import NovaKitAPI
import NovaKitCore

/// `GET /servers/{id}/ips` and `/ips/{network}`: a server's fixed addresses by network, in the basic form
/// (`version`, `addr`); a network the server is not on is a 404.
extension ServerContext {
    static let ipsKey = ResourceKey<Server>("ips", under: Servers.key, parameter: "server_id")

    @APIBuilder var ipsDeclarations: [APIDeclaration] {
        Resource(Self.ipsKey) {
            Index(policy: ServerRules.ipsIndex) { server, _ in Reply(["addresses": ServerViews.addresses(server, extended: false)]) }
            Show(policy: ServerRules.ipsShow) { server, request in
                let network = request.parameter("id")
                guard case .object(let byNetwork) = ServerViews.addresses(server, extended: false), let addresses = byNetwork[network] else {
                    throw Fault.notFound("Instance is not a member of specified network")
                }
                return Reply([network: addresses])
            }
        }
    }
}
