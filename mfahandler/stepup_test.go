package mfahandler_test

import (
	"bytes"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// routeTable is every route of the handler with a request that would do something.
var routeTable = []struct{ method, path string }{
	{http.MethodGet, "/account/mfa/"},
	{http.MethodGet, "/account/mfa/login?return=/account/mfa/"},
	{http.MethodGet, "/account/mfa/callback?state=x&code=y"},
	{http.MethodGet, "/account/mfa/enroll/totp"},
	{http.MethodGet, "/account/mfa/enroll/sms"},
	{http.MethodGet, "/account/mfa/enroll/voice"},
	{http.MethodGet, "/account/mfa/enroll/email"},
	{http.MethodGet, "/account/mfa/enroll/push"},
	{http.MethodGet, "/account/mfa/enroll/code"},
	{http.MethodGet, "/account/mfa/enroll/push/status"},
	{http.MethodGet, "/account/mfa/recovery-code"},
	{http.MethodGet, "/account/mfa/remove?id=totp%7Cdev_abc"},
	{http.MethodPost, "/account/mfa/enroll/totp"},
	{http.MethodPost, "/account/mfa/enroll/sms"},
	{http.MethodPost, "/account/mfa/enroll/push"},
	{http.MethodPost, "/account/mfa/enroll/confirm"},
	{http.MethodPost, "/account/mfa/enroll/resend"},
	{http.MethodPost, "/account/mfa/enroll/cancel"},
	{http.MethodPost, "/account/mfa/recovery-code"},
	{http.MethodPost, "/account/mfa/remove"},
	{http.MethodPost, "/account/mfa/sessions/others"},
}

// TestAnonymousGetsNothing: without a signed-in host user every route answers 401 (or the
// host's WithUnauthenticated handler) and the tenant is never called (T26).
func TestAnonymousGetsNothing(t *testing.T) {
	t.Parallel()
	for _, custom := range []bool{false, true} {
		t.Run(map[bool]string{false: "default", true: "WithUnauthenticated"}[custom], func(t *testing.T) {
			t.Parallel()
			var opts []mfahandler.Option
			if custom {
				opts = append(opts, mfahandler.WithUnauthenticated(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Location", "/login?next="+url.QueryEscape(r.URL.Path))
					w.WriteHeader(http.StatusSeeOther)
				})))
			}
			e := newEnv(t, envConfig{opts: opts})
			b := e.browser("")
			mark := e.up.mark()
			for _, rt := range routeTable {
				body := ""
				if rt.method == http.MethodPost {
					body = "id=totp%7Cdev_abc&code=123456&enrollment=x&phone_number=%2B14155552671"
				}
				p := b.raw(rt.method, rt.path, body, b.sameOrigin())
				what := rt.method + " " + rt.path
				wantSecurityHeaders(t, what, p, false)
				if custom {
					if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login?next=") {
						t.Errorf("%s: %d %q, want the host's handler", what, p.status, p.header.Get("Location"))
					}
				} else if p.status != http.StatusUnauthorized {
					t.Errorf("%s: %d, want 401", what, p.status)
				}
			}
			e.up.noCalls(t, mark, "anonymous requests")
			if len(e.eventList()) != 0 {
				t.Errorf("events for anonymous requests: %v", e.eventKinds())
			}
		})
	}
}

