import HTTPTypes
import Hummingbird
import NovaKitCore
import NovaKitHTTP

/// `/v2/images/{id}/members`: the owner of a `shared` image offers it to other projects; each of them accepts
/// or rejects it (until then it is `pending`). A member sees the image whatever its status, and lists it by
/// default once it has accepted; the owner sees every membership, a member only its own.
extension ImageListener {
    /// Glance reads only `member` and `status` from these bodies; other keys (openstacksdk sends the member
    /// id along with a status) are ignored.
    static let addMemberBody = Schema.object(["member": .string(minLength: 1, maxLength: 255)], required: ["member"], additional: true)
    static let memberStatusBody = Schema.object(
        ["status": .oneOf(ImageMember.statuses.map(JSON.string))], required: ["status"], additional: true)

    static let memberRoutes: [ImageRoute] = [
        ImageRoute(.post, "v2/images/{image_id}/members", body: addMemberBody, success: [200]) { listener, request in
            let image = try await listener.sharedImage(request)
            guard request.auth.isAdmin || image.owner == request.auth.projectID else {
                throw Fault.forbidden("You are not permitted to create image members for the image.")
            }
            let member = try await listener.store.members.add(image: image.id, member: request.body["member"]?.stringValue ?? "")
            return .json(ImageViews.member(member), status: .ok)
        },
        ImageRoute(.get, "v2/images/{image_id}/members", success: [200]) { listener, request in
            let image = try await listener.sharedImage(request)
            let members = try await listener.store.members.list(image: image.id).filter { listener.mayRead($0, of: image, request.auth) }
            return .json(["members": .array(members.map(ImageViews.member)), "schema": "/v2/schemas/members"], status: .ok)
        },
        ImageRoute(.get, "v2/images/{image_id}/members/{member_id}", success: [200]) { listener, request in
            let image = try await listener.sharedImage(request)
            let id = request.parameter("member_id")
            guard let member = try await listener.store.members.find(image: image.id, member: id),
                listener.mayRead(member, of: image, request.auth)
            else { throw ImageMemberNotFound(image: image.id, member: id) }
            return .json(ImageViews.member(member), status: .ok)
        },
        ImageRoute(.put, "v2/images/{image_id}/members/{member_id}", body: memberStatusBody, success: [200]) { listener, request in
            let image = try await listener.sharedImage(request)
            let id = request.parameter("member_id")
            guard try await listener.store.members.find(image: image.id, member: id) != nil else {
                throw ImageMemberNotFound(image: image.id, member: id)
            }
            guard id == request.auth.projectID else {
                throw Fault.forbidden("You are not permitted to modify 'status' on this image member: only the member may.")
            }
            let member = try await listener.store.members.setStatus(image: image.id, member: id, request.body["status"]?.stringValue ?? "")
            return .json(ImageViews.member(member), status: .ok)
        },
        ImageRoute(.delete, "v2/images/{image_id}/members/{member_id}", success: [204]) { listener, request in
            let image = try await listener.sharedImage(request)
            guard request.auth.isAdmin || image.owner == request.auth.projectID else {
                throw Fault.forbidden("You are not permitted to delete image members for the image.")
            }
            try await listener.store.members.remove(image: image.id, member: request.parameter("member_id"))
            return Response(status: .noContent)
        },
    ]

    /// The request's image, which the caller must see (404) and which must be `shared` (403, as Glance).
    func sharedImage(_ request: ImageRequest) async throws -> Image {
        let image = try await store.get(request.id, project: request.auth.projectID, isAdmin: request.auth.isAdmin)
        guard image.visibility == "shared" else { throw Fault.forbidden("Only shared images have members.") }
        return image
    }

    /// The owner and admins read every membership; a member only its own.
    func mayRead(_ member: ImageMember, of image: Image, _ auth: AuthContext) -> Bool {
        auth.isAdmin || image.owner == auth.projectID || member.member == auth.projectID
    }
}

extension ImageViews {
    static func member(_ member: ImageMember) -> JSON {
        [
            "image_id": .string(member.imageID), "member_id": .string(member.member), "status": .string(member.status),
            "created_at": .string(Timestamp.zulu(member.createdAt)), "updated_at": .string(Timestamp.zulu(member.updatedAt ?? member.createdAt)),
            "schema": "/v2/schemas/member",
        ]
    }
}
