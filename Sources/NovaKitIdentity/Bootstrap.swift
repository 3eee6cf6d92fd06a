import Foundation
import NovaKitCore

/// What `novakit bootstrap` sets up: the admin user and project, the default roles, and the catalog.
public struct BootstrapPlan: Sendable {
    public var adminPassword: String
    /// `http://HOST`, the scheme and host every catalog URL starts with.
    public var publicURL: String
    public var computePort: Int
    public var identityPort: Int
    public var imagePort: Int
    public var networkPort: Int
    public var region = "RegionOne"

    public init(adminPassword: String, publicURL: String, computePort: Int, identityPort: Int, imagePort: Int, networkPort: Int) {
        self.adminPassword = adminPassword
        self.publicURL = publicURL
        self.computePort = computePort
        self.identityPort = identityPort
        self.imagePort = imagePort
        self.networkPort = networkPort
    }

    /// Catalog entries: (type, name, URL).
    var services: [(String, String, String)] {
        [
            ("compute", "nova", "\(publicURL):\(computePort)/v2.1"),
            ("identity", "keystone", "\(publicURL):\(identityPort)/v3"),
            ("image", "glance", "\(publicURL):\(imagePort)"),
            ("network", "neutron", "\(publicURL):\(networkPort)"),
        ]
    }
}

/// What bootstrap did to the admin user, for the log.
public enum AdminUserChange: Sendable, Equatable {
    case created, passwordReset, unchanged
}

extension IdentityService {
    /// Creates whatever is missing (default domain, roles, admin project and user, catalog) and
    /// updates what differs (admin password, endpoint URLs). Safe to run any number of times.
    @discardableResult
    public func bootstrap(_ plan: BootstrapPlan) async throws -> AdminUserChange {
        let existingHash = try await read { try await $0.users.list(["name": "admin", "domain_id": "default"]).first?.passwordHash }
        let passwordOK = if let existingHash { await passwords.verify(plan.adminPassword, against: existingHash) } else { false }
        let newHash = passwordOK ? nil : try await passwords.hash(plan.adminPassword)
        return try await change { directory, now in
            var change = AdminUserChange.unchanged
            if try await directory.domains.find("default") == nil {
                try await directory.domains.insert(
                    DomainRecord(id: "default", name: "Default", description: "The default domain", enabled: true), at: now)
            }
            var roles: [String: String] = [:]
            for name in ["admin", "manager", "member", "reader", "service"] {
                if let role = try await directory.roles.list(["name": name]).first {
                    roles[name] = role.id
                } else {
                    let role = RoleRecord(id: newID(), name: name)
                    try await directory.roles.insert(role, at: now)
                    roles[name] = role.id
                }
            }
            let project: ProjectRecord
            if let found = try await directory.projects.list(["name": "admin", "domain_id": "default"]).first {
                project = found
            } else {
                project = ProjectRecord(id: newID(), name: "admin", domainId: "default", description: "Bootstrap project", enabled: true)
                try await directory.projects.insert(project, at: now)
            }
            var admin: UserRecord
            if let found = try await directory.users.list(["name": "admin", "domain_id": "default"]).first {
                admin = found
                if let newHash {
                    admin.passwordHash = newHash
                    try await directory.users.update(admin, at: now)
                    change = .passwordReset
                }
            } else {
                admin = UserRecord(
                    id: newID(), name: "admin", domainId: "default", passwordHash: newHash, enabled: true, defaultProjectId: project.id, email: nil)
                try await directory.users.insert(admin, at: now)
                change = .created
            }
            let adminRole = roles["admin"] ?? ""
            if try await directory.assignments.list(["user_id": admin.id, "project_id": project.id, "role_id": adminRole]).isEmpty {
                try await directory.assignments.insert(
                    AssignmentRecord(id: newID(), userId: admin.id, projectId: project.id, roleId: adminRole), at: now)
            }
            // As Keystone's bootstrap: the admin also holds the admin role on the system.
            if try await directory.systemAssignments.list(["user_id": admin.id, "role_id": adminRole]).isEmpty {
                try await directory.systemAssignments.insert(SystemAssignmentRecord(id: newID(), userId: admin.id, roleId: adminRole), at: now)
            }
            for (type, name, url) in plan.services {
                try await ensureService(directory, type: type, name: name, url: url, region: plan.region, now: now)
            }
            return change
        }
    }

    private func ensureService(_ directory: Directory, type: String, name: String, url: String, region: String, now: Date) async throws {
        try await directory.ensureRegion(region, at: now)
        let service: ServiceRecord
        if let found = try await directory.services.list(["type": type]).first {
            service = found
        } else {
            service = ServiceRecord(id: newID(), type: type, name: name, description: "", enabled: true)
            try await directory.services.insert(service, at: now)
        }
        for interface in ["public", "internal", "admin"] {
            if var endpoint = try await directory.endpoints.list(["service_id": service.id, "interface": interface]).first {
                if endpoint.url != url || endpoint.region != region {
                    endpoint.url = url
                    endpoint.region = region
                    try await directory.endpoints.update(endpoint, at: now)
                }
            } else {
                let endpoint = EndpointRecord(id: newID(), serviceId: service.id, interface: interface, region: region, url: url, enabled: true)
                try await directory.endpoints.insert(endpoint, at: now)
            }
        }
    }

    /// Whether an admin user exists (serve says how to bootstrap when it does not).
    /// The bootstrap admin project's id, once bootstrapped.
    public func adminProjectID() async throws -> String? {
        try await read { try await $0.projects.list(["name": "admin", "domain_id": "default"]).first?.id }
    }

    public func hasAdmin() async throws -> Bool {
        try await read { try await !$0.users.list(["name": "admin", "domain_id": "default"]).isEmpty }
    }
}
