import Foundation
import Synchronization
import Testing

@testable import CalSyncModel

/// What every provider shares (issue 17): the authorised-send loop, the page decoder and
/// the series length, each written once in CalSyncModel.
struct SharedProviderBehaviourTests {
    /// Hands out `token-1`, `token-2`, … and records each call's `forceRefresh`.
    final class CountingTokens: AccessTokenProviding {
        let calls = Mutex<[Bool]>([])
        func accessToken(forceRefresh: Bool) async throws -> String {
            calls.withLock {
                $0.append(forceRefresh)
                return "token-\($0.count)"
            }
        }
    }

    static func response(_ status: Int) -> HTTPResponse {
        HTTPResponse(status: status, headers: [], body: Data())
    }

    /// Sends with `tokens`, answering with `statuses` in turn; returns the Authorization
    /// values sent and the outcome.
    static func send(
        tokens: (any AccessTokenProviding)?, statuses: [Int]
    ) async -> (sent: [String?], result: Result<Int, CalSyncError>) {
        let sent = Mutex<[String?]>([])
        do {
            let response = try await AuthorizedSend.send(
                tokens: tokens,
                perform: { authorization in
                    let status = sent.withLock {
                        $0.append(authorization.first { $0.name == "Authorization" }?.value)
                        return statuses[$0.count - 1]
                    }
                    return Self.response(status)
                },
                failure: { response in
                    CalSyncError(response.status == 401 ? .unauthorized : .server, "HTTP \(response.status)")
                })
            return (sent.withLock { $0 }, .success(response.status))
        } catch let error as CalSyncError {
            return (sent.withLock { $0 }, .failure(error))
        } catch {
            return (sent.withLock { $0 }, .failure(CalSyncError(.transport, "\(error)")))
        }
    }

    @Test func a401RefreshesTheTokenOnceAndRetriesOnce() async {
        let tokens = CountingTokens()
        let (sent, result) = await Self.send(tokens: tokens, statuses: [401, 200])
        #expect(sent == ["Bearer token-1", "Bearer token-2"])
        #expect(tokens.calls.withLock { $0 } == [false, true])
        #expect((try? result.get()) == 200)
    }

    @Test func aSecond401IsTheProvidersError() async {
        let tokens = CountingTokens()
        let (sent, result) = await Self.send(tokens: tokens, statuses: [401, 401, 200])
        #expect(sent.count == 2)
        #expect(tokens.calls.withLock { $0 } == [false, true])
        guard case .failure(let error) = result else {
            Issue.record("a second 401 was retried")
            return
        }
        #expect(error.code == .unauthorized)
    }

    @Test func otherFailuresAreNotRetried() async {
        let tokens = CountingTokens()
        let (sent, result) = await Self.send(tokens: tokens, statuses: [503, 200])
        #expect(sent.count == 1)
        guard case .failure(let error) = result else {
            Issue.record("a 503 was retried")
            return
        }
        #expect(error.code == .server)
    }

    @Test func withoutTokensNoAuthorizationIsSentAndA401IsFinal() async {
        let (sent, result) = await Self.send(tokens: nil, statuses: [401, 200])
        #expect(sent == [nil])
        guard case .failure(let error) = result else {
            Issue.record("a 401 without tokens was retried")
            return
        }
        #expect(error.code == .unauthorized)
    }

    struct Envelope: Decodable {
        var zone: String?
    }

