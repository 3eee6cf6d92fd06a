import Foundation
import HTTPTypes
public import NovaKitAPI
public import NovaKitCompute
public import NovaKitCore
public import NovaKitPolicy

/// `os-instance_usage_audit_log` (admin): the state of the periodic usage audit for the last completed
/// audit period (a calendar month, Nova's default), now or before a given time. NovaKit runs no audit
/// task, so every compute host is reported as not run for the period.
public struct InstanceUsageAuditLog: APIExtension {
    public static let key = ResourceKey<Never>("os-instance_usage_audit_log")

    let hosts: [ComputeHost]
    let clock: any NovaClock

    public init(compute: ComputeRuntime, clock: any NovaClock) {
        hosts = compute.configuration.hosts
        self.clock = clock
    }

    public let descriptor = ExtensionDescriptor(
        name: "OSInstanceUsageAuditLog", alias: "os-instance_usage_audit_log",
        namespace: "http://docs.openstack.org/ext/services/api/v1.1", updated: "2012-07-06T01:00:00Z",
        description: "Admin-only Task Log Monitoring.")

    static let rule = PolicyDefault(
        "os_compute_api:os-instance-usage-audit-log", "rule:admin_api", description: "List the usage audits of the last period.")

    public var policies: [PolicyDefault] { [Self.rule] }

    public var api: [APIDeclaration] {
        Resource(Self.key) {
            Index(policy: Self.rule) { _ in Reply(["instance_usage_audit_logs": report(before: clock.now())]) }
            Operation(.show, method: .get, path: "{id}", policy: Self.rule) { request in
                let text = request.parameter("id")
                guard let before = Self.parse(text) else { throw Fault.badRequest("Invalid timestamp for date \(text)") }
                return Reply(["instance_usage_audit_log": report(before: before)])
            }
        }
    }

    /// `2026-11-26 17:29:00` (with optional fraction), as Nova's strptime formats read it.
    static func parse(_ text: String) -> Date? {
        guard text.range(of: #"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$"#, options: .regularExpression) != nil else { return nil }
        return Timestamp.parse(text)
    }

    /// The calendar month before the one `date` falls in, in UTC.
    static func lastCompletedMonth(before date: Date) -> (begin: Date, end: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let end = calendar.date(from: calendar.dateComponents([.year, .month], from: date))!
        let begin = calendar.date(byAdding: .month, value: -1, to: end)!
        return (begin, end)
    }

    func report(before: Date) -> JSON {
        let period = Self.lastCompletedMonth(before: before)
        let text = { (date: Date) in JSON.string(String(Timestamp.naive(date).prefix(19)).replacingOccurrences(of: "T", with: " ")) }
        return [
            "hosts_not_run": .array(hosts.map { .string($0.name) }), "log": [:], "num_hosts": .int(hosts.count), "num_hosts_done": 0,
            "num_hosts_not_run": .int(hosts.count), "num_hosts_running": 0,
            "overall_status": .string("0 of \(hosts.count) hosts done. 0 errors."), "period_beginning": text(period.begin),
            "period_ending": text(period.end), "total_errors": 0, "total_instances": 0,
        ]
    }
}
