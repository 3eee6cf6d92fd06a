import Foundation
import NovaKitCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Compute auth against an external Keystone: tokens are validated with `GET /v3/auth/tokens`
/// using a service token obtained with the configured service credentials; answers are cached.
public actor ExternalKeystoneAuthenticator: Authenticator {
    /// The service user NovaKit authenticates as (it needs Keystone's `service` or `admin` role).
    public struct ServiceCredentials: Sendable {
        public let username: String
        public let password: String
        public let project: String
        public let domain: String

        public init(username: String, password: String, project: String, domain: String = "default") {
            self.username = username
            self.password = password
            self.project = project
            self.domain = domain
        }
    }

    let identityURL: String
    let credentials: ServiceCredentials
    let cacheLifetime: TimeInterval
    private var serviceToken: (token: String, expires: Date)?
    private var cache: [String: (context: AuthContext, until: Date)] = [:]

    public init(identityURL: String, credentials: ServiceCredentials, cacheLifetime: TimeInterval = 30) {
        self.identityURL = identityURL.hasSuffix("/") ? String(identityURL.dropLast()) : identityURL
        self.credentials = credentials
        self.cacheLifetime = cacheLifetime
    }

    public func authenticate(token: String?) async throws -> AuthContext {
        guard let token, !token.isEmpty else { throw KeystoneAuthenticator.unauthorized(identityURL) }
        if let hit = cache[token], hit.until > Date() { return hit.context }
        var request = URLRequest(url: try url("/auth/tokens?nocatalog"))
        request.setValue(try await service(), forHTTPHeaderField: "X-Auth-Token")
        request.setValue(token, forHTTPHeaderField: "X-Subject-Token")
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200, let body = try? JSON.parse(data)["token"],
            let user = body["user"]?["id"]?.stringValue, let project = body["project"]?["id"]?.stringValue
        else { throw KeystoneAuthenticator.unauthorized(identityURL) }
        var roles: [String] = []
        if case .array(let items) = body["roles"] { roles = items.compactMap { $0["name"]?.stringValue } }
        let context = AuthContext(userID: user, projectID: project, roles: roles, isAdmin: roles.contains("admin"))
        if cache.count > 10_000 { cache.removeAll() }
        cache[token] = (context, Date().addingTimeInterval(cacheLifetime))
        return context
    }

    private func url(_ path: String) throws -> URL {
        guard let url = URL(string: identityURL + path) else { throw Fault.internalError }
        return url
    }

    /// A valid service token, re-issued a minute before it expires.
    private func service() async throws -> String {
        if let serviceToken, serviceToken.expires > Date().addingTimeInterval(60) { return serviceToken.token }
        let body: JSON = [
            "auth": [
                "identity": [
                    "methods": ["password"],
                    "password": [
                        "user": [
                            "name": .string(credentials.username), "domain": ["id": .string(credentials.domain)],
                            "password": .string(credentials.password),
                        ]
                    ],
                ],
                "scope": ["project": ["name": .string(credentials.project), "domain": ["id": .string(credentials.domain)]]],
            ]
        ]
        var request = URLRequest(url: try url("/auth/tokens?nocatalog"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body.encoded()
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse, http.statusCode == 201, let token = http.value(forHTTPHeaderField: "X-Subject-Token") else {
            throw ServiceAuthFailed(status: (response as? HTTPURLResponse)?.statusCode ?? 0)
        }
        let expiresText = (try? JSON.parse(data))?["token"]?["expires_at"]?.stringValue ?? ""
        let expires = ISO8601DateFormatter.withFractions.date(from: expiresText) ?? Date().addingTimeInterval(300)
        serviceToken = (token, expires)
        return token
    }

    /// NovaKit's own service credentials were refused: an operator error, logged as a 500.
    struct ServiceAuthFailed: Error {
        let status: Int
    }
}

extension ISO8601DateFormatter {
    fileprivate static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
