package mfahandler_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/tls"
	"encoding/base32"
	"encoding/binary"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"golang.org/x/net/html"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
	"github.com/selfmfa/selfmfa/session"
)

// testKey is generated once: RSA key generation dominates emulator start.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

const (
	alice = "auth0|alice"
	bob   = "auth0|bob"
)

// clock is the one controllable clock shared by the emulator, the handler and go-oidc.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// logBuffer collects the handler's JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}
func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.buf.String() }

// env is a host app (scs sessions, a test sign-in route) with selfmfa mounted, running against
// the emulated tenant through real loopback HTTP.
type env struct {
	t     *testing.T
	emu   *auth0test.Server
	clock *clock
	app   *httptest.Server
	h     *mfahandler.Handler
	logs  *logBuffer
	sm    *scs.SessionManager // the host's session manager, to inspect the store directly
	mux   *http.ServeMux      // the host's routes, for tests that add their own
	up    *upstream           // every call the handler makes to the tenant
	// myAccount: the handler runs on the My Account API (envConfig.myAccount).
	myAccount bool
	mu        sync.Mutex
	events    []mfahandler.Event
}

type envConfig struct {
	opts       []mfahandler.Option
	emuOpts    []auth0test.Option
	tenantHost func(emu *auth0test.Server) string // TenantDomain; default the canonical host
	domain     func(emu *auth0test.Server) string // Domain; default the canonical host
	// clientTimeout is the handler's HTTP client timeout towards the tenant (default 5 s).
	clientTimeout time.Duration
	// rewrite, when set, may change the tenant's answers before the handler reads them.
	rewrite func(req *http.Request, res *http.Response)
	// answer, when set, may answer a call in the tenant's place (a non-nil response): the
	// tenant never sees that call.
	answer func(req *http.Request) *http.Response
	// defaultFactors leaves WithFactors out, so the handler offers what it offers by default.
	defaultFactors bool
	// signOutOthers wires WithSignOutOtherSessions to session.SignOutOtherSCS on the host's
	// session manager.
	signOutOthers bool
	// myAccount runs the handler on the My Account API (WithMyAccountAPI), the emulator with
	// the client grant it needs and without per-user limits on either side (tests read and
	// write often; a test of the budget passes WithMyAccountAPI with its plan in opts).
	myAccount bool
	// meGrant are the scopes of the client's My Account grant (nil: all five); noMeGrant
	// leaves the grant out.
	meGrant   []string
	noMeGrant bool
	meOff     bool // the tenant has not activated the My Account API
	// tls serves the tenant over https (auth0test.WithTLS) and configures the handler as in
	// production but for WithLoopbackTenant: no WithInsecureLoopbackHTTP.
	tls bool
}

