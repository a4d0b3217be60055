package mfahandler_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestMyAccountSetupReadsNoMore: after the list page, an app's setup with a wrong code first
// reads the list no more. The wrong code's 400 changed nothing, the start's 202 and the
// verify's 201 say what did: on a Free tenant (2 reads a minute) each read spared is a page
// that works.
func TestMyAccountSetupReadsNoMore(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{myAccount: true})
	b := e.browser(bob)
	wantStatus(t, "list", b.stepUp(), http.StatusOK)
	mark := e.up.mark()
	setup, secret := startTOTP(t, b)
	wrong := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {rbWrongCode(t, secret, e.clock.Now())}})
	mustContain(t, wrong, "didn&#39;t work")
	done := b.submitForm(wrong, wrong.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
	list := finishRecovery(t, b, done)
	mustContain(t, list, "Your authenticator app was added", "Recovery code: <strong>set up</strong>")
	if n := e.up.count(mark, http.MethodGet, "/me/v1/authentication-methods"); n != 0 {
		t.Fatalf("the setup read the list %d times after the list page, want 0:\n%v", n, e.up.since(mark))
	}
}
