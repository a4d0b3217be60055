package mfahandler_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/mfahandler"
	"github.com/selfmfa/selfmfa/views"
)

// fakeTokenBody is what a tenant that answers success without doing anything would send.
const fakeTokenBody = `{"access_token":"eyJhbGciOiJub25lIn0.e30.","token_type":"Bearer","expires_in":600,"scope":"enroll"}`

// TestConfirmSuccessThatActivatedNothing: when /oauth/token answers success but the list shows
// no new active factor of the kind being set up, the user is told it was not added, no
// factor_added event is sent, and the enrollment stays open for a real code.
func TestConfirmSuccessThatActivatedNothing(t *testing.T) {
	t.Parallel()
	// liar answers success for a refused code while lie is set (one per subtest: they run in
	// parallel).
	liar := func(lie *atomic.Bool) func(req *http.Request, res *http.Response) {
		return func(req *http.Request, res *http.Response) {
			if lie.Load() && req.URL.Path == "/oauth/token" && res.StatusCode == http.StatusForbidden {
				res.StatusCode, res.Status = http.StatusOK, "200 OK"
				res.Header.Set("Content-Type", "application/json")
				replaceBody(res, []byte(fakeTokenBody))
			}
		}
	}
	cases := []struct {
		name  string
		start func(t *testing.T, e *env, b *browser) (page, func() string)
	}{
		{"authenticator app", func(t *testing.T, e *env, b *browser) (page, func() string) {
			setup, secret := startTOTP(t, b)
			return setup, func() string { return totpCode(t, secret, e.clock.Now()) }
		}},
		{"text message", func(t *testing.T, e *env, b *browser) (page, func() string) {
			p := startPhone(t, b, "sms", "+14155552671")
			return p, func() string {
				code, ok := e.emu.LastCode("+14155552671")
				if !ok {
					t.Fatal("no code sent")
				}
				return code
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var lie atomic.Bool
			e := newEnv(t, envConfig{rewrite: liar(&lie)})
			b := e.browser(bob)
			b.stepUp()
			setup, good := c.start(t, e, b)
			lie.Store(true)
			p := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {"000000"}})
			lie.Store(false)
			wantStatus(t, "confirm answered success, nothing activated", p, http.StatusBadGateway)
			mustContain(t, p, "It was not added")
			mustNotContain(t, p, "was added.", "recovery code")
			if e.hasEvent(mfahandler.EventFactorAdded) {
				t.Fatal("factor_added sent for a factor that is not active")
			}
			var reason string
			for _, ev := range e.eventList() {
				if ev.Kind == mfahandler.EventConfirmFailed {
					reason = ev.Reason
				}
			}
			if reason != "not_activated" {
				t.Errorf("confirm_failed reason %q, want not_activated", reason)
			}
			// The enrollment is still open, and a real code finishes it.
			done := finishRecovery(t, b, b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {good()}}))
			mustContain(t, done, "was added.")
			if e.countEvents(mfahandler.EventFactorAdded) != 1 {
				t.Fatalf("factor_added events: %v", e.eventKinds())
			}
		})
	}
}

// TestRemoveWhenTheListAfterwardsFails: DELETE succeeded; when the list cannot be read to check
// it, the user is told the factor was removed (with a note), not that nothing changed; when the
// list still shows it, the user is told to check, and no removal is announced.
func TestRemoveWhenTheListAfterwardsFails(t *testing.T) {
	t.Parallel()
	for _, m := range []string{"list fails", "still listed"} {
		t.Run(m, func(t *testing.T) {
			t.Parallel()
			// After the DELETE, the next list fails or shows the old list again, once.
			var mu sync.Mutex
			var lastList []byte
			var armed, deleted bool
			rewrite := func(req *http.Request, res *http.Response) {
				mu.Lock()
				defer mu.Unlock()
				switch {
				case req.Method == http.MethodDelete:
					deleted = armed
				case req.Method == http.MethodGet && req.URL.Path == "/mfa/authenticators":
					b, _ := io.ReadAll(res.Body)
					if deleted {
						deleted, armed = false, false
						if m == "list fails" {
							res.StatusCode, res.Status = http.StatusServiceUnavailable, "503 Service Unavailable"
							b = []byte(`{"error":"server_error","error_description":"unavailable"}`)
						} else {
							b = lastList
						}
					}
					lastList = b
					replaceBody(res, b)
				}
			}
			e := newEnv(t, envConfig{rewrite: rewrite})
			a, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{})
			if err != nil {
				t.Fatal(err)
			}
			id := a.ID
			if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorEmail, auth0test.SeedOptions{Email: "bob.second@example.com"}); err != nil {
				t.Fatal(err)
			}
			b := e.browser(bob)
			b.stepUp()
			page := b.open("/account/mfa/remove?id=" + url.QueryEscape(id))
			wantStatus(t, "remove page", page, http.StatusOK)
			mu.Lock()
			armed = true
			mu.Unlock()
			p := b.submitForm(page, page.formTo(t, "/account/mfa/remove"), nil)
			if len(activeIDs(e, bob, "totp|")) != 0 {
				t.Fatal("the tenant did not delete the authenticator")
			}
			switch m {
			case "list fails":
				if p.url.Path != "/account/mfa/" {
					t.Fatalf("after the removal: %d %s\n%s", p.status, p.url, p.body)
				}
				mustContain(t, p, "Authenticator app removed", "may not be up to date")
				if e.countEvents(mfahandler.EventFactorRemoved) != 1 {
					t.Errorf("factor_removed events: %v", e.eventKinds())
				}
			case "still listed":
				wantStatus(t, "still listed", p, http.StatusBadGateway)
				mustContain(t, p, "still listed")
				mustNotContain(t, p, "Nothing was changed", "Authenticator app removed")
				if e.hasEvent(mfahandler.EventFactorRemoved) {
					t.Error("factor_removed sent while the factor is still listed")
				}
			}
		})
	}
}

