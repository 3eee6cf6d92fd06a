import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import NovaKitCore
public import NovaKitHTTP

/// Compute auth against an external Keystone: tokens are validated with `GET /v3/auth/tokens` (through
/// AsyncHTTPClient) using a service token obtained with the configured service credentials; answers are cached.
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
    /// AsyncHTTPClient's process-wide client (its own event loops, shut down with the process).
    let client = HTTPClient.shared
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
        var request = HTTPClientRequest(url: identityURL + "/auth/tokens?nocatalog")
        request.headers.add(name: "X-Auth-Token", value: try await service())
        request.headers.add(name: "X-Subject-Token", value: token)
        let response = try await client.execute(request, timeout: Self.timeout)
        let data = Data(buffer: try await response.body.collect(upTo: Self.maxBody))
        guard response.status == .ok, let body = try? JSON.parse(data)["token"],
            let user = body["user"]?["id"]?.stringValue, let project = body["project"]?["id"]?.stringValue
        else { throw KeystoneAuthenticator.unauthorized(identityURL) }
        var roles: [String] = []
        if case .array(let items) = body["roles"] { roles = items.compactMap { $0["name"]?.stringValue } }
        let context = AuthContext(userID: user, projectID: project, roles: roles, isAdmin: roles.contains("admin"))
        if cache.count > 10_000 { cache.removeAll() }
        cache[token] = (context, Date().addingTimeInterval(cacheLifetime))
        return context
    }

    static let timeout = TimeAmount.seconds(10)
    static let maxBody = 4 << 20

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
        var request = HTTPClientRequest(url: identityURL + "/auth/tokens?nocatalog")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body.encoded()))
        let response = try await client.execute(request, timeout: Self.timeout)
        let data = Data(buffer: try await response.body.collect(upTo: Self.maxBody))
        guard response.status == .created, let token = response.headers.first(name: "X-Subject-Token") else {
            throw ServiceAuthFailed(status: Int(response.status.code))
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
