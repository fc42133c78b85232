import CalSyncEmulatorCalendars
import CalSyncEmulatorServer
import Foundation

/// Microsoft identity platform v2.0 endpoints under `/{tenant}/oauth2/v2.0/`: `devicecode`,
/// `token` (device code, authorization code with PKCE, refresh with rotation) and
/// `authorize` (a stand-in that consents at once). Public clients: no secret.
extension EmulatorState {
    static func aadError(_ status: Int, _ error: String, codes: [Int], _ description: String) -> EmulatorResponse {
        let prefix = codes.map { "AADSTS\($0): " }.first ?? ""
        return .json(
            status,
            .object([
                ("error", .string(error)),
                (
                    "error_description",
                    .string(prefix + description + "\r\nTrace ID: emulator\r\nCorrelation ID: emulator")
                ),
                ("error_codes", .array(codes.map { .number(Double($0)) })),
                ("timestamp", .string(EmulatorClock.rfc3339(Date()))), ("trace_id", "emulator"),
                ("correlation_id", "emulator"),
            ]))
    }

    func handleMicrosoftIdentity(_ request: EmulatorRequest, endpoint: String) -> EmulatorResponse {
        switch (request.method, endpoint) {
        case ("POST", "devicecode"): return microsoftDeviceCode(request)
        case ("POST", "token"): return microsoftToken(request)
        case ("GET", "authorize"): return microsoftAuthorize(request)
        default: return Self.aadError(404, "invalid_request", codes: [90002], "Unknown endpoint \(endpoint).")
        }
    }

    func microsoftDeviceCode(_ request: EmulatorRequest) -> EmulatorResponse {
        let form = request.formFields
        guard let clientID = form["client_id"], !clientID.isEmpty else {
            return Self.aadError(400, "invalid_request", codes: [900144], "The request body must contain client_id.")
        }
        let device = identity.newToken("DAQABemu", using: &random)
        let userCode = String(device.suffix(9)).uppercased().filter { $0.isLetter || $0.isNumber }
        identity.deviceCodes[device] = IdentityRegistry.DeviceCode(
            user: options.microsoftUser, clientID: clientID, scope: form["scope"] ?? "", userCode: userCode,
            expires: clock().addingTimeInterval(options.deviceCodeLifetime.seconds),
            interval: options.deviceCodeInterval)
        let verification = "\(baseURL)/devicelogin"
        return .json(
            200,
            .object([
                ("user_code", .string(userCode)), ("device_code", .string(device)),
                ("verification_uri", .string(verification)),
                ("expires_in", .number(options.deviceCodeLifetime.seconds.rounded())),
                ("interval", .number(Double(options.deviceCodeInterval))),
                (
                    "message",
                    .string(
                        "To sign in, use a web browser to open the page \(verification) and enter the code \(userCode) to authenticate."
                    )
                ),
            ]))
    }

