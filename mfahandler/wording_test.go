package mfahandler_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestOneSuccessSentence: a setup that ends on the recovery code page says what every other
// setup says, "Your authenticator app was added."; the method's name comes only from
// selfmfa's own labels, so a forged form value gets the general sentence and is never shown.
func TestOneSuccessSentence(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		extra url.Values
		want  string
	}{
		{"saved", url.Values{"saved": {"yes"}}, "Your authenticator app was added."},
		{"not ticked", url.Values{}, "Your authenticator app was added. If you did not save your recovery code"},
		{"forged method", url.Values{"saved": {"yes"}, "factor": {"<b>admin</b>"}}, "Your new sign-in method is ready."},
		{"no method", url.Values{"saved": {"yes"}, "factor": {""}}, "Your new sign-in method is ready."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envConfig{})
			b := e.browser(bob)
			wantStatus(t, "list", b.stepUp(), http.StatusOK)
			setup, secret := startTOTP(t, b)
			rc := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
			if rc.url.Path != "/account/mfa/recovery-code" {
				t.Fatalf("the first setup ended at %s, not the recovery code page", rc.url)
			}
			done := b.submitForm(rc, rc.formTo(t, "/account/mfa/recovery-code"), tc.extra)
			if done.url.Path != "/account/mfa/" || !strings.Contains(done.body, tc.want) {
				t.Fatalf("after the recovery code page: %s, want %q in\n%s", done.url, tc.want, done.body)
			}
			if strings.Contains(done.body, "admin") {
				t.Fatal("the forged method name reached the page")
			}
		})
	}
}
