package mfahandler

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/selfmfa/selfmfa/internal/phone"
	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/mfaapi"
	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
	"github.com/selfmfa/selfmfa/mfahandler/internal/mebackend"
	"github.com/selfmfa/selfmfa/mfahandler/internal/mfabackend"
	"github.com/selfmfa/selfmfa/myaccount"
	"github.com/selfmfa/selfmfa/session"
	"github.com/selfmfa/selfmfa/views"
)

// maxBodyBytes bounds every request body; the forms here are tiny.
const maxBodyBytes = 16 << 10

// maxFormFields bounds the number of form fields accepted on a POST, and of query parameters.
const maxFormFields = 16

// maxQueryBytes bounds the query string (the callback's is the longest: code, state, and an
// error description).
const maxQueryBytes = 8 << 10

// Handler serves the self-service MFA pages under its base path. Create it with New.
type Handler struct {
	cfg      Config
	opts     *options
	api      *mfaapi.Client
	svc      *enroll.Service
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	audience string
	scheme   string
	views    views.Views
	layout   views.Layout
	classes  views.Classes
	static   http.Handler
	cssURL   string
	jsURL    string
	mux      *http.ServeMux
	csp      string

	// factorCache holds the tenant's factors (My Account API), shared by every user.
	factorCache factorCache
	// enrollPaths are the paths that start each factor's setup, {base}/enroll/{factor}.
	enrollPaths map[enroll.Factor]string
	// pageSize is the largest page rendered so far (up to maxPageHint): each page's buffer
	// starts that big instead of growing by doubling as it is written.
	pageSize atomic.Int64

	stripWarn sync.Once
}

