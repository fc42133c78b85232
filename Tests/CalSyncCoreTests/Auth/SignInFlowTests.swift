import Foundation
import Synchronization
import Testing

@testable import CalSyncAuth
@testable import CalSyncGoogle
@testable import CalSyncGraph
@testable import CalSyncModel

#if canImport(Glibc)
import Glibc
#endif

struct SignInFlowTests {
    let pkce = PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")

    @Test func googleAuthorizationURLAsksForOfflineAccessWithPKCE() throws {
        let endpoints = GoogleKind().defaultEndpoints(tenant: "")
        let settings = GoogleSettings(auth: .oauth, endpoints: endpoints, defaultEndpoints: endpoints, eventTypes: [])
        let request = AuthorizationRequest(
            settings: settings, clientID: "cid.apps.googleusercontent.com", redirectURI: "http://127.0.0.1:8765",
            scopes: ["https://www.googleapis.com/auth/calendar.readonly"], state: "st", pkce: pkce)
        let query = FormEncoding.decode(String(request.url.split(separator: "?")[1]))
        #expect(request.url.hasPrefix("https://accounts.google.com/o/oauth2/v2/auth?"))
        #expect(query["redirect_uri"] == "http://127.0.0.1:8765")
        #expect(query["code_challenge"] == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(query["code_challenge_method"] == "S256")
        #expect(query["access_type"] == "offline")
        #expect(query["prompt"] == "consent")
        #expect(query["response_type"] == "code")
        #expect(query["state"] == "st")
    }

    @Test func microsoftAuthorizationURLUsesTheTenant() {
        let endpoints = GraphKind().defaultEndpoints(tenant: "organizations")
        let settings = GraphSettings(
            tenant: "organizations", endpoints: endpoints, defaultEndpoints: endpoints, maxConcurrentRequests: 4)
        let request = AuthorizationRequest(
            settings: settings, clientID: "app", redirectURI: "http://127.0.0.1:1",
            scopes: ["offline_access", "Calendars.Read"], state: "s", pkce: pkce)
        #expect(request.url.hasPrefix("https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?"))
        #expect(request.url.contains("scope=offline_access%20Calendars.Read"))
    }