// TestAuthorizeRequest checks the step-up redirect: the canonical MFA audience, the scopes,
// PKCE S256, a fresh state and nonce per attempt, and max_age (T27).
func TestAuthorizeRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{opts: []mfahandler.Option{mfahandler.WithMaxAge(5 * time.Minute)}})
	b := e.browser(bob)
	var seen []url.Values
	for _, path := range []string{"/account/mfa/", "/account/mfa/enroll/sms", "/account/mfa/login?fresh=1"} {
		p := b.get(e.app.URL + path)
		if p.status != http.StatusSeeOther {
			t.Fatalf("%s: %d, want 303", path, p.status)
		}
		loc := p.location(t)
		if !e.isAuthorize(loc) {
			t.Fatalf("%s: redirect to %s", path, loc)
		}
		q := loc.Query()
		for k, vs := range q {
			if len(vs) != 1 {
				t.Errorf("parameter %s repeated", k)
			}
		}
		want := map[string]string{
			"audience":              "https://" + e.emu.Domain() + "/mfa/",
			"client_id":             e.emu.ClientID(),
			"redirect_uri":          e.app.URL + "/account/mfa/callback",
			"response_type":         "code",
			"code_challenge_method": "S256",
			"max_age":               "300",
		}
		for k, v := range want {
			if q.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", path, k, q.Get(k), v)
			}
		}
		if q.Get("audience") != e.emu.MFAAudience() {
			t.Errorf("audience %q is not the emulator's canonical MFA audience %q", q.Get("audience"), e.emu.MFAAudience())
		}
		scopes := strings.Fields(q.Get("scope"))
		slices.Sort(scopes)
		if !slices.Equal(scopes, []string{"email", "enroll", "openid", "read:authenticators", "remove:authenticators"}) {
			t.Errorf("scope = %q", q.Get("scope"))
		}
		if len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 22 || len(q.Get("nonce")) < 22 {
			t.Errorf("weak PKCE/state/nonce: %v", q)
		}
		if q.Has("client_secret") || q.Has("code_verifier") {
			t.Errorf("secret material in the authorize URL: %v", q)
		}
		if strings.HasSuffix(path, "fresh=1") != (q.Get("prompt") == "login") {
			t.Errorf("%s: prompt = %q", path, q.Get("prompt"))
		}
		seen = append(seen, q)
	}
	for i := range seen {
		for j := range i {
			for _, k := range []string{"state", "nonce", "code_challenge"} {
				if seen[i].Get(k) == seen[j].Get(k) {
					t.Errorf("%s reused across attempts", k)
				}
			}
		}
	}
}

// noToken fails unless b's session holds no usable MFA token.
func noToken(t *testing.T, e *env, b *browser, what string) {
	t.Helper()
	p := b.get(e.app.URL + "/account/mfa/")
	if p.status != http.StatusSeeOther || !e.isAuthorize(p.location(t)) {
		t.Fatalf("%s: a token was stored (GET list: %d %s)", what, p.status, p.header.Get("Location"))
	}
}

// TestCallbackRefusals: tampered, missing and reused state, another browser's callback, a
// code from another attempt and an error from /authorize are all refused with 400 and store
// no token (T27).
func TestCallbackRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	e.emu.QueueLogin(bob)
	cb1 := toCallback(t, b, b.get(e.app.URL+"/account/mfa/login"))
	cb2 := toCallback(t, b, b.get(e.app.URL+"/account/mfa/login")) // SSO session: no login
	other := e.browser(bob)

	tamper := func(u *url.URL, k, v string) string {
		c := *u
		q := c.Query()
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		c.RawQuery = q.Encode()
		return c.String()
	}
	cases := []struct {
		name string
		b    *browser
		url  string
	}{
		{"tampered state", b, tamper(cb1, "state", cb1.Query().Get("state")+"x")},
		{"missing state", b, tamper(cb1, "state", "")},
		{"empty code", b, tamper(cb1, "code", "")},
		{"another browser", other, cb1.String()},
		{"code of another attempt", b, tamper(cb2, "code", cb1.Query().Get("code"))},
		{"authorize error", b, tamper(cb1, "error", "access_denied\r\nX: y")},
		{"reused state", b, cb2.String()}, // cb2's state was consumed by "code of another attempt"
	}
	for _, c := range cases {
		mark := e.up.mark()
		p := c.b.get(c.url)
		if p.status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400\n%s", c.name, p.status, p.body)
		}
		wantSecurityHeaders(t, c.name, p, false)
		if n := e.up.count(mark, http.MethodGet, "/mfa/"); n != 0 {
			t.Errorf("%s: %d MFA API calls", c.name, n)
		}
		noToken(t, e, c.b, c.name)
	}
	if n := e.countEvents(mfahandler.EventStepUpFailed); n < 4 {
		t.Errorf("step_up_failed events: %d (%v)", n, e.eventKinds())
	}

	// A successful callback replayed: the second one is refused and changes nothing.
	e.emu.QueueLogin(bob)
	cb := toCallback(t, b, b.get(e.app.URL+"/account/mfa/login"))
	if p := b.get(cb.String()); p.status != http.StatusSeeOther || p.header.Get("Location") != "/account/mfa/" {
		t.Fatalf("callback: %d %q", p.status, p.header.Get("Location"))
	}
	if p := b.get(cb.String()); p.status != http.StatusBadRequest {
		t.Fatalf("replayed callback: %d, want 400", p.status)
	}
	wantStatus(t, "list after a replayed callback", b.open("/account/mfa/"), http.StatusOK)
}

