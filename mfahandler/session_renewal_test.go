package mfahandler_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// Review finding 1: when a confirmation renews the session id, a request of the same session
// still in flight writes the old session back under the old id (scs saves every request's
// copy). That copy must stay dead, and the recovery code must still reach the user.
func TestRenewedAwaySessionStaysDead(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	b.stepUp()
	setup, secret := startTOTP(t, b)
	old := b.cookie()
	blob, _ := e.storeBlob(old) // what a request in flight holds

	c := b.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{
		"enrollment": setup.formTo(t, "/enroll/confirm").values["enrollment"],
		"code":       {totpCode(t, secret, e.clock.Now())},
	})
	if c.status != http.StatusSeeOther || b.cookie() == old {
		t.Fatalf("confirm: %d %q; the session id must be renewed", c.status, c.header.Get("Location"))
	}
	// The late request ends: the old copy is saved again, and its response gives the browser
	// the old id back.
	if err := e.sm.Store.Commit(old, blob, e.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	b.setCookie(old)

	mark := e.up.mark()
	p := b.get(e.app.URL + "/account/mfa/")
	if p.status != http.StatusSeeOther || !e.isAuthorize(p.location(t)) {
		t.Fatalf("the renewed-away session opened the page without a new sign-in: %d %q", p.status, p.header.Get("Location"))
	}
	if n := e.up.count(mark, http.MethodGet, "/mfa/authenticators"); n != 0 {
		t.Errorf("the renewed-away session's token was used %d times", n)
	}
	// After the new step-up, the recovery code of the confirmation is shown, once.
	e.clock.Advance(30 * time.Second) // the app shows a new code
	e.emu.QueueLogin(bob)
	shown := b.passChallenge(b.follow(p))
	code := recoveryCodeOn(shown)
	if code == "" || shown.url.Path != "/account/mfa/recovery-code" {
		t.Fatalf("the recovery code did not reach the user after the new step-up: %d %s\n%s", shown.status, shown.url, shown.body)
	}
	if again := b.open("/account/mfa/recovery-code"); recoveryCodeOn(again) != "" {
		t.Fatal("the recovery code was shown twice")
	}
}

// Review finding 2: the recovery code must not be lost when the session cannot be saved just
// after Auth0 accepted the confirmation.
func TestRecoveryCodeSurvivesAFailedSave(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	st := rbInstallStore(e)
	b := e.browser(bob)
	b.stepUp()
	setup, secret := startTOTP(t, b)
	st.failCommit.Store(true)
	c := rbPostForm(t, b, setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
	st.failCommit.Store(false)
	if c.status < 500 || st.commitFail.Load() == 0 {
		t.Fatalf("scenario not reached: %d, %d failed commits", c.status, st.commitFail.Load())
	}
	if n := len(activeIDs(e, bob, "totp|")); n != 1 {
		t.Fatalf("the tenant activated %d apps", n)
	}
	// scs deleted the old session when it renewed the id, and the new one was never saved: the
	// user signs in to the host again, then passes a new step-up.
	if res := b.get(e.app.URL + "/test/signin?sub=" + url.QueryEscape(bob)); res.status != http.StatusNoContent {
		t.Fatalf("host sign-in: %d", res.status)
	}
	e.clock.Advance(30 * time.Second)
	p := b.stepUp()
	if recoveryCodeOn(p) == "" {
		t.Fatalf("the recovery code was lost with the failed save: %d %s\n%s", p.status, p.url, p.body)
	}
}

// Review finding 8: HEAD must not use up the recovery code's single display.
func TestHeadDoesNotSpendTheRecoveryCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	b.stepUp()
	setup, secret := startTOTP(t, b)
	c := b.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{
		"enrollment": setup.formTo(t, "/enroll/confirm").values["enrollment"],
		"code":       {totpCode(t, secret, e.clock.Now())},
	})
	if c.header.Get("Location") != "/account/mfa/recovery-code" {
		t.Fatalf("confirm: %d %q", c.status, c.header.Get("Location"))
	}
	req, _ := http.NewRequest(http.MethodHead, e.app.URL+"/account/mfa/recovery-code", nil)
	if h := b.do(req); h.status != http.StatusOK || h.body != "" {
		t.Fatalf("HEAD: %d %q", h.status, h.body)
	}
	if p := b.open("/account/mfa/recovery-code"); recoveryCodeOn(p) == "" {
		t.Fatalf("the HEAD used up the display:\n%s", p.body)
	}
}
