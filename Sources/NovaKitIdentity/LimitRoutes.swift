import Foundation
import HTTPTypes
import NovaKitCore

/// Keystone's unified limits: `/v3/registered_limits` (a resource's default for every project, per service
/// and optionally region) and `/v3/limits` (a project's own value for a registered resource), with the flat
/// enforcement model at `/v3/limits/model`. Both are created in batches; a project's members see their
/// project's limits, administrators and system readers all of them.
enum LimitRoutes {
    static let resourceName = Schema.string(minLength: 1, maxLength: 255)
    static let value = Schema.integer(minimum: -1, maximum: 2_147_483_647)

    static let registeredLimits = IdentityCRUD<RegisteredLimitRecord>(
        collection: "registered_limits", member: "registered_limit", filters: ["service_id", "region_id", "resource_name"],
        createSchema: .object(
            [
                "service_id": DirectoryRoutes.name, "region_id": DirectoryRoutes.name.nullable, "resource_name": resourceName,
                "default_limit": value, "description": DirectoryRoutes.text,
            ], required: ["service_id", "resource_name", "default_limit"], additional: false),
        updateSchema: .object(
            [
                "service_id": DirectoryRoutes.name, "region_id": DirectoryRoutes.name.nullable, "resource_name": resourceName,
                "default_limit": value, "description": DirectoryRoutes.text,
            ], additional: false),
        make: { body, request in
            let record = RegisteredLimitRecord(
                id: request.service.newID(), serviceId: body["service_id"]?.stringValue ?? "", regionId: body["region_id"]?.stringValue ?? "",
                resourceName: body["resource_name"]?.stringValue ?? "", defaultLimit: body["default_limit"]?.intValue ?? 0,
                description: body["description"]?.stringValue ?? "")
            try await checkServiceAndRegion(record.serviceId, record.regionId, request)
            return record
        },
        apply: { record, body, request in
            if let service = body["service_id"]?.stringValue { record.serviceId = service }
            if let region = body["region_id"] { record.regionId = region.stringValue ?? "" }
            if let name = body["resource_name"]?.stringValue { record.resourceName = name }
            if let limit = body["default_limit"]?.intValue { record.defaultLimit = limit }
            if let description = body["description"] { record.description = description.stringValue ?? "" }
            try await checkServiceAndRegion(record.serviceId, record.regionId, request)
        },
        view: { r, base in
            [
                "id": .string(r.id), "service_id": .string(r.serviceId), "region_id": region(r.regionId), "resource_name": .string(r.resourceName),
                "default_limit": .int(r.defaultLimit), "description": .string(r.description),
                "links": IdentityViews.links(base, "registered_limits", r.id),
            ]
        },
        unique: { ["service_id": $0.serviceId, "region_id": $0.regionId, "resource_name": $0.resourceName] },
        cascade: { directory, record, _ in
            let filter = ["service_id": record.serviceId, "region_id": record.regionId, "resource_name": record.resourceName]
            guard try await directory.limits.list(filter).isEmpty else {
                throw IdentityError(403, "Unable to delete registered limit \(record.id): projects still have limits on its resource.")
            }
        },
        createsMany: true)

    static let limits = IdentityCRUD<LimitRecord>(
        collection: "limits", member: "limit", filters: ["service_id", "region_id", "resource_name", "project_id"],
        createSchema: .object(
            [
                "project_id": DirectoryRoutes.name, "service_id": DirectoryRoutes.name, "region_id": DirectoryRoutes.name.nullable,
                "resource_name": resourceName, "resource_limit": value, "description": DirectoryRoutes.text,
            ], required: ["project_id", "service_id", "resource_name", "resource_limit"], additional: false),
        updateSchema: .object(["resource_limit": value, "description": DirectoryRoutes.text], additional: false),
        make: { body, request in
            let record = LimitRecord(
                id: request.service.newID(), projectId: body["project_id"]?.stringValue ?? "", serviceId: body["service_id"]?.stringValue ?? "",
                regionId: body["region_id"]?.stringValue ?? "", resourceName: body["resource_name"]?.stringValue ?? "",
                resourceLimit: body["resource_limit"]?.intValue ?? 0, description: body["description"]?.stringValue ?? "")
            let registered = try await request.service.read { directory in
                guard try await directory.projects.find(record.projectId) != nil else {
                    throw IdentityError.badRequest("Invalid input for field 'project_id': project \(record.projectId) does not exist.")
                }
                return try await directory.registeredLimits.list(
                    ["service_id": record.serviceId, "region_id": record.regionId, "resource_name": record.resourceName])
            }
            guard !registered.isEmpty else {
                throw IdentityError.badRequest(
                    "No registered limit for resource \(record.resourceName) of service \(record.serviceId)"
                        + (record.regionId.isEmpty ? "" : " in region \(record.regionId)") + "; register one first.")
            }
            return record
        },
        apply: { record, body, _ in
            if let limit = body["resource_limit"]?.intValue { record.resourceLimit = limit }
            if let description = body["description"] { record.description = description.stringValue ?? "" }
        },
        view: { l, base in
            [
                "id": .string(l.id), "project_id": .string(l.projectId), "domain_id": nil, "service_id": .string(l.serviceId),
                "region_id": region(l.regionId), "resource_name": .string(l.resourceName), "resource_limit": .int(l.resourceLimit),
                "description": .string(l.description), "links": IdentityViews.links(base, "limits", l.id),
            ]
        },
        unique: { ["project_id": $0.projectId, "service_id": $0.serviceId, "region_id": $0.regionId, "resource_name": $0.resourceName] },
        visible: { limit, caller in caller.isAdmin || caller.isSystemScoped || caller.project?.id == limit.projectId },
        createsMany: true)

    static var routes: [IdentityRoute] {
        [
            IdentityRoute(.get, "v3/limits/model") { request in
                _ = try await request.caller()
                return .ok([
                    "model": [
                        "name": "flat",
                        "description": "Each project's limit stands alone: the project hierarchy plays no part in enforcing or checking it.",
                    ]
                ])
            }
        ] + registeredLimits.routes + limits.routes
    }

    /// `null` for a limit that holds in every region.
    static func region(_ id: String) -> JSON { id.isEmpty ? nil : .string(id) }

    /// A limit's service and region must exist (400 otherwise, as Keystone).
    static func checkServiceAndRegion(_ service: String, _ region: String, _ request: IdentityRequest) async throws {
        try await request.service.read { directory in
            guard try await directory.services.find(service) != nil else {
                throw IdentityError.badRequest("Invalid input for field 'service_id': service \(service) does not exist.")
            }
            if !region.isEmpty, try await directory.regions.find(region) == nil {
                throw IdentityError.badRequest("Invalid input for field 'region_id': region \(region) does not exist.")
            }
        }
    }
}
