package mfahandler_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

// TestConfirmBurst is the review's 50-way measurement (finding 1): 50 confirms of one
// enrollment from one session at once, like a user hammering the button with a slow network.
// Whatever finishes late, exactly one confirmation counts, the renewed-away session id stays
// dead, and the browser — holding whichever cookie arrived last — still reaches the recovery
// code, at once or, when the last cookie was the dead id, after signing in again. The review
// lost the code in 6 of 20 such rounds.
func TestConfirmBurst(t *testing.T) {
	t.Parallel()
	const rounds, racers = 8, 50
	e := newEnv(t, envConfig{})
	lost, signedOut := 0, 0
	for round := range rounds {
		u, err := e.emu.AddUser(auth0test.User{Email: "burst" + itoa(round) + "@example.com", Password: "pw"})
		if err != nil {
			t.Fatal(err)
		}
		b := e.browser(u.ID)
		b.stepUp()
		setup, secret := startTOTP(t, b)
		old := b.cookie()
		v := url.Values{"enrollment": setup.formTo(t, "/enroll/confirm").values["enrollment"], "code": {totpCode(t, secret, e.clock.Now())}}

		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			lastSet   string // the Set-Cookie of the last response to arrive, as a browser keeps it
			succeeded int
		)
		noRedirect := &http.Client{Transport: b.c.Transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for range racers {
			wg.Go(func() {
				req, _ := http.NewRequest(http.MethodPost, e.app.URL+"/account/mfa/enroll/confirm", strings.NewReader(v.Encode()))
				for k, val := range b.sameOrigin() {
					req.Header.Set(k, val)
				}
				req.Header.Set("Cookie", "session="+old)
				res, err := noRedirect.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				mu.Lock()
				defer mu.Unlock()
				for _, c := range res.Cookies() {
					if c.Name == "session" {
						lastSet = c.Value
					}
				}
				if res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == "/account/mfa/recovery-code" {
					succeeded++
				}
			})
		}
		wg.Wait()
		if succeeded != 1 {
			t.Errorf("round %d: %d confirmations succeeded, want 1", round, succeeded)
		}
		if n := len(activeIDs(e, u.ID, "totp|")); n != 1 {
			t.Fatalf("round %d: %d active authenticator apps", round, n)
		}

		stale := e.browser("")
		stale.setCookie(old)
		// Dead: the host's session knows no user (401), or the MFA token is gone (a new step-up).
		if p := stale.get(e.app.URL + "/account/mfa/"); p.status != http.StatusUnauthorized && (p.status != http.StatusSeeOther || !e.isAuthorize(p.location(t))) {
			t.Errorf("round %d: the renewed-away session opened the list: %d %q", round, p.status, p.header.Get("Location"))
		}

		if lastSet != "" {
			b.setCookie(lastSet)
		}
		e.clock.Advance(30 * time.Second) // a fresh code for a step-up, should the browser need one
		p := b.open("/account/mfa/")
		if p.status == http.StatusUnauthorized {
			// The last cookie to arrive was the dead id that a late request wrote back: the
			// browser is signed out of the host and signs in again.
			signedOut++
			b = e.browser(u.ID)
			p = b.stepUp()
		}
		if !strings.Contains(p.url.Path, "/account/mfa/") {
			p = b.passChallenge(p)
		}
		if recoveryCodeOn(p) == "" {
			lost++
			i := strings.Index(p.body, "mfa-flash")
			t.Errorf("round %d: the recovery code did not reach the user; the browser ended on %s (%d) last cookie new=%v: %.300s", round, p.url, p.status, lastSet != "" && lastSet != old, p.body[max(i, 0):])
		}
		finishRecovery(t, b, p)
	}
	t.Logf("%d rounds of %d parallel confirms: recovery code lost in %d, browser left on the dead id (signed in again) in %d", rounds, racers, lost, signedOut)
}