// TestAuthTimeBoundaries: the step-up is required again once auth_time is older than
// WithMaxAge (plus the 30-second skew allowance); a token's presence alone is not enough, and
// a callback whose login is already too old is refused (T28).
func TestAuthTimeBoundaries(t *testing.T) {
	t.Parallel()
	t.Run("session token", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envConfig{opts: []mfahandler.Option{mfahandler.WithMaxAge(5 * time.Minute)}})
		b := e.browser(bob)
		wantStatus(t, "list", b.stepUp(), http.StatusOK)
		e.clock.Advance(5*time.Minute + 29*time.Second)
		if p := b.get(e.app.URL + "/account/mfa/"); p.status != http.StatusOK {
			t.Fatalf("at max_age+29s: %d, want 200", p.status)
		}
		e.clock.Advance(2 * time.Second)
		p := b.get(e.app.URL + "/account/mfa/")
		if p.status != http.StatusSeeOther || !e.isAuthorize(p.location(t)) {
			t.Fatalf("at max_age+31s: %d %s, want a step-up", p.status, p.header.Get("Location"))
		}
		// The tenant's SSO session is as old: it asks for a login again.
		e.emu.QueueLogin(bob)
		if p := b.follow(p); p.status != http.StatusOK || p.url.Path != "/account/mfa/" {
			t.Fatalf("after the new step-up: %d %s", p.status, p.url)
		}
	})
	t.Run("callback", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envConfig{opts: []mfahandler.Option{mfahandler.WithMaxAge(20 * time.Second)}})
		b := e.browser(bob)
		e.emu.QueueLogin(bob)
		cb := toCallback(t, b, b.get(e.app.URL+"/account/mfa/"))
		e.clock.Advance(55 * time.Second) // the code is still valid (60 s); the login is not recent
		p := b.get(cb.String())
		if p.status != http.StatusBadRequest {
			t.Fatalf("stale callback: %d, want 400\n%s", p.status, p.body)
		}
		mustContain(t, p, "sign in again")
		noToken(t, e, b, "stale callback")
	})
}

