package mfahandler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/mfahandler"
)

// upstream is the handler's transport towards the tenant: it records every call (method and
// path, never bodies) and can rewrite answers, e.g. to play a tenant that returns hostile data.
type upstream struct {
	next    *http.Transport
	rewrite func(req *http.Request, res *http.Response)
	// answer, when set, may answer a call in the tenant's place (non-nil): the tenant never
	// sees it.
	answer func(req *http.Request) *http.Response
	mu     sync.Mutex
	calls  []string
	scheme map[string]bool // URL schemes of the calls
	// timeouts gives calls ("METHOD /path-prefix") a short deadline of their own, so that a
	// hanging call fails fast while every other call keeps the client's normal timeout.
	timeouts map[string]time.Duration
}

// schemes returns the URL schemes the handler's calls used, sorted.
func (u *upstream) schemes() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Sorted(maps.Keys(u.scheme))
}

func (u *upstream) clearTimeouts() { u.mu.Lock(); defer u.mu.Unlock(); u.timeouts = nil }

// timeoutOn makes calls of method to paths starting with prefix give up after d (0 removes it).
func (u *upstream) timeoutOn(method, prefix string, d time.Duration) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.timeouts == nil {
		u.timeouts = map[string]time.Duration{}
	}
	u.timeouts[method+" "+prefix] = d
}

func newUpstream(rewrite func(*http.Request, *http.Response)) *upstream {
	tr, _ := http.DefaultTransport.(*http.Transport)
	return &upstream{next: tr.Clone(), rewrite: rewrite}
}

func (u *upstream) RoundTrip(req *http.Request) (*http.Response, error) {
	u.mu.Lock()
	u.calls = append(u.calls, req.Method+" "+req.URL.Path)
	if u.scheme == nil {
		u.scheme = map[string]bool{}
	}
	u.scheme[req.URL.Scheme] = true
	var d time.Duration
	for k, v := range u.timeouts {
		m, p, _ := strings.Cut(k, " ")
		if v > 0 && m == req.Method && strings.HasPrefix(req.URL.Path, p) {
			d = v
		}
	}
	u.mu.Unlock()
	if u.answer != nil {
		if res := u.answer(req); res != nil {
			return res, nil
		}
	}
	if d > 0 {
		ctx, cancel := context.WithTimeout(req.Context(), d)
		defer cancel()
		req = req.WithContext(ctx)
		res, err := u.next.RoundTrip(req)
		if err == nil {
			// The body must be read before cancel: keep it in memory.
			b, rerr := io.ReadAll(res.Body)
			_ = res.Body.Close()
			if rerr != nil {
				return nil, rerr
			}
			res.Body = io.NopCloser(bytes.NewReader(b))
		}
		return res, err
	}
	res, err := u.next.RoundTrip(req)
	if err == nil && u.rewrite != nil {
		u.rewrite(req, res)
	}
	return res, err
}

func (u *upstream) close() { u.next.CloseIdleConnections() }

// mark returns a position in the call log, for since.
func (u *upstream) mark() int { u.mu.Lock(); defer u.mu.Unlock(); return len(u.calls) }

// since returns the calls made after mark.
func (u *upstream) since(mark int) []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.calls[mark:]...)
}

// count counts calls after mark with this method whose path starts with prefix.
func (u *upstream) count(mark int, method, prefix string) int {
	n := 0
	for _, c := range u.since(mark) {
		m, p, _ := strings.Cut(c, " ")
		if m == method && strings.HasPrefix(p, prefix) {
			n++
		}
	}
	return n
}

// noCalls fails when the handler called the tenant after mark.
func (u *upstream) noCalls(t *testing.T, mark int, what string) {
	t.Helper()
	if c := u.since(mark); len(c) > 0 {
		t.Errorf("%s: the handler called the tenant: %v", what, c)
	}
}

// replaceBody swaps a response body for b.
func replaceBody(res *http.Response, b []byte) {
	_ = res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(b))
	res.ContentLength = int64(len(b))
	res.Header.Set("Content-Length", strconv.Itoa(len(b)))
}

