package auth0test

import "time"

// Wire strings of the emulated tenant. Error codes are Auth0's. "The
// reference" is the project's Auth0 MFA API reference (auth0-mfa-api.md,
// kept outside this repository; it names its public sources: Auth0's docs,
// go-auth0's recordings, SDK classifiers). Where it marks a description
// [UNK], the comment says why this one was chosen; mfaapi's tests
// (mfaapi/errors_test.go, the contract suite mfaapi/contract_test.go) pin
// the choices, and the contract suite run against a real tenant logs what
// Auth0 answers instead.
const (
	// ConnectionName is the only database connection of the tenant; the
	// realm of the password-realm grant must name it.
	ConnectionName = "Username-Password-Authentication"

	// GrantAuthorizationCode and the other Grant constants are the
	// grant_type values the emulator implements.
	GrantAuthorizationCode = "authorization_code"
	GrantPassword          = "password"
	GrantPasswordRealm     = "http://auth0.com/oauth/grant-type/password-realm"
	GrantMFAOTP            = "http://auth0.com/oauth/grant-type/mfa-otp"
	GrantMFAOOB            = "http://auth0.com/oauth/grant-type/mfa-oob"
	GrantMFARecoveryCode   = "http://auth0.com/oauth/grant-type/mfa-recovery-code"
	GrantRefreshToken      = "refresh_token"

	// ScopeEnroll and the other Scope constants are the MFA API's scopes
	// (reference §1.1).
	ScopeEnroll = "enroll"
	// ScopeOfflineAccess asks for a refresh token.
	ScopeOfflineAccess        = "offline_access"
	ScopeReadAuthenticators   = "read:authenticators"
	ScopeRemoveAuthenticators = "remove:authenticators"

	// SSOCookieName is the emulator's single-sign-on session cookie, one per
	// host (canonical and custom domain keep separate sessions, as browsers
	// scope cookies by host).
	SSOCookieName = "auth0emu_sso"
	// BrowserCookieName binds login transactions to the browser that started
	// them, so a login form cannot be posted from another browser.
	BrowserCookieName = "auth0emu_tx"
)

// The ID token of a login in which a second factor was used. Auth0's docs
// ("Configure Step-up Authentication for Web Apps", docs-v2
// main/docs/secure/multi-factor-authentication/step-up-authentication/configure-step-up-authentication-for-web-apps.mdx,
// "Example: Values with MFA") show both claims; the example without MFA
// has neither. "AMR claim exceptions" there: in hosted login flows the claim
// is injected "only after the user successfully passes an MFA challenge";
// silent authentication and refresh tokens issue ID tokens without it
// "because the user previously completed login with MFA"; and "MFA API
// issued tokens do not contain the amr claim". Access tokens never carry it.
const (
	// amrMFA is the one value of the amr claim (RFC 8176's "mfa").
	amrMFA = "mfa"
	// acrMultiFactor is the acr claim next to it (OpenID PAPE's multi-factor
	// policy URI, as in the docs' example).
	acrMultiFactor = "http://schemas.openid.net/pape/policies/2007/06/multi-factor"
)