// TestUpstreamRefusesTokenStepsUpOnce: a 401 from the MFA API sends the user through the
// step-up once and back; when the fresh token is refused as well, the user gets an error page
// instead of a redirect loop (T29).
func TestUpstreamRefusesTokenStepsUpOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	wantStatus(t, "list", b.stepUp(), http.StatusOK)

	e.clock.Advance(2 * time.Minute) // the token is not brand new
	e.emu.InjectFault("/mfa/authenticators", auth0test.Fault{Method: http.MethodGet, Status: http.StatusUnauthorized,
		Code: "invalid_token", Description: "Invalid token.", Times: 1})
	p := b.get(e.app.URL + "/account/mfa/")
	if p.status != http.StatusSeeOther || !e.isAuthorize(p.location(t)) {
		t.Fatalf("after a 401: %d %s, want a step-up", p.status, p.header.Get("Location"))
	}
	if back := b.follow(p); back.status != http.StatusOK || back.url.Path != "/account/mfa/" {
		t.Fatalf("after the step-up: %d %s", back.status, back.url)
	}

	// A token that is refused right after the step-up: no loop.
	e.clock.Advance(2 * time.Minute)
	e.emu.InjectFault("/mfa/authenticators", auth0test.Fault{Method: http.MethodGet, Status: http.StatusUnauthorized,
		Code: "invalid_token", Description: "Invalid token."})
	hops := b.hops(b.get(e.app.URL + "/account/mfa/"))
	authorizes := 0
	for _, h := range hops {
		if h.url.Path == "/authorize" {
			authorizes++
		}
	}
	last := hops[len(hops)-1]
	if authorizes > 1 || last.status < 400 {
		t.Fatalf("%d trips to /authorize, last %d %s", authorizes, last.status, last.url)
	}
	wantSecurityHeaders(t, "refused fresh token", last, false)
	e.emu.ClearFaults()
	wantStatus(t, "list after the tenant recovers", b.stepUp(), http.StatusOK)
}

// TestRefusedTokenOnChanges: a 401 on associate or DELETE purges the token and sends the user
// through the step-up; a removal comes back to its confirmation page and is never executed
// silently (T29).
func TestRefusedTokenOnChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	seeded, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	wantStatus(t, "list", b.stepUp(), http.StatusOK)
	refuse := func(path, method string) {
		e.clock.Advance(2 * time.Minute)
		e.emu.InjectFault(path, auth0test.Fault{Method: method, Status: http.StatusUnauthorized,
			Code: "invalid_token", Description: "Invalid token.", Times: 1})
	}

	refuse("/mfa/authenticators/", http.MethodDelete)
	p := b.post(e.app.URL+"/account/mfa/remove", url.Values{"id": {seeded.ID}})
	if p.status != http.StatusSeeOther || !e.isAuthorize(p.location(t)) {
		t.Fatalf("DELETE refused: %d %s, want a step-up", p.status, p.header.Get("Location"))
	}
	noToken(t, e, b, "after a refused DELETE")
	back := b.passChallenge(b.follow(p))
	if back.status != http.StatusOK || back.url.Path != "/account/mfa/remove" || back.url.Query().Get("id") != seeded.ID {
		t.Fatalf("after the step-up: %d %s", back.status, back.url)
	}
	back.formTo(t, "/account/mfa/remove") // asks again
	if len(activeIDs(e, bob, "totp|")) != 1 {
		t.Fatal("the removal was executed without confirmation")
	}

	refuse("/mfa/associate", http.MethodPost)
	p = b.post(e.app.URL+"/account/mfa/enroll/totp", nil)
	if p.status != http.StatusSeeOther || !e.isAuthorize(p.location(t)) {
		t.Fatalf("associate refused: %d %s, want a step-up", p.status, p.header.Get("Location"))
	}
	if back := b.passChallenge(b.follow(p)); back.url.Path != "/account/mfa/" || len(pendingIDs(e, bob)) != 0 {
		t.Fatalf("after the step-up: %s, pending %v", back.url, pendingIDs(e, bob))
	}
}

