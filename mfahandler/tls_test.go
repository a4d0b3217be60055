package mfahandler_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestProductionConfigurationOverTLS: against a tenant served over https (auth0test.WithTLS),
// the handler runs with the configuration of production — https to the tenant's domain, no
// WithInsecureLoopbackHTTP, only WithLoopbackTenant — through the step-up, an enrollment and
// the list.
func TestProductionConfigurationOverTLS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{tls: true})
	if !strings.HasPrefix(e.emu.URL(), "https://") || e.h.Audience() != "https://"+e.emu.Domain()+"/mfa/" {
		t.Fatalf("tenant %s, audience %s", e.emu.URL(), e.h.Audience())
	}
	mark := e.up.mark()
	b := e.browser(bob)
	wantStatus(t, "list", b.stepUp(), http.StatusOK)
	setup, secret := startTOTP(t, b)
	done := finishRecovery(t, b, b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}}))
	mustContain(t, done, "Your authenticator app was added.")
	if n := len(activeIDs(e, bob, "totp|")); n != 1 {
		t.Fatalf("%d apps active", n)
	}
	if e.up.count(mark, http.MethodPost, "/oauth/token") == 0 || len(e.up.schemes()) != 1 || e.up.schemes()[0] != "https" {
		t.Errorf("the handler's calls to the tenant went over %v, want https only", e.up.schemes())
	}
}