// TestResendFailureKeepsTheRecoveryCode: when the new association of a resend fails, the
// enrollment ends; the recovery code that came with it is still shown with the next factor,
// which Auth0 activates it with.
func TestResendFailureKeepsTheRecoveryCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	b.stepUp()
	code := startPhone(t, b, "sms", "+14155552671")
	e.emu.InjectFault("/mfa/associate", auth0test.Fault{Status: http.StatusServiceUnavailable, Times: 1})
	p := b.submitForm(code, code.formTo(t, "/account/mfa/enroll/resend"), nil)
	wantStatus(t, "resend with a failing tenant", p, http.StatusBadGateway)
	if g := b.get(e.app.URL + "/account/mfa/enroll/code"); g.status == http.StatusOK {
		t.Fatal("the enrollment whose code was deleted is still shown")
	}
	setup, secret := startTOTP(t, b)
	done := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
	if recoveryCodeOn(done) == "" {
		t.Fatalf("the recovery code Auth0 activated with this factor was not shown:\n%s", done.body)
	}
}

// TestPendingPushSurvivesATOTPSetup: starting an authenticator-app setup removes abandoned
// TOTP setups but never the OTP companion of a Guardian setup running in another session.
func TestPendingPushSurvivesATOTPSetup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	phone := e.browser(bob)
	phone.stepUp()
	_, pushID := startPush(t, phone)
	laptop := e.browser(bob)
	laptop.stepUp()
	startTOTP(t, laptop)
	if err := e.emu.ApprovePush(pushID); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(5 * time.Second)
	p := phone.poll()
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account/mfa/recovery-code" {
		t.Fatalf("poll after approval: %d %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	if len(activeIDs(e, bob, "push|")) != 1 {
		t.Fatalf("the Guardian setup was broken by the other session: %+v", e.emu.Authenticators(bob))
	}
}

// TestPushPollSlowDownBacksOff: after Auth0 answers slow_down, the next polls wait three
// intervals before reaching it again.
func TestPushPollSlowDownBacksOff(t *testing.T) {
	t.Parallel()
	var slow atomic.Bool
	rewrite := func(req *http.Request, res *http.Response) {
		if slow.Load() && req.URL.Path == "/oauth/token" && res.StatusCode == http.StatusBadRequest {
			b, _ := io.ReadAll(res.Body)
			if bytes.Contains(b, []byte("authorization_pending")) {
				b = []byte(`{"error":"slow_down","error_description":"You are polling faster than allowed. Try again in 10 seconds."}`)
			}
			replaceBody(res, b)
		}
	}
	e := newEnv(t, envConfig{rewrite: rewrite})
	b := e.browser(bob)
	b.stepUp()
	startPush(t, b)
	mark := e.up.mark()
	calls := func() int { return e.up.count(mark, http.MethodPost, "/oauth/token") }
	slow.Store(true)
	if p := b.poll(); p.status != http.StatusOK || !strings.Contains(p.body, "Waiting for the app") {
		t.Fatalf("poll answered slow_down: %d\n%s", p.status, p.body)
	}
	slow.Store(false)
	for _, step := range []time.Duration{5 * time.Second, 5 * time.Second, 4 * time.Second} {
		e.clock.Advance(step)
		if p := b.poll(); p.status != http.StatusOK {
			t.Fatalf("poll during the back-off: %d", p.status)
		}
	}
	if n := calls(); n != 1 {
		t.Fatalf("%d token calls within 14 s of slow_down, want 1", n)
	}
	e.clock.Advance(time.Second)
	b.poll()
	if n := calls(); n != 2 {
		t.Fatalf("%d token calls 15 s after slow_down, want 2", n)
	}
}

// TestPushPollChangesNothingWhileWaiting: a poll that finds the request unanswered leaves the
// session's values as they were.
func TestPushPollChangesNothingWhileWaiting(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	b.stepUp()
	startPush(t, b)
	before := e.sessionValues(b.cookie())
	if before == nil {
		t.Fatal("no session")
	}
	for range 3 {
		e.clock.Advance(5 * time.Second)
		if p := b.poll(); p.status != http.StatusOK {
			t.Fatalf("poll: %d", p.status)
		}
	}
	if after := e.sessionValues(b.cookie()); !reflect.DeepEqual(before, after) {
		t.Fatal("polls that changed nothing changed the session")
	}
}

