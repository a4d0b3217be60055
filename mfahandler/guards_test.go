package mfahandler_test

// Tests for guards that, according to the last review, no test noticed when they were broken.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// The ID token's nonce must be the one of this step-up: an authorization code obtained with
// the same state and PKCE challenge but another nonce is refused.
func TestStepUpNonceMismatchRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	p := b.get(e.app.URL + "/account/mfa/")
	auth := p.location(t)
	if !e.isAuthorize(auth) {
		t.Fatalf("list without a token: %d %s", p.status, auth)
	}
	q := auth.Query()
	q.Set("nonce", "NOT-THE-NONCE-OF-THIS-LOGIN")
	auth.RawQuery = q.Encode()
	e.emu.QueueLogin(bob)
	back := b.follow(b.get(auth.String()))
	if back.status != http.StatusBadRequest || back.url.Path != "/account/mfa/callback" {
		t.Fatalf("a code with a foreign nonce: %d %s, want 400 at the callback", back.status, back.url)
	}
	mustContain(t, back, "did not match this attempt")
	var reason string
	for _, ev := range e.eventList() {
		if ev.Kind == mfahandler.EventStepUpFailed {
			reason = ev.Reason
		}
	}
	if reason != "nonce_mismatch" {
		t.Errorf("step_up_failed reason %q, want nonce_mismatch", reason)
	}
	if list := b.get(e.app.URL + "/account/mfa/"); list.status != http.StatusSeeOther || !e.isAuthorize(list.location(t)) {
		t.Fatalf("the refused step-up left a usable token: %d %q", list.status, list.header.Get("Location"))
	}
}

// Pending (unconfirmed) enrollments are never shown as sign-in methods.
func TestPendingEnrollmentsAreNotListed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	b.stepUp()
	startTOTP(t, b)
	startPhone(t, b, "sms", "+14155552671")
	pending := pendingIDs(e, bob)
	if len(pending) < 2 {
		t.Fatalf("precondition: pending %v", pending)
	}
	list := b.open("/account/mfa/")
	if list.status != http.StatusOK || list.url.Path != "/account/mfa/" {
		t.Fatalf("list with pending enrollments: %d %s", list.status, list.url)
	}
	for _, id := range pending {
		if strings.Contains(list.body, url.QueryEscape(id)) {
			t.Errorf("the list shows the pending authenticator %s", id)
		}
	}
	if n := strings.Count(list.body, "/account/mfa/remove?id="); n != 0 {
		t.Errorf("the list offers %d removals with only pending enrollments", n)
	}
}

// Without WithFactors only the authenticator app is offered: email (the weakest), SMS, voice
// and push are opt-in, and their routes refuse.
func TestOnlyTheAppIsOnByDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{defaultFactors: true})
	b := e.browser(bob)
	list := b.stepUp()
	for _, f := range []string{"email", "sms", "voice", "push"} {
		if strings.Contains(list.body, `/account/mfa/enroll/`+f+`"`) {
			t.Errorf("the list offers %s without WithFactors", f)
		}
		p := b.post(e.app.URL+"/account/mfa/enroll/"+f, url.Values{"email": {"a@example.com"}, "phone_number": {"+14155552671"}})
		if p.status != http.StatusBadRequest {
			t.Errorf("POST enroll/%s when it is off: %d, want 400", f, p.status)
		}
	}
	mustContain(t, list, `/account/mfa/enroll/totp"`)
}

// Auth0's own rate limit (a 429) is a limit_hit event for the host's audit trail, as the
// EventLimitHit documentation says.
func TestAuth0RateLimitIsALimitHit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	list := b.stepUp()
	e.emu.InjectFault("/mfa/associate", auth0test.Fault{Status: http.StatusTooManyRequests, RetryAfter: 90e9})
	p := rbPostForm(t, b, list, list.formTo(t, "/account/mfa/enroll/totp"), nil)
	if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") != "90" {
		t.Fatalf("Auth0's 429: %d Retry-After %q", p.status, p.header.Get("Retry-After"))
	}
	found := false
	for _, ev := range e.eventList() {
		if ev.Kind == mfahandler.EventLimitHit && ev.Reason == "auth0_rate_limit" && ev.User == bob {
			found = true
		}
	}
	if !found {
		t.Fatalf("no limit_hit event for Auth0's 429: %v", e.eventKinds())
	}
}

// WithoutDefaultStylesheet links no stylesheet on any page; the default links exactly one.
func TestWithoutDefaultStylesheet(t *testing.T) {
	t.Parallel()
	for _, off := range []bool{false, true} {
		var opts []mfahandler.Option
		if off {
			opts = append(opts, mfahandler.WithoutDefaultStylesheet())
		}
		e := newEnv(t, envConfig{opts: opts})
		b := e.browser(bob)
		list := b.stepUp()
		setup, _ := startTOTP(t, b)
		for _, p := range []page{list, setup, b.open("/account/mfa/no-such-page")} {
			n := strings.Count(p.body, `rel="stylesheet"`)
			if (off && n != 0) || (!off && n != 1) {
				t.Errorf("WithoutDefaultStylesheet=%v: %s links %d stylesheets", off, p.url.Path, n)
			}
		}
	}
}

// The documented custom-domain setup works end to end: Domain is the custom domain (every
// request goes there), TenantDomain the canonical one (the audience).
func TestCustomDomainSetupEndToEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{
		domain:     func(emu *auth0test.Server) string { return emu.CustomDomain() },
		tenantHost: func(emu *auth0test.Server) string { return emu.Domain() },
	})
	if e.h.Audience() != "https://"+e.emu.Domain()+"/mfa/" {
		t.Fatalf("Audience() = %q", e.h.Audience())
	}
	b := e.browser(bob)
	mark := e.up.mark()
	wantStatus(t, "list", b.stepUp(), http.StatusOK)
	setup, secret := startTOTP(t, b)
	done := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
	if done = finishRecovery(t, b, done); done.url.Path != "/account/mfa/" || !strings.Contains(done.body, "Your authenticator app was added.") {
		t.Fatalf("custom-domain enrollment ended at %d %s\n%s", done.status, done.url, done.body)
	}
	if n := len(activeIDs(e, bob, "totp|")); n != 1 {
		t.Fatalf("%d apps active", n)
	}
	if n := e.up.count(mark, http.MethodPost, "/oauth/token"); n < 2 { // the code exchange and the confirmation
		t.Errorf("%d token calls", n)
	}
	if strings.Contains(e.logs.String(), "invalid audience") {
		t.Fatal("the custom-domain setup met the audience trap")
	}
}
