/// A simulated hypervisor: every step takes `delay` and succeeds, unless configuration or the
/// instance's metadata (`fake_fail_step`) says it must fail, so ERROR paths can be tested.
public struct FakeDriver: ComputeDriver {
    public let delay: Duration
    /// Steps that fail for every instance (from configuration).
    public let failing: Set<DriverStep>
    /// Per-instance failures, e.g. from server metadata `fake_fail_step=spawn`.
    public let failingFor: @Sendable (String) async -> Set<DriverStep>
    let sleep: @Sendable (Duration) async throws -> Void

    public init(
        delay: Duration = .milliseconds(200), failing: Set<DriverStep> = [],
        failingFor: @escaping @Sendable (String) async -> Set<DriverStep> = { _ in [] },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.delay = delay
        self.failing = failing
        self.failingFor = failingFor
        self.sleep = sleep
    }

    public func perform(_ step: DriverStep, instance: String, host: String) async throws {
        try await sleep(delay)
        let perInstance = await failingFor(instance)
        if failing.contains(step) || perInstance.contains(step) {
            throw DriverFailure(step: step, message: "fake driver: \(step.rawValue) failed on \(host) as configured")
        }
    }
}
