package mfahandler_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// upstreamFaults are the tenant failures every call must survive (T58, T59, T61, T63).
var upstreamFaults = []struct {
	name       string
	fault      auth0test.Fault
	wantStatus int
	retryAfter int // minimum Retry-After seconds, for 429
}{
	{"500", auth0test.Fault{Status: http.StatusInternalServerError}, http.StatusBadGateway, 0},
	{"503", auth0test.Fault{Status: http.StatusServiceUnavailable}, http.StatusBadGateway, 0},
	{"malformed", auth0test.Fault{MalformedBody: true}, http.StatusBadGateway, 0},
	{"oversized", auth0test.Fault{OversizedBody: 2 << 20}, http.StatusBadGateway, 0},
	{"hang", auth0test.Fault{Hang: true}, http.StatusGatewayTimeout, 0},
	{"429", auth0test.Fault{Status: http.StatusTooManyRequests, RetryAfter: 90 * time.Second}, http.StatusTooManyRequests, 90},
}

// wantFaultPage checks what the user sees when the tenant failed: the mapped status, a plain
// message, the security headers, and nothing that looks like success.
func wantFaultPage(t *testing.T, what string, p page, status, retryAfter int) {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.status, status, p.body)
	}
	wantSecurityHeaders(t, what, p, false)
	if retryAfter > 0 {
		got, err := strconv.Atoi(p.header.Get("Retry-After"))
		if err != nil || got < retryAfter {
			t.Errorf("%s: Retry-After %q, want at least %d", what, p.header.Get("Retry-After"), retryAfter)
		}
	}
	for _, s := range []string{"was added", "app removed", "Phone removed", "recovery code", "server_error", "Internal Server Error", "Too many requests. Check", "xxxxxxxx"} {
		if strings.Contains(p.body, s) {
			t.Errorf("%s: the error page contains %q", what, s)
		}
	}
	mustContain(t, p, "Nothing was changed")
}

// TestUpstreamFaults injects every fault on every MFA API call the handler makes and on the
// token endpoint (step-up code exchange and confirmation): the user gets a clear error page,
// nothing is half done, and the next request works.
func TestUpstreamFaults(t *testing.T) {
	t.Parallel()
	for _, f := range upstreamFaults {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envConfig{})
			fault := func(path, method string) {
				ft := f.fault
				ft.Method, ft.Times = method, 1
				e.emu.InjectFault(path, ft)
				if ft.Hang {
					// Real time: the hang ends when the client gives up; only this call is cut short.
					e.up.timeoutOn(method, path, 300*time.Millisecond)
				}
			}
			check := func(what string, p page) {
				t.Helper()
				wantFaultPage(t, what, p, f.wantStatus, f.retryAfter)
				e.up.clearTimeouts()
			}

			// Step-up: the authorization code exchange fails; no token is stored.
			b := e.browser(bob)
			e.emu.QueueLogin(bob)
			cb := toCallback(t, b, b.get(e.app.URL+"/account/mfa/"))
			fault("/oauth/token", http.MethodPost)
			check("code exchange", b.get(cb.String()))
			if p := b.get(e.app.URL + "/account/mfa/"); !e.isAuthorize(p.location(t)) {
				t.Fatalf("after a failed exchange a token was stored: %d %s", p.status, p.header.Get("Location"))
			}
			list := b.stepUp()
			wantStatus(t, "list after a failed exchange", list, http.StatusOK)

			// List.
			fault("/mfa/authenticators", http.MethodGet)
			check("list", b.get(e.app.URL+"/account/mfa/"))
			wantStatus(t, "list after the fault", b.open("/account/mfa/"), http.StatusOK)

			// Associate: no pending enrollment anywhere.
			fault("/mfa/associate", http.MethodPost)
			check("associate", b.post(e.app.URL+"/account/mfa/enroll/totp", nil))
			if ids := pendingIDs(e, bob); len(ids) != 0 {
				t.Errorf("pending authenticators after a failed associate: %v", ids)
			}
			if p := b.get(e.app.URL + "/account/mfa/enroll/totp"); p.status != http.StatusSeeOther {
				t.Errorf("a failed associate left an enrollment in the session: %d\n%s", p.status, p.body)
			}
			fault("/mfa/associate", http.MethodPost)
			check("associate sms", b.post(e.app.URL+"/account/mfa/enroll/sms", url.Values{"phone_number": {"+14155552671"}}))
			if p := b.get(e.app.URL + "/account/mfa/enroll/code"); p.status != http.StatusSeeOther {
				t.Errorf("a failed SMS associate left an enrollment in the session: %d", p.status)
			}

			// Confirm (mfa-otp grant): nothing activated; the same enrollment still works.
			setup, secret := startTOTP(t, b)
			confirm := setup.formTo(t, "/enroll/confirm")
			fault("/oauth/token", http.MethodPost)
			v := url.Values{"enrollment": confirm.values["enrollment"], "code": {totpCode(t, secret, e.clock.Now())}}
			if f.fault.Hang {
				// No answer in time: Auth0 may still finish it, so the page never says that
				// nothing changed; it sends the user to look (T60).
				p := b.post(e.app.URL+"/account/mfa/enroll/confirm", v)
				wantStatus(t, "confirm (hang)", p, http.StatusGatewayTimeout)
				wantSecurityHeaders(t, "confirm (hang)", p, false)
				mustContain(t, p, "did not answer in time", "see whether your authenticator app was added")
				mustNotContain(t, p, "Nothing was changed")
				e.up.clearTimeouts()
			} else {
				check("confirm", b.post(e.app.URL+"/account/mfa/enroll/confirm", v))
			}
			if ids := activeIDs(e, bob, "totp|"); len(ids) != 0 {
				t.Fatalf("an upstream fault activated a factor: %v", ids)
			}
			if e.hasEvent(mfahandler.EventFactorAdded) {
				t.Fatal("an upstream fault emitted factor_added")
			}
			done := finishRecovery(t, b, b.follow(b.post(e.app.URL+"/account/mfa/enroll/confirm", v)))
			if len(activeIDs(e, bob, "totp|")) != 1 || done.url.Path != "/account/mfa/" {
				t.Fatalf("confirm after the fault: %s %v", done.url, e.emu.Authenticators(bob))
			}

			// Delete: the factor stays.
			id := activeIDs(e, bob, "totp|")[0]
			fault("/mfa/authenticators/", http.MethodDelete)
			check("delete", b.post(e.app.URL+"/account/mfa/remove", url.Values{"id": {id}}))
			if len(activeIDs(e, bob, "totp|")) != 1 {
				t.Fatal("the factor is gone after a failed delete")
			}
			if e.hasEvent(mfahandler.EventFactorRemoved) {
				t.Fatal("a failed delete emitted factor_removed")
			}
			after := b.follow(b.post(e.app.URL+"/account/mfa/remove", url.Values{"id": {id}}))
			if len(activeIDs(e, bob, "totp|")) != 0 || after.url.Path != "/account/mfa/" {
				t.Fatalf("remove after the fault: %d %s", after.status, after.url)
			}
			// Logs carry the cause for the operator, one JSON object per line.
			if len(e.logLines(t)) == 0 {
				t.Error("no log line for the failures")
			}
		})
	}
}