// TestLockedRequestsUseNoAttempts: while another change of the user's factors holds the lock,
// enrollment requests are turned away without using the user's attempts.
func TestLockedRequestsUseNoAttempts(t *testing.T) {
	t.Parallel()
	lim := limiter.NewMemory()
	limits := mfahandler.DefaultLimits()
	e := newEnv(t, envConfig{opts: []mfahandler.Option{mfahandler.WithLimiter(lim), mfahandler.WithLimits(limits)}})
	b := e.browser(bob)
	b.stepUp()
	unlock, err := lim.Lock(context.Background(), "lock:"+bob, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for range limits.Enrollments.Burst + 2 {
		p := b.raw(http.MethodPost, "/account/mfa/enroll/totp", "", b.sameOrigin())
		wantStatus(t, "enroll while locked", p, http.StatusConflict)
	}
	unlock()
	startTOTP(t, b)
}

// TestAssociateErrorDescriptionNotLogged: Auth0's description of a refused destination may
// echo the phone number; the log keeps the status and code only.
func TestAssociateErrorDescriptionNotLogged(t *testing.T) {
	t.Parallel()
	const number = "+14155550123"
	rewrite := func(req *http.Request, res *http.Response) {
		if req.URL.Path == "/mfa/associate" {
			res.StatusCode, res.Status = http.StatusBadRequest, "400 Bad Request"
			replaceBody(res, []byte(`{"error":"invalid_request","error_description":"The phone number `+number+` is not valid."}`))
		}
	}
	e := newEnv(t, envConfig{rewrite: rewrite})
	b := e.browser(bob)
	b.stepUp()
	form := b.open("/account/mfa/enroll/sms")
	p := b.submitForm(form, form.formTo(t, "/account/mfa/enroll/sms"), url.Values{"phone_number": {number}})
	mustContain(t, p, "can&#39;t be used")
	logs := e.logs.String()
	if !strings.Contains(logs, "invalid_request") {
		t.Fatalf("the refusal was not logged:\n%s", logs)
	}
	for _, s := range []string{number, "4155550123", "is not valid"} {
		if strings.Contains(logs, s) {
			t.Errorf("the log contains %q:\n%s", s, logs)
		}
	}
}

// TestPushPollWhileAnotherChangeRuns: a poll that meets another change of the user's factors
// (another tab finishing the same push setup) keeps waiting instead of showing an error.
func TestPushPollWhileAnotherChangeRuns(t *testing.T) {
	t.Parallel()
	lim := limiter.NewMemory()
	e := newEnv(t, envConfig{opts: []mfahandler.Option{mfahandler.WithLimiter(lim)}})
	b := e.browser(bob)
	b.stepUp()
	startPush(t, b)
	unlock, err := lim.Lock(context.Background(), "lock:"+bob, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	mark := e.up.mark()
	p := b.poll()
	if p.status != http.StatusOK || !strings.Contains(p.body, "Waiting for the app") {
		t.Fatalf("poll during another change: %d\n%s", p.status, p.body)
	}
	if n := e.up.count(mark, http.MethodPost, "/oauth/token"); n != 0 {
		t.Fatalf("%d token calls while another change held the lock", n)
	}
}

// TestPrefetchCompletesNothing: a browser prefetch or prerender of the recovery-code page, the
// push poll or the login start is refused, so it cannot use up the single display of the code
// or start a login; the real navigation afterwards works.
func TestPrefetchCompletesNothing(t *testing.T) {
	t.Parallel()
	for _, h := range []map[string]string{
		{"Sec-Purpose": "prefetch"}, {"Sec-Purpose": "prefetch;prerender"}, {"Purpose": "prefetch"}, {"X-Moz": "prefetch"},
	} {
		e := newEnv(t, envConfig{})
		b := e.browser(bob)
		b.stepUp()
		setup, secret := startTOTP(t, b)
		// Confirm without following the redirect, as a browser would before navigating.
		f := setup.formTo(t, "/enroll/confirm")
		f.values.Set("code", totpCode(t, secret, e.clock.Now()))
		redirect := b.post(e.app.URL+f.action, f.values)
		if loc := redirect.header.Get("Location"); loc != "/account/mfa/recovery-code" {
			t.Fatalf("%v: confirm answered %d %q", h, redirect.status, loc)
		}
		pre := b.raw(http.MethodGet, "/account/mfa/recovery-code", "", h)
		if pre.status != http.StatusServiceUnavailable || recoveryCodeOn(pre) != "" {
			t.Fatalf("%v: prefetch of the recovery code: %d\n%s", h, pre.status, pre.body)
		}
		if real := b.open("/account/mfa/recovery-code"); recoveryCodeOn(real) == "" {
			t.Fatalf("%v: the prefetch used up the recovery code display:\n%s", h, real.body)
		}
		if p := b.raw(http.MethodGet, "/account/mfa/", "", h); p.status != http.StatusServiceUnavailable {
			t.Errorf("%v: prefetch of the list page: %d", h, p.status)
		}
		mark := e.up.mark()
		if p := b.raw(http.MethodGet, "/account/mfa/login", "", h); p.status != http.StatusServiceUnavailable {
			t.Errorf("%v: prefetch of the login start: %d", h, p.status)
		}
		e.up.noCalls(t, mark, "prefetched login")
	}
}

// TestFreshLoginOnlyFromOurOwnPages: the "Try again" link (fresh=1) forces a new password
// prompt; the same link from another site starts an ordinary step-up.
func TestFreshLoginOnlyFromOurOwnPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	for _, c := range []struct {
		site       string
		wantPrompt bool
	}{{"same-origin", true}, {"", true}, {"none", true}, {"cross-site", false}, {"same-site", false}} {
		h := map[string]string{}
		if c.site != "" {
			h["Sec-Fetch-Site"] = c.site
		}
		p := b.raw(http.MethodGet, "/account/mfa/login?fresh=1", "", h)
		loc := p.location(t)
		if !e.isAuthorize(loc) {
			t.Fatalf("%q: login start went to %s", c.site, loc)
		}
		if got := loc.Query().Get("prompt") == "login"; got != c.wantPrompt {
			t.Errorf("Sec-Fetch-Site %q: prompt=login %v, want %v", c.site, got, c.wantPrompt)
		}
	}
}

// TestStepUpWithoutTheScopes: a token granted without the MFA API scopes (an Action or API
// setting dropped them) is not kept; the user gets the configuration page and the log names
// the missing scopes.
func TestStepUpWithoutTheScopes(t *testing.T) {
	t.Parallel()
	rewrite := func(req *http.Request, res *http.Response) {
		if req.URL.Path != "/oauth/token" || res.StatusCode != http.StatusOK {
			return
		}
		b, _ := io.ReadAll(res.Body)
		b = bytes.Replace(b, []byte(` remove:authenticators`), nil, 1)
		replaceBody(res, b)
	}
	e := newEnv(t, envConfig{rewrite: rewrite})
	b := e.browser(bob)
	p := b.stepUp()
	wantStatus(t, "step-up without remove:authenticators", p, http.StatusBadGateway)
	mustContain(t, p, "configuration problem")
	if !strings.Contains(e.logs.String(), "remove:authenticators") {
		t.Errorf("the log does not name the missing scope:\n%s", e.logs.String())
	}
	if e.hasEvent(mfahandler.EventStepUp) {
		t.Error("step_up event for a token that was not kept")
	}
}

// TestStaleSessionCopiesCannotRepeatOneTimeSteps: with IdleTimeout, scs writes the whole
// session back after every request, so a concurrent request of the same session can bring
// back an older copy. Such a copy must not show the recovery code a second time, and a setup
// cancelled meanwhile must not come back to life (T42, T51).
func TestStaleSessionCopiesCannotRepeatOneTimeSteps(t *testing.T) {
	t.Parallel()
	restore := func(t *testing.T, e *env, token string, blob []byte) {
		t.Helper()
		if err := e.sm.Store.Commit(token, blob, e.clock.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("recovery code display", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envConfig{})
		b := e.browser(bob)
		b.stepUp()
		setup, secret := startTOTP(t, b)
		f := setup.formTo(t, "/enroll/confirm")
		f.values.Set("code", totpCode(t, secret, e.clock.Now()))
		if loc := b.post(e.app.URL+f.action, f.values).header.Get("Location"); loc != "/account/mfa/recovery-code" {
			t.Fatalf("confirm went to %q", loc)
		}
		token := b.cookie()
		stale, _ := e.storeBlob(token) // what another tab's request loaded at this moment
		if recoveryCodeOn(b.get(e.app.URL+"/account/mfa/recovery-code")) == "" {
			t.Fatal("no recovery code shown")
		}
		restore(t, e, b.cookie(), stale) // that request ends and writes its copy back
		if p := b.get(e.app.URL + "/account/mfa/recovery-code"); recoveryCodeOn(p) != "" || p.status != http.StatusSeeOther {
			t.Fatalf("the recovery code was shown a second time: %d", p.status)
		}
	})
	t.Run("cancelled push setup", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envConfig{})
		b := e.browser(bob)
		b.stepUp()
		page, pushID := startPush(t, b)
		stale, _ := e.storeBlob(b.cookie())
		b.submitForm(page, page.formTo(t, "/enroll/cancel"), nil)
		restore(t, e, b.cookie(), stale)
		_ = e.emu.ApprovePush(pushID) // even if the phone still answers
		e.clock.Advance(5 * time.Second)
		mark := e.up.mark()
		p := b.poll()
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account/mfa/" {
			t.Fatalf("poll of the cancelled setup: %d %q", p.status, p.header.Get("Location"))
		}
		mustContain(t, b.follow(p), "already ended")
		if n := e.up.count(mark, http.MethodPost, "/oauth/token"); n != 0 {
			t.Errorf("the cancelled setup was polled at Auth0 %d times", n)
		}
		if len(activeIDs(e, bob, "push|")) != 0 || e.hasEvent(mfahandler.EventFactorAdded) {
			t.Fatal("a cancelled setup was added")
		}
	})
	t.Run("cancelled code setup", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envConfig{})
		b := e.browser(bob)
		b.stepUp()
		setup, secret := startTOTP(t, b)
		stale, _ := e.storeBlob(b.cookie())
		b.submitForm(setup, setup.formTo(t, "/enroll/cancel"), nil)
		restore(t, e, b.cookie(), stale)
		f := setup.formTo(t, "/enroll/confirm")
		f.values.Set("code", totpCode(t, secret, e.clock.Now()))
		p := b.post(e.app.URL+f.action, f.values)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account/mfa/" {
			t.Fatalf("confirm of the cancelled setup: %d %q", p.status, p.header.Get("Location"))
		}
		if e.hasEvent(mfahandler.EventFactorAdded) {
			t.Fatal("a cancelled setup was added")
		}
	})
}

