import Foundation
import NovaKitAPI
import NovaKitCompute
import NovaKitImage

/// The seed's first way: `POST /servers/{id}/action`, one declared action per body key, each run through the
/// lifecycle engine (state check first, then the lock), recorded as an instance action with the request id.
enum ServerActions {
    static func rule(_ name: String) -> String { "os_compute_api:\(name)" }

    static let policies: [PolicyDefault] =
        [
            "servers:resize", "servers:confirm_resize", "servers:revert_resize", "servers:reboot", "servers:start", "servers:stop",
            "servers:rebuild", "servers:create_image", "os-pause-server:pause", "os-pause-server:unpause", "os-suspend-server:suspend",
            "os-suspend-server:resume", "os-lock-server:lock", "os-lock-server:unlock", "os-deferred-delete:restore",
            "os-deferred-delete:force", "os-admin-password",
        ].map { PolicyDefault(rule($0), "rule:admin_or_owner") } + [
            PolicyDefault(rule("os-lock-server:unlock:unlock_override"), "rule:admin_api", description: "Unlock a server an admin locked."),
            PolicyDefault(rule("os-migrate-server:migrate"), "rule:admin_api", description: "Cold-migrate a server."),
            PolicyDefault(rule("os-admin-actions:reset_state"), "rule:admin_api", description: "Reset a server's state."),
        ]

    static let resizeSchema = Schema.object(
        ["flavorRef": Schema(types: [.string, .integer], minLength: 1), "OS-DCF:diskConfig": .oneOf(["AUTO", "MANUAL"])], required: ["flavorRef"])
    static let rebootSchema = Schema.object(["type": Schema(types: [.string], pattern: "^(?i)(SOFT|HARD)$")], required: ["type"])
    static let lockSchema = Schema.object(["locked_reason": .string(minLength: 1, maxLength: 255)]).nullable
    static let createImageSchema = Schema.object(
        ["name": .string(minLength: 1, maxLength: 255), "metadata": ServerCreate.metadataSchema], required: ["name"])
    static let rebuildSchema = Schema.object(
        [
            "imageRef": .string(minLength: 1), "name": .string(minLength: 1, maxLength: 255), "adminPass": .string(),
            "metadata": ServerCreate.metadataSchema, "preserve_ephemeral": .boolean, "OS-DCF:diskConfig": .oneOf(["AUTO", "MANUAL"]),
            "accessIPv4": .string(), "accessIPv6": .string(), "description": Schema.string(maxLength: 255).nullable,
            "key_name": Schema.string(minLength: 1, maxLength: 255).nullable, "user_data": Schema.string(maxLength: 65535).nullable,
            "personality": .array(.any), "trusted_image_certificates": Schema(types: [.array, .null]), "hostname": .string(),
        ], required: ["imageRef"])
    static let resetStateSchema = Schema.object(["state": .oneOf(["active", "error"])], required: ["state"])
    static let passwordSchema = Schema.object(["adminPass": .string()], required: ["adminPass"])
    static let migrateSchema = Schema.object(["host": Schema.string(minLength: 1, maxLength: 255).nullable]).nullable

