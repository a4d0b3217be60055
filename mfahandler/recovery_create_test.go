package mfahandler_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

// TestRecoveryCreateNeedsStepUp: a signed-in user without a step-up posting the form
// makes no My Account call and creates nothing.
func TestRecoveryCreateNeedsStepUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{myAccount: true})
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	mark := e.up.mark()
	p := b.post(e.app.URL+"/account/mfa/recovery-code/new", nil)
	if n := e.up.count(mark, http.MethodPost, "/me/v1/"); n != 0 {
		t.Fatalf("without a step-up: %d My Account writes (status %d)", n, p.status)
	}
	t.Logf("without a step-up: %d %s", p.status, p.header.Get("Location"))
	// Cross-origin with a step-up: refused, no call.
	wantStatus(t, "list", b.stepUp(), http.StatusOK)
	req, _ := http.NewRequest(http.MethodPost, e.app.URL+"/account/mfa/recovery-code/new", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	mark = e.up.mark()
	x := b.do(req)
	if n := e.up.count(mark, http.MethodPost, "/me/v1/"); n != 0 || x.status < 400 {
		t.Fatalf("cross-origin: %d, %d writes", x.status, n)
	}
}

// TestRecoveryCreateOnceNotLogged: two concurrent clicks create one code; a click
// after the code was shown creates none; the code is shown once and never logged.
func TestRecoveryCreateOnceNotLogged(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{myAccount: true})
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	list := b.stepUp()
	f := list.formTo(t, "/account/mfa/recovery-code/new")
	mark := e.up.mark()
	var wg sync.WaitGroup
	res := make([]page, 4)
	for i := range res {
		wg.Add(1)
		go func() { defer wg.Done(); res[i] = b.tab().post(e.app.URL+f.action, f.values) }()
	}
	wg.Wait()
	if n := e.up.count(mark, http.MethodPost, "/me/v1/authentication-methods"); n != 2 { // one POST, one verify
		t.Fatalf("4 concurrent clicks: %d My Account writes %v", n, e.up.since(mark))
	}
	shown := b.open("/account/mfa/recovery-code")
	code := recoveryCodeOn(shown)
	if len(code) != 24 {
		t.Fatalf("no code shown: %d %s\n%s", shown.status, shown.url, shown.body)
	}
	again := b.open("/account/mfa/recovery-code")
	if recoveryCodeOn(again) != "" {
		t.Fatalf("the code was shown twice")
	}
	// A click from the stale list page (back button) after the code was shown.
	mark = e.up.mark()
	late := b.post(e.app.URL+f.action, f.values)
	if n := e.up.count(mark, http.MethodPost, "/me/v1/"); n != 0 {
		t.Fatalf("a late click made %d writes (%d)", n, late.status)
	}
	e.clock.Advance(20 * time.Second) // the list cache expired
	late = b.post(e.app.URL+f.action, f.values)
	if n := e.up.count(mark, http.MethodPost, "/me/v1/"); n != 0 {
		t.Fatalf("a late click made %d writes (%d)", n, late.status)
	}
	for _, s := range []string{code, strings.ToLower(code)} {
		if strings.Contains(e.logs.String(), s) {
			t.Fatalf("the recovery code is in the log")
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ev := range e.events {
		if strings.Contains(strings.ToLower(ev.Reason+string(ev.Kind)), strings.ToLower(code)) {
			t.Fatalf("the code is in an event")
		}
	}
}

// TestNoCreateButtonWhenTenantHasNoRecoveryCodes: on a tenant that doesn't use
// recovery codes (the recovery-code page just said so), the list must not offer "Create a
// recovery code", whose click Auth0 can only refuse.
func TestNoCreateButtonWhenTenantHasNoRecoveryCodes(t *testing.T) {
	t.Parallel()
	s := auth0test.DefaultSettings()
	s.RecoveryCodes = false
	delete(s.Factors, auth0test.FactorRecoveryCode)
	e := newEnv(t, envConfig{emuOpts: []auth0test.Option{auth0test.WithSettings(s)}, myAccount: true})
	b := e.browser(bob)
	b.stepUp()
	setup, secret := startTOTP(t, b)
	p := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
	mustContain(t, p, "doesn&#39;t use recovery codes")
	list := finishRecovery(t, b, p)
	if !strings.Contains(list.body, "Create a recovery code") {
		return
	}
	click := b.submitForm(list, list.formTo(t, "/account/mfa/recovery-code/new"), nil)
	t.Fatalf("the list offers \"Create a recovery code\" on a tenant without recovery codes; the click: %d %s\n%s",
		click.status, click.url, click.body)
}

// TestRecoveryCodeCreateFailsAfterFirstSetup: Auth0 fails to create the recovery code after
// the first app (a 503): the page says it could not be created just now — never that the
// site uses none — and the list offers to create it.
func TestRecoveryCodeCreateFailsAfterFirstSetup(t *testing.T) {
	t.Parallel()
	var fail atomic.Bool
	e := newEnv(t, envConfig{myAccount: true, answer: func(req *http.Request) *http.Response {
		if !fail.Load() || req.Method != http.MethodPost || req.URL.Path != "/me/v1/authentication-methods" {
			return nil
		}
		body := `{"type":"https://auth0.com/api-errors/A0E-503-0001","status":503,"title":"Service Unavailable","detail":"Try again later."}`
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/problem+json"}}, ContentLength: int64(len(body)),
			Body: io.NopCloser(strings.NewReader(body)), Request: req}
	}})
	b := e.browser(bob)
	b.stepUp()
	setup, secret := startTOTP(t, b)
	fail.Store(true)
	p := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
	mustContain(t, p, "could not be created just now")
	mustNotContain(t, p, "doesn&#39;t use recovery codes")
	fail.Store(false)
	list := finishRecovery(t, b, p)
	mustContain(t, list, "Your authenticator app was added", "Create a recovery code")
}