    func microsoftToken(_ request: EmulatorRequest) -> EmulatorResponse {
        let form = request.formFields
        guard let clientID = form["client_id"], !clientID.isEmpty else {
            return Self.aadError(400, "invalid_request", codes: [900144], "The request body must contain client_id.")
        }
        let now = clock()
        switch form["grant_type"] {
        case "urn:ietf:params:oauth:grant-type:device_code":
            guard let code = form["device_code"], var device = identity.deviceCodes[code] else {
                return Self.aadError(
                    400, "invalid_grant", codes: [70000], "The provided value for device_code is not valid.")
            }
            guard device.expires > now else {
                return Self.aadError(400, "expired_token", codes: [], "Token has expired.")
            }
            if let last = device.lastPoll, now.timeIntervalSince(last) < Double(device.interval) - 0.5 {
                device.lastPoll = now
                identity.deviceCodes[code] = device
                return Self.aadError(400, "slow_down", codes: [], "Please slow down.")
            }
            device.lastPoll = now
            identity.deviceCodes[code] = device
            switch device.state {
            case .pending:
                // The emulator's user "enters the code" after the first poll unless a test
                // holds or declines it through the control API.
                if options.deviceCodeAutoApprove { identity.deviceCodes[code]?.state = .approved }
                return Self.aadError(400, "authorization_pending", codes: [], "Authorization pending.")
            case .declined:
                identity.deviceCodes.removeValue(forKey: code)
                return Self.aadError(
                    400, "authorization_declined", codes: [70000], "The end user denied the authorization request.")
            case .approved:
                identity.deviceCodes.removeValue(forKey: code)
                return microsoftTokenResponse(user: device.user, clientID: clientID, scope: device.scope)
            }
        case "authorization_code":
            guard let code = form["code"], let grant = identity.codes.removeValue(forKey: code),
                grant.provider == .microsoft, grant.expires > now
            else {
                return Self.aadError(
                    400, "invalid_grant", codes: [70008],
                    "The provided authorization code or refresh token has expired due to inactivity.")
            }
            guard form["redirect_uri"] == grant.redirectURI else {
                return Self.aadError(
                    400, "invalid_grant", codes: [50148], "The redirect_uri does not match the authorization request.")
            }
            guard
                IdentityRegistry.verifies(
                    verifier: form["code_verifier"], challenge: grant.challenge, method: grant.challengeMethod)
            else {
                return Self.aadError(400, "invalid_grant", codes: [501481], "The Code_Verifier does not match.")
            }
            return microsoftTokenResponse(user: grant.user, clientID: clientID, scope: grant.scope)
        case "refresh_token":
            guard let token = form["refresh_token"], let grant = identity.refreshTokens[token],
                grant.provider == .microsoft
            else {
                return Self.aadError(
                    400, "invalid_grant", codes: [9002313], "Invalid request. Malformed refresh token.")
            }
            guard !grant.revoked else {
                return Self.aadError(
                    400, "invalid_grant", codes: [70008],
                    "The provided authorization code or refresh token has expired due to inactivity.")
            }
            if options.microsoftInvalidatesOldRefreshTokens { identity.refreshTokens[token]?.revoked = true }
            return microsoftTokenResponse(
                user: grant.user, clientID: clientID, scope: form["scope"] ?? grant.scope)
        default:
            return Self.aadError(
                400, "unsupported_grant_type", codes: [70003], "The app requested an unsupported grant type.")
        }
    }

    /// Every Microsoft grant returns a new refresh token (rotation).
    func microsoftTokenResponse(user: String, clientID: String, scope: String) -> EmulatorResponse {
        let access = identity.issueAccessToken(
            user: user, provider: .microsoft, scope: scope, lifetime: options.accessTokenLifetime, now: clock(),
            random: &random)
        let refresh = identity.issueRefreshToken(
            user: user, provider: .microsoft, clientID: clientID, scope: scope, random: &random)
        return .json(
            200,
            .object([
                ("token_type", "Bearer"), ("scope", .string(scope)),
                ("expires_in", .number(options.accessTokenLifetime.seconds.rounded())),
                ("ext_expires_in", .number(options.accessTokenLifetime.seconds.rounded())),
                ("access_token", .string(access)), ("refresh_token", .string(refresh)),
                (
                    "id_token",
                    .string(
                        Self.unsignedIDToken(email: user, issuer: "https://login.microsoftonline.com/emulator/v2.0"))
                ),
            ]))
    }

    func microsoftAuthorize(_ request: EmulatorRequest) -> EmulatorResponse {
        guard let clientID = request.parameter("client_id"), let redirectURI = request.parameter("redirect_uri") else {
            return .text(400, "AADSTS900144: The request body must contain client_id and redirect_uri.")
        }
        let state =
            request.parameter("state").map {
                "&state=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? $0)
            } ?? ""
        guard options.consentGranted else {
            return .redirect(to: redirectURI + "?error=access_denied&error_description=AADSTS65004" + state)
        }
        let code = identity.newToken("M.Cemu", using: &random)
        identity.codes[code] = IdentityRegistry.AuthorizationCode(
            user: request.parameter("login_hint") ?? options.microsoftUser, provider: .microsoft, clientID: clientID,
            redirectURI: redirectURI, challenge: request.parameter("code_challenge"),
            challengeMethod: request.parameter("code_challenge_method"), scope: request.parameter("scope") ?? "",
            expires: clock().addingTimeInterval(600))
        return .redirect(to: redirectURI + "?code=" + code + state)
    }
}