    @APIBuilder static var declarations: [APIDeclaration] {
        Actions(on: "servers") {
            Action("resize", schema: resizeSchema, policy: rule("servers:resize")) { request in try await resize(request, migrate: false) }
            Action("migrate", schema: .null, versions: .through(55), policy: rule("os-migrate-server:migrate")) { request in
                try await resize(request, migrate: true)
            }
            Action("migrate", schema: migrateSchema, versions: .from(56), policy: rule("os-migrate-server:migrate")) { request in
                try await resize(request, migrate: true)
            }
            Action("confirmResize", policy: rule("servers:confirm_resize"), status: .noContent) { request in
                try await finishResize(request, .confirmResize)
            }
            Action("revertResize", policy: rule("servers:revert_resize")) { request in try await finishResize(request, .revertResize) }
            Action("reboot", schema: rebootSchema, policy: rule("servers:reboot")) { request in
                let hard = request.body["type"]?.stringValue?.uppercased() == "HARD"
                return try await simple(request, hard ? .hardReboot : .softReboot)
            }
            Action("os-start", policy: rule("servers:start")) { request in try await simple(request, .start) }
            Action("os-stop", policy: rule("servers:stop")) { request in try await simple(request, .stop) }
            Action("pause", policy: rule("os-pause-server:pause")) { request in try await simple(request, .pause) }
            Action("unpause", policy: rule("os-pause-server:unpause")) { request in try await simple(request, .unpause) }
            Action("suspend", policy: rule("os-suspend-server:suspend")) { request in try await simple(request, .suspend) }
            Action("resume", policy: rule("os-suspend-server:resume")) { request in try await simple(request, .resume) }
            Action("restore", policy: rule("os-deferred-delete:restore")) { request in try await simple(request, .restore) }
            Action("forceDelete", policy: rule("os-deferred-delete:force")) { request in try await simple(request, .forceDelete) }
            Action("changePassword", schema: passwordSchema, policy: rule("os-admin-password")) { request in
                try await simple(request, .changePassword)
            }
            Action("lock", schema: .null, versions: .through(72), policy: rule("os-lock-server:lock")) { request in try await lock(request) }
            Action("lock", schema: lockSchema, versions: .from(73), policy: rule("os-lock-server:lock")) { request in try await lock(request) }
            Action("unlock", policy: rule("os-lock-server:unlock")) { request in try await unlock(request) }
            Action("os-resetState", schema: resetStateSchema, policy: rule("os-admin-actions:reset_state")) { request in
                try await resetState(request)
            }
            Action("createImage", schema: createImageSchema, policy: rule("servers:create_image")) { request in try await createImage(request) }
            Action("rebuild", schema: rebuildSchema, policy: rule("servers:rebuild")) { request in try await rebuild(request) }
        }
    }

    /// Checks the instance's states (and, unless `stateOnly`, its lock) as the engine will, without changing anything.
    static func check(_ action: InstanceAction, _ server: Server, _ request: APIRequest, stateOnly: Bool = false) throws {
        do {
            _ = try InstanceStateMachine.accept(
                action, from: server.state, locked: stateOnly ? false : server.locked, isAdmin: request.auth.isAdmin)
        } catch {
            throw conflict(error, server.id)
        }
    }

    /// Nova's `check_instance_lock` on its own (metadata and tag changes).
    static func checkLock(_ server: Server, _ request: APIRequest) throws {
        if server.locked && !request.auth.isAdmin { throw conflict(.locked, server.id) }
    }

    static func conflict(_ refusal: StateRefusal, _ id: String) -> Fault { .conflict(refusal.message(instance: id)) }

    /// Validates and submits `action` to the lifecycle engine; once it is accepted, `whenAccepted` runs and the
    /// instance action is recorded under the request id, before the engine starts the work.
    static func run(
        _ action: InstanceAction, on server: Server, _ request: APIRequest, record name: String? = nil,
        whenAccepted: @escaping @Sendable () async throws -> Void = {}
    ) async throws {
        try check(action, server, request)
        let runtime = try request.services.components.require(ComputeRuntime.self)
        let actions = InstanceActionStore(request)
        do {
            try await runtime.engine.submit(action, instance: server.id, isAdmin: request.auth.isAdmin) {
                try await whenAccepted()
                try await actions.start(name ?? action.apiName, instance: server.id, request: request)
            }
        } catch let refusal as StateRefusal {
            throw conflict(refusal, server.id)
        } catch let conflict as LifecycleEngine.ConcurrentUpdate {
            throw Fault.conflict(conflict.message)
        } catch is LifecycleEngine.UnknownInstance {
            throw InstanceNotFound(id: server.id)
        }
    }

    static func simple(_ request: APIRequest, _ action: InstanceAction) async throws -> Reply {
        let server = try await Servers.visibleServer(request, request.parameter("id"))
        try await run(action, on: server, request)
        return .empty
    }