// Timing. Values the reference documents say so; the others are [UNK].
const (
	// MFAAccessTokenTTL: "The default expiry time of access tokens with the
	// /mfa/ audience is 10 minutes. This value cannot be configured."
	// (reference §1.3 [DOC]).
	MFAAccessTokenTTL = 10 * time.Minute
	// AccessTokenTTL is the lifetime of other access tokens: the recorded
	// token responses carry "expires_in":86400 (reference §2.5 [FIX]).
	AccessTokenTTL = 24 * time.Hour
	// IDTokenTTL: [UNK] in the reference: chosen because 36000 s is Auth0's
	// default ID token expiration shown in the dashboard.
	IDTokenTTL = 10 * time.Hour
	// AuthCodeTTL: [UNK] in the reference: chosen because authorization codes
	// should be short-lived (RFC 6749 §4.1.2 recommends at most 10 minutes)
	// and a browser redirect completes in seconds; 60 s keeps tests strict.
	AuthCodeTTL = 60 * time.Second
	// LoginTransactionTTL bounds the time between /authorize and the password
	// POST: [UNK] in the reference: chosen because only the MFA step's 5
	// minutes are documented, and 30 minutes never cuts off a person typing.
	LoginTransactionTTL = 30 * time.Minute
	// MFATransactionTTL: the window between the first and the second factor is
	// 5 minutes; an expired one redirects to the callback with
	// error=invalid_request&error_description=The transaction has expired
	// (reference §4.5, §6 #12 [COMM 122553]). [UNK] in the reference which
	// window applies: community 145365 gives New Universal Login's MFA screen
	// 10 minutes; chosen 5 because it is the stricter one a host must handle.
	MFATransactionTTL = 5 * time.Minute
	// SSOSessionTTL: [UNK] in the reference: chosen because 7 days is
	// Auth0's default absolute session lifetime.
	SSOSessionTTL = 7 * 24 * time.Hour
	// PushPollInterval is the meta-refresh period of the push waiting page:
	// one poll per 5 s is the refill rate of the MFA OOB token exchange
	// limit (12 per minute, reference §2.6), so the page never meets
	// slow_down.
	PushPollInterval = 5 * time.Second
	// RefreshTokenLifetime and RefreshTokenIdleLifetime bound a rotating refresh token
	// family: from the login, and since its last exchange (Auth0's "maximum" and "idle"
	// refresh token lifetimes, which rotation requires). [UNK] in the reference: chosen
	// because 30 and 15 days are the values Auth0's dashboard proposes. Non-rotating tokens
	// do not expire, as with Auth0's defaults.
	RefreshTokenLifetime     = 30 * 24 * time.Hour
	RefreshTokenIdleLifetime = 15 * 24 * time.Hour
)

// Limits.
const (
	// RateLimit and RateLimitWindow: one token bucket per server for all
	// requests except the dev pages. The numbers are the Free plan's
	// Authentication API limit, 300 per minute (reference §3.5 [DOC]);
	// WithRateLimit changes them.
	RateLimit       = 300
	RateLimitWindow = time.Minute
	// MaxBodyBytes bounds request bodies; larger ones get 413 invalid_request
	// "Request body too large.". [UNK] in the reference: chosen because no
	// legitimate body of these endpoints comes near 64 KiB.
	MaxBodyBytes = 64 << 10
)

