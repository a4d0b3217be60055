package mfahandler_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// TestRecoveryCodeAfterTheWriteLimit: on a Free tenant the My Account API allows 2 writes a
// minute per user, and a first app's setup spends both (enroll, verify): its recovery code
// cannot be created at once. The page says so and when; the list offers the code, refuses a
// click before the minute is over without calling Auth0, and then shows the code once.
func TestRecoveryCodeAfterTheWriteLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{myAccount: true,
		opts:    []mfahandler.Option{mfahandler.WithMyAccountAPI(mfahandler.PlanFree)},
		emuOpts: []auth0test.Option{auth0test.WithMyAccountPlan(auth0test.PlanFree)}})
	b := e.browser(bob)
	start := e.up.mark()
	first := b.stepUp()
	wantStatus(t, "list", first, http.StatusOK)
	mustNotContain(t, first, "Create a recovery code") // no method yet: the first one brings it
	setup, secret := startTOTP(t, b)
	p := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
	if p.url.Path != "/account/mfa/recovery-code" || recoveryCodeOn(p) != "" {
		t.Fatalf("after the first app on a Free tenant: %d %s\n%s", p.status, p.url, p.body)
	}
	// A recovery code is two writes (create, verify): on the Free plan's 2 a minute, both come
	// back in 60 seconds.
	mustContain(t, p, "isn&#39;t ready yet", "In a minute, create it")
	list := finishRecovery(t, b, p)
	mustContain(t, list, "Your authenticator app was added", "Recovery code: <strong>not set up</strong>", "Create a recovery code")
	// The Free plan's 2 reads a minute: the whole setup reads the list once. The start's 202,
	// the verify's 201 (the confirmed method) and the refused write keep it true.
	if n := e.up.count(start, http.MethodGet, "/me/v1/authentication-methods"); n != 1 {
		t.Fatalf("a first setup read the list %d times, want 1", n)
	}

	mark := e.up.mark()
	early := b.submitForm(list, list.formTo(t, "/account/mfa/recovery-code/new"), nil)
	if early.status != http.StatusTooManyRequests || e.up.count(mark, http.MethodPost, "/me/v1/") != 0 {
		t.Fatalf("a recovery code within the minute: %d, %d calls\n%s", early.status, e.up.count(mark, http.MethodPost, "/me/v1/"), early.body)
	}
	mustContain(t, early, "Please wait a minute")

	e.clock.Advance(time.Minute)
	list = b.open("/account/mfa/")
	shown := b.submitForm(list, list.formTo(t, "/account/mfa/recovery-code/new"), nil)
	if shown.url.Path != "/account/mfa/recovery-code" || len(recoveryCodeOn(shown)) != 24 {
		t.Fatalf("the recovery code after the minute: %d %s\n%s", shown.status, shown.url, shown.body)
	}
	list = finishRecovery(t, b, shown)
	mustContain(t, list, "Recovery code: <strong>set up</strong>")
	mustNotContain(t, list, "Create a recovery code")
}

// TestNoRecoveryCodeButtonOnTheMFAAPI: the MFA API issues a recovery code only with a first
// association, so its list never offers to create one.
func TestNoRecoveryCodeButtonOnTheMFAAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	list := e.browser(bob).stepUp()
	mustContain(t, list, "Recovery code: <strong>not set up</strong>")
	mustNotContain(t, list, "Create a recovery code", "/recovery-code/new")
}