// TestTokenEndpointRedirectNotFollowed: a redirect from /oauth/token during the step-up code
// exchange is not followed, so the client secret, the code and the PKCE verifier never reach
// another host (T65).
func TestTokenEndpointRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	var got atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(elsewhere.Close)
	rewrite := func(req *http.Request, res *http.Response) {
		if req.URL.Path == "/oauth/token" {
			res.StatusCode, res.Status = http.StatusTemporaryRedirect, "307 Temporary Redirect"
			res.Header.Set("Location", elsewhere.URL+"/steal")
			replaceBody(res, nil)
		}
	}
	e := newEnv(t, envConfig{rewrite: rewrite})
	b := e.browser(bob)
	p := b.stepUp()
	if p.status < 400 {
		t.Fatalf("step-up with a redirecting token endpoint: %d %s", p.status, p.url)
	}
	if n := got.Load(); n != 0 {
		t.Fatalf("the token request was re-sent to another host %d times", n)
	}
	if e.hasEvent(mfahandler.EventStepUp) {
		t.Fatal("step_up event without a token")
	}
}

// TestErrorHandlerGetsNoAssociateDescription: a host's error handler receives the failure
// without Auth0's description of an /mfa/associate error, which may echo what the user typed.
func TestErrorHandlerGetsNoAssociateDescription(t *testing.T) {
	t.Parallel()
	const number = "+14155550199"
	rewrite := func(req *http.Request, res *http.Response) {
		if req.URL.Path == "/mfa/associate" {
			res.StatusCode, res.Status = http.StatusServiceUnavailable, "503 Service Unavailable"
			replaceBody(res, []byte(`{"error":"server_error","error_description":"could not send to `+number+`"}`))
		}
	}
	var mu sync.Mutex
	var seen []string
	handler := mfahandler.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, f *mfahandler.Failure) {
		mu.Lock()
		seen = append(seen, f.Error())
		mu.Unlock()
		w.WriteHeader(f.Status)
	})
	e := newEnv(t, envConfig{rewrite: rewrite, opts: []mfahandler.Option{handler}})
	b := e.browser(bob)
	b.stepUp()
	form := b.open("/account/mfa/enroll/sms")
	p := b.submitForm(form, form.formTo(t, "/account/mfa/enroll/sms"), url.Values{"phone_number": {number}})
	wantStatus(t, "associate failing", p, http.StatusBadGateway)
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || !strings.Contains(seen[0], "server_error") {
		t.Fatalf("error handler saw %q", seen)
	}
	for _, s := range append(seen, e.logs.String()) {
		if strings.Contains(s, "4155550199") {
			t.Errorf("the phone number reached the host: %s", s)
		}
	}
}

