package mfahandler_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

// TestMyAccountListReadRacingAVerifyIsNotKept: a list read that begins while a verify is
// under way (another tab of the same session loads the list while this one confirms) and
// whose answer (read at Auth0 before the verify landed) arrives after the verify's end must
// not be kept: the generation counter counts writes begun, so a read begun after the write
// began passes put's check although it may predate the write's effect. The stale list
// (the new app still pending) then overwrites the fresh one that checkActivated read, and
// the next setup of an app deletes the app just added as an "abandoned" pending one.
func TestMyAccountListReadRacingAVerifyIsNotKept(t *testing.T) {
	t.Parallel()
	var armed atomic.Bool
	verifyStarted := make(chan struct{})
	getSeen := make(chan struct{})
	aDone := make(chan struct{})
	var onceV, onceG sync.Once
	var blockedGet atomic.Bool
	e := newEnv(t, envConfig{myAccount: true,
		answer: func(req *http.Request) *http.Response {
			if armed.Load() && req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/verify") {
				onceV.Do(func() { close(verifyStarted) })
				<-getSeen // Auth0 answers the other tab's list first
			}
			return nil
		},
		rewrite: func(req *http.Request, res *http.Response) {
			if armed.Load() && req.Method == http.MethodGet && req.URL.Path == "/me/v1/authentication-methods" &&
				blockedGet.CompareAndSwap(false, true) {
				onceG.Do(func() { close(getSeen) })
				<-aDone // ...and that answer reaches the handler late
			}
		}})
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	wantStatus(t, "list", b.stepUp(), http.StatusOK)
	setup, secret := startTOTP(t, b)
	e.clock.Advance(16 * time.Second) // the user types the code: the list read with the start is old
	armed.Store(true)

	var done page
	go func() {
		defer close(aDone)
		done = b.post(e.app.URL+"/account/mfa/enroll/confirm", func() url.Values {
			f := setup.formTo(t, "/enroll/confirm")
			v := f.values
			v.Set("code", totpCode(t, secret, e.clock.Now()))
			return v
		}())
	}()
	<-verifyStarted
	other := b.tab().get(e.app.URL + "/account/mfa/") // the second tab's list, begun while the verify runs
	armed.Store(false)
	done = b.follow(done)
	t.Logf("confirm: %d %s; other tab: %d", done.status, done.url, other.status)
	mustContain(t, done, "Your authenticator app was added")
	if n := len(activeIDs(e, bob, "totp|")); n != 2 {
		t.Fatalf("after the confirmation the tenant has %d active apps, want 2", n)
	}

	// Within the cache's 15 s: the list, then a second app's setup.
	list := b.open("/account/mfa/")
	if c := strings.Count(list.body, "/account/mfa/remove?id="); c < 2 {
		t.Errorf("the list shows %d removable methods, want 2 apps: the racing read was cached", c)
	}
	startTOTP(t, b)
	if n := len(activeIDs(e, bob, "totp|")); n != 2 {
		t.Fatalf("starting another app deleted the app just added: %d active apps left, %v", n, e.emu.Authenticators(bob))
	}
}

// tab is a second tab of b's browser: the same session cookie, in a jar of its own so that
// the two requests' cookie writes do not race in the test's jar.
func (b *browser) tab() *browser {
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(b.e.app.URL)
	jar.SetCookies(u, b.c.Jar.Cookies(u))
	c := *b.c
	c.Jar = jar
	return &browser{t: b.t, e: b.e, c: &c, sub: b.sub}
}

// TestExpiredPushPollLeavesAnotherTabsSetup: a push setup's time runs out here (the My
// Account lifetime of 5 minutes) while the user starts a new push in another tab; the old
// page's next poll says the setup was not used in time and forgets it, without deleting what
// is pending at Auth0 now — the new setup.
func TestExpiredPushPollLeavesAnotherTabsSetup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{myAccount: true})
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	wantStatus(t, "list", b.stepUp(), http.StatusOK)
	old := b.tab()
	startPush(t, old)
	e.clock.Advance(5*time.Minute + time.Second) // past the My Account enrollment lifetime
	other := e.browser(bob)
	e.emu.QueueLogin(bob)
	e.emu.PassNextChallenge(bob)
	list := other.open("/account/mfa/")
	if p := other.submitForm(list, list.formTo(t, "/account/mfa/enroll/push"), nil); p.url.Path != "/account/mfa/enroll/push" {
		t.Fatalf("the other tab's push setup: %d %s", p.status, p.url)
	}
	if n := len(e.emu.PendingPushes(bob)); n != 1 {
		t.Fatalf("%d pending pushes after the new setup, want 1", n)
	}
	mark := e.up.mark()
	polled := old.poll()
	if polled.status != http.StatusOK || !strings.Contains(polled.body, "not used in time") {
		t.Fatalf("the old page's poll: %d\n%s", polled.status, polled.body)
	}
	if n := e.up.count(mark, http.MethodDelete, "/me/v1/"); n != 0 || len(e.emu.PendingPushes(bob)) != 1 {
		t.Fatalf("the expired setup's poll deleted %d methods; pending pushes now %d", n, len(e.emu.PendingPushes(bob)))
	}
}
