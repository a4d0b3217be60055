package mfahandler

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/a-h/templ"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/selfmfa/selfmfa/internal/phone"
	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/mfaapi"
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
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	audience string
	scheme   string
	views    views.Views
	classes  views.Classes
	static   http.Handler
	cssURL   string
	jsURL    string
	mux      *http.ServeMux
	csp      string
	limits   Limits
	lim      limiter.Limiter

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
		o.httpClient = &http.Client{Timeout: defaultUpstreamTimeout}
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
	if o.limiter == nil {
		o.limiter = limiter.NewMemory(limiter.WithClock(o.now))
	}
	if !o.copSet {
		o.cop = http.NewCrossOriginProtection()
	}

	h := &Handler{cfg: cfg, opts: o, limits: o.limits, lim: o.limiter}
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

	h.oauth = oauth2.Config{
		ClientID:     cfg.ClientID,
		ClientSecret: cfg.ClientSecret,
		RedirectURL:  cfg.RedirectURL,
		Endpoint: oauth2.Endpoint{
			AuthURL:   base + "/authorize",
			TokenURL:  base + "/oauth/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
		Scopes: []string{"openid", "enroll", "read:authenticators", "remove:authenticators"},
	}
	// Auth0's endpoints are fixed, so no discovery request is needed: New works offline and a
	// slow tenant never delays the host's start. Keys are fetched on first use.
	keyCtx := oidc.ClientContext(context.Background(), o.httpClient)
	keys := oidc.NewRemoteKeySet(keyCtx, base+"/.well-known/jwks.json")
	h.verifier = oidc.NewVerifier(base+"/", keys, &oidc.Config{ClientID: cfg.ClientID, Now: o.now, SupportedSigningAlgs: []string{oidc.RS256}})

	h.views = o.views.WithDefaults()
	if o.layout != nil {
		h.views.Layout = o.layout
	}
	h.classes = views.DefaultClasses()
	if o.classes != nil {
		h.classes = *o.classes
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
	for _, r := range []limiter.Rule{l.Codes, l.Sends, l.Enrollments} {
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
	for _, k := range allFactors {
		if k == f {
			return true
		}
	}
	return false
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
		h.fail(w, r, &Failure{Status: http.StatusNotFound, Title: "Page not found", Message: "This page does not exist."})
		return
	}
	if q := r.URL.RawQuery; len(q) > maxQueryBytes || strings.Count(q, "&")+strings.Count(q, ";") >= maxFormFields {
		h.fail(w, r, &Failure{Status: http.StatusBadRequest, Title: "Invalid request",
			Message: "The address had too many parameters. Nothing was changed."})
		return
	}
	if name, ok := strings.CutPrefix(p, h.opts.basePath+"/static/"); ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		// Only existing files are served (no directory listing), and only the content-hashed
		// names are cached for long: an error or a plain name must not stick in caches.
		if fi, err := fs.Stat(views.Static(), name); err != nil || fi.IsDir() {
			h.fail(w, r, &Failure{Status: http.StatusNotFound, Title: "Page not found", Message: "This page does not exist."})
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
	if !isSafeMethod(r.Method) {
		if h.opts.cop != nil {
			if err := h.opts.cop.Check(r); err != nil {
				h.logger().Warn("mfahandler: cross-origin request refused", "method", r.Method, "path", p)
				if sub, ok := h.cfg.CurrentUser(r); ok && sub != "" {
					// For the host's audit trail: someone tried to act for this user from another
					// site. Bounded per user, so a hostile page cannot flood the trail (or the
					// user's notifications).
					if d, err := h.lim.Take(r.Context(), "xorigin:"+sub, crossOriginEventRule()); err == nil && d.Allowed {
						h.emit(r.Context(), r, sub, EventAccessDenied, "", "cross_origin")
					}
				}
				h.fail(w, r, &Failure{Status: http.StatusForbidden, Title: "Request refused",
					Message: "This request came from another site and was refused. Nothing was changed.", Err: err})
				return
			}
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	}
	h.mux.ServeHTTP(w, r)
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

// request is what every page handler gets: the signed-in host user and the request.
type request struct {
	*http.Request
	sub string
}

type pageFunc func(w http.ResponseWriter, r *request) error

// page wraps a page handler: it requires a signed-in host user, parses and bounds POST forms,
// and renders failures.
func (h *Handler) page(fn pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A panic (in a host view, layout or hook, or a bug of ours) answers an error page
		// instead of a dropped connection: the host's session middleware then still commits
		// (its session id may have been rotated already) and the user keeps their place.
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.logger().Error("mfahandler: panic while serving a page", "path", r.URL.Path, "panic", panicText(v), "stack", string(debug.Stack()))
			h.fail(w, r, &Failure{Status: http.StatusInternalServerError, Title: "Something went wrong",
				Message: "This page could not be shown. Go back to your sign-in methods to see their current state."})
		}()
		sub, ok := h.cfg.CurrentUser(r)
		if !ok || sub == "" {
			if h.opts.unauthenticated != nil {
				h.opts.unauthenticated.ServeHTTP(w, r)
				return
			}
			h.fail(w, r, &Failure{Status: http.StatusUnauthorized, Title: "Please sign in",
				Message: "You need to be signed in to manage your sign-in methods.", NextLabel: "Go to the home page", NextURL: "/"})
			return
		}
		if r.Method == http.MethodPost {
			if err := parsePostForm(r); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		if err := fn(w, &request{Request: r, sub: sub}); err != nil {
			h.fail(w, r, err)
		}
	})
}

// parsePostForm accepts only application/x-www-form-urlencoded bodies with single-valued,
// bounded fields. The query string is ignored on POST.
func parsePostForm(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if !strings.EqualFold(strings.TrimSpace(ct), "application/x-www-form-urlencoded") {
		return &Failure{Status: http.StatusUnsupportedMediaType, Title: "Unsupported form",
			Message: "The form was sent in a format this page does not accept. Nothing was changed."}
	}
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &Failure{Status: http.StatusRequestEntityTooLarge, Title: "Form too large",
				Message: "The form was too large. Nothing was changed.", Err: err}
		}
		return &Failure{Status: http.StatusBadRequest, Title: "Invalid form", Message: "The form could not be read. Nothing was changed.", Err: err}
	}
	if len(r.PostForm) > maxFormFields {
		return &Failure{Status: http.StatusBadRequest, Title: "Invalid form", Message: "The form had too many fields. Nothing was changed."}
	}
	for _, v := range r.PostForm {
		if len(v) != 1 {
			return &Failure{Status: http.StatusBadRequest, Title: "Invalid form", Message: "A form field was sent twice. Nothing was changed."}
		}
	}
	return nil
}