// raw sends a request with exactly the headers given (plus the browser's cookies), without
// following redirects.
func (b *browser) raw(method, path string, body string, headers map[string]string) page {
	b.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, b.e.app.URL+path, rd)
	if err != nil {
		b.t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return b.do(req)
}

// sameOrigin are the headers a browser sends with a same-origin form POST.
func (b *browser) sameOrigin() map[string]string {
	return map[string]string{
		"Content-Type":   "application/x-www-form-urlencoded",
		"Sec-Fetch-Site": "same-origin",
		"Origin":         b.e.app.URL,
	}
}

// cookie returns the host session cookie's value in the jar.
func (b *browser) cookie() string {
	u, _ := url.Parse(b.e.app.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "session" {
			return c.Value
		}
	}
	return ""
}

// setCookie replaces the session cookie in the jar (e.g. to replay an old one).
func (b *browser) setCookie(v string) {
	u, _ := url.Parse(b.e.app.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: v, Path: "/"}})
}

// storeBlob returns what the host's session store holds for a session token.
func (e *env) storeBlob(token string) ([]byte, bool) {
	e.t.Helper()
	b, ok, err := e.sm.Store.Find(token)
	if err != nil {
		e.t.Fatal(err)
	}
	return b, ok
}

// sessionValues decodes what the store holds for a session token: the values only, without
// the deadline scs moves on every request when IdleTimeout is set.
func (e *env) sessionValues(token string) map[string]any {
	e.t.Helper()
	blob, ok := e.storeBlob(token)
	if !ok {
		return nil
	}
	_, values, err := e.sm.Codec.Decode(blob)
	if err != nil {
		e.t.Fatal(err)
	}
	return values
}

// events returns a copy of the events so far.
func (e *env) eventList() []mfahandler.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]mfahandler.Event(nil), e.events...)
}

func (e *env) countEvents(k mfahandler.EventKind) int {
	n := 0
	for _, ev := range e.eventList() {
		if ev.Kind == k {
			n++
		}
	}
	return n
}

// logLines parses the handler's log: every line must be one JSON object.
func (e *env) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimRight(e.logs.String(), "\n"), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not one JSON object: %v\n%q", err, line)
		}
		out = append(out, m)
	}
	return out
}

// wantSecurityHeaders checks the headers every response must carry.
func wantSecurityHeaders(t *testing.T, what string, p page, static bool) {
	t.Helper()
	h := p.header
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("%s (%d): CSP %q lacks frame-ancestors 'none'", what, p.status, csp)
	}
	if strings.Count(csp, "frame-ancestors") != 1 {
		t.Errorf("%s (%d): CSP %q has more than one frame-ancestors", what, p.status, csp)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s (%d): X-Content-Type-Options %q", what, p.status, got)
	}
	if got := h.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("%s (%d): Referrer-Policy %q", what, p.status, got)
	}
	if got := h.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("%s (%d): X-Frame-Options %q", what, p.status, got)
	}
	if h.Get("Access-Control-Allow-Origin") != "" || h.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("%s (%d): CORS headers present: %v", what, p.status, h)
	}
	cc := h.Get("Cache-Control")
	if static {
		if !strings.Contains(cc, "max-age=") || strings.Contains(cc, "no-store") {
			t.Errorf("%s (%d): static Cache-Control %q, want a long cache", what, p.status, cc)
		}
	} else if cc != "no-store" {
		t.Errorf("%s (%d): Cache-Control %q, want no-store", what, p.status, cc)
	}
	if ct := h.Get("Content-Type"); p.body != "" && !static && !strings.Contains(ct, "charset=utf-8") {
		t.Errorf("%s (%d): Content-Type %q without charset", what, p.status, ct)
	}
}

// wantStatus fails unless p has status want.
func wantStatus(t *testing.T, what string, p page, want int) {
	t.Helper()
	if p.status != want {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.status, want, p.body)
	}
}

