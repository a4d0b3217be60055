package mfahandler_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/selfmfa/selfmfa/auth0test"
)

// Attacks that held (kept as evidence; these pass).
func TestPolicyAttackTriedMethodsAndXSS(t *testing.T) {
	t.Parallel()
	e, served, _ := actionEnv(t)
	b := e.browser(bob)
	for _, m := range []string{http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
		p := b.raw(m, "/payout", "amount=1", b.sameOrigin())
		if served.Load() != 0 {
			t.Fatalf("%s served without a recent factor: %d", m, p.status)
		}
	}
	b2, confirm := func() (*browser, page) { return heldPayoutXSS(t, e) }()
	_ = b2
	mustContain(t, confirm, "Send a payout", "&#34;&gt;&lt;script&gt;")
	if strings.Contains(confirm.body, "<script>alert") || strings.Contains(confirm.body, `"><img`) {
		t.Fatalf("held form rendered raw:\n%s", confirm.body)
	}
	if served.Load() != 0 {
		t.Fatal("served")
	}
	// a forged id for the held one, and the right id on another path
	f := confirm.formTo(t, "/payout")
	v := url.Values{}
	for k, vs := range f.values {
		v[k] = vs
	}
	v.Set("mfa_action", "AAAAAAAAAAAAAAAAAAAAAAAAAA")
	if p := b2.post(e.app.URL+"/payout", v); p.status != http.StatusConflict || served.Load() != 0 {
		t.Fatalf("forged id: %d, served %d", p.status, served.Load())
	}
}

func heldPayoutXSS(t *testing.T, e *env) (*browser, page) {
	t.Helper()
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	e.emu.QueueLogin(bob)
	return b, b.passChallenge(b.follow(b.post(e.app.URL+"/payout", url.Values{
		"amount":                  {`"><script>alert(1)</script>`},
		`"><img src=x onerror=1>`: {"x"},
	})))
}
