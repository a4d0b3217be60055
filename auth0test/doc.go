// Package auth0test is an emulated Auth0 tenant for tests and offline
// development: OpenID Connect login (authorization code + PKCE, with a real
// HTML login page and Universal Login's MFA challenge), the password and
// MFA grants of /oauth/token, and the MFA API (/mfa/authenticators,
// /mfa/associate, /mfa/challenge), strict about the rules a client gets
// wrong against the real service: audiences, scopes, issuer hosts, PKCE,
// redirect URIs, single-use codes and the custom-domain trap.
//
// This package is NOT suitable for use outside of tests and local
// development. It is not a security boundary: passwords are stored in
// clear, the dev pages show one-time codes to anyone who can reach them,
// and nothing is persisted.
//
// # In a test
//
// Start a server with RunT; it is closed by t.Cleanup. Everything is per
// server (no package state), so tests can run in parallel:
//
//	emu := auth0test.RunT(t,
//		auth0test.WithClient("app", "app-secret", app.URL+"/callback"),
//		auth0test.WithUsers(auth0test.User{ID: "auth0|alice", Email: "alice@example.com", Password: "pw"}),
//	)
//	emu.SetNow(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) // freeze the clock
//	totp, _ := emu.SeedAuthenticator("auth0|alice", auth0test.FactorOTP, auth0test.SeedOptions{})
//
// Point the code under test at emu.Issuer() (go-oidc discovery works, the
// issuer has Auth0's trailing slash) and at emu.MFAAudience(). To skip the
// login form, queue the user who logs in next; MFA rules still apply, so a
// user with a factor meets the challenge page when the MFA audience is
// requested:
//
//	emu.QueueLogin("auth0|alice")
//	// … follow /authorize to the challenge page, then post the code:
//	code, _ := emu.TOTPCode(totp.ID)
//
// Codes sent by SMS, voice or email land in the outbox (Outbox, LastCode);
// push notifications wait for ApprovePush or RejectPush. SetNow, Advance
// and WithClock control the one clock that tokens, codes, TOTP and limits
// use. InjectFault makes one path slow, hang, fail or answer garbage.
// IssueAccessToken and IssueMFAToken mint tokens directly.
//
// # Addressing
//
// One loopback listener serves two hosts. The canonical tenant domain is
// Domain() = "127.0.0.1:P"; the custom domain is CustomDomain() =
// "localhost:P". The Host header decides which one a request came through:
// the issuer of discovery and of tokens is "http://{that host}/", and a
// /mfa/* request must come through the host that issued its token. MFA
// audiences keep Auth0's form: MFAAudience() = "https://127.0.0.1:P/mfa/"
// (the one that works) and CustomMFAAudience() = "https://localhost:P/mfa/"
// (associate accepts it, the MFA grants answer 403 invalid_grant
// "invalid audience", as on a real tenant with a custom domain). Requests
// for any other host get 421. WithTLS serves both over https, with a
// certificate of a test CA that Client trusts; the issuers are then
// "https://{that host}/".
//
// # Step-up: amr in the ID token
//
// As on Auth0 ("Configure Step-up Authentication for Web Apps"), the ID
// token of a hosted login in which the user passed the MFA challenge page
// (or enrolled the factor a policy asked for) carries "amr": ["mfa"] and
// "acr": "http://schemas.openid.net/pape/policies/2007/06/multi-factor".
// A login that reused the SSO session, prompt=none, and the MFA grants of
// /oauth/token issue ID tokens without them; access tokens never have them.
//
// # Strictness
//
// /authorize refuses unknown clients and redirect URIs that are not
// registered exactly (an error page, never a redirect), accepts only
// response_type=code, S256 PKCE, and known audiences (the MFA audiences,
// "{issuer}userinfo" and WithAPI). Codes are single-use, bound to client,
// redirect URI, host and PKCE verifier, and live AuthCodeTTL. /mfa/*
// bodies are bounded (MaxBodyBytes), associate takes JSON only, every
// response passes a server-wide token bucket with X-RateLimit-* headers,
// and a panic answers 500 server_error. Cookies are named auth0emu_*.
//
// # Choices where Auth0's behaviour is unknown
//
// The reference (auth0-mfa-api.md) marks some facts [UNK]. Each choice the
// HTTP layer makes is a named constant whose comment starts "[UNK] in the
// reference: chosen because …": AuthCodeTTL, IDTokenTTL,
// LoginTransactionTTL, SSOSessionTTL, MaxBodyBytes, the descriptions of
// invalid redirect URIs, PKCE failures, wrong passwords, unknown
// connections, unknown audiences and content types, and the unexported
// behaviour switches consumeCodeOnFailedExchange,
// requirePKCEForPublicClients, rejectVerifierWithoutChallenge,
// userinfoAudienceForNoAudience, jwtMFATokenWrongClientIsMalformed,
// jwtMFATokenConfirmsEnrollmentOnly, associateClientMustMatchToken,
// amrAfterLoginEnrollment, mfaGrantIDTokenCarriesAMR and
// listIncludesTimestamps. The MFA state machine's own choices live in its
// internal package under the same convention.
//
// # Refresh tokens
//
// A login that asks for offline_access gets a refresh token (when the
// client has the refresh_token grant, on by default); the refresh_token
// grant returns new tokens of the same audience and scope, or a narrower
// scope; POST /oauth/revoke revokes a token's family.
// WithRefreshTokenRotation turns rotation on for a client, with reuse
// detection after its overlap period and RefreshTokenLifetime and
// RefreshTokenIdleLifetime. Whether Auth0 issues refresh tokens for the
// /mfa/ audience in the code flow is unknown: mfaAudienceIssuesRefreshTokens.
//
// # The My Account API
//
// /me/v1 (authentication methods and factors) serves the same authenticators as
// the MFA API, seen as methods: an sms and voice pair is one phone method with a
// preferred channel, a push is one push-notification method, and a method can be
// named (PATCH). A token is for the host whose audience it carries,
// MeAudience() or CustomMeAudience(), with the five *:me:* scopes, which a
// client gets only with WithMyAccountGrant. Answers are RFC 7807 problems;
// per-user limits follow WithMyAccountPlan (PlanFree by default: 2 reads and 2
// writes a minute). Passwords, the "Default Policy" and the tenant-level
// per-second limits are not emulated yet.
//
// # Passkeys
//
// POST /me/v1/authentication-methods {"type":"passkey"} answers 202 with an
// auth_session and authn_params_public_key (PublicKeyCredentialCreationOptions)
// and no id, Location …/passkey%7Cnew, as Auth0 does. The tenant is a real
// WebAuthn relying party: a fresh challenge per enrollment, rp.id PasskeyRPID()
// (the custom domain's host, or WithPasskeyRPID), excludeCredentials listing the
// user's passkeys; the verify checks the auth_session (single use, unexpired, of
// this user and client), clientDataJSON's type, challenge and origin (one of the
// client's WithWebOrigins, by default its redirect URIs' origins, and under
// rp.id), that the credential id is new, and go-webauthn verifies the
// attestation. The passkey is listed with the OAS members (key_id, public_key,
// credential_device_type from the backup-eligible flag, credential_backed_up
// from the backup-state flag, aaguid, user_agent from the verify request in
// the recorded form "Chrome 137.0.0 / Mac OS X 10.15.7", …),
// renamed and deleted like other methods; the MFA API does not list it and it
// is no second factor. Settings.Passkeys turns it off. Package webauthntest is
// a virtual authenticator for tests. The member names and the checks are
// Auth0's and WebAuthn's; the options' timeout and authenticatorSelection come
// from an SDK's test mock, and rp.name, the error bodies and the origin-under-
// rp.id rule are named guesses in the tenant package.
//
// The login page offers "Sign in with a passkey" when passkeys are on: request
// options with a fresh challenge per rendering, a same-origin script
// (/u/passkey.js) that calls navigator.credentials.get() and posts the
// assertion, verified with the stored key (the counter and last_auth_at
// move). The MFA rules of a password login apply after it
// (passkeyLoginSkipsMFA).
//
// # Not emulated
//
// Private-key JWT client authentication, implicit and hybrid flows,
// response_mode=form_post, the Management API, WebAuthn as an MFA factor,
// and Duo.
package auth0test