// location is p's Location header resolved against its URL.
func (p page) location(t *testing.T) *url.URL {
	t.Helper()
	l := p.header.Get("Location")
	if l == "" {
		t.Fatalf("%s: no Location (status %d)\n%s", p.url, p.status, p.body)
	}
	u, err := p.url.Parse(l)
	if err != nil {
		t.Fatalf("bad Location %q", l)
	}
	return u
}

// startTOTP opens the list (the browser must have a token) and starts an authenticator-app
// enrollment; it returns the setup page and the secret shown on it.
func startTOTP(t *testing.T, b *browser) (page, string) {
	t.Helper()
	list := b.open("/account/mfa/")
	wantStatus(t, "list", list, http.StatusOK)
	setup := b.submitForm(list, list.formTo(t, "/account/mfa/enroll/totp"), nil)
	if setup.url.Path != "/account/mfa/enroll/totp" {
		t.Fatalf("setup page: %d %s\n%s", setup.status, setup.url, setup.body)
	}
	m := secretOnPage.FindStringSubmatch(setup.body)
	if m == nil {
		t.Fatalf("no secret on the setup page:\n%s", setup.body)
	}
	return setup, strings.ReplaceAll(strings.TrimSpace(m[1]), " ", "")
}

// startPhone submits the phone form of kind ("sms" or "voice") and returns the code page.
func startPhone(t *testing.T, b *browser, kind, number string) page {
	t.Helper()
	form := b.open("/account/mfa/enroll/" + kind)
	wantStatus(t, kind+" form", form, http.StatusOK)
	p := b.submitForm(form, form.formTo(t, "/account/mfa/enroll/"+kind), url.Values{"phone_number": {number}})
	if p.url.Path != "/account/mfa/enroll/code" {
		t.Fatalf("after the %s form: %d %s\n%s", kind, p.status, p.url, p.body)
	}
	return p
}

// finishRecovery acknowledges the recovery-code page if p is one.
func finishRecovery(t *testing.T, b *browser, p page) page {
	t.Helper()
	if p.url.Path != "/account/mfa/recovery-code" {
		return p
	}
	return b.submitForm(p, p.formTo(t, "/account/mfa/recovery-code"), url.Values{"saved": {"yes"}})
}

var recoveryCodeRe = regexp.MustCompile(`data-mfa-value="([A-Z0-9]{24})"`)

// recoveryCodeOn returns the recovery code shown on p, or "".
func recoveryCodeOn(p page) string {
	if m := recoveryCodeRe.FindStringSubmatch(p.body); m != nil {
		return m[1]
	}
	return ""
}

// isAuthorize reports whether u is the tenant's /authorize.
func (e *env) isAuthorize(u *url.URL) bool {
	return u.Host == e.emu.Domain() && u.Path == "/authorize"
}

// hops follows redirects from p and returns every response, p first.
func (b *browser) hops(p page) []page {
	b.t.Helper()
	out := []page{p}
	for i := 0; i < 15 && p.status >= 300 && p.status < 400; i++ {
		p = b.get(p.location(b.t).String())
		out = append(out, p)
	}
	return out
}

// onApp reports whether p was served by the host app (not the tenant).
func (e *env) onApp(p page) bool { return p.url.Host == strings.TrimPrefix(e.app.URL, "http://") }

// headerTransport adds fixed headers to every request of a browser.
type headerTransport struct {
	h    map[string]string
	next http.RoundTripper
}

func (t headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	for k, v := range t.h {
		req.Header.Set(k, v)
	}
	return t.next.RoundTrip(req)
}

// withHeaders makes b send h with every request (e.g. a User-Agent).
func (b *browser) withHeaders(h map[string]string) *browser {
	next := b.c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	b.c.Transport = headerTransport{h: h, next: next}
	return b
}

var urlAttr = regexp.MustCompile(`(?i)(?:href|src|action|formaction|content)="([^"]*)"`)

// urlsOn lists every URL-like attribute value of a page (links, forms, scripts, meta refresh).
func urlsOn(p page) []string {
	var out []string
	for _, m := range urlAttr.FindAllStringSubmatch(p.body, -1) {
		out = append(out, m[1])
	}
	return out
}