// TestSubjectMismatch: the host user is bob, the tenant login is alice: refused, the token is
// discarded, the event is emitted (T30).
func TestSubjectMismatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	wantStatus(t, "bob's list", b.stepUp(), http.StatusOK)
	e.clock.Advance(2 * time.Minute)

	e.emu.QueueLogin(alice)
	cb := toCallback(t, b, b.get(e.app.URL+"/account/mfa/login?fresh=1"))
	mark := e.up.mark()
	p := b.get(cb.String())
	if p.status != http.StatusForbidden {
		t.Fatalf("mismatch: %d, want 403\n%s", p.status, p.body)
	}
	mustContain(t, p, "different account", "Nothing was changed")
	mustNotContain(t, p, "alice")
	if n := e.up.count(mark, http.MethodGet, "/mfa/"); n != 0 {
		t.Errorf("alice's token was used %d times", n)
	}
	noToken(t, e, b, "subject mismatch (bob's earlier token must be discarded too)")
	var ev *mfahandler.Event
	for _, x := range e.eventList() {
		if x.Kind == mfahandler.EventSubjectMismatch {
			ev = &x
		}
	}
	if ev == nil || ev.User != bob {
		t.Fatalf("subject_mismatch event: %+v (%v)", ev, e.eventKinds())
	}
}

// TestSessionRotation: the host session cookie changes after the step-up, after adding and
// after removing a factor, and the old value loads no session any more (T31).
func TestSessionRotation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	var olds []string
	rotated := func(what string) {
		t.Helper()
		old := olds[len(olds)-1]
		now := b.cookie()
		if now == "" || now == old {
			t.Fatalf("%s: session cookie not rotated", what)
		}
		if _, ok := e.storeBlob(old); ok {
			t.Fatalf("%s: the old session is still in the store", what)
		}
		replay := e.browser("")
		replay.setCookie(old)
		if p := replay.get(e.app.URL + "/account/mfa/"); p.status != http.StatusUnauthorized {
			t.Fatalf("%s: the old cookie still works: %d", what, p.status)
		}
	}
	olds = append(olds, b.cookie())
	wantStatus(t, "list", b.stepUp(), http.StatusOK)
	rotated("step-up")

	olds = append(olds, b.cookie())
	setup, secret := startTOTP(t, b)
	done := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
	finishRecovery(t, b, done)
	rotated("add")

	olds = append(olds, b.cookie())
	id := activeIDs(e, bob, "totp|")[0]
	confirm := b.open("/account/mfa/remove?id=" + url.QueryEscape(id))
	b.submitForm(confirm, confirm.formTo(t, "/account/mfa/remove"), nil)
	if len(activeIDs(e, bob, "totp|")) != 0 {
		t.Fatal("not removed")
	}
	rotated("remove")
}

// TestLogoutMidEnrollment: after the host's logout the old cookie can't confirm, and the
// store holds neither the token nor the enrollment (T32).
func TestLogoutMidEnrollment(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	b.stepUp()
	setup, secret := startTOTP(t, b)
	old := b.cookie()
	blob, ok := e.storeBlob(old)
	if !ok || !bytes.Contains(blob, []byte(secret)) {
		t.Fatal("the enrollment is not in the server-side session (test premise)")
	}
	if p := b.raw(http.MethodPost, "/test/signout", "", b.sameOrigin()); p.status != http.StatusNoContent {
		t.Fatalf("signout: %d", p.status)
	}
	if _, ok := e.storeBlob(old); ok {
		t.Fatal("the session is still in the store after logout")
	}
	replay := e.browser("")
	replay.setCookie(old)
	mark := e.up.mark()
	p := replay.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{
		"enrollment": setup.formTo(t, "/enroll/confirm").values["enrollment"], "code": {totpCode(t, secret, e.clock.Now())}})
	if p.status != http.StatusUnauthorized {
		t.Fatalf("confirm after logout: %d, want 401", p.status)
	}
	e.up.noCalls(t, mark, "confirm after logout")
	if len(activeIDs(e, bob, "totp|")) != 0 {
		t.Fatal("factor added after logout")
	}
}

