import Foundation
import HTTPTypes
import NovaKitAPI
import NovaKitCompute
import NovaKitCore
import NovaKitImage
import NovaKitPolicy

/// `rescue` and `unrescue`: the server reboots into a rescue image (its own, or `rescue_image_ref`) with an
/// admin password the caller may choose, until it is unrescued back to ACTIVE; and `trigger_crash_dump` (2.17),
/// the other way into a troubled guest, which the fake driver accepts and records without a change of state.
extension ServerContext {
    @APIBuilder var rescueDeclarations: [APIDeclaration] {
        Actions(on: Servers.key) {
            Action("rescue", body: RescueBody?.self, policy: ServerRules.rescue, status: .ok) { server, body, request in
                try check(.rescue, server, request)
                if let image = body?.rescueImageRef {
                    _ = try await requestedImage(Identifier.lastSegment(of: image), request)
                }
                let password = body?.adminPass ?? Self.password(ids.uuid())
                try await run(.rescue, on: server, request)
                return Reply(["adminPass": .string(password)])
            }
            Action("unrescue", policy: ServerRules.unrescue) { server, request in try await simple(server, .unrescue, request) }
            Action("trigger_crash_dump", versions: .from(17), policy: ServerRules.triggerCrashDump) { server, request in
                try await simple(server, .triggerCrashDump, request)
            }
        }
    }
}

/// `{"rescue": {"adminPass", "rescue_image_ref"}}` or `{"rescue": null}`.
struct RescueBody: RequestBody {
    let adminPass: String?
    let rescueImageRef: String?

    enum CodingKeys: String, CodingKey {
        case adminPass
        case rescueImageRef = "rescue_image_ref"
    }

    static func schema(at version: APIVersion) -> Schema {
        .object(["adminPass": .string(), "rescue_image_ref": .string(minLength: 1)])
    }
}
