package mfahandler

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/views"
)

// Factor is a kind of second factor a user can add.
type Factor string

// The factors selfmfa can enroll. FactorTOTP is on by default; the others are opt-in.
const (
	FactorTOTP  Factor = "totp"  // authenticator app (RFC 6238 one-time codes)
	FactorSMS   Factor = "sms"   // text message to a phone
	FactorVoice Factor = "voice" // voice call to a phone
	FactorEmail Factor = "email" // code by email: the weakest choice, labelled as such
	FactorPush  Factor = "push"  // Auth0 Guardian push notifications
)

// DefaultContentSecurityPolicy is sent on every response unless WithContentSecurityPolicy
// replaces it; the handler adds the tenant's origin (https://{Domain}) to form-action, because
// browsers apply form-action to the redirect to /authorize that follows a POST. Whatever a host
// sets, frame-ancestors 'none' is always kept.
const DefaultContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Limits are the local attempt limits. They are enforced per Auth0 user (not per session), so
// deleting a cookie resets nothing, and they sit below Auth0's own limits.
type Limits struct {
	// CodesPerEnrollment is how many wrong codes one pending enrollment accepts before it is
	// cancelled and must be started again.
	CodesPerEnrollment int
	// Codes limits code submissions per user.
	Codes limiter.Rule
	// Sends limits associate calls that send an SMS, voice call, email or push (including
	// resends) per user, over minutes; SendsDaily per user over the day.
	Sends      limiter.Rule
	SendsDaily limiter.Rule
	// DestinationSends limits codes sent to one phone number or email address, whoever asks
	// (a number bombed through many accounts). The number is kept only as a keyed hash.
	DestinationSends limiter.Rule
	// TenantSends limits codes sent by this app in all (toll fraud: someone enrolling numbers
	// of premium-rate lines through many accounts). Size it to the app's real traffic.
	TenantSends limiter.Rule
	// Enrollments limits enrollments started per user (each one costs a pending authenticator
	// at Auth0, and 50 failed ones lock the user out).
	Enrollments limiter.Rule
}

// DefaultLimits are stricter than Auth0's so that users meet ours first, with a clear message.
// Codes allows at most 98 wrong codes a day per user (8 at once, then one every 16 minutes):
// NIST SP 800-63B §5.2.2 caps consecutive failed attempts at 100; a code that works starts the
// budget afresh. Sends allow at most 3 codes in any 10 minutes and 10 a day per user (3 at
// once then one every 10 minutes; 4 a day at once then one every 3 h 59 min), at most 9 a day to
// one number or address, and 2,500 a day for the whole app (100 at once, then one every 36 s).
func DefaultLimits() Limits {
	return Limits{
		CodesPerEnrollment: 5,
		Codes:              limiter.Rule{Name: "codes", Burst: 8, Refill: 16 * time.Minute},
		Sends:              limiter.Rule{Name: "sends", Burst: 3, Refill: 10 * time.Minute},
		SendsDaily:         limiter.Rule{Name: "sends_daily", Burst: 4, Refill: 239 * time.Minute},
		DestinationSends:   limiter.Rule{Name: "destination_sends", Burst: 3, Refill: 210 * time.Minute},
		TenantSends:        limiter.Rule{Name: "tenant_sends", Burst: 100, Refill: 36 * time.Second},
		Enrollments:        limiter.Rule{Name: "enrollments", Burst: 10, Refill: 30 * time.Minute},
	}
}

// Option customises a Handler.
type Option func(*options)