// New validates cfg and returns a Handler. It does not contact Auth0.
func New(cfg Config, opts ...Option) (*Handler, error) {
	o := defaultOptions()
	for _, opt := range opts {
		if opt != nil {
			opt(o)
		}
	}
	if err := validateBasePath(o.basePath); err != nil {
		return nil, err
	}
	for f := range o.factors {
		if !knownFactor(f) {
			return nil, fmt.Errorf("mfahandler: unknown factor %q in WithFactors", f)
		}
	}
	if len(o.factors) == 0 {
		return nil, errors.New("mfahandler: WithFactors enables no factor")
	}
	if !o.factors[FactorTOTP] && !o.factors[FactorPush] {
		// NIST SP 800-63B §3.1.3.3: codes by phone are restricted and email must not be an
		// out-of-band factor; a stronger method must always be on offer next to them.
		return nil, errors.New("mfahandler: WithFactors must include FactorTOTP or FactorPush: text message, voice and " +
			"email codes can be taken over (SIM swap, a read mailbox), so users must always be offered an app as well")
	}
	if o.maxAge <= 0 || o.maxAge > time.Hour {
		return nil, fmt.Errorf("mfahandler: WithMaxAge(%v) must be between 0 and 1h", o.maxAge)
	}
	if err := validateLimits(o.limits); err != nil {
		return nil, err
	}
	if err := cfg.validate(o); err != nil {
		return nil, err
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.logger == nil {
		o.logger = slog.Default()
	}
	if a, ok := cfg.Sessions.(session.CookieAdvisor); ok && isHTTPS(cfg.RedirectURL) {
		if advice := a.CookieNameAdvice(); advice != "" {
			o.logger.Info("mfahandler: " + advice)
		}
	}
	if o.httpClient == nil {
		o.httpClient = DefaultHTTPClient()
	}
	// Never follow a redirect from Auth0's endpoints: x/oauth2 would re-POST the client secret,
	// the authorization code and the PKCE verifier to wherever it points. A copy, so the host's
	// client is left as it is.
	hc := *o.httpClient
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if !o.noBreaker {
		next := hc.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		hc.Transport = &breaker{next: next, now: o.now}
	}
	o.httpClient = &hc
	if o.phoneValidator == nil {
		o.phoneValidator = phone.Normalize
	}
	if o.policy != nil && o.statusMaxAge == 0 {
		o.statusMaxAge = DefaultStatusMaxAge // the policy reads each user's status
	}
	if o.limiter == nil {
		o.limiter = limiter.NewMemory(limiter.WithClock(o.now))
	}
	if o.cop == nil {
		o.cop = http.NewCrossOriginProtection()
	}
	if o.noCOP {
		o.cop = nil
	}

	h := &Handler{cfg: cfg, opts: o}
	h.scheme = "https"
	if o.insecureLoopback {
		h.scheme = "http"
	}
	h.audience = "https://" + cfg.TenantDomain + "/mfa/"
	base := h.scheme + "://" + cfg.Domain

	apiOpts := []mfaapi.Option{
		mfaapi.WithHTTPClient(o.httpClient),
		mfaapi.WithClientSecret(cfg.ClientID, cfg.ClientSecret),
		mfaapi.WithClock(o.now),
	}
	if o.insecureLoopback {
		apiOpts = append(apiOpts, mfaapi.WithInsecureBaseURL(base))
	}
	api, err := mfaapi.New(cfg.Domain, apiOpts...)
	if err != nil {
		return nil, fmt.Errorf("mfahandler: %w", err)
	}
	h.api = api
	ledger, err := enroll.NewLedger(o.limiter, []byte(cfg.ClientSecret))
	if err != nil {
		return nil, fmt.Errorf("mfahandler: %w", err)
	}
	circuitOpen := func(err error) bool { return errors.Is(err, errCircuitOpen) }
	var backend enroll.Backend = mfabackend.New(api, circuitOpen)
	scopes := []string{"openid", "email", "enroll", "read:authenticators", "remove:authenticators"}
	if o.myAccount {
		// One host throughout: the audience, the token and the calls name Domain.
		h.audience = "https://" + cfg.Domain + "/me/"
		meOpts := []myaccount.Option{myaccount.WithHTTPClient(o.httpClient), myaccount.WithClock(o.now)}
		if o.insecureLoopback {
			meOpts = append(meOpts, myaccount.WithInsecureBaseURL(base))
		}
		me, err := myaccount.New(cfg.Domain, meOpts...)
		if err != nil {
			return nil, fmt.Errorf("mfahandler: %w", err)
		}
		// What the tenant needs cannot be read before a user signs in (the grant's scopes and
		// the API's activation show only in a user's token and calls): said once here, and the
		// first page names whatever is missing.
		o.logger.Info("mfahandler: on the My Account API; the tenant needs the API activated, a client grant for "+
			me.Audience()+" (the application's API Access tab > Auth0 My Account API > User-delegated Access) with "+
			myaccount.AllScopes+", and a login for that audience that asks for a second factor (the API's Default Policy, or an Action)",
			"audience", me.Audience())
		mb := mebackend.New(me, mebackend.Plan(o.myAccountPlan), circuitOpen, o.now)
		if o.noListReuse {
			mb.ReuseLists(false)
		}
		backend = mb
		scopes = append([]string{"openid", "email"}, strings.Fields(myaccount.AllScopes)...)
	}
	h.svc = &enroll.Service{
		Backend: backend,
		Ledger:  ledger,
		Limits: enroll.Limits{CodesPerEnrollment: o.limits.CodesPerEnrollment, Codes: o.limits.Codes,
			Sends: o.limits.Sends, SendsDaily: o.limits.SendsDaily, DestinationSends: o.limits.DestinationSends,
			TenantSends: o.limits.TenantSends, Enrollments: o.limits.Enrollments},
		Now:             o.now,
		Log:             o.logger,
		PhoneValidator:  o.phoneValidator,
		LastFactorGuard: o.lastFactorGuard,
	}

	h.oauth = oauth2.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		RedirectURL:  cfg.RedirectURL,
		Endpoint: oauth2.Endpoint{
			AuthURL:   base + "/authorize",
			TokenURL:  base + "/oauth/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
		// email: the account's verified email, to tell it from an email method (the MFA API
		// lists it and does not delete it).
		Scopes: scopes,
	}
	// Auth0's endpoints are fixed, so no discovery request is needed: New works offline and a
	// slow tenant never delays the host's start. Keys are fetched on first use.
	keyCtx := oidc.ClientContext(context.Background(), o.httpClient)
	keys := oidc.NewRemoteKeySet(keyCtx, base+"/.well-known/jwks.json")
	h.verifier = oidc.NewVerifier(base+"/", keys, &oidc.Config{ClientID: cfg.ClientID, Now: o.now, SupportedSigningAlgs: []string{oidc.RS256}})

	h.views = o.views.WithDefaults()
	h.layout = o.layout
	if h.layout == nil {
		h.layout = views.DefaultLayout
	}
	h.classes = views.DefaultClasses()
	if o.classes != nil {
		h.classes = *o.classes
	}
	h.classes = h.classes.Prepared() // every page's class attributes, built once
	h.enrollPaths = make(map[enroll.Factor]string, len(enroll.Specs()))
	for _, s := range enroll.Specs() {
		h.enrollPaths[s.Factor] = h.path("/enroll/" + string(s.Factor))
	}
	csp := o.csp
	if csp == DefaultContentSecurityPolicy {
		// Browsers apply form-action to the redirects that follow a form POST: a POST that needs a
		// fresh step-up (303 to /authorize) and a host's sign-out (redirect to /v2/logout) go to
		// the tenant, so the tenant's origin is allowed by default.
		csp = strings.Replace(csp, "form-action 'self'", "form-action 'self' "+base, 1)
	}
	h.csp = cspWithFrameAncestors(csp)
	h.static = http.StripPrefix(o.basePath+"/static/", http.FileServerFS(views.Static()))
	if !o.noStylesheet {
		h.cssURL = o.basePath + "/static/" + views.StylesheetFile()
	}
	h.jsURL = o.basePath + "/static/" + views.ScriptFile()
	h.routes()
	return h, nil
}

// validateLimits refuses limits that would make every enrollment fail at run time.
func validateLimits(l Limits) error {
	var errs []error
	if l.CodesPerEnrollment < 1 {
		errs = append(errs, errors.New("mfahandler: WithLimits: CodesPerEnrollment must be at least 1"))
	}
	names := map[string]bool{}
	for _, r := range []limiter.Rule{l.Codes, l.Sends, l.SendsDaily, l.DestinationSends, l.TenantSends, l.Enrollments} {
		if err := r.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("mfahandler: WithLimits: %w", err))
			continue
		}
		if names[r.Name] {
			errs = append(errs, fmt.Errorf("mfahandler: WithLimits: rule name %q is used twice; each rule needs its own", r.Name))
		}
		names[r.Name] = true
	}
	return errors.Join(errs...)
}