// Behavioural choices for facts the reference marks [UNK]. Each is named
// so tests and readers can find it.
const (
	// mfaAudienceIssuesRefreshTokens: [UNK] in the reference (§1.3: documented only for
	// the password grant, "ask for the /mfa/ audience … and use a refresh token to refresh
	// it later"; nothing documents offline_access with the /mfa/ audience in the code flow):
	// chosen because the documented password-grant case implies the MFA API allows offline
	// access, and the token endpoint issues by audience, not by grant.
	mfaAudienceIssuesRefreshTokens = true
	// apisAllowOfflineAccess: an API's "Allow Offline Access" is a setting of the API on
	// Auth0 (off by default there); chosen on for WithAPI so that a host's test needs no
	// second option.
	apisAllowOfflineAccess = true
	// refreshIDTokenKeepsAMR: [UNK] in the reference: chosen because a refresh re-issues the
	// tokens of the same authentication, whose methods amr names.
	refreshIDTokenKeepsAMR = true
	// consumeCodeOnFailedExchange: [UNK] in the reference: chosen because a
	// code is single-use (RFC 6749 §4.1.2) and burning it on a failed
	// exchange (wrong verifier, wrong redirect_uri) stops guessing.
	consumeCodeOnFailedExchange = true
	// requirePKCEForPublicClients: [UNK] in the reference: chosen because a
	// client without a secret has nothing else binding the code.
	requirePKCEForPublicClients = true
	// rejectVerifierWithoutChallenge: [UNK] in the reference: chosen because
	// accepting a verifier when no challenge was sent hides a client's PKCE
	// downgrade (OAuth 2.1 §4.1.3 rejects it).
	rejectVerifierWithoutChallenge = true
	// userinfoAudienceForNoAudience: [UNK] in the reference (Auth0 returns
	// an opaque token usable only at /userinfo when no audience is
	// requested): chosen because a JWT whose aud is "{issuer}userinfo" is
	// just as unusable at /mfa/* and tests can read it.
	userinfoAudienceForNoAudience = true
	// jwtMFATokenWrongClientIsMalformed: [UNK] in the reference: chosen
	// because 401 invalid_grant "Malformed mfa_token" is what SDK classifiers
	// and community 64112 show for an mfa_token that is not usable (reference
	// §3.1), so an /mfa/ JWT used as mfa_token
	// that was issued to another client or through another host gets it
	// (and so does an opaque mfa_token of another client).
	jwtMFATokenWrongClientIsMalformed = true
	// jwtMFATokenConfirmsEnrollmentOnly: [UNK] in the reference where the
	// MFA grants accept the /mfa/ access token as mfa_token: chosen true, so
	// it is accepted only to confirm an enrollment, that is by grant mfa-otp
	// (which then confirms the newest pending totp, never answers with an
	// active one) and by grant mfa-oob with an oob_code that /mfa/associate
	// issued, and only when its scope includes enroll. Grant
	// mfa-recovery-code, a challenge's oob_code and a token without enroll
	// get 401 invalid_grant "Malformed mfa_token". Chosen because the docs
	// and community threads describe the JWT as mfa_token only for confirming
	// an enrollment (reference §0 #4, §1.4), enroll is the scope that allows
	// enrolling (§1.1), and where Auth0 is seen refusing the JWT in
	// mfa_token's place (/mfa/challenge, community 64112) it answers
	// invalid_grant "Malformed mfa_token".
	jwtMFATokenConfirmsEnrollmentOnly = true
	// associateClientMustMatchToken: [UNK] in the reference whether Auth0
	// checks a client_id sent in the body of POST /mfa/associate against the
	// bearer token's client (azp, or the opaque mfa_token's client), and what
	// it answers: chosen true, answered as a failed client authentication
	// (401 access_denied "Unauthorized"; invalid_client with
	// WithInvalidClientErrors), and nothing is created. Chosen because
	// associate's only documented 401 is "Unauthorized, invalid access token
	// or mfa_token" (§2.2), the body's client_id and client_secret are client
	// authentication (the API reference lists client_id as required), and
	// the emulator answers the other disagreeing-client cases (Basic user vs
	// body client_id at /oauth/token, an unknown body client_id here) the
	// same way. The enrollment's oob_code stays bound to the token's client.
	associateClientMustMatchToken = true
	// amrAfterLoginEnrollment: [UNK] in the reference whether the ID token of
	// a hosted login in which the policy made the user enroll a first factor
	// (PolicyAlways) carries amr: chosen true, because the user proved the
	// new factor with its code on the login page, which is a second factor
	// used in this login, and a host's step-up check should accept it.
	amrAfterLoginEnrollment = true
	// mfaGrantIDTokenCarriesAMR: the ID token that an MFA grant at
	// /oauth/token returns (mfa-otp, mfa-oob, mfa-recovery-code, after
	// mfa_required) has no amr. [UNK] in the reference how far the docs'
	// "MFA API issued tokens do not contain the amr claim" reaches (it may
	// mean only the /mfa/ access token): chosen false, because read plainly
	// it names every token the MFA API's grants issue, and the docs'
	// next sentence explains why ("In the MFA API authentication process,
	// the application controls the authentication flow").
	mfaGrantIDTokenCarriesAMR = false
)

// Error codes (the "error" member of Auth0's error bodies).
const (
	ErrCodeInvalidRequest          = "invalid_request"
	ErrCodeInvalidGrant            = "invalid_grant"
	ErrCodeInvalidClient           = "invalid_client"
	ErrCodeAccessDenied            = "access_denied"
	ErrCodeUnauthorizedClient      = "unauthorized_client"
	ErrCodeUnsupportedGrantType    = "unsupported_grant_type"
	ErrCodeUnsupportedResponseType = "unsupported_response_type"
	ErrCodeMFARequired             = "mfa_required"
	ErrCodeExpiredToken            = "expired_token"
	ErrCodeInvalidToken            = "invalid_token"
	ErrCodeInsufficientScope       = "insufficient_scope"
	ErrCodeTooManyRequests         = "too_many_requests"
	ErrCodeServerError             = "server_error"
	ErrCodeNotFound                = "not_found"
	ErrCodeLoginRequired           = "login_required"
	ErrCodeInteractionRequired     = "interaction_required"
)

