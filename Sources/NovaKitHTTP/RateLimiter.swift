import Synchronization

/// A per-client request-rate limit: a token bucket per client address that holds `rate` requests and refills
/// at `rate` per second, so a client may burst one second's worth and then keeps to the rate. Shared by every
/// listener of the process, so the limit is the client's across them.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    public let rate: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    /// `rate` requests per second per client; positive.
    public init(rate: Int) {
        precondition(rate > 0)
        self.rate = rate
    }

    /// Takes one request from `client`'s bucket; `nil` when allowed, else how long until one is.
    public func take(_ client: String, now: ContinuousClock.Instant = .now) -> Duration? {
        let capacity = Double(rate)
        return buckets.withLock { buckets in
            // Clients that have been quiet long enough are full again: forget them rather than grow forever.
            if buckets.count > 10_000 {
                buckets = buckets.filter { now - $0.value.updated < .seconds(1) }
            }
            var bucket = buckets[client] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + seconds * capacity)
            bucket.updated = now
            defer { buckets[client] = bucket }
            guard bucket.tokens >= 1 else { return .seconds((1 - bucket.tokens) / capacity) }
            bucket.tokens -= 1
            return nil
        }
    }
}
