package mfahandler_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

// TestMyAccountLastUsed: the app that passed the step-up's challenge is "Last used" then, told
// relative to the handler's clock, with the exact time in the <time> element.
func TestMyAccountLastUsed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{myAccount: true})
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	used := e.clock.Now()
	wantStatus(t, "list", b.stepUp(), http.StatusOK)
	e.clock.Advance(2*time.Minute + 10*time.Second)
	list := b.open("/account/mfa/")
	mustContain(t, list, "Last used <time datetime=\""+used.UTC().Format(time.RFC3339)+"\">2 minutes ago</time>")
}
