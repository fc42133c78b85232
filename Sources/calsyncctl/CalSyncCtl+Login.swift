import ArgumentParser
import CalSyncAuth
import CalSyncEngine
import CalSyncModel
import CalSyncProviders
import CalSyncStore
import CurlTransport
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

extension CalSyncCtl {
    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign an account in, or import a refresh token.",
            discussion: """
                Google: opens the system browser (or prints the URL) and receives the answer on \
                http://127.0.0.1:PORT; on a headless machine forward the port with ssh -L, or paste the \
                address the browser ends on. Microsoft: device code (a code to enter on any device), or \
                --browser for the loopback flow. --refresh-token-file imports a token without a browser. \
                Tokens go to the owner-only token file, never to the store.
                """)

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The account's name in the configuration.") var account: String
        @Flag(help: "Do not open a browser: print the URL, accept the pasted redirect address.") var noBrowser = false
        @Option(help: "The loopback port for the redirect (default: any free port).") var port: Int?
        @Flag(help: "Microsoft: sign in with a device code (the default).") var deviceCode = false
        @Flag(help: "Microsoft: sign in through the browser with a loopback redirect instead.") var browser = false
        @Option(help: "Import a refresh token from FILE (- for standard input) instead of signing in.")
        var refreshTokenFile: String?

        func run() async throws {
            let configuration = try options.loadConfiguration()
            guard let account = configuration.account(named: self.account) else {
                let names = configuration.accounts.map(\.name).joined(separator: ", ")
                printError(
                    "calsyncctl: there is no account \"\(self.account)\" in \(configuration.path) (accounts: \(names.isEmpty ? "none" : names))"
                )
                throw ExitCodes.usage
            }
            if case .apiKey = account.auth {
                print("Account \(account.name) reads public calendars with an API key: there is nothing to sign in.")
                return
            }
            let environment = ProcessInfo.processInfo.environment
            let transport = CurlTransport(logger: Logger(label: "calsyncctl"))
            defer { transport.shutdown() }
            let client = try AccountAuthorization.client(for: account, environment: environment, transport: transport)
            let grant: TokenGrant
            if let refreshTokenFile {
                grant = try await importRefreshToken(from: refreshTokenFile, client: client)
            } else if case .deviceCode(let loginURL, let tenant) = account.settings.signIn, !browser {
                grant = try await deviceCodeSignIn(account, loginURL: loginURL, tenant: tenant, transport: transport)
            } else {
                grant = try await loopbackSignIn(account, client: client)
            }
            guard let refreshToken = grant.refreshToken else {
                printError(
                    "calsyncctl: the provider granted no refresh token; calsync could not stay signed in (for Google, remove the app's access at myaccount.google.com/permissions and sign in again)"
                )
                throw ExitCodes.attention
            }
            let store = TokenStore(path: configuration.store.tokensPath)
            try store.save(
                .init(
                    refreshToken: refreshToken, accessToken: grant.accessToken, accessTokenExpiresAt: grant.expiresAt,
                    scope: grant.scope, email: grant.email),
                for: account.name)
            print(
                TerminalText.line(
                    "Signed in \(account.name)\(grant.email.map { " as \($0)" } ?? ""). Tokens saved to \(store.path).")
            )
            print("calsyncd picks the account up at its next poll (or run: calsyncctl sync \(account.name)).")
        }

        /// Reads a refresh token and checks it by refreshing once.
        func importRefreshToken(from source: String, client: OAuthClient) async throws -> TokenGrant {
            let text: String
            if source == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                guard let data = FileManager.default.contents(atPath: source) else {
                    printError("calsyncctl: cannot read the refresh token file \(source)")
                    throw ExitCodes.usage
                }
                text = String(decoding: data, as: UTF8.self)
            }
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else {
                printError(
                    "calsyncctl: the refresh token \(source == "-" ? "on standard input" : "in \(source)") is empty")
                throw ExitCodes.usage
            }
            var grant = try await client.refresh(refreshToken: token, now: Date())
            grant.refreshToken = grant.refreshToken ?? token
            return grant
        }

        func deviceCodeSignIn(
            _ account: AccountConfiguration, loginURL: String, tenant: String, transport: CurlTransport
        ) async throws -> TokenGrant {
            let flow = DeviceCodeFlow(
                loginURL: loginURL, tenant: tenant, clientID: account.clientID ?? "",
                scopes: account.scopes, oauth: account.oauth, transport: transport)
            let authorization = try await flow.start()
            print(
                authorization.message
                    ?? "To sign in, open \(authorization.verificationURI) and enter the code \(authorization.userCode)."
            )
            print(
                "Waiting for the sign-in (the code is valid for \(authorization.expiresIn.components.seconds / 60) minutes)…"
            )
            fflush(nil)
            return try await flow.waitForApproval(
                authorization, now: { Date() }, sleep: { try await Task.sleep(for: $0) })
        }

        func loopbackSignIn(_ account: AccountConfiguration, client: OAuthClient) async throws -> TokenGrant {
            let receiver = try LoopbackRedirectReceiver(port: port ?? 0)
            defer { receiver.stop() }
            var generator = SystemRandomNumberGenerator()
            let pkce = PKCE(using: &generator)
            let state = PKCE(using: &generator).verifier
            let request = AuthorizationRequest(
                settings: account.settings, clientID: account.clientID ?? "", redirectURI: receiver.redirectURI,
                scopes: account.scopes, state: state, pkce: pkce)
            let opened = !noBrowser && Self.openBrowser(request.url)
            print(
                opened
                    ? "Opened the browser to sign in. If nothing appears, open:"
                    : "Open this address in a browser to sign in:")
            print("")
            print("  \(request.url)")
            print("")
            print("On a machine without a browser, forward the port from your own computer first:")
            print("  ssh -L \(receiver.port):127.0.0.1:\(receiver.port) \(ProcessInfo.processInfo.hostName)")
            if noBrowser {
                print("…or paste here the address the browser ends on (http://127.0.0.1:\(receiver.port)/?code=…):")
            }
            // Standard output may be a pipe (a script, ssh without a terminal): the
            // address must reach the user now, not when the buffer fills.
            fflush(nil)
            let target = try await withThrowingTaskGroup(of: String.self) { group in
                group.addTask { try await receiver.waitForRedirect(state: state) }
                if noBrowser {
                    group.addTask { try await StandardInputLine.read() }
                }
                let first = try await group.next()!
                group.cancelAll()
                receiver.stop()
                return first
            }
            let code = try request.code(fromRedirect: target)
            return try await client.exchange(
                code: code, redirectURI: request.redirectURI, verifier: pkce.verifier, now: Date())
        }

        /// Opens the URL with xdg-open when there is a graphical session.
        static func openBrowser(_ url: String) -> Bool {
            let environment = ProcessInfo.processInfo.environment
            guard environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil,
                FileManager.default.isExecutableFile(atPath: "/usr/bin/xdg-open")
            else { return false }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/xdg-open")
            process.arguments = [url]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return (try? process.run()) != nil
        }
    }

    struct Logout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget an account's tokens (and revoke them where the provider allows).",
            discussion: "The account's calendars stay in the store; calsyncd marks the account needs_login.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The account's name in the configuration.") var account: String

        func run() async throws {
            let configuration = try options.loadConfiguration()
            guard let account = configuration.account(named: self.account) else {
                printError("calsyncctl: there is no account \"\(self.account)\" in \(configuration.path)")
                throw ExitCodes.usage
            }
            let store = TokenStore(path: configuration.store.tokensPath)
            guard let tokens = try store.tokens(for: account.name) else {
                print("Account \(account.name) holds no tokens.")
                return
            }
            switch account.settings.revocation {
            case .endpoint(let revokeURL, let provider):
                guard let token = tokens.refreshToken else { break }
                let transport = CurlTransport(logger: Logger(label: "calsyncctl"))
                defer { transport.shutdown() }
                let response = try? await transport.perform(
                    HTTPRequest(
                        method: .POST, url: revokeURL,
                        headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded")],
                        body: Data(FormEncoding.encode([("token", token)]).utf8), totalTimeout: .seconds(30)))
                if let response, (200..<300).contains(response.status) {
                    print("Revoked the grant at \(provider).")
                } else {
                    print(
                        "Could not revoke the grant at \(provider) (\(response.map { "HTTP \($0.status)" } ?? "no answer")); forgetting it here anyway."
                    )
                }
            case .unavailable(let note):
                print(note)
            case .none:
                break
            }
            try store.remove(account: account.name)
            print("Forgot the tokens of \(account.name).")
        }
    }
}