    /// `resize` (a new flavor) and `migrate` (the same flavor, admin): a host is chosen for the new size and
    /// a migration record written (pre-migrating) before the engine starts moving the instance.
    static func resize(_ request: APIRequest, migrate: Bool) async throws -> Reply {
        let server = try await Servers.visibleServer(request, request.parameter("id"))
        let action: InstanceAction = migrate ? .migrate : .resize
        try check(action, server, request)
        var target = server.flavor
        if !migrate {
            let flavor = try await ServerCreate.requestedFlavor(request.body["flavorRef"], request)
            guard flavor.flavorID != server.flavor.id else { throw Fault.badRequest("When resizing, instances must change flavor!") }
            target = FlavorSnapshot(flavor, extraSpecs: try await FlavorStore(request).specs(of: flavor.flavorID))
            try await checkUpsizeQuota(server, to: target, request)
        }
        let runtime = try request.services.components.require(ComputeRuntime.self)
        let requestedHost = request.body["host"]?.stringValue
        let usage = try await request.services.database.withConnection { sql in try await ServerStore.usage(sql).byHost }
        var hosts = runtime.configuration.hosts
        if let requestedHost {
            hosts = hosts.filter { $0.name == requestedHost }
            guard !hosts.isEmpty else { throw Fault.badRequest("Compute host \(requestedHost) could not be found.") }
        }
        // A resize may stay on its host (its own usage is released there); a migration moves when another host fits.
        var available = usage
        if let current = server.host { available[current] = (available[current] ?? .zero) - server.flavor.resources }
        let others = migrate && hosts.count > 1 ? Set([server.host].compactMap { $0 }) : []
        let destination: ComputeHost
        do { destination = try Scheduler.select(target.resources, hosts: hosts, used: available, excluding: others) } catch {
            throw Fault.badRequest(error.reason)
        }
        let migration = MigrationRecord(
            id: 0, uuid: request.services.ids.uuid(), instance: server.id, sourceCompute: server.host, destCompute: destination.name,
            oldFlavorID: server.flavor.id, newFlavorID: target.id, type: migrate ? "migration" : "resize",
            status: MigrationStatus.preMigrating.rawValue, userID: request.auth.userID, projectID: request.auth.projectID,
            createdAt: request.services.clock.now(), updatedAt: nil)
        let (migrations, servers, newFlavor) = (MigrationStore(request), ServerStore(request), target.text)
        try await run(action, on: server, request) {
            try await migrations.create(migration)
            try await servers.set(server.id, [("new_flavor", newFlavor)])
        }
        return .empty
    }

    /// A resize to a bigger flavor needs quota for the extra cores and RAM (403 otherwise), as Nova checks.
    static func checkUpsizeQuota(_ server: Server, to target: FlavorSnapshot, _ request: APIRequest) async throws {
        let extra = ["cores": target.vcpus - server.flavor.vcpus, "ram": target.ram - server.flavor.ram].filter { $0.value > 0 }
        guard !extra.isEmpty else { return }
        let project = server.projectID
        try await QuotaStore(request).withQuotas(
            extra, count: (1, 1), project: project,
            used: { sql in
                let usage = try await ServerStore.usage(sql, project: project)
                return ["cores": usage.total.vcpus, "ram": usage.total.memoryMB]
            }
        ) { _, _ in }
    }

    /// `confirmResize` / `revertResize`, with the seed's order: the state (409), then a finished migration
    /// (400 `Instance has not been resized.`), then — for a revert — the old flavor (400), then the lock (409).
    static func finishResize(_ request: APIRequest, _ action: InstanceAction) async throws -> Reply {
        let server = try await Servers.visibleServer(request, request.parameter("id"))
        try check(action, server, request, stateOnly: true)
        guard let migration = try await MigrationStore(request).latest(instance: server.id), migration.status == MigrationStatus.finished.rawValue
        else { throw Fault.badRequest("Instance has not been resized.") }
        if action == .revertResize {
            guard let old = migration.oldFlavorID, (try? await FlavorStore(request).get(old, visibleTo: "", isAdmin: true)) != nil else {
                throw Fault.badRequest("Flavor used by the instance could not be found.")
            }
        }
        try await run(action, on: server, request)
        return .empty
    }

