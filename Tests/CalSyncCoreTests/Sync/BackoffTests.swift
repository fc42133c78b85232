import Testing

@testable import CalSyncEngine
@testable import CalSyncModel

struct BackoffTests {
    @Test func growsExponentiallyUpToTheMaximum() {
        let backoff = Backoff.oneShot
        #expect(backoff.delay(attempt: 0, retryAfter: nil, unitRandom: 1) == .seconds(1))
        #expect(backoff.delay(attempt: 1, retryAfter: nil, unitRandom: 1) == .seconds(2))
        #expect(backoff.delay(attempt: 4, retryAfter: nil, unitRandom: 1) == .seconds(16))
        #expect(backoff.delay(attempt: 6, retryAfter: nil, unitRandom: 1) == .seconds(60))
        #expect(backoff.delay(attempt: 500, retryAfter: nil, unitRandom: 1) == .seconds(60))
    }

    @Test func jitterStaysWithinTheUpperHalf() {
        let backoff = Backoff.graphThrottling
        #expect(backoff.delay(attempt: 0, retryAfter: nil, unitRandom: 0) == .milliseconds(1500))
        #expect(backoff.delay(attempt: 0, retryAfter: nil, unitRandom: 0.5) == .milliseconds(2250))
        #expect(backoff.delay(attempt: 10, retryAfter: nil, unitRandom: 0) == .seconds(90))
    }

    @Test func retryAfterWinsUpToItsCap() {
        let backoff = Backoff.oneShot
        #expect(backoff.delay(attempt: 3, retryAfter: .milliseconds(1500), unitRandom: 0.9) == .milliseconds(1500))
        #expect(backoff.delay(attempt: 0, retryAfter: .seconds(3600), unitRandom: 0) == .seconds(300))
        #expect(backoff.delay(attempt: 0, retryAfter: .seconds(-5), unitRandom: 0) == .zero)
    }
}
