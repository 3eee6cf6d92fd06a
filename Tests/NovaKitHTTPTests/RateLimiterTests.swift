import NovaKitHTTP
import Testing

/// The per-client token bucket: a burst of one second's worth, then the rate, each client on its own.
@Suite("Rate limiter")
struct RateLimiterTests {
    @Test("a client bursts its rate, waits for a refill, and never affects another")
    func buckets() {
        let limiter = RateLimiter(rate: 2)
        let start = ContinuousClock.now
        #expect(limiter.take("a", now: start) == nil)
        #expect(limiter.take("a", now: start) == nil)
        let wait = limiter.take("a", now: start)
        #expect(wait == .milliseconds(500))
        #expect(limiter.take("b", now: start) == nil)
        #expect(limiter.take("a", now: start + .milliseconds(499)) != nil)
        #expect(limiter.take("a", now: start + .milliseconds(1000)) == nil)
        // A long pause refills to the burst, never beyond it.
        let later = start + .seconds(60)
        #expect(limiter.take("a", now: later) == nil && limiter.take("a", now: later) == nil)
        #expect(limiter.take("a", now: later) != nil)
    }
}
