package mfahandler_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
	"github.com/selfmfa/selfmfa/views"
)

// TestSecurityHeadersOnEveryResponse walks through every page, redirect and error status the
// handler produces and checks the headers each one carries (T24, T25, T81).
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	type seen struct {
		what   string
		p      page
		static bool
	}
	var all []seen
	add := func(what string, ps ...page) {
		for _, p := range ps {
			if e.onApp(p) {
				all = append(all, seen{what: what + " " + p.url.Path, p: p})
			}
		}
	}
	statuses := map[int]bool{}

	anon := e.browser("")
	add("anonymous list", anon.get(e.app.URL+"/account/mfa/"))
	add("anonymous POST", anon.raw(http.MethodPost, "/account/mfa/enroll/totp", "", anon.sameOrigin()))

	b := e.browser(bob)
	e.emu.QueueLogin(bob)
	add("step-up", b.hops(b.get(e.app.URL+"/account/mfa/"))...)
	list := b.open("/account/mfa/")
	wantStatus(t, "list", list, http.StatusOK)
	// "/account/mfa" is redirected by the host's ServeMux (the handler never sees it): only
	// check that it lands under the base path.
	if p := b.get(e.app.URL + "/account/mfa"); p.status/100 != 3 || p.header.Get("Location") != "/account/mfa/" {
		t.Errorf("GET /account/mfa: %d Location %q", p.status, p.header.Get("Location"))
	}
	add("login", b.get(e.app.URL+"/account/mfa/login?return=/account/mfa/"))
	for _, f := range []string{"sms", "voice", "email"} {
		add("form", b.get(e.app.URL+"/account/mfa/enroll/"+f))
	}
	add("start totp", b.hops(b.post(e.app.URL+"/account/mfa/enroll/totp", nil))...)
	setup, secret := startTOTP(t, b)
	add("setup", setup)
	add("wrong code", b.hops(b.post(e.app.URL+"/account/mfa/enroll/confirm", setup.formTo(t, "/enroll/confirm").values))...)
	add("bad id", b.get(e.app.URL+"/account/mfa/remove?id=..%2F..%2Fadmin"))
	add("unknown id", b.get(e.app.URL+"/account/mfa/remove?id=totp%7Cdev_unknown"))
	add("unknown path", b.get(e.app.URL+"/account/mfa/nope"))
	add("unknown factor", b.get(e.app.URL+"/account/mfa/enroll/webauthn"))
	add("wrong method", b.raw(http.MethodDelete, "/account/mfa/remove", "", b.sameOrigin()))
	add("wrong method", b.raw(http.MethodPut, "/account/mfa/enroll/confirm", "", b.sameOrigin()))
	add("options", b.raw(http.MethodOptions, "/account/mfa/remove", "", map[string]string{
		"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}))
	add("trace", b.raw(http.MethodTrace, "/account/mfa/", "", nil))
	add("oversized", b.raw(http.MethodPost, "/account/mfa/enroll/cancel", "x="+strings.Repeat("a", 17<<10), b.sameOrigin()))
	h := b.sameOrigin()
	h["Content-Type"] = "application/json"
	add("json", b.raw(http.MethodPost, "/account/mfa/enroll/cancel", `{"enrollment":"x"}`, h))
	add("cross-site", b.raw(http.MethodPost, "/account/mfa/enroll/cancel", "", map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"}))
	e.emu.InjectFault("/mfa/authenticators", auth0test.Fault{Method: http.MethodGet, Status: http.StatusTooManyRequests, RetryAfter: 30 * time.Second, Times: 1})
	add("upstream 429", b.get(e.app.URL+"/account/mfa/"))
	e.emu.InjectFault("/mfa/authenticators", auth0test.Fault{Method: http.MethodGet, Status: http.StatusInternalServerError, Times: 1})
	add("upstream 500", b.get(e.app.URL+"/account/mfa/"))

	done := b.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{
		"enrollment": setup.formTo(t, "/enroll/confirm").values["enrollment"], "code": {totpCode(t, secret, e.clock.Now())}})
	add("confirm", b.hops(done)...)
	id := activeIDs(e, bob, "totp|")[0]
	add("remove page", b.get(e.app.URL+"/account/mfa/remove?id="+url.QueryEscape(id)))
	add("sms code page", b.hops(b.post(e.app.URL+"/account/mfa/enroll/sms", url.Values{"phone_number": {"+14155552671"}}))...)
	add("push page", b.hops(b.post(e.app.URL+"/account/mfa/enroll/push", nil))...)
	add("push status", b.get(e.app.URL+"/account/mfa/enroll/push/status"))
	add("recovery again", b.get(e.app.URL+"/account/mfa/recovery-code"))
	add("callback replay", b.get(e.app.URL+"/account/mfa/callback?state=x&code=y"))
	add("remove", b.hops(b.post(e.app.URL+"/account/mfa/remove", url.Values{"id": {id}}))...)

	for _, name := range []string{views.StylesheetFile(), views.ScriptFile()} {
		p := b.get(e.app.URL + "/account/mfa/static/" + name)
		wantStatus(t, "static "+name, p, http.StatusOK)
		all = append(all, seen{what: "static " + name, p: p, static: true})
	}
	add("missing static", b.get(e.app.URL+"/account/mfa/static/nope.css"))
	add("static directory", b.get(e.app.URL+"/account/mfa/static/"))
	add("static POST", b.raw(http.MethodPost, "/account/mfa/static/"+views.StylesheetFile(), "", b.sameOrigin()))

	for _, s := range all {
		statuses[s.p.status] = true
		wantSecurityHeaders(t, s.what, s.p, s.static)
		if s.p.status == http.StatusTooManyRequests && s.p.header.Get("Retry-After") == "" {
			t.Errorf("%s: 429 without Retry-After", s.what)
		}
		if s.p.status == http.StatusMethodNotAllowed && s.p.header.Get("Allow") == "" {
			t.Errorf("%s: 405 without Allow", s.what)
		}
	}
	for _, want := range []int{200, 303, 400, 401, 403, 404, 405, 413, 415, 429, 502} {
		if !statuses[want] {
			t.Errorf("no response with status %d was checked", want)
		}
	}
}

// TestWeakerCSPKeepsFrameAncestors: a host policy cannot re-enable framing (T24).
func TestWeakerCSPKeepsFrameAncestors(t *testing.T) {
	t.Parallel()
	for _, csp := range []string{
		"default-src *; frame-ancestors https://evil.example",
		"default-src 'self'; FRAME-ANCESTORS *",
		"default-src 'self'",
		"",
		"frame-ancestors 'self' https:;",
	} {
		t.Run(csp, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envConfig{opts: []mfahandler.Option{mfahandler.WithContentSecurityPolicy(csp)}})
			for _, p := range []page{
				e.browser("").get(e.app.URL + "/account/mfa/"),
				e.browser(alice).get(e.app.URL + "/account/mfa/nope"),
			} {
				got := p.header.Get("Content-Security-Policy")
				wantSecurityHeaders(t, csp, p, false)
				if n := strings.Count(strings.ToLower(got), "frame-ancestors"); n != 1 || strings.Contains(got, "evil") {
					t.Errorf("CSP %q kept the host's weaker frame-ancestors", got)
				}
			}
		})
	}
}

// TestPreflightGetsNoCORS: an OPTIONS preflight from another origin gets no CORS grant (T25).
func TestPreflightGetsNoCORS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	for _, path := range []string{"/account/mfa/", "/account/mfa/remove", "/account/mfa/enroll/confirm"} {
		p := b.raw(http.MethodOptions, path, "", map[string]string{
			"Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "content-type"})
		if p.status < 400 {
			t.Errorf("OPTIONS %s: %d, want an error status", path, p.status)
		}
		for k := range p.header {
			if strings.HasPrefix(strings.ToLower(k), "access-control-") {
				t.Errorf("OPTIONS %s: %s: %s", path, k, p.header.Get(k))
			}
		}
	}
}