    static func lock(_ request: APIRequest) async throws -> Reply {
        let server = try await Servers.visibleServer(request, request.parameter("id"))
        let owner = request.auth.isAdmin ? "admin" : "owner"
        try await InstanceActionStore(request).start("lock", instance: server.id, request: request)
        try await ServerStore(request).set(
            server.id, [("locked", true), ("locked_by", owner), ("locked_reason", request.body["locked_reason"]?.stringValue)])
        return .empty
    }

    static func unlock(_ request: APIRequest) async throws -> Reply {
        let server = try await Servers.visibleServer(request, request.parameter("id"))
        if server.locked, server.lockedBy == "admin" {
            try request.services.policy.authorize(
                rule("os-lock-server:unlock:unlock_override"), credentials: request.auth.credentials,
                target: ["project_id": server.projectID, "user_id": server.userID])
        }
        try await InstanceActionStore(request).start("unlock", instance: server.id, request: request)
        try await ServerStore(request).set(server.id, [("locked", false), ("locked_by", String?.none), ("locked_reason", String?.none)])
        return .empty
    }

    static func resetState(_ request: APIRequest) async throws -> Reply {
        let server = try await Servers.visibleServer(request, request.parameter("id"))
        let state = request.body["state"]?.stringValue == "error" ? VMState.error : .active
        try await InstanceActionStore(request).start("resetState", instance: server.id, request: request)
        try await ServerStore(request).set(server.id, [("vm_state", state.rawValue), ("task_state", String?.none)])
        return .empty
    }

    /// Registers the snapshot image at once (the fake driver keeps no bytes) and runs the snapshot task.
    static func createImage(_ request: APIRequest) async throws -> Reply {
        let server = try await Servers.visibleServer(request, request.parameter("id"))
        try check(.createImage, server, request)
        let id = request.services.ids.uuid()
        var properties = try ServerCreate.validatedMetadata(request.body["metadata"])
        properties["instance_uuid"] = server.id
        properties["image_type"] = "snapshot"
        properties["base_image_ref"] = server.imageRef ?? ""
        try await ImageStore(request).create(
            Image(
                id: id, name: request.body["name"]?.stringValue, status: "active", visibility: "private", containerFormat: "bare",
                diskFormat: "qcow2", minDisk: server.flavor.disk, minRam: 0, size: 0, checksum: nil, owner: server.projectID, protected: false,
                hidden: false, properties: properties, createdAt: request.services.clock.now(), updatedAt: nil))
        try await run(.createImage, on: server, request)
        let location = "\(request.bookmarkBase)/images/\(id)"
        if request.version >= APIVersion(2, 45) { return Reply(["image_id": .string(id)]) }
        return Reply(nil, headers: ["Location": location])
    }

    /// Rebuilds on the given image: the new image (and name, metadata) are stored, then the engine rebuilds.
    static func rebuild(_ request: APIRequest) async throws -> Reply {
        let server = try await Servers.visibleServer(request, request.parameter("id"))
        try check(.rebuild, server, request)
        let imageID = ServerCreate.reference(request.body["imageRef"])
        _ = try await ServerCreate.requestedImage(imageID, request)
        var values: [(String, any Encodable & Sendable)] = [("image_ref", imageID)]
        if let name = request.body["name"]?.stringValue { values.append(("display_name", name)) }
        if let description = request.body["description"], request.version >= APIVersion(2, 19) {
            values.append(("display_description", description.stringValue))
        }
        try await ServerStore(request).set(server.id, values)
        if let metadata = request.body["metadata"] {
            try await ServerMetadataStore(request).replace(server.id, with: try ServerCreate.validatedMetadata(metadata))
        }
        try await run(.rebuild, on: server, request)
        let rebuilt = try await Servers.visibleServer(request, server.id)
        var view = ServerViews.changed(rebuilt, request, images: try await Servers.images(of: [rebuilt], request), rebuild: true)
        view["adminPass"] = .string(request.body["adminPass"]?.stringValue ?? ServerCreate.password(request.services.ids.uuid()))
        return Reply(["server": view])
    }
}