type options struct {
	noListReuse      bool          // the benchmarks' fresh read per list (export_test.go)
	statusMaxAge     time.Duration // WithStatus; 0: off
	policy           *Policy       // WithPolicy
	basePath         string
	factors          map[Factor]bool
	lastFactorGuard  bool
	views            views.Views
	layout           views.Layout
	classes          *views.Classes
	noStylesheet     bool
	csp              string
	logger           *slog.Logger
	httpClient       *http.Client
	now              func() time.Time
	events           func(context.Context, Event)
	errorHandler     func(http.ResponseWriter, *http.Request, *Failure)
	unauthenticated  http.Handler
	phoneValidator   func(string) (string, error)
	limits           Limits
	limiter          limiter.Limiter
	maxAge           time.Duration
	clientIP         func(*http.Request) string
	formFields       func(*http.Request) templ.Component
	cop              *http.CrossOriginProtection
	noCOP            bool
	insecureLoopback bool
	loopbackHTTPS    bool
	myAccount        bool
	myAccountPlan    MyAccountPlan
	recentMFA        func(*http.Request) time.Time
	keyPrefix        string
	noSessionRenewal bool
	signOutOthers    func(r *http.Request, sub string) (int, error)
	noBreaker        bool
	requestTimeout   time.Duration
}

func defaultOptions() *options {
	return &options{
		basePath:  "/account/mfa",
		factors:   map[Factor]bool{FactorTOTP: true},
		csp:       DefaultContentSecurityPolicy,
		limits:    DefaultLimits(),
		maxAge:    10 * time.Minute,
		keyPrefix: "mfa.",
		// requestTimeout: one deadline for every upstream call of a request, so a hanging
		// tenant cannot hold a page for two or three per-call timeouts in a row.
		requestTimeout: 10 * time.Second,
	}
}

// WithBasePath mounts the handler somewhere other than /account/mfa. The path must start with
// "/" and not end with one.
func WithBasePath(p string) Option { return func(o *options) { o.basePath = p } }

// WithFactors sets which factors users may add (replacing the default, TOTP only). It must
// include FactorTOTP or FactorPush: SMS, voice and email are labelled as the weaker choices
// and are never offered alone.
func WithFactors(f ...Factor) Option {
	return func(o *options) {
		o.factors = map[Factor]bool{}
		for _, x := range f {
			o.factors[x] = true
		}
	}
}

// WithLastFactorGuard refuses to remove a user's last real factor (active factors other than
// email and the recovery code). Off by default.
func WithLastFactorGuard() Option { return func(o *options) { o.lastFactorGuard = true } }

// WithViews replaces whole pages; nil fields keep the defaults. The layout around them is set
// with WithLayout only.
func WithViews(v views.Views) Option { return func(o *options) { o.views = v } }

// WithLayout wraps every page, default or replaced by WithViews, in the host's own chrome (the
// one place to set the layout; nil keeps views.DefaultLayout).
func WithLayout(l views.Layout) Option { return func(o *options) { o.layout = l } }

// WithClasses adds the host's CSS classes next to selfmfa's stable "mfa-…" hooks.
func WithClasses(c views.Classes) Option { return func(o *options) { o.classes = &c } }

// WithoutDefaultStylesheet stops linking the embedded stylesheet (the host styles the hooks).
func WithoutDefaultStylesheet() Option { return func(o *options) { o.noStylesheet = true } }

// WithContentSecurityPolicy replaces the default CSP, e.g. to allow a host layout's fonts.
// "frame-ancestors 'none'" is appended when the policy has no frame-ancestors directive, and a
// weaker frame-ancestors directive is replaced.
func WithContentSecurityPolicy(csp string) Option { return func(o *options) { o.csp = csp } }

// WithLogger sets the logger (default: slog.Default()). Secrets never reach it.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithHTTPClient sets the client for every call to Auth0 (default: DefaultHTTPClient()). The
// handler uses a copy that never follows redirects.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithClock sets the clock used for token expiry, recency and limits (tests).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithEvents receives one typed Event per security-relevant action, for audit and for
// notifying the user. Events never carry secrets.
func WithEvents(fn func(context.Context, Event)) Option { return func(o *options) { o.events = fn } }

// WithErrorHandler renders failures instead of the default error page. Show the user
// Failure.Title and Message only; Failure.Err is for your log (Auth0's description of an
// /mfa/associate error, which may echo the number or address typed, is already removed).
func WithErrorHandler(fn func(http.ResponseWriter, *http.Request, *Failure)) Option {
	return func(o *options) { o.errorHandler = fn }
}

