package auth0test

import (
	"crypto/rsa"
	"io"
	"log/slog"
	"time"
)

// Option configures a Server.
type Option func(*config)

type clientConfig struct {
	id, secret   string
	redirectURIs []string
}

type config struct {
	addr           string
	clients        []*clientConfig
	grantOverrides []grantOverride
	logoutURLs     []grantOverride
	users          []User
	settings       *Settings
	tenantName     string
	random         io.Reader
	logger         *slog.Logger
	requestLog     bool
	devPages       bool
	clock          func() time.Time
	key            *rsa.PrivateKey
	freshKey       bool
	tls            bool
	rotations      []rotationOption
	meGrants       []grantOverride
	mePlan         MyAccountPlan
	meOff          bool
	rateLimit      int
	rateWindow     time.Duration
	rateSet        bool
	invalidClient  bool
	apis           []apiConfig
	passkeyRPID    string
	webOrigins     []grantOverride
}

type grantOverride struct {
	clientID string
	values   []string
}

type apiConfig struct {
	identifier string
	scopes     []string
}

// WithAddr sets the listen address (default "127.0.0.1:0"). The emulator is
// meant for loopback; the canonical domain is the listener's host:port
// ("127.0.0.1:P" for an unspecified host) and the custom domain
// "localhost:P".
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithClient registers an application (a regular web app). An empty secret
// makes a public client, which must use PKCE. The first WithClient becomes
// ClientID/ClientSecret; without any, one confidential client with random
// credentials and no redirect URIs is generated (see AddRedirectURI).
// New clients have the authorization_code, password, password-realm and the
// three MFA grants enabled.
func WithClient(id, secret string, redirectURIs ...string) Option {
	return func(c *config) {
		c.clients = append(c.clients, &clientConfig{id: id, secret: secret, redirectURIs: redirectURIs})
	}
}

// WithGrantTypes sets exactly which grant types clientID may use.
// MFAGrantTypes lists the three MFA grants, which Auth0 enables together.
func WithGrantTypes(clientID string, grants ...string) Option {
	return func(c *config) {
		c.grantOverrides = append(c.grantOverrides, grantOverride{clientID, grants})
	}
}

// WithLogoutURLs sets the allowed logout URLs (returnTo of /v2/logout) of
// clientID. Without it a client allows the origins of its redirect URIs
// (scheme://host and scheme://host/).
func WithLogoutURLs(clientID string, urls ...string) Option {
	return func(c *config) { c.logoutURLs = append(c.logoutURLs, grantOverride{clientID, urls}) }
}

// WithUsers adds users to the database connection.
func WithUsers(users ...User) Option {
	return func(c *config) { c.users = append(c.users, users...) }
}

// WithSettings sets the tenant's MFA settings (default DefaultSettings()).
func WithSettings(s Settings) Option {
	return func(c *config) { cp := s.clone(); c.settings = &cp } // a copy each time: an Option may be shared by tenants started at once
}

// WithTenantName sets the tenant's friendly name, shown on the pages and in
// TOTP barcode URIs (default "auth0emu").
func WithTenantName(name string) Option { return func(c *config) { c.tenantName = name } }

// WithRand sets the source of randomness for ids, codes, secrets and tokens
// (default crypto/rand.Reader). Signing keys always come from crypto/rand.
func WithRand(r io.Reader) Option { return func(c *config) { c.random = r } }

// WithLogger sets the logger for the server's warnings and errors (a
// handler panic, a page that failed to render, the HTTP server's own
// errors) and, with WithRequestLog, its request lines. Default: discard
// (RunT: the test log).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithRequestLog logs one line per request served (method, host, path,
// status, duration; never query strings, bodies or tokens) to the logger.
// Off by default: a TOTP journey is about 65 requests.
func WithRequestLog(on bool) Option { return func(c *config) { c.requestLog = on } }

// WithDevPages serves /_dev/inbox (delivered SMS, voice and email codes)
// and /_dev/guardian (pending pushes with Approve/Reject) and links them
// from the login pages. Off by default in the library, on in cmd/auth0emu.
// The inbox shows codes to anyone who can reach the server: loopback only.
func WithDevPages(on bool) Option { return func(c *config) { c.devPages = on } }

// WithClock makes now the base of the server's clock (default time.Now),
// so a host test can share one clock with its handler and go-oidc. SetNow
// and Advance still work on top of it.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithSigningKey sets the RS256 key. By default every Server in the process signs with one
// 2048-bit key, generated when the first Server starts, so that a tenant starts in
// microseconds rather than the tens of milliseconds a new key takes. Tenants then accept each
// other's signatures (their issuers and audiences still differ, and are checked); a test of
// a foreign or rotated key uses WithSigningKey or WithFreshSigningKey.
func WithSigningKey(k *rsa.PrivateKey) Option { return func(c *config) { c.key = k } }