// TestConfirmAnswerLost: Auth0 activated the factor but its answer was lost (a 503 from a
// proxy, a broken body). The list decides: the user sees the factor added, once; when the
// list cannot be read either, the user is told to check, never that nothing changed (T60).
func TestConfirmAnswerLost(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, mode string
	}{{"503 after activation", "503"}, {"broken body after activation", "broken"}, {"list unreadable too", "503+list"},
		{"list unreadable too, back after the setup's 10 minutes", "503+list late"}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			armed, listArmed := false, false
			rewrite := func(req *http.Request, res *http.Response) {
				mu.Lock()
				defer mu.Unlock()
				switch {
				case armed && req.URL.Path == "/oauth/token":
					armed = false
					listArmed = strings.HasPrefix(c.mode, "503+list")
					if c.mode == "broken" {
						replaceBody(res, []byte(`{"access_token":`))
						return
					}
					res.StatusCode, res.Status = http.StatusServiceUnavailable, "503 Service Unavailable"
					replaceBody(res, []byte(`<html>upstream unavailable</html>`))
				case listArmed && req.URL.Path == "/mfa/authenticators":
					listArmed = false
					res.StatusCode, res.Status = http.StatusServiceUnavailable, "503 Service Unavailable"
					replaceBody(res, []byte(`{"error":"server_error","error_description":"unavailable"}`))
				}
			}
			e := newEnv(t, envConfig{rewrite: rewrite})
			b := e.browser(bob)
			b.stepUp()
			setup, secret := startTOTP(t, b)
			mu.Lock()
			armed = true
			mu.Unlock()
			p := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
			if len(activeIDs(e, bob, "totp|")) != 1 {
				t.Fatal("the tenant did not activate the factor")
			}
			if strings.HasPrefix(c.mode, "503+list") {
				wantStatus(t, "answer and list lost", p, http.StatusBadGateway)
				mustContain(t, p, "could not tell whether your authenticator app was added")
				mustNotContain(t, p, "Nothing was changed")
				// The list, read again, finishes the enrollment: the recovery code is shown,
				// once, and the factor is announced.
				if strings.HasSuffix(c.mode, "late") {
					e.clock.Advance(11 * time.Minute) // the setup's 10 minutes and the token are over
					e.emu.QueueLogin(bob)
					p = b.passChallenge(b.open("/account/mfa/"))
				} else {
					p = b.open("/account/mfa/")
				}
				if p.url.Path != "/account/mfa/recovery-code" || recoveryCodeOn(p) == "" {
					t.Fatalf("the list did not finish the activated enrollment: %d %s\n%s", p.status, p.url, p.body)
				}
				if n := e.countEvents(mfahandler.EventFactorAdded); n != 1 {
					t.Fatalf("factor_added events: %d", n)
				}
				if again := b.open("/account/mfa/"); again.url.Path != "/account/mfa/" {
					t.Fatalf("the list finished it twice: %s", again.url)
				}
				return
			}
			if p.url.Path != "/account/mfa/recovery-code" || recoveryCodeOn(p) == "" {
				t.Fatalf("answer lost after activation: %d %s\n%s", p.status, p.url, p.body)
			}
			if n := e.countEvents(mfahandler.EventFactorAdded); n != 1 {
				t.Fatalf("factor_added events: %d", n)
			}
		})
	}
}