// WithUnauthenticated handles requests from visitors who are not signed in to the host (for
// example a redirect to the host's login). The default answers 401 with the error page.
func WithUnauthenticated(h http.Handler) Option { return func(o *options) { o.unauthenticated = h } }

// WithPhoneValidator replaces the built-in E.164 check. The function returns the number in
// E.164 form or an error whose text is shown to the user.
func WithPhoneValidator(fn func(raw string) (e164 string, err error)) Option {
	return func(o *options) { o.phoneValidator = fn }
}

// WithRecentMFA tells selfmfa when the host's own login last passed a second factor (zero:
// not, or not known) — for a host that cannot hand its token over with AdoptToken (its login
// asks for an API audience of its own). Auth0 challenges again for selfmfa's token, and a code
// works once: when the host's challenge was less than RecentMFAWindow ago, the security page
// first says that a new code is needed, with a Continue button, instead of sending the user
// straight to a challenge whose first try may fail.
func WithRecentMFA(at func(r *http.Request) time.Time) Option {
	return func(o *options) { o.recentMFA = at }
}

// RecentMFAWindow is how recent the host's challenge must be for the notice of
// WithRecentMFA: Auth0 accepts the current and the previous 30-second TOTP code, and refuses
// one used already, so for about a minute the code the app shows may be the used one; two
// minutes leave room for the page views in between.
const RecentMFAWindow = 2 * time.Minute

// MyAccountPlan is the tenant's Auth0 plan, which sets the My Account API's per-user limits
// (Free: 2 reads and 2 writes a minute per user; Essentials and Professional 5; Enterprise 5).
type MyAccountPlan int

// Plans.
const (
	PlanFree MyAccountPlan = iota
	PlanEssentials
	PlanEnterprise
	// PlanUnlimited keeps no per-user write budget: for a tenant whose limits Auth0 raised,
	// and for tests against auth0test started WithMyAccountPlan(auth0test.PlanUnlimited).
	// A 429 from Auth0 still becomes "try again in N seconds".
	PlanUnlimited
)

// WithMyAccountAPI uses Auth0's My Account API instead of the MFA API: methods have names and
// dates, a phone is one method with a preferred channel, and the custom domain works as Domain
// without TenantDomain (one host throughout). The step-up asks for the audience
// https://{Domain}/me/ and the five *:me:* scopes, which the application needs a client grant
// for; because that audience does not make Auth0 challenge, the step-up's ID token must say it
// did (amr "mfa") for a user who has a method, or the page names the fix: the My Account
// API's Default Policy or an Action that requires MFA. plan sets the per-user write budget the
// handler keeps, so that no write is sent that Auth0 would refuse.
func WithMyAccountAPI(plan MyAccountPlan) Option {
	return func(o *options) { o.myAccount, o.myAccountPlan = true, plan }
}

// WithLimits replaces DefaultLimits.
func WithLimits(l Limits) Option { return func(o *options) { o.limits = l } }

// WithLimiter stores attempt counters and per-user locks somewhere shared (e.g. Redis) when the
// app runs on several instances. The default is in memory.
func WithLimiter(l limiter.Limiter) Option { return func(o *options) { o.limiter = l } }

// WithMaxAge sets how recent the user's sign-in must be to manage factors (default 10 minutes).
// It is sent as max_age and checked against auth_time on every action.
func WithMaxAge(d time.Duration) Option { return func(o *options) { o.maxAge = d } }

// WithClientIP tells the handler the client's IP for events. Trusted proxies are the host's
// knowledge; without this option events carry r.RemoteAddr's host and never X-Forwarded-For.
func WithClientIP(fn func(r *http.Request) string) Option {
	return func(o *options) { o.clientIP = fn }
}