    @Test func readsTheCodeFromAPastedRedirect() throws {
        let request = AuthorizationRequest(url: "", state: "abc", redirectURI: "http://127.0.0.1:1", pkce: pkce)
        #expect(try request.code(fromRedirect: " http://127.0.0.1:1/?state=abc&code=4%2F0Ad&scope=x \n") == "4/0Ad")
        #expect(try request.code(fromRedirect: "/?code=c1&state=abc") == "c1")
        #expect(throws: CalSyncError.self) { try request.code(fromRedirect: "http://127.0.0.1:1/?code=c&state=other") }
        #expect(throws: CalSyncError.self) { try request.code(fromRedirect: "http://127.0.0.1:1/") }
        let denied = #expect(throws: CalSyncError.self) {
            try request.code(fromRedirect: "http://127.0.0.1:1/?error=access_denied&state=abc")
        }
        #expect(denied?.message.contains("access_denied") == true)
    }

    /// Sends one raw HTTP GET to 127.0.0.1:port and returns the response text.
    static func get(port: Int, target: String) -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return "" }
        // A bound, not a timing assertion: a receiver that stopped accepting must fail
        // the test instead of hanging it.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        return String(decoding: response, as: UTF8.self)
    }

    @Test func loopbackReceiverTakesTheRedirectAndIgnoresOtherRequests() async throws {
        let receiver = try LoopbackRedirectReceiver(port: 0)
        #expect(receiver.port > 0)
        #expect(receiver.redirectURI == "http://127.0.0.1:\(receiver.port)")
        let port = receiver.port
        async let target = receiver.waitForRedirect(state: "s")
        let favicon = await Task.detached { Self.get(port: port, target: "/favicon.ico") }.value
        #expect(favicon.hasPrefix("HTTP/1.1 404"))
        let page = await Task.detached { Self.get(port: port, target: "/?state=s&code=xyz") }.value
        #expect(page.hasPrefix("HTTP/1.1 200"))
        #expect(page.contains("signed in"))
        #expect(try await target == "/?state=s&code=xyz")
        receiver.stop()
    }

    /// Any local user can reach the loopback port: a redirect carrying another state (or
    /// an error, or none) is turned away and the sign-in keeps waiting for its own.
    @Test func loopbackReceiverIgnoresRedirectsOfAnotherSignIn() async throws {
        let receiver = try LoopbackRedirectReceiver(port: 0)
        let port = receiver.port
        async let target = receiver.waitForRedirect(state: "right")
        for stray in ["/?state=wrong&code=evil", "/?error=access_denied&state=wrong", "/?code=no-state"] {
            let page = await Task.detached { Self.get(port: port, target: stray) }.value
            #expect(page.hasPrefix("HTTP/1.1 400"), "\(stray): \(page)")
            #expect(page.contains("another sign-in attempt"))
        }
        let page = await Task.detached { Self.get(port: port, target: "/?state=right&code=good") }.value
        #expect(page.hasPrefix("HTTP/1.1 200"))
        #expect(try await target == "/?state=right&code=good")
        receiver.stop()
    }

    @Test func loopbackReceiverStopsWhenCancelled() async throws {
        let receiver = try LoopbackRedirectReceiver(port: 0)
        let waiting = Task { try await receiver.waitForRedirect(state: "s") }
        try await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        let error = await #expect(throws: CalSyncError.self) { try await waiting.value }
        #expect(error?.code == .cancelled)
    }

    @Test func aTakenPortIsReportedClearly() throws {
        let first = try LoopbackRedirectReceiver(port: 0)
        let error = #expect(throws: CalSyncError.self) { try LoopbackRedirectReceiver(port: first.port) }
        #expect(error?.message.contains("127.0.0.1:\(first.port)") == true)
        first.stop()
    }

    static func deviceFlow(_ transport: ScriptedTransport) -> DeviceCodeFlow {
        DeviceCodeFlow(
            loginURL: "http://127.0.0.1:1", tenant: "common", clientID: "app",
            scopes: ["offline_access", "Calendars.Read", "MailboxSettings.Read"], transport: transport)
    }

    @Test func deviceCodeFlowPollsThroughPendingAndSlowDown() async throws {
        let transport = ScriptedTransport([
            HTTPResponse(status: 200, body: try Fixtures.data("graph", "devicecode-authorization-response")),
            HTTPResponse(status: 400, body: try Fixtures.data("graph", "devicecode-token-error-authorization-pending")),
            HTTPResponse(status: 400, body: Data(#"{"error":"slow_down"}"#.utf8)),
            HTTPResponse(status: 200, body: try Fixtures.data("graph", "token-device-code-success")),
        ])
        let flow = Self.deviceFlow(transport)
        let authorization = try await flow.start()
        #expect(authorization.userCode == "test_code")
        #expect(authorization.verificationURI == "https://microsoft.com/devicelogin")
        #expect(authorization.interval == .seconds(5))
        let waits = Mutex<[Duration]>([])
        let grant = try await flow.waitForApproval(
            authorization, now: { Date(timeIntervalSince1970: 0) },
            sleep: { wait in waits.withLock { $0.append(wait) } })
        #expect(grant.refreshToken == "AwABAAAAvPM1KaPlrEqdFSBzjqfTGAMxZGUTdM0t4B4...")
        #expect(waits.withLock { $0 } == [.seconds(5), .seconds(5), .seconds(10)])
        #expect(transport.requests[0].url == "http://127.0.0.1:1/common/oauth2/v2.0/devicecode")
        let poll = FormEncoding.decode(String(decoding: transport.requests[1].body ?? Data(), as: UTF8.self))
        #expect(poll["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code")
        #expect(poll["device_code"] == "test_device_code")
    }

    @Test(arguments: [
        ("devicecode-token-error-expired-token", "expired"), ("", "declined"),
    ])
    func deviceCodeFlowEndsOnExpiryOrRefusal(fixture: String, word: String) async throws {
        let body =
            fixture.isEmpty ? Data(#"{"error":"authorization_declined"}"#.utf8) : try Fixtures.data("graph", fixture)
        let transport = ScriptedTransport([HTTPResponse(status: 400, body: body)])
        let authorization = DeviceCodeFlow.Authorization(
            deviceCode: "d", userCode: "u", verificationURI: "v", expiresIn: .seconds(900), interval: .seconds(5),
            message: nil)
        let error = await #expect(throws: CalSyncError.self) {
            try await Self.deviceFlow(transport).waitForApproval(authorization, now: { Date() }, sleep: { _ in })
        }
        #expect(error?.code == .needsLogin)
        #expect(error?.message.contains(word) == true)
    }
}
