package mfahandler_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// Review finding 4: against a hanging tenant a confirmation answered after two per-call
// timeouts in a row (the confirmation, then the list that checks it). Every upstream call of
// one request shares one deadline (WithRequestTimeout).
func TestOneDeadlinePerRequest(t *testing.T) {
	t.Parallel()
	const perCall = 4 * time.Second // the client's own timeout: a hung call alone takes this long
	e := newEnv(t, envConfig{clientTimeout: perCall, opts: []mfahandler.Option{mfahandler.WithRequestTimeout(500 * time.Millisecond)}})
	b := e.browser(bob)
	b.stepUp()
	setup, secret := startTOTP(t, b)
	e.emu.InjectFault("/oauth/token", auth0test.Fault{Hang: true})
	e.emu.InjectFault("/mfa/authenticators", auth0test.Fault{Hang: true, Method: http.MethodGet})
	start := time.Now()
	p := b.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{
		"enrollment": setup.formTo(t, "/enroll/confirm").values["enrollment"],
		"code":       {totpCode(t, secret, e.clock.Now())},
	})
	took := time.Since(start)
	e.emu.ClearFaults()
	// Far below one per-call timeout, let alone two: the budget is the bound, whatever the
	// machine's speed (no tight timing here).
	if took >= perCall {
		t.Errorf("the confirmation against a hanging tenant took %v; the request's deadline is 500ms", took)
	}
	if p.status < 500 {
		t.Fatalf("confirmation against a hanging tenant: %d", p.status)
	}
	mustContain(t, p, "check your sign-in methods")
	mustNotContain(t, p, "Nothing was changed")
}
