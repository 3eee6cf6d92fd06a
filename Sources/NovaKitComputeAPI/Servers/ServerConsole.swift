import Foundation
import HTTPTypes
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitPolicy

/// `os-getConsoleOutput`: the tail of the server's console log — `length` lines, all of it for -1 or none.
/// The fake driver's console shows a boot log of the server's own; a server on no host (building, or
/// shelved and offloaded) has no console yet (409, Nova's InstanceNotReady).
extension ServerContext {
    @APIBuilder var consoleDeclarations: [APIDeclaration] {
        Actions(on: Servers.key) {
            Action("os-getConsoleOutput", body: ConsoleOutputBody.self, policy: ServerRules.consoleOutput, status: .ok) { server, body, _ in
                guard server.host != nil, ![.building, .shelvedOffloaded, .deleted].contains(server.state.vm) else {
                    throw Fault.conflict("Instance \(server.id) is not ready")
                }
                var lines = Self.bootLog(server)
                if let length = body.length, length >= 0 { lines = Array(lines.suffix(length)) }
                return Reply(["output": .string(lines.joined(separator: "\n"))])
            }
        }
    }

    /// What the simulated guest printed while booting.
    static func bootLog(_ server: Server) -> [String] {
        let hostname = server.hostname ?? "server"
        let address = server.addresses.first?.address
        return [
            "[    0.000000] Linux version 6.1.0-novakit (fake driver) #1 SMP",
            "[    0.000000] Command line: root=/dev/vda1 console=ttyS0",
            "[    0.412000] virtio_blk virtio2: [vda] \(server.flavor.disk * 2_097_152) 512-byte logical blocks",
            "[    1.208000] EXT4-fs (vda1): mounted filesystem with ordered data mode",
            "[    2.031000] cloud-init: instance \(server.id) hostname \(hostname)",
            address.map { "[    2.540000] cloud-init: eth0 address \($0)" } ?? "[    2.540000] cloud-init: no network interfaces",
            "[    3.117000] cloud-init: finished",
            "",
            "\(hostname) login: ",
        ]
    }
}

/// `{"os-getConsoleOutput": {"length": n}}`: an integer or numeric string, -1 (or none, or null) for all lines.
struct ConsoleOutputBody: RequestBody {
    let length: Int?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        length = try container.decodeIfPresent(FlexibleInt.self, forKey: .length)?.value
    }

    enum CodingKeys: String, CodingKey { case length }

    static func schema(at version: APIVersion) -> Schema {
        .object(["length": Schema.integerOrNumeric(minimum: -1).nullable])
    }
}