// WithFreshSigningKey gives the Server a signing key of its own, generated as it starts, the
// way two real tenants never share a key.
func WithFreshSigningKey() Option { return func(c *config) { c.freshKey = true } }

// WithRateLimit sets the server-wide token bucket: limit requests per
// window, refilled continuously (default RateLimit per RateLimitWindow).
// limit 0 disables the bucket and its X-RateLimit-* headers.
func WithRateLimit(limit int, window time.Duration) Option {
	return func(c *config) { c.rateLimit, c.rateWindow, c.rateSet = limit, window, true }
}

// WithTLS serves the tenant over HTTPS, as Auth0 is served: URL, Issuer and the issuer of
// tokens are https://, so a host tests with its production configuration (no Insecure…
// options) and with SDKs that insist on https (go-auth0). The certificate, for 127.0.0.1 and
// localhost, is signed by a CA of the test process: Client trusts it; CertPool and CACertPEM
// give it to other clients.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// WithMyAccountGrant gives a client the grant the My Account API requires for user flows
// (Dashboard: the application's API Access tab, Auth0 My Account API, User-delegated Access),
// with these scopes (none: all five). clientID "" names the server's first client (the one
// ClientID returns). Without a grant, a login that asks for the My Account audience is
// refused, as Auth0's require_client_grant policy refuses it.
func WithMyAccountGrant(clientID string, scopes ...string) Option {
	return func(c *config) { c.meGrants = append(c.meGrants, grantOverride{clientID, scopes}) }
}

// WithoutMyAccountAPI is a tenant that has not activated the My Account API: its audience
// names no API, and a login that asks for it is refused with "Service not found".
func WithoutMyAccountAPI() Option { return func(c *config) { c.meOff = true } }

// WithMyAccountPlan sets the plan whose per-user My Account limits apply (default PlanFree:
// 2 reads and 2 writes a minute per user; PlanUnlimited lifts them for a test).
func WithMyAccountPlan(p MyAccountPlan) Option { return func(c *config) { c.mePlan = p } }

type rotationOption struct {
	clientID string
	rotation
}

// WithRefreshTokenRotation turns refresh token rotation on for a client, as the application
// setting "Allow Refresh Token Rotation" does: every refresh_token exchange returns a new
// refresh token and retires the one used; a retired token exchanged again more than overlap
// after its rotation ("Rotation Overlap Period") revokes its whole family (reuse detection).
// Rotating tokens expire RefreshTokenLifetime after the login and RefreshTokenIdleLifetime
// after their last use. Without it refresh tokens do not rotate and do not expire.
func WithRefreshTokenRotation(clientID string, overlap time.Duration) Option {
	return func(c *config) {
		c.rotations = append(c.rotations, rotationOption{clientID, rotation{on: true, overlap: overlap}})
	}
}

// WithoutRateLimit lifts the server-wide limit (RateLimit requests per RateLimitWindow, the
// Free plan's): a tenant shared by many tests, or by a long suite, otherwise answers 429 after
// about 75 enrollments a minute. The per-user limits that are behaviour under test (wrong
// codes, codes sent, enrollment attempts) stay. Same as WithRateLimit(0, 0).
func WithoutRateLimit() Option { return WithRateLimit(0, 0) }

// WithInvalidClientErrors answers client authentication failures with
// 401 invalid_client (newer Auth0 docs) instead of 401 access_denied
// "Unauthorized" (the historical body).
func WithInvalidClientErrors() Option { return func(c *config) { c.invalidClient = true } }

// WithAPI registers an API (resource server) that /authorize and the
// password grants accept as audience, with the scopes it defines. The MFA
// audiences and "{issuer}userinfo" are always known; any other audience is
// refused with access_denied "Service not found: …".
func WithAPI(identifier string, scopes ...string) Option {
	return func(c *config) { c.apis = append(c.apis, apiConfig{identifier, scopes}) }
}

// MFAGrantTypes returns the three MFA grant types ("MFA" in the dashboard
// enables all three together, reference §1.5).
func MFAGrantTypes() []string {
	return []string{GrantMFAOTP, GrantMFAOOB, GrantMFARecoveryCode}
}

// defaultGrantTypes are enabled on new clients.
func defaultGrantTypes() []string {
	return []string{GrantAuthorizationCode, GrantPassword, GrantPasswordRealm, GrantMFAOTP, GrantMFAOOB, GrantMFARecoveryCode, GrantRefreshToken}
}

func supportedGrant(g string) bool {
	switch g {
	case GrantAuthorizationCode, GrantPassword, GrantPasswordRealm, GrantMFAOTP, GrantMFAOOB, GrantMFARecoveryCode, GrantRefreshToken:
		return true
	}
	return false
}