// WithFormFields adds host hidden inputs (e.g. a CSRF token) to every form.
func WithFormFields(fn func(r *http.Request) templ.Component) Option {
	return func(o *options) { o.formFields = fn }
}

// WithCrossOriginProtection shares the host's configured protection (trusted origins, bypass
// patterns) instead of selfmfa's default one. nil keeps the default.
func WithCrossOriginProtection(c *http.CrossOriginProtection) Option {
	return func(o *options) {
		if c != nil {
			o.cop = c
		}
	}
}

// WithoutCrossOriginProtection turns selfmfa's own cross-origin check off. Use it only when the
// host already applies http.CrossOriginProtection (or an equivalent) to this subtree.
func WithoutCrossOriginProtection() Option { return func(o *options) { o.noCOP = true } }

// WithInsecureLoopbackHTTP lets the handler talk plain HTTP to a tenant on a loopback address:
// the emulated tenant of auth0test. It MUST NOT be used with a real tenant; New refuses it for
// a non-loopback Domain.
func WithInsecureLoopbackHTTP() Option { return func(o *options) { o.insecureLoopback = true } }

// WithLoopbackTenant accepts a tenant on a loopback address served over https: the emulated
// tenant of auth0test started WithTLS, with a client that trusts its test CA
// (WithHTTPClient(emu.Client())). Everything else is as in production. New refuses it for a
// non-loopback Domain.
func WithLoopbackTenant() Option { return func(o *options) { o.loopbackHTTPS = true } }

// loopbackTenant reports whether a loopback tenant is allowed (over http or https).
func (o *options) loopbackTenant() bool { return o.insecureLoopback || o.loopbackHTTPS }

// WithoutSessionRenewal accepts a Config.Sessions store that cannot rotate the session
// identifier (does not implement session.Renewer). Without renewal, a session identifier that
// was fixed or observed before the step-up login stays valid after it (OWASP ASVS 3.2.1); use
// it only when the host rotates the identifier itself. session.NewSCS needs no such option.
func WithoutSessionRenewal() Option { return func(o *options) { o.noSessionRenewal = true } }

// WithSignOutOtherSessions offers the user, after they add or remove a sign-in method, to sign
// out their other sessions (ASVS 7.4.3): the list page shows the choice, and "Sign out other
// sessions" calls fn with the request (whose session must stay) and the user's Auth0 subject.
// fn returns how many sessions it ended. For scs, session.SignOutOtherSCS(sm, "your user key")
// does it with any store that can list its sessions (memstore, redisstore, …). Without this
// option nothing is offered.
func WithSignOutOtherSessions(fn func(r *http.Request, sub string) (int, error)) Option {
	return func(o *options) { o.signOutOthers = fn }
}

// WithoutCircuitBreaker turns off the circuit breaker in front of Auth0 (on by default: after
// 5 calls without an answer or with a 5xx within 30 seconds, calls fail at once for 30 seconds,
// then one trial call decides). Turn it off only if your HTTP client already has one.
func WithoutCircuitBreaker() Option { return func(o *options) { o.noBreaker = true } }

// WithRequestTimeout bounds how long one request may wait for Auth0 in all (default 10 s): every
// call the request makes shares this one deadline, on top of each call's own timeout. When it
// runs out after Auth0 may have acted, the page says to check rather than that nothing changed.
func WithRequestTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.requestTimeout = d
		}
	}
}

// WithSessionKeyPrefix changes the prefix of selfmfa's session keys (default "mfa.").
func WithSessionKeyPrefix(p string) Option { return func(o *options) { o.keyPrefix = p } }

// cspWithFrameAncestors makes sure frame-ancestors 'none' survives any host policy.
func cspWithFrameAncestors(csp string) string {
	parts := strings.Split(csp, ";")
	out := make([]string, 0, len(parts)+1)
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if strings.HasPrefix(strings.ToLower(p), "frame-ancestors") {
			continue
		}
		out = append(out, p)
	}
	out = append(out, "frame-ancestors 'none'")
	return strings.Join(out, "; ")
}