func knownFactor(f Factor) bool {
	_, ok := enroll.SpecOf(enroll.Factor(f))
	return ok
}

func validateBasePath(p string) error {
	if p == "" || p[0] != '/' || strings.HasSuffix(p, "/") || strings.ContainsAny(p, "?#{}* \t\r\n") || strings.Contains(p, "//") {
		return fmt.Errorf("mfahandler: base path %q must start with / and not end with one (e.g. /account/mfa)", p)
	}
	return nil
}

// Pattern is the pattern to register on an http.ServeMux: mux.Handle(h.Pattern(), h).
func (h *Handler) Pattern() string { return h.opts.basePath + "/" }

// BasePath is the path the handler is mounted at, e.g. "/account/mfa". Mount the handler
// without http.StripPrefix: it routes on full paths.
func (h *Handler) BasePath() string { return h.opts.basePath }

// Audience is the MFA API audience the handler requests: https://{TenantDomain}/mfa/.
func (h *Handler) Audience() string { return h.audience }

func (h *Handler) logger() *slog.Logger { return h.opts.logger }

func (h *Handler) path(p string) string { return h.opts.basePath + p }

// setSecurityHeaders is applied to every response, errors included.
func (h *Handler) setSecurityHeaders(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", h.csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Pragma", "no-cache")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.setSecurityHeaders(w)
	p := r.URL.Path
	if p != h.opts.basePath && !strings.HasPrefix(p, h.opts.basePath+"/") {
		h.stripWarn.Do(func() {
			h.logger().Warn("mfahandler: request path is outside the base path; do not wrap the handler in http.StripPrefix",
				"base_path", h.opts.basePath)
		})
		h.fail(w, r, h.notFound(r))
		return
	}
	if q := r.URL.RawQuery; len(q) > maxQueryBytes || strings.Count(q, "&")+strings.Count(q, ";") >= maxFormFields {
		h.fail(w, r, h.badRequest(r, mTooManyParams, nil))
		return
	}
	if name, ok := strings.CutPrefix(p, h.opts.basePath+"/static/"); ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		// Only existing files are served (no directory listing), and only the content-hashed
		// names are cached for long: an error or a plain name must not stick in caches.
		if fi, err := fs.Stat(views.Static(), name); err != nil || fi.IsDir() {
			h.fail(w, r, h.notFound(r))
			return
		}
		if name == views.StylesheetFile() || name == views.ScriptFile() {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		w.Header().Del("Pragma")
		h.static.ServeHTTP(w, r)
		return
	}
	if h.refusedCrossOrigin(w, r) {
		return
	}
	h.mux.ServeHTTP(w, r)
}

// refusedCrossOrigin answers 403 to a state-changing request from another origin (and bounds
// the body of every other one); it reports whether it answered. RequireRecentMFA applies it
// to the host routes it protects too.
func (h *Handler) refusedCrossOrigin(w http.ResponseWriter, r *http.Request) bool {
	if isSafeMethod(r.Method) {
		return false
	}
	if h.opts.cop != nil {
		if err := h.crossOriginCheck(r); err != nil {
			h.logger().Warn("mfahandler: cross-origin request refused", "method", r.Method, "path", r.URL.Path)
			if sub, ok := h.cfg.CurrentUser(r); ok && sub != "" {
				// For the host's audit trail: someone tried to act for this user from another
				// site. Bounded per user, so a hostile page cannot flood the trail (or the
				// user's notifications).
				if h.svc.Ledger.CrossOriginEventDue(r.Context(), sub) {
					h.emit(r.Context(), r, sub, EventAccessDenied, "", "cross_origin")
				}
			}
			h.fail(w, r, h.failure(r, http.StatusForbidden, tRefused, mCrossOrigin, err))
			return true
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	return false
}
