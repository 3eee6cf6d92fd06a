public import NovaKitCore

/// One access rule of an application credential, as Keystone keeps them: the service type, the HTTP method
/// and the path (from the service's root, `/v2.1/servers/*`) a token made from the credential may call.
/// In a path, `*` matches one segment and `**` any number of them (none included).
public struct AccessRule: Sendable, Equatable, Codable {
    public var id: String
    public var service: String
    public var method: String
    public var path: String

    public init(id: String, service: String, method: String, path: String) {
        self.id = id
        self.service = service
        self.method = method
        self.path = path
    }

    /// Whether this rule lets `method` reach `path` on the service of type `service`.
    public func permits(service: String, method: String, path: String) -> Bool {
        guard self.service == service, self.method.uppercased() == method.uppercased() else { return false }
        return Self.matches(Array(self.path.split(separator: "/")), Array(path.split(separator: "/")))
    }

    /// Whether a token held to `rules` (none: `nil`) may make the call.
    public static func allow(_ rules: [AccessRule]?, service: String, method: String, path: String) -> Bool {
        guard let rules else { return true }
        return rules.contains { $0.permits(service: service, method: method, path: path) }
    }

    private static func matches(_ pattern: [Substring], _ segments: [Substring]) -> Bool {
        guard let first = pattern.first else { return segments.isEmpty }
        let rest = Array(pattern.dropFirst())
        if first == "**" {
            return (0...segments.count).contains { matches(rest, Array(segments.dropFirst($0))) }
        }
        guard let segment = segments.first, first == "*" || first == segment else { return false }
        return matches(rest, Array(segments.dropFirst()))
    }

    /// The view Keystone gives a rule.
    public var json: JSON { ["id": .string(id), "service": .string(service), "method": .string(method), "path": .string(path)] }
}

extension AuthContext {
    /// 401, as keystonemiddleware answers, when the caller's token is held to access rules and none lets
    /// `method` reach `path` on `service`.
    public func checkAccessRules(service: String, method: String, path: String) throws {
        guard !AccessRule.allow(accessRules, service: service, method: method, path: path) else { return }
        throw Fault(code: 401, message: "The request you have made requires authentication.")
    }
}
