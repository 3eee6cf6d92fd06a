import Foundation
import NIOCore
import NIOPosix

/// Checked before anything is opened, migrated or bootstrapped: every listener can bind its address. A port
/// another process holds, or two listeners given one port, is a start-up error naming the listener and the
/// address.
enum ListenerPorts {
    static func check(_ listeners: [(name: String, host: String, port: Int)]) async throws {
        var taken: [Int: String] = [:]
        for (name, host, port) in listeners where port != 0 {
            if let other = taken[port] {
                throw BootFailure("the \(other) API and the \(name) API are both configured on port \(port)")
            }
            taken[port] = name
            do {
                let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1).bind(host: host, port: port).get()
                try await channel.close()
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                throw BootFailure("the \(name) API cannot listen on \(host):\(port): the address is already in use")
            } catch {
                throw BootFailure("the \(name) API cannot listen on \(host):\(port): \(error)")
            }
        }
    }
}