// TestPanicsAreContained: a panicking events hook does not break the step it reports (the
// step-up completes), and a panicking host view answers an error page with the security
// headers, not a dropped connection; the host's session survives (T84).
func TestPanicsAreContained(t *testing.T) {
	t.Parallel()
	t.Run("events hook", func(t *testing.T) {
		t.Parallel()
		hook := mfahandler.WithEvents(func(context.Context, mfahandler.Event) { panic("host hook bug") })
		e := newEnv(t, envConfig{opts: []mfahandler.Option{hook}})
		b := e.browser(bob)
		list := b.stepUp()
		wantStatus(t, "step-up with a panicking hook", list, http.StatusOK)
		if !strings.Contains(e.logs.String(), "WithEvents hook panicked") {
			t.Error("the hook's panic was not logged")
		}
	})
	t.Run("host view", func(t *testing.T) {
		t.Parallel()
		broken := mfahandler.WithViews(views.Views{List: func(views.ListPage) templ.Component { panic("host view bug") }})
		e := newEnv(t, envConfig{opts: []mfahandler.Option{broken}})
		b := e.browser(bob)
		p := b.stepUp()
		wantStatus(t, "panicking list view", p, http.StatusInternalServerError)
		wantSecurityHeaders(t, "panicking list view", p, false)
		mustContain(t, p, "Something went wrong")
		if e.sessionValues(b.cookie()) == nil {
			t.Fatal("the host session was lost")
		}
		if logs := e.logs.String(); !strings.Contains(logs, "panic while serving a page") || strings.Contains(logs, "host view bug") {
			t.Errorf("the panic must be logged by type only (a view may hold secrets):\n%s", logs)
		}
	})
}

// TestRemoveTwice: submitting the same removal twice (a double click, a second tab) tells the
// user it was already removed; no access_denied event is raised for the user's own id (T53).
func TestRemoveTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	a, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	b.stepUp()
	page := b.open("/account/mfa/remove?id=" + url.QueryEscape(a.ID))
	form := page.formTo(t, "/account/mfa/remove")
	first := b.submitForm(page, form, nil)
	mustContain(t, first, "Authenticator app removed")
	second := b.submitForm(page, form, nil)
	if second.url.Path != "/account/mfa/" {
		t.Fatalf("second removal: %d %s", second.status, second.url)
	}
	mustContain(t, second, "already removed")
	if e.hasEvent(mfahandler.EventAccessDenied) {
		t.Fatal("access_denied raised for the user's own removed factor")
	}
	if n := e.countEvents(mfahandler.EventFactorRemoved); n != 1 {
		t.Fatalf("factor_removed events: %d", n)
	}
	// Someone else's id is still refused with the event.
	other, err := e.emu.SeedAuthenticator(alice, auth0test.FactorOTP, auth0test.SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := b.raw(http.MethodPost, "/account/mfa/remove", "id="+url.QueryEscape(other.ID), b.sameOrigin())
	wantStatus(t, "foreign id", p, http.StatusNotFound)
	if !e.hasEvent(mfahandler.EventAccessDenied) {
		t.Fatal("no access_denied for a foreign id")
	}
}

// TestAuth0RefusalsThroughTheHandler: Auth0's refusals of a confirmation or an association map
// to what the user needs next (T29, T69, T70): too many attempts → 429 with Retry-After and the
// setup kept; an expired token at the confirmation → a step-up that comes back to the setup;
// "User is already enrolled" at associate → a step-up, never an error loop.
func TestAuth0RefusalsThroughTheHandler(t *testing.T) {
	t.Parallel()
	stepsUpTo := func(resume string) func(t *testing.T, e *env, b *browser, hops []page) {
		return func(t *testing.T, e *env, b *browser, hops []page) {
			var sawAuthorize bool
			for _, h := range hops {
				sawAuthorize = sawAuthorize || e.isAuthorize(h.url)
			}
			last := hops[len(hops)-1]
			if !sawAuthorize || last.url.Path != resume || last.status != http.StatusOK {
				t.Fatalf("want a step-up back to %s; ended %d %s (authorize seen: %v)", resume, last.status, last.url, sawAuthorize)
			}
		}
	}
	cases := []struct {
		name      string
		path      string
		fault     auth0test.Fault
		atConfirm bool
		want      func(t *testing.T, e *env, b *browser, hops []page)
	}{
		{"too many attempts", "/oauth/token", auth0test.Fault{Method: http.MethodPost, Status: http.StatusTooManyRequests,
			Code: "too_many_attempts", Description: "Too many failed codes. Wait for some minutes before retrying.", RetryAfter: 5 * time.Minute}, true,
			func(t *testing.T, e *env, b *browser, hops []page) {
				p := hops[0]
				wantStatus(t, "too many attempts", p, http.StatusTooManyRequests)
				wantSecurityHeaders(t, "too many attempts", p, false)
				if p.header.Get("Retry-After") == "" {
					t.Error("no Retry-After")
				}
				mustContain(t, p, "5 minutes")
				if g := b.get(e.app.URL + "/account/mfa/enroll/totp"); g.status != http.StatusOK {
					t.Errorf("the setup was dropped: %d", g.status)
				}
			}},
		{"expired token at confirm", "/oauth/token", auth0test.Fault{Method: http.MethodPost, Status: http.StatusUnauthorized,
			Code: "expired_token", Description: "mfa_token is expired"}, true, stepsUpTo("/account/mfa/enroll/totp")},
		{"already enrolled at associate", "/mfa/associate", auth0test.Fault{Method: http.MethodPost, Status: http.StatusForbidden,
			Code: "access_denied", Description: "User is already enrolled."}, false, stepsUpTo("/account/mfa/")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envConfig{})
			b := e.browser(bob)
			b.stepUp()
			var f form
			if c.atConfirm {
				setup, secret := startTOTP(t, b)
				e.clock.Advance(time.Minute + time.Second) // a token refused at once would be a configuration error
				f = setup.formTo(t, "/enroll/confirm")
				f.values.Set("code", totpCode(t, secret, e.clock.Now()))
			} else {
				e.clock.Advance(time.Minute + time.Second)
				f = b.open("/account/mfa/").formTo(t, "/account/mfa/enroll/totp")
			}
			e.emu.InjectFault(c.path, withTimes(c.fault, 1))
			e.emu.QueueLogin(bob)
			c.want(t, e, b, b.hops(b.post(e.app.URL+f.action, f.values)))
			if e.hasEvent(mfahandler.EventFactorAdded) {
				t.Error("factor_added after a refusal")
			}
		})
	}
}