// toCallback follows p through the tenant (the user must need no challenge) and returns the
// URL of the handler's callback without requesting it.
func toCallback(t *testing.T, b *browser, p page) *url.URL {
	t.Helper()
	for i := 0; i < 10; i++ {
		if p.status < 300 || p.status >= 400 {
			t.Fatalf("no redirect to the callback: %d %s\n%s", p.status, p.url, p.body)
		}
		loc := p.location(t)
		if loc.Path == "/account/mfa/callback" {
			return loc
		}
		p = b.get(loc.String())
	}
	t.Fatal("too many redirects")
	return nil
}

// TestCustomDomainAudienceMisconfiguration reproduces the classic trap with a TenantDomain
// that is the custom domain: associate works, the confirmation fails with "invalid audience".
// The user sees a configuration-problem page, the operator's log line says how to fix it, and
// no factor is added.
func TestCustomDomainAudienceMisconfiguration(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{tenantHost: func(emu *auth0test.Server) string { return emu.CustomDomain() }})
	if e.h.Audience() != e.emu.CustomMFAAudience() {
		t.Fatalf("Audience() = %q, want the custom-domain audience %q", e.h.Audience(), e.emu.CustomMFAAudience())
	}
	b := e.browser(bob)
	list := b.stepUp()
	wantStatus(t, "list with the custom audience", list, http.StatusOK)
	setup, secret := startTOTP(t, b)
	p := b.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{
		"enrollment": setup.formTo(t, "/enroll/confirm").values["enrollment"], "code": {totpCode(t, secret, e.clock.Now())}})
	if p.status != http.StatusBadGateway {
		t.Fatalf("confirm: %d, want 502\n%s", p.status, p.body)
	}
	mustContain(t, p, "configuration problem", "Nothing was changed")
	mustNotContain(t, p, "invalid audience", "TenantDomain")
	if ids := activeIDs(e, bob, "totp|"); len(ids) != 0 {
		t.Fatalf("factor added: %v", ids)
	}
	var fix string
	for _, l := range e.logLines(t) {
		if s, ok := l["fix"].(string); ok {
			fix = s
		}
	}
	if fix == "" || !strings.Contains(fix, "canonical") {
		t.Fatalf("no operator fix in the log:\n%s", e.logs.String())
	}
	if strings.Contains(e.logs.String(), secret) {
		t.Fatal("TOTP secret logged")
	}
}

