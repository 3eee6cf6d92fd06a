import NovaKitAPI
import NovaKitCore
import NovaKitNetwork
import NovaKitStorage

/// `GET /servers/{id}/ips` and `/ips/{network}`: a server's fixed addresses by network, in the basic form
/// (`version`, `addr`); a network the server is not on is a 404.
extension ServerContext {
    static let ipsKey = ResourceKey<Server>("ips", under: Servers.key, parameter: "server_id")

    @APIBuilder var ipsDeclarations: [APIDeclaration] {
        Resource(Self.ipsKey) {
            Index(policy: ServerRules.ipsIndex) { server, request in
                Reply(["addresses": ServerViews.addresses(server, extended: false, floating: try await floating(of: server))])
            }
            Show(policy: ServerRules.ipsShow) { server, request in
                let network = request.parameter("id")
                let all = ServerViews.addresses(server, extended: false, floating: try await floating(of: server))
                guard case .object(let byNetwork) = all, let addresses = byNetwork[network] else {
                    throw Fault.notFound("Instance is not a member of specified network")
                }
                return Reply([network: addresses])
            }
        }
    }

    /// The floating addresses mapped to the server's ports.
    func floating(of server: Server) async throws -> [FloatingAddress] {
        try await database.read { sql in try await FloatingIPStore.addresses(ofDevices: [server.id], sql)[server.id] ?? [] }
    }
}