func withTimes(f auth0test.Fault, n int) auth0test.Fault { f.Times = n; return f }

// TestEnrollmentExpires: a setup is usable for 10 minutes after its last code was sent (5 on
// the My Account API); after that its code is refused without reaching Auth0 and the user
// starts again
// (ASVS 6.4.1; T39, T40).
func TestEnrollmentExpires(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		myAccount bool
		after     time.Duration
		usable    bool
	}{
		{false, 9*time.Minute + 59*time.Second, true}, {false, 10*time.Minute + time.Second, false},
		// The My Account API's auth_session: a named guess of 5 minutes (mebackend).
		{true, 4*time.Minute + 59*time.Second, true}, {true, 5*time.Minute + time.Second, false},
	} {
		t.Run(fmt.Sprint(map[bool]string{false: "mfa-api", true: "my-account"}[c.myAccount], "/", c.after), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envConfig{myAccount: c.myAccount})
			b := e.browser(bob)
			b.stepUp()
			setup, secret := startTOTP(t, b)
			e.clock.Advance(c.after)
			e.emu.QueueLogin(bob) // the MFA API token is renewed on the way
			f := setup.formTo(t, "/enroll/confirm")
			f.values.Set("code", totpCode(t, secret, e.clock.Now()))
			mark := e.up.mark()
			p := b.follow(b.post(e.app.URL+f.action, f.values))
			if p.url.Path == "/account/mfa/enroll/totp" {
				// Back from the token renewal on the setup page: the user enters the code again.
				p = b.submitForm(p, p.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
			}
			added := len(activeIDs(e, bob, "totp|")) == 1
			if c.usable {
				if !added {
					t.Fatalf("a setup of %v was refused: %s\n%s", c.after, p.url, p.body)
				}
				return
			}
			if added {
				t.Fatalf("a setup of %v was confirmed", c.after)
			}
			mustContain(t, p, "no longer in progress")
			if n := e.up.count(mark, http.MethodPost, e.apiPath()); n != 0 {
				t.Errorf("the code of an expired setup reached Auth0 (%d calls)", n)
			}
			if _, held := e.sessionValues(b.cookie())["mfa.pending"]; held {
				t.Error("the expired enrollment (its TOTP secret) is still in the session")
			}
		})
	}
}

// TestIDTokenWithoutAuthTime: an ID token that does not say when the user authenticated is
// refused, even with a valid signature: recent authentication cannot be checked (T28).
func TestIDTokenWithoutAuthTime(t *testing.T) {
	t.Parallel()
	rewrite := func(req *http.Request, res *http.Response) {
		if req.URL.Path != "/oauth/token" || res.StatusCode != http.StatusOK {
			return
		}
		body, _ := io.ReadAll(res.Body)
		var v map[string]any
		if json.Unmarshal(body, &v) != nil {
			replaceBody(res, body)
			return
		}
		if idt, ok := v["id_token"].(string); ok {
			v["id_token"] = resign(t, idt, func(claims map[string]any) { delete(claims, "auth_time") })
		}
		out, _ := json.Marshal(v)
		replaceBody(res, out)
	}
	e := newEnv(t, envConfig{rewrite: rewrite})
	b := e.browser(bob)
	p := b.stepUp()
	wantStatus(t, "ID token without auth_time", p, http.StatusBadRequest)
	mustContain(t, p, "sign in again")
	if !strings.Contains(e.logs.String(), "id_token has no auth_time") {
		t.Fatalf("refused for another reason than the missing auth_time:\n%s", e.logs.String())
	}
	if e.hasEvent(mfahandler.EventStepUp) {
		t.Fatal("step-up accepted without auth_time")
	}
	if g := b.get(e.app.URL + "/account/mfa/"); g.status != http.StatusSeeOther || !e.isAuthorize(g.location(t)) {
		t.Fatalf("a token was kept: the list answered %d", g.status)
	}
}