// TestOperatorErrorsAreNotLoops: upstream configuration errors (MFA grant disabled, wrong
// scope) answer an error page, never a step-up loop (T68).
func TestOperatorErrorsAreNotLoops(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	b.stepUp()
	setup, secret := startTOTP(t, b)
	if err := e.emu.SetMFAGrantEnabled(e.emu.ClientID(), false); err != nil {
		t.Fatal(err)
	}
	p := b.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{
		"enrollment": setup.formTo(t, "/enroll/confirm").values["enrollment"], "code": {totpCode(t, secret, e.clock.Now())}})
	if p.status != http.StatusBadGateway {
		t.Fatalf("grant disabled: %d, want 502\n%s", p.status, p.body)
	}
	mustContain(t, p, "configuration problem")
	if !strings.Contains(e.logs.String(), `"fix"`) {
		t.Errorf("no operator fix logged:\n%s", e.logs.String())
	}
	e.emu.InjectFault("/mfa/authenticators", auth0test.Fault{Method: http.MethodGet, Status: http.StatusForbidden,
		Code: "insufficient_scope", Description: "Insufficient scope, expected: read:authenticators"})
	p = b.get(e.app.URL + "/account/mfa/")
	if p.status != http.StatusBadGateway {
		t.Fatalf("insufficient scope: %d, want 502 (Location %q)", p.status, p.header.Get("Location"))
	}
}

// TestUnsafeAssociateAnswers: an associate answer without what the next page needs, or with a
// barcode URI that is not an otpauth:// TOTP URI, is refused and never drawn as a QR code (T64).
func TestUnsafeAssociateAnswers(t *testing.T) {
	t.Parallel()
	var mode atomic.Value
	mode.Store("")
	rewrite := func(req *http.Request, res *http.Response) {
		m, _ := mode.Load().(string)
		if m == "" || req.URL.Path != "/mfa/associate" || res.StatusCode != http.StatusOK {
			return
		}
		b, _ := io.ReadAll(res.Body)
		var v map[string]any
		_ = json.Unmarshal(b, &v)
		switch m {
		case "phishing barcode":
			v["barcode_uri"] = "https://evil.example/phish"
		case "javascript barcode":
			v["barcode_uri"] = "javascript:alert(1)"
		case "foreign secret":
			v["barcode_uri"] = "otpauth://totp/x:y?secret=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		case "markup secret":
			v["secret"] = "<script>alert(1)</script>"
		case "no oob_code":
			delete(v, "oob_code")
		case "email channel":
			v["oob_channel"] = "email"
		case "oob type":
			v["authenticator_type"] = "oob"
		}
		out, _ := json.Marshal(v)
		replaceBody(res, out)
	}
	limits := mfahandler.DefaultLimits()
	limits.Enrollments.Burst, limits.Sends.Burst, limits.SendsDaily.Burst, limits.DestinationSends.Burst = 20, 20, 20, 20 // one per refused answer, then one that works
	e := newEnv(t, envConfig{rewrite: rewrite, opts: []mfahandler.Option{mfahandler.WithLimits(limits)}})
	b := e.browser(bob)
	b.stepUp()
	for _, c := range []struct{ mode, factor, form string }{
		{"phishing barcode", "totp", ""}, {"javascript barcode", "totp", ""}, {"foreign secret", "totp", ""},
		{"markup secret", "totp", ""}, {"phishing barcode", "push", ""}, {"no oob_code", "push", ""},
		{"no oob_code", "sms", "phone_number=%2B14155552671"},
		{"email channel", "sms", "phone_number=%2B14155552671"}, {"oob type", "totp", ""}, {"email channel", "push", ""},
	} {
		mode.Store(c.mode)
		p := b.raw(http.MethodPost, "/account/mfa/enroll/"+c.factor, c.form, b.sameOrigin())
		if p.status != http.StatusBadGateway {
			t.Errorf("%s (%s): %d, want 502", c.mode, c.factor, p.status)
		}
		mustNotContain(t, p, "evil.example", "<svg class", "alert(1)", "AAAAAAAA")
		for _, path := range []string{"/account/mfa/enroll/totp", "/account/mfa/enroll/push", "/account/mfa/enroll/code"} {
			if g := b.get(e.app.URL + path); g.status == http.StatusOK {
				t.Errorf("%s (%s): %s shows an enrollment", c.mode, c.factor, path)
			}
		}
	}
	mode.Store("")
	setup, secret := startTOTP(t, b)
	finishRecovery(t, b, b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}}))
	if len(activeIDs(e, bob, "totp|")) != 1 {
		t.Fatal("a normal enrollment fails after the refused answers")
	}
}
