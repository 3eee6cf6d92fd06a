import Foundation
import HTTPTypes
public import NovaKitAPI
public import NovaKitCore
import NovaKitHTTP
import NovaKitImage
import NovaKitPolicy
public import NovaKitStorage

/// `/images/{image_id}/metadata` (through 2.38, as Nova's image metadata proxy): an image's additional
/// properties listed, merged (POST), replaced (PUT) and, one key at a time, shown, set and deleted. Only the
/// image's owner (or an admin) changes them, within the project's `metadata_items` quota.
public struct ImageMetadata: APIExtension {
    static let key = ResourceKey<Image>("metadata", under: ImagesProxy.key, parameter: "image_id")

    let store: ImageStore
    let quotas: QuotaStore

    public init(database: Database, clock: any NovaClock) {
        store = ImageStore(database: database, clock: clock)
        quotas = QuotaStore(database: database, clock: clock)
    }

    public let descriptor = ExtensionDescriptor(
        name: "ImageMetadata", alias: "image-metadata", namespace: "http://docs.openstack.org/compute/core/image_metadata/api/v1.1",
        updated: "2011-01-21T11:33:21Z", description: "Image metadata proxy to the image service (removed in 2.39).")

    static let versions = VersionRange.through(38)

    public var api: [APIDeclaration] {
        Resource(Self.key) {
            Index(versions: Self.versions, policy: ImagesProxy.rule) { image, _ in Reply(["metadata": Self.view(image.properties)]) }
            Create(body: MetadataBody.self, versions: Self.versions, policy: ImagesProxy.rule) { image, body, request in
                Reply(["metadata": Self.view(try await write(image, image.properties.merging(body.metadata.values) { $1 }, request))])
            }
            Operation(
                .named("update_all"), method: .put, path: "", body: MetadataBody.self, versions: Self.versions, policy: ImagesProxy.rule
            ) { image, body, request in
                Reply(["metadata": Self.view(try await write(image, body.metadata.values, request))])
            }
            Show(versions: Self.versions, policy: ImagesProxy.rule) { image, request in
                let key = request.parameter("id")
                guard let value = image.properties[key] else { throw Fault.notFound("Invalid metadata key") }
                return Reply(["meta": [key: .string(value)]])
            }
            Update(body: MetaBody.self, versions: Self.versions, policy: ImagesProxy.rule) { image, body, request in
                let key = request.parameter("id")
                guard body.meta[key] != nil else { throw Fault.badRequest("Request body and URI mismatch") }
                guard body.meta.count == 1 else { throw Fault.badRequest("Request body contains too many items") }
                let given = try ServerMetadataValue.validated(body.meta)
                _ = try await write(image, image.properties.merging(given) { $1 }, request)
                return Reply(["meta": Self.view(given)])
            }
            Delete(versions: Self.versions, policy: ImagesProxy.rule) { image, request in
                let key = request.parameter("id")
                guard image.properties[key] != nil else { throw Fault.notFound("Invalid metadata key") }
                var remaining = image.properties
                remaining[key] = nil
                _ = try await write(image, remaining, request)
                return .empty
            }
        }
    }

    static func view(_ properties: [String: String]) -> JSON { .object(properties.mapValues(JSON.string)) }

    /// Stores `properties` as the image's own, after the ownership and quota checks.
    func write(_ image: Image, _ properties: [String: String], _ request: APIRequest) async throws -> [String: String] {
        guard request.auth.isAdmin || image.owner == request.auth.projectID else {
            throw Fault.forbidden("You are not authorized to change the metadata of image \(image.id).")
        }
        try await quotas.checkMetadataItems(properties.count, project: request.auth.projectID)
        try await store.setProperties(image.id, properties)
        return properties
    }
}