func newEnv(t *testing.T, cfg envConfig) *env {
	t.Helper()
	clk := &clock{now: time.Now().UTC().Truncate(time.Second)}
	emuOpts := []auth0test.Option{
		auth0test.WithSigningKey(testKey()),
		auth0test.WithClock(clk.Now),
		auth0test.WithUsers(
			auth0test.User{ID: alice, Email: "alice@example.com", Password: "alice-password", Name: "Alice", EmailVerified: true},
			auth0test.User{ID: bob, Email: "bob@example.com", Password: "bob-password", Name: "Bob"},
		),
	}
	if cfg.tls {
		emuOpts = append(emuOpts, auth0test.WithTLS())
	}
	if cfg.myAccount { // before the test's own options, which win (a test's WithMyAccountPlan)
		emuOpts = append(emuOpts, auth0test.WithMyAccountPlan(auth0test.PlanUnlimited))
		if cfg.meOff {
			emuOpts = append(emuOpts, auth0test.WithoutMyAccountAPI())
		}
		if !cfg.noMeGrant {
			emuOpts = append(emuOpts, auth0test.WithMyAccountGrant("", cfg.meGrant...))
		}
	}
	emuOpts = append(emuOpts, cfg.emuOpts...)
	emu := auth0test.RunT(t, emuOpts...)

	sm := scs.New()
	sm.Cookie.Name = "session"
	// As the README tells hosts to configure it. With an IdleTimeout, scs writes the whole
	// session back after every request, so concurrent requests race on it: the handler must
	// not depend on a request leaving the session alone.
	sm.IdleTimeout = 30 * time.Minute
	sm.Lifetime = 12 * time.Hour
	up := newUpstream(cfg.rewrite)
	up.answer = cfg.answer
	up.next.TLSClientConfig = &tls.Config{RootCAs: emu.CertPool()} // nil: the system's, unused over http
	t.Cleanup(up.close)
	e := &env{t: t, emu: emu, clock: clk, logs: &logBuffer{}, sm: sm, up: up, myAccount: cfg.myAccount}
	sm.ErrorFunc = session.ErrorFunc(slog.New(slog.NewJSONHandler(e.logs, nil))) // as the README asks
	mux := http.NewServeMux()
	e.mux = mux
	mux.HandleFunc("GET /test/signin", func(w http.ResponseWriter, r *http.Request) {
		sm.Put(r.Context(), "user", r.URL.Query().Get("sub"))
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /test/signout", func(w http.ResponseWriter, r *http.Request) {
		if err := sm.Destroy(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	e.app = httptest.NewServer(sm.LoadAndSave(mux))
	t.Cleanup(e.app.Close)

	callback := e.app.URL + "/account/mfa/callback"
	if err := emu.AddRedirectURI(emu.ClientID(), callback); err != nil {
		t.Fatal(err)
	}
	domain, tenantDomain := emu.Domain(), emu.Domain()
	if cfg.domain != nil {
		domain = cfg.domain(emu)
	}
	if cfg.tenantHost != nil {
		tenantDomain = cfg.tenantHost(emu)
	}
	timeout := 5 * time.Second
	if cfg.clientTimeout > 0 {
		timeout = cfg.clientTimeout
	}
	opts := append([]mfahandler.Option{
		mfahandler.WithClock(clk.Now),
		mfahandler.WithHTTPClient(&http.Client{Timeout: timeout, Transport: up}),
		mfahandler.WithLogger(slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		mfahandler.WithEvents(func(_ context.Context, ev mfahandler.Event) {
			e.mu.Lock()
			e.events = append(e.events, ev)
			e.mu.Unlock()
		}),
	}, cfg.opts...)
	if cfg.myAccount {
		opts = append([]mfahandler.Option{mfahandler.WithMyAccountAPI(mfahandler.PlanUnlimited)}, opts...)
	}
	if cfg.tls {
		opts = append([]mfahandler.Option{mfahandler.WithLoopbackTenant()}, opts...)
	} else {
		opts = append([]mfahandler.Option{mfahandler.WithInsecureLoopbackHTTP()}, opts...)
	}
	if !cfg.defaultFactors {
		opts = append([]mfahandler.Option{mfahandler.WithFactors(mfahandler.FactorTOTP, mfahandler.FactorSMS,
			mfahandler.FactorVoice, mfahandler.FactorEmail, mfahandler.FactorPush)}, opts...)
	}
	if cfg.signOutOthers {
		opts = append(opts, mfahandler.WithSignOutOtherSessions(session.SignOutOtherSCS(sm, "user")))
	}
	h, err := mfahandler.New(mfahandler.Config{
		Domain:       domain,
		TenantDomain: tenantDomain,
		ClientID:     emu.ClientID(),
		ClientSecret: emu.ClientSecret(),
		RedirectURL:  callback,
		Sessions:     session.NewSCS(sm),
		CurrentUser: func(r *http.Request) (string, bool) {
			s := sm.GetString(r.Context(), "user")
			return s, s != ""
		},
	}, opts...)
	if err != nil {
		t.Fatalf("mfahandler.New: %v", err)
	}
	e.h = h
	mux.Handle(h.Pattern(), h)
	return e
}

func (e *env) eventKinds() []mfahandler.EventKind {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ks []mfahandler.EventKind
	for _, ev := range e.events {
		ks = append(ks, ev.Kind)
	}
	return ks
}

func (e *env) hasEvent(k mfahandler.EventKind) bool {
	for _, x := range e.eventKinds() {
		if x == k {
			return true
		}
	}
	return false
}

// browser is one user agent: a cookie jar and manual redirects, so each hop can be inspected.
type browser struct {
	t   *testing.T
	e   *env
	c   *http.Client
	sub string
}

func (e *env) browser(sub string) *browser {
	jar, _ := cookiejar.New(nil)
	// A transport of its own: httptest.Server.Close closes http.DefaultTransport's idle
	// connections, which broke a parallel test's request that had just picked one up.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: e.emu.CertPool()} // a tenant WithTLS: its test CA
	e.t.Cleanup(tr.CloseIdleConnections)
	b := &browser{t: e.t, e: e, sub: sub, c: &http.Client{
		Transport:     tr,
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	if sub != "" {
		res := b.get(e.app.URL + "/test/signin?sub=" + url.QueryEscape(sub))
		if res.status != http.StatusNoContent {
			e.t.Fatalf("host sign-in: %d", res.status)
		}
	}
	return b
}

// page is one response, body read.
type page struct {
	status int
	header http.Header
	body   string
	url    *url.URL
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, header: res.Header, body: string(body), url: req.URL}
}

func (b *browser) get(u string) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return b.do(req)
}

// post sends a form the way a browser does from a same-origin page.
func (b *browser) post(u string, form url.Values) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	pu, _ := url.Parse(u)
	req.Header.Set("Origin", pu.Scheme+"://"+pu.Host)
	return b.do(req)
}

// follow follows redirects from p until a page that is not a redirect.
func (b *browser) follow(p page) page {
	b.t.Helper()
	for i := 0; i < 15 && p.status >= 300 && p.status < 400; i++ {
		loc, err := p.url.Parse(p.header.Get("Location"))
		if err != nil {
			b.t.Fatalf("bad Location %q", p.header.Get("Location"))
		}
		p = b.get(loc.String())
	}
	return p
}

// open GETs a path of the app and follows redirects.
func (b *browser) open(path string) page { b.t.Helper(); return b.follow(b.get(b.e.app.URL + path)) }

// submit posts a path of the app and follows redirects.
func (b *browser) submit(path string, form url.Values) page {
	b.t.Helper()
	return b.follow(b.post(b.e.app.URL+path, form))
}

// form is one <form> of a page.
type form struct {
	action string
	method string
	values url.Values // hidden inputs and the submit button's name/value
}

// forms parses every form of the page.
func (p page) forms(t *testing.T) []form {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(p.body))
	if err != nil {
		t.Fatalf("parse html: %v", err)
	}
	var out []form
	var walk func(n *html.Node, cur *form)
	walk = func(n *html.Node, cur *form) {
		if n.Type == html.ElementNode && n.Data == "form" {
			out = append(out, form{action: attr(n, "action"), method: attr(n, "method"), values: url.Values{}})
			cur = &out[len(out)-1]
		}
		if cur != nil && n.Type == html.ElementNode {
			switch {
			case n.Data == "input" && attr(n, "type") == "hidden":
				cur.values.Set(attr(n, "name"), attr(n, "value"))
			case n.Data == "button" && attr(n, "name") != "":
				cur.values.Set(attr(n, "name"), attr(n, "value"))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, cur) // forms do not nest, so cur stays valid while its children are walked
		}
	}
	walk(doc, nil)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// formTo finds the form whose action ends with suffix.
func (p page) formTo(t *testing.T, suffix string) form {
	t.Helper()
	for _, f := range p.forms(t) {
		if strings.HasSuffix(f.action, suffix) {
			return f
		}
	}
	t.Fatalf("no form posting to %q on page %s:\n%s", suffix, p.url, p.body)
	return form{}
}

// submitForm posts f (resolved against the page) with extra values and follows redirects.
func (b *browser) submitForm(p page, f form, extra url.Values) page {
	b.t.Helper()
	u, err := p.url.Parse(f.action)
	if err != nil {
		b.t.Fatalf("bad form action %q", f.action)
	}
	v := url.Values{}
	for k, vs := range f.values {
		v[k] = append([]string(nil), vs...)
	}
	for k, vs := range extra {
		v[k] = vs
	}
	return b.follow(b.post(u.String(), v))
}

// stepUp opens the list page and completes the emulated Universal Login (queued login, then the
// MFA challenge with the user's authenticator app when one exists).
func (b *browser) stepUp() page {
	b.t.Helper()
	b.e.emu.QueueLogin(b.sub)
	p := b.open("/account/mfa/")
	return b.passChallenge(p)
}

// passChallenge answers the emulator's challenge page, if p is one, with a TOTP code.
func (b *browser) passChallenge(p page) page {
	b.t.Helper()
	if !strings.Contains(p.url.Path, "/u/") && !strings.Contains(p.url.Path, "/authorize") {
		return p
	}
	if !strings.Contains(p.body, `name="code"`) {
		// Universal Login offers a Guardian user the push first: pick the app's codes.
		for _, f := range p.forms(b.t) {
			if strings.HasPrefix(f.values.Get("factor"), "totp|") && f.values.Get("action") == "select" {
				p = b.submitForm(p, f, nil)
				break
			}
		}
	}
	for _, a := range b.e.emu.Authenticators(b.sub) {
		if a.Active && strings.HasPrefix(a.ID, "totp|") {
			code, err := b.e.emu.TOTPCode(a.ID)
			if err != nil {
				b.t.Fatal(err)
			}
			f := p.formTo(b.t, "/u/mfa")
			return b.submitForm(p, f, url.Values{"code": {code}, "action": {"verify"}})
		}
	}
	b.t.Fatalf("stuck on the tenant's page %s:\n%s", p.url, p.body)
	return p
}

// totpCode computes an RFC 6238 code independently of the emulator (HMAC-SHA1, 6 digits, 30 s).
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(strings.ReplaceAll(secret, " ", "")))
	if err != nil {
		t.Fatalf("secret is not base32: %v", err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := (binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff) % 1000000
	s := "000000" + itoa(int(v))
	return s[len(s)-6:]
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func mustContain(t *testing.T, p page, parts ...string) {
	t.Helper()
	for _, s := range parts {
		if !strings.Contains(p.body, s) {
			t.Fatalf("page %s (status %d) does not contain %q:\n%s", p.url, p.status, s, p.body)
		}
	}
}

func mustNotContain(t *testing.T, p page, parts ...string) {
	t.Helper()
	for _, s := range parts {
		if strings.Contains(p.body, s) {
			t.Fatalf("page %s contains %q", p.url, s)
		}
	}
}