// TestResumeTargets: whatever ?return= holds, the step-up only ever comes back to a clean path
// under the base path; no header can be injected (T14, T77).
func TestResumeTargets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	e.emu.QueueLogin(bob)
	vectors := map[string]string{
		"/account/mfa/enroll/sms":                  "/account/mfa/enroll/sms",
		"/account/mfa/remove?id=totp%7Cdev_x":      "/account/mfa/remove?id=totp%7Cdev_x",
		"/account/mfa/%0d%0aSet-Cookie:%20x=1":     "/account/mfa/",
		"/account/mfa/\r\nSet-Cookie: x=1":         "/account/mfa/",
		"//evil.example/account/mfa/":              "/account/mfa/",
		"https://evil.example/account/mfa/":        "/account/mfa/",
		"/\\evil.example":                          "/account/mfa/",
		"/account/mfa/\\..\\..\\admin":             "/account/mfa/",
		"/account/mfa/../../admin":                 "/account/mfa/",
		"/account/mfa/%2e%2e/%2e%2e/admin":         "/account/mfa/",
		"/account/mfa/%2E%2E%2F%2E%2E%2Fadmin":     "/account/mfa/",
		"/account/mfa/..%2f..%2fadmin":             "/account/mfa/",
		"/account/mfa/%5c%5cevil.example":          "/account/mfa/",
		"/account/mfa//evil.example":               "/account/mfa/",
		"/account/mfa/./../admin":                  "/account/mfa/",
		"/account/mfa/x#frag":                      "/account/mfa/",
		"javascript:alert(1)//account/mfa/":        "/account/mfa/",
		"/account/mfax/":                           "/account/mfa/",
		"/account/mfa":                             "/account/mfa/",
		"/account/mfa/callback?code=a&state=b":     "/account/mfa/",
		"/account/mfa/login?return=//evil.example": "/account/mfa/",
		" /account/mfa/enroll/sms":                 "/account/mfa/",
		"/account/mfa/\t/evil":                     "/account/mfa/",
		"/account/mfa/" + strings.Repeat("a", 600): "/account/mfa/",
		"":                              "/account/mfa/",
		"/account/mfa/@evil.example":    "/account/mfa/@evil.example",
		"http:/account/mfa/":            "/account/mfa/",
		"/account/mfa/\x00":             "/account/mfa/",
		"/account/mfa/enroll/sms\u202e": "/account/mfa/enroll/sms\u202e",
		"/account/mfa/%252e%252e/%252e%252e/admin":    "/account/mfa/%252e%252e/%252e%252e/admin", // literal %2e: harmless
		"/account/mfa/enroll/sms?x=%0d%0aSet-Cookie:": "/account/mfa/",
	}
	for in, want := range vectors {
		cb := toCallback(t, b, b.get(e.app.URL+"/account/mfa/login?return="+url.QueryEscape(in)))
		p := b.get(cb.String())
		got := p.header.Get("Location")
		if p.status != http.StatusSeeOther {
			t.Errorf("return %q: callback %d", in, p.status)
			continue
		}
		if got != want {
			t.Errorf("return %q: Location %q, want %q", in, got, want)
		}
		if !staysUnderBase(got) {
			t.Errorf("return %q: Location %q leaves the base path in a browser", in, got)
		}
		if len(p.header.Values("Set-Cookie")) > 1 || strings.Contains(strings.Join(p.header.Values("Set-Cookie"), ";"), "x=1") {
			t.Errorf("return %q: injected cookie %v", in, p.header.Values("Set-Cookie"))
		}
		if p.header.Get("X") != "" {
			t.Errorf("return %q: injected header", in)
		}
	}
}

// staysUnderBase resolves a Location the way a browser does (%2e is a dot, a backslash is a
// slash) and reports whether it stays a same-origin path under /account/mfa/.
func staysUnderBase(loc string) bool {
	if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
		return false
	}
	if strings.IndexFunc(loc, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return false
	}
	p, _, _ := strings.Cut(loc, "?")
	p = strings.NewReplacer("%2e", ".", "%2E", ".", "\\", "/", "%5c", "/", "%5C", "/").Replace(p)
	c := path.Clean(p)
	return c == "/account/mfa" || strings.HasPrefix(c, "/account/mfa/")
}