// formValue is the single POST value of a field (never the query string).
func formValue(r *request, key string) string {
	if v := r.PostForm[key]; len(v) == 1 {
		return v[0]
	}
	return ""
}

// render writes a page with status. The page is rendered into a buffer first so a template
// error never produces half a page; session writes must already be done.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	buf, err := prepare(r, c)
	if err != nil {
		return err
	}
	return writePage(w, r, status, buf)
}

// prepare renders c into a buffer: a failing (or panicking) view changes nothing yet.
func prepare(r *http.Request, c templ.Component) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return nil, fmt.Errorf("mfahandler: rendering page: %w", err)
	}
	return &buf, nil
}

// writePage sends a prepared page.
func writePage(w http.ResponseWriter, r *http.Request, status int, buf *bytes.Buffer) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if w.Header().Get(session.ErrorHeader) != "" {
		// The host's session store failed to save as the response started, and its ErrorFunc
		// has answered 503: nothing of this page (it may show a secret) may follow.
		return errSessionNotSaved
	}
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, buf)
	}
	return nil
}

// errSessionNotSaved reports that the session store failed as the response started and a 503
// was already written (session.ErrorFunc): the request must not answer anything else.
var errSessionNotSaved = errors.New("mfahandler: the session could not be saved; the store's error answer was sent")

// seeOther is the post-redirect-get answer to every POST, and the redirect of a GET that has
// nothing to show (e.g. no enrollment in progress).
func seeOther(w http.ResponseWriter, target string) error {
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusSeeOther)
	return nil
}

// crossOriginEventRule bounds access_denied events for refused cross-origin requests: 60 at
// once per user, then one a minute.
func crossOriginEventRule() limiter.Rule {
	return limiter.Rule{Name: "cross_origin_events", Burst: 60, Refill: time.Minute}
}

// panicText is a recovered panic value for the log: a runtime error's message (an index out
// of range, a nil dereference), otherwise only the value's type, since a host view or hook
// that panics may have been handed a secret (a TOTP key, a recovery code) to show.
func panicText(v any) string {
	if re, ok := v.(runtime.Error); ok {
		return limitLen(re.Error(), 200)
	}
	return fmt.Sprintf("a value of type %T", v)
}

// defaultUpstreamTimeout bounds each call to Auth0 when the host passes no client. Calls are
// never retried, so it is also the most a page waits for one call.
const defaultUpstreamTimeout = 8 * time.Second

// randomString returns 128 random bits as text (crypto/rand.Text never fails).
func randomString() string { return rand.Text() }

func (h *Handler) clientIP(r *http.Request) string {
	if h.opts.clientIP != nil {
		return h.opts.clientIP(r)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
