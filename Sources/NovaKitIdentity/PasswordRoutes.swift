import Foundation
import HTTPTypes
import Logging
import NovaKitCore

/// `POST /v3/users/{user_id}/password`: a user changes its own password, proving the old one (Keystone asks
/// for no token: the original password is the credential). Its tokens end, on every node.
enum PasswordRoutes {
    static let user = Schema.object(
        ["password": DirectoryRoutes.name, "original_password": DirectoryRoutes.name], required: ["password", "original_password"],
        additional: true)

    static var routes: [IdentityRoute] {
        [IdentityRoute(.post, "v3/users/{id}/password", body: .object(["user": user], required: ["user"], additional: true), change)]
    }

    private static func change(_ request: IdentityRequest) async throws -> IdentityReply {
        let entity = try request.entity("user", user)
        let original = entity["original_password"]?.stringValue ?? ""
        let replacement = entity["password"]?.stringValue ?? ""
        let service = request.service
        let userID = request.parameter("id")
        // An unknown, disabled or password-less user answers as a wrong password does: nothing about who exists.
        guard let user = try await service.read({ try await $0.users.find(userID) }), user.enabled else { throw IdentityError.unauthorized }
        try await service.checkPassword(original, of: user, logger: request.logger)
        var changed = user
        changed.passwordHash = try await service.passwords.hash(replacement)
        let updated = changed
        try await service.change { directory, now in
            _ = try await directory.users.update(updated, at: now)
            try await directory.revokeTokens(ofUser: updated.id, at: now)
        }
        request.logger.info("a user changed its own password; its tokens are revoked", metadata: ["user": .string(user.id)])
        return .noContent
    }
}