    /// A toy provider: `{"id":…,"gone":true}` deletes, `{"id":…,"bad":…}` quarantines,
    /// `{"id":…,"extra":1}` is its own kind of item, anything else with an id is an event.
    static func decode(_ text: String) throws -> (changes: ChangePage, seen: [PageItem<String>]) {
        struct Wire: Decodable {
            var id: String
            var gone: Bool?
            var bad: String?
            var extra: Int?
        }
        var seen: [PageItem<String>] = []
        let (_, changes) = try PageDecoder.decode(
            Array(text.utf8), arrayKey: "items", envelope: Envelope.self, naming: "a test page",
            changes: { ChangePage(calendarTimeZone: $0.zone) },
            read: { bytes, raw, _ -> PageDecoder.Read<String>? in
                guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(bytes)) else { return nil }
                if wire.gone == true { return (wire.id, .delete(wire.id)) }
                if let reason = wire.bad { return (wire.id, .quarantine(reason)) }
                if wire.extra != nil { return (wire.id, .extra(wire.id)) }
                let day = EventTime.date(CalendarDate("2026-01-01")!)
                return (wire.id, .upsert(CalendarEvent(id: wire.id, start: day, end: day, raw: raw)))
            },
            seen: { seen.append($0) })
        return (changes, seen)
    }

    @Test func thePageDecoderSortsItemsAndQuarantinesWhatItCannotRead() throws {
        let (changes, seen) = try Self.decode(
            #"{"zone":"Europe/Berlin","items":[{"id":"a"},{"id":"b","gone":true},{"id":"c","bad":"no start"},"#
                + #"{"id":"d","extra":1},{"id":"e",},{"nope":1},{"id":"f"}]}"#)
        #expect(changes.calendarTimeZone == "Europe/Berlin")
        #expect(changes.upserts.map(\.id) == ["a", "f"])
        #expect(changes.upserts.first?.raw == #"{"id":"a"}"#)
        #expect(changes.deletions == ["b"])
        #expect(
            changes.quarantined == [
                QuarantinedItem(eventID: "c", reason: "no start", raw: #"{"id":"c","bad":"no start"}"#),
                QuarantinedItem(eventID: nil, reason: "not valid JSON", raw: #"{"id":"e",}"#),
                QuarantinedItem(eventID: nil, reason: "not a readable event object", raw: #"{"nope":1}"#),
            ])
        // Every readable item is seen, in page order; the strictly invalid and unreadable are not.
        #expect(seen.count == 5)
        #expect(seen[3] == .extra("d"))
    }

    @Test func aPageWhoseEnvelopeDoesNotDecodeNamesThePage() {
        #expect {
            _ = try Self.decode(#"{"zone":5,"items":[]}"#)
        } throws: { error in
            let error = error as? CalSyncError
            return error?.code == .decoding && error?.message.hasPrefix("a test page is not readable") == true
        }
    }

    static func instant(_ text: String) -> EventTime { .instant(Timestamp.parse(text)!) }
    static func date(_ text: String) -> EventTime { .date(CalendarDate(text)!) }

    @Test func theSeriesLengthIsWholeDaysOrSecondsNeverLessThanADayOrZero() {
        #expect(SeriesLength(start: Self.date("2026-01-01"), end: Self.date("2026-01-04")) == .days(3))
        // An end before the start: a one-day event.
        #expect(SeriesLength(start: Self.date("2026-01-04"), end: Self.date("2026-01-01")) == .days(1))
        #expect(
            SeriesLength(start: Self.instant("2026-01-01T10:00:00Z"), end: Self.instant("2026-01-01T11:30:00Z"))
                == .seconds(5400))
        #expect(
            SeriesLength(start: Self.instant("2026-01-01T10:00:00Z"), end: Self.instant("2026-01-01T09:00:00Z"))
                == .seconds(0))
        #expect(SeriesLength(start: Self.date("2026-01-01"), end: Self.instant("2026-01-01T09:00:00Z")) == nil)
    }

    @Test func anInstanceEndsItsLengthAfterItsStartWhenOfTheSeriesKind() {
        let days = SeriesLength.days(2)
        #expect(days.end(ofInstanceAt: Self.date("2026-03-30")) == Self.date("2026-04-01"))
        #expect(days.end(ofInstanceAt: Self.instant("2026-03-30T00:00:00Z")) == nil)
        #expect(days.end(after: Self.instant("2026-03-30T00:00:00Z")) == Self.instant("2026-04-01T00:00:00Z"))
        let hour = SeriesLength.seconds(3600)
        #expect(hour.end(ofInstanceAt: Self.instant("2026-03-30T08:00:00Z")) == Self.instant("2026-03-30T09:00:00Z"))
        #expect(hour.end(ofInstanceAt: Self.date("2026-03-30")) == nil)
        #expect(hour.end(after: Self.date("2026-03-30")) == Self.date("2026-03-31"))
    }
}