// Error descriptions.
const (
	// descInvalidCode: recorded (go-auth0 TestLoginWithAuthCode
	// Should_throw_for_an_invalid_code: 403 invalid_grant).
	descInvalidCode = "Invalid authorization code"
	// descInvalidRefreshToken: documented (Auth0 support article "Troubleshoot Refresh Token
	// Unknown or Invalid Before Expiry": 403 invalid_grant).
	descInvalidRefreshToken = "Unknown or invalid refresh token."
	// descRefreshScopeWider: [UNK] in the reference: chosen because a refresh may narrow the
	// scope (RFC 6749 §6) but never widen it.
	descRefreshScopeWider = "The requested scope exceeds the scope granted by the resource owner."
	// descInvalidRedirect: [UNK] in the reference: chosen because a plain
	// sentence names the cause; the code is invalid_grant (403) as for any
	// unusable code.
	descInvalidRedirect = "Invalid redirect URI"
	// descPKCEFailed: [UNK] in the reference: chosen because Auth0
	// community threads quote this sentence for a wrong code_verifier.
	descPKCEFailed = "Failed to verify code verifier"
	// descWrongPassword: [UNK] in the reference: chosen because it is
	// Auth0's well-known database-connection message (403 invalid_grant).
	descWrongPassword = "Wrong email or password."
	// descUnknownConnection: [UNK] in the reference: chosen because a plain
	// sentence (400 invalid_request) names the cause of a realm that is not
	// the connection.
	descUnknownConnection = "Connection not found."
	// descMFARequired: documented (reference §2.8).
	descMFARequired = "Multifactor authentication required"
	// descUnauthorized: 401 access_denied "Unauthorized" for a bad or missing
	// client secret. [UNK] in the reference (access_denied historically,
	// invalid_client in newer docs): chosen because third-party mocks of
	// Auth0's /oauth/token use this body (reference §3.1);
	// WithInvalidClientErrors switches the code.
	descUnauthorized = "Unauthorized"
	// descGrantNotAllowed: the documented template ``Grant type `grant_type`
	// not allowed for the client.`` (docs-v2 update-grant-types.mdx), with the
	// single quotes third-party mocks of Auth0 show (reference §1.5).
	descGrantNotAllowed = "Grant type '%s' not allowed for the client."
	// descMalformedMFAToken, descMFATokenExpired, descInvalidAudience: SDK
	// classifiers and thread 44384 (reference §3.1).
	descMalformedMFAToken = "Malformed mfa_token"
	descMFATokenExpired   = "mfa_token is expired"
	descInvalidAudience   = "invalid audience"
	// descRateLimited: documented (reference §3.1, global rate limit).
	descRateLimited = "Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers."
	// descBearer*, descInsufficientScope, descBadJSON, descBodyTooLarge:
	// [UNK] in the reference: chosen because a short sentence naming the
	// cause tells a client what to fix; mfaapi/errors_test.go pins them.
	descBearerMissing     = "Missing authentication."
	descBearerInvalid     = "Invalid token."
	descBearerExpired     = "Expired token."
	descBearerAudience    = "Invalid audience."
	descInsufficientScope = "Insufficient scope, expected: %s"
	descBadJSON           = "Invalid JSON body."
	descBodyTooLarge      = "Request body too large."
	// descContentTypeJSON, descContentTypeAny: [UNK] in the reference:
	// chosen because a plain sentence naming the accepted types (400
	// invalid_request) tells the caller what to fix.
	descContentTypeJSON = "Content-Type must be application/json."
	descContentTypeAny  = "Content-Type must be application/json or application/x-www-form-urlencoded."
	// descServiceNotFound: [UNK] in the reference: chosen because it is the
	// message Auth0 shows for an audience that names no API of the tenant
	// (access_denied, at /authorize and the password grants).
	descServiceNotFound = "Service not found: %s"
	// descTransactionExpired: community 122553 (reference §6 #12).
	descTransactionExpired = "The transaction has expired"
	descServerError        = "Internal server error."
	// descNoClientGrant: [UNK] in the reference: chosen because it is the sentence Auth0
	// gives a client without a grant for an API (client credentials), naming the fix.
	descNoClientGrant = "Client \"%s\" is not authorized to access \"%s\". You need to create a \"client-grant\" associated to this API."
	// descMeInsufficientScope: SDK mocks (reference §5.5 [MOCK]) say "Token lacks required
	// scope."; the scope is named after it, as the MFA API's answer names it.
	descMeInsufficientScope = "Token lacks required scope: %s."
	// descMeInvalidToken: SDK mocks (reference §5.5 [MOCK], A0E-401-0003).
	descMeInvalidToken = "Invalid Token"
	// descMeRateLimited: [UNK] in the reference: chosen because it says which limit.
	descMeRateLimited = "Too many requests for this user. Try again after the time in Retry-After."
)