// resign changes the claims of a JWT signed by the emulator's test key and signs it again
// with the same key and header.
func resign(t *testing.T, jwt string, change func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	change(claims)
	payload, _ := json.Marshal(claims)
	signed := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(nil, testKey(), crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// TestSignOutOtherSessions: after a factor is added or removed, the list offers to sign out the
// user's other sessions (ASVS 7.4.3, T35). Accepting ends the user's other sessions and keeps
// this one and other users'; declining keeps them; without the option nothing is offered.
func TestSignOutOtherSessions(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T, cfg envConfig) (*env, *browser, *browser, *browser, page) {
		e := newEnv(t, cfg)
		laptop, phone, other := e.browser(bob), e.browser(bob), e.browser(alice)
		laptop.stepUp()
		s, secret := startTOTP(t, laptop)
		list := finishRecovery(t, laptop, laptop.submitForm(s, s.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}}))
		wantStatus(t, "list after the change", list, http.StatusOK)
		return e, laptop, phone, other, list
	}
	signedIn := func(b *browser) bool {
		return b.get(b.e.app.URL+"/account/mfa/").status != http.StatusUnauthorized
	}
	t.Run("sign out", func(t *testing.T) {
		t.Parallel()
		e, laptop, phone, other, list := setup(t, envConfig{signOutOthers: true})
		mustContain(t, list, "Sign out your other sessions?")
		p := laptop.submitForm(list, list.formTo(t, "/account/mfa/sessions/others"), url.Values{"decision": {"sign_out"}})
		mustContain(t, p, "signed out everywhere else")
		mustNotContain(t, p, "Sign out your other sessions?")
		if signedIn(phone) {
			t.Error("the user's other session is still signed in")
		}
		if !signedIn(laptop) || !signedIn(other) {
			t.Error("this session or another user's was signed out")
		}
		if n := e.countEvents(mfahandler.EventSessionsEnded); n != 1 {
			t.Errorf("other_sessions_signed_out events: %d", n)
		}
		// The offer is used up: the route is no endpoint to call at will (it reads every session).
		again := laptop.follow(laptop.raw(http.MethodPost, "/account/mfa/sessions/others", "decision=sign_out", laptop.sameOrigin()))
		mustContain(t, again, "no longer open")
		if n := e.countEvents(mfahandler.EventSessionsEnded); n != 1 {
			t.Errorf("a second call without an offer signed sessions out (%d events)", n)
		}
	})
	t.Run("without an offer", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envConfig{signOutOthers: true})
		laptop, phone := e.browser(bob), e.browser(bob)
		laptop.stepUp()
		p := laptop.follow(laptop.raw(http.MethodPost, "/account/mfa/sessions/others", "decision=sign_out", laptop.sameOrigin()))
		mustContain(t, p, "no longer open")
		if !signedIn(phone) || e.hasEvent(mfahandler.EventSessionsEnded) {
			t.Error("other sessions were signed out without an offer")
		}
	})
	t.Run("keep", func(t *testing.T) {
		t.Parallel()
		e, laptop, phone, _, list := setup(t, envConfig{signOutOthers: true})
		p := laptop.submitForm(list, list.formTo(t, "/account/mfa/sessions/others"), url.Values{"decision": {"keep"}})
		mustContain(t, p, "stay signed in")
		mustNotContain(t, p, "Sign out your other sessions?")
		if !signedIn(phone) || e.hasEvent(mfahandler.EventSessionsEnded) {
			t.Error("declining signed out the other session")
		}
	})
	t.Run("offer expires", func(t *testing.T) {
		t.Parallel()
		e, laptop, _, _, _ := setup(t, envConfig{signOutOthers: true})
		e.clock.Advance(10*time.Minute + time.Second)
		e.emu.QueueLogin(bob)
		mustNotContain(t, laptop.passChallenge(laptop.open("/account/mfa/")), "Sign out your other sessions?")
	})
	t.Run("after a removal", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envConfig{signOutOthers: true})
		a, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b := e.browser(bob)
		b.stepUp()
		mustNotContain(t, b.open("/account/mfa/"), "Sign out your other sessions?")
		page := b.open("/account/mfa/remove?id=" + url.QueryEscape(a.ID))
		list := b.submitForm(page, page.formTo(t, "/account/mfa/remove"), nil)
		mustContain(t, list, "Authenticator app removed", "Sign out your other sessions?")
	})
	t.Run("not configured", func(t *testing.T) {
		t.Parallel()
		_, laptop, phone, _, list := setup(t, envConfig{})
		mustNotContain(t, list, "Sign out your other sessions?", "/sessions/others")
		p := laptop.raw(http.MethodPost, "/account/mfa/sessions/others", "decision=sign_out", laptop.sameOrigin())
		wantStatus(t, "sign-out without the option", p, http.StatusNotFound)
		if !signedIn(phone) {
			t.Error("the other session was signed out")
		}
	})
	t.Run("cross-site", func(t *testing.T) {
		t.Parallel()
		_, laptop, phone, _, _ := setup(t, envConfig{signOutOthers: true})
		p := laptop.raw(http.MethodPost, "/account/mfa/sessions/others", "decision=sign_out",
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
		wantStatus(t, "cross-site sign-out", p, http.StatusForbidden)
		if !signedIn(phone) {
			t.Error("a cross-site request signed the other session out")
		}
	})
}

// TestSuccessResetsTheCodeBudget: the per-user budget counts consecutive wrong codes: after a
// code that works, the user has the whole budget again (T46).
func TestSuccessResetsTheCodeBudget(t *testing.T) {
	t.Parallel()
	limits := mfahandler.DefaultLimits()
	limits.Codes.Burst, limits.CodesPerEnrollment = 4, 10
	e := newEnv(t, envConfig{opts: []mfahandler.Option{mfahandler.WithLimits(limits)}})
	b := e.browser(bob)
	b.stepUp()
	wrongThenRight := func(wrong int) page {
		setup, secret := startTOTP(t, b)
		f := setup.formTo(t, "/enroll/confirm")
		for range wrong {
			f.values.Set("code", "000000")
			if p := b.post(e.app.URL+f.action, f.values); p.status != http.StatusSeeOther {
				t.Fatalf("wrong code answered %d", p.status)
			}
		}
		f.values.Set("code", totpCode(t, secret, e.clock.Now()))
		return b.follow(b.post(e.app.URL+f.action, f.values))
	}
	first := finishRecovery(t, b, wrongThenRight(3)) // 3 of 4 used, then the right one
	mustContain(t, first, "was added.")
	e.clock.Advance(31 * time.Second) // the next TOTP step
	second := wrongThenRight(3)       // 3 more: refused if the budget had not started afresh
	if second.status != http.StatusOK || len(activeIDs(e, bob, "totp|")) != 2 {
		t.Fatalf("after a success the budget did not start afresh: %d %s", second.status, second.url)
	}
}
