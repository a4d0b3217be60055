package mfahandler_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

// actionEnv mounts a host POST /payout and GET /payout/history behind RequireRecentMFA.
func actionEnv(t *testing.T) (*env, *atomic.Int32, *sync.Map) {
	t.Helper()
	e := newEnv(t, envConfig{})
	served, amounts := &atomic.Int32{}, &sync.Map{}
	e.mux.Handle("/payout", e.h.RequireRecentMFA("Send a payout", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		amounts.Store(n, r.PostFormValue("amount")+"|"+r.PostFormValue("mfa_action"))
		_, _ = w.Write([]byte("payout sent"))
	})))
	e.mux.Handle("GET /payout/history", e.h.RequireRecentMFA("", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("history " + r.URL.RawQuery))
	})))
	return e, served, amounts
}

// heldPayout: bob, who has an app, posts a payout without a recent second factor and passes
// the step-up; it returns his browser on the confirmation page.
func heldPayout(t *testing.T, e *env) (*browser, page) {
	t.Helper()
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	e.emu.QueueLogin(bob)
	return b, b.passChallenge(b.follow(b.post(e.app.URL+"/payout", url.Values{"amount": {"100"}})))
}

// TestRequireRecentMFAHoldsAPost: a payout without a recent second factor is held, the user
// passes the step-up and lands on a page that says what they were doing; Continue sends the
// payout once, with its form, and a second submission of that page (a double click, the back
// button) is refused; within the recent window the next payout goes straight through.
func TestRequireRecentMFAHoldsAPost(t *testing.T) {
	t.Parallel()
	e, served, amounts := actionEnv(t)
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	e.emu.QueueLogin(bob)
	held := b.post(e.app.URL+"/payout", url.Values{"amount": {"100"}})
	if held.status != http.StatusSeeOther || served.Load() != 0 {
		t.Fatalf("a payout without a recent second factor: %d, served %d", held.status, served.Load())
	}
	confirm := b.passChallenge(b.follow(held))
	if confirm.url.Path != "/account/mfa/action" {
		t.Fatalf("after the step-up: %s\n%s", confirm.url, confirm.body)
	}
	mustContain(t, confirm, "Send a payout", "Nothing has been done yet.")
	f := confirm.formTo(t, "/payout")
	done := b.submitForm(confirm, f, nil)
	if done.status != http.StatusOK || !strings.Contains(done.body, "payout sent") || served.Load() != 1 {
		t.Fatalf("Continue: %d, served %d\n%s", done.status, served.Load(), done.body)
	}
	if v, _ := amounts.Load(int32(1)); v != "100|" {
		t.Fatalf("the route got %q, want the held form without the action field", v)
	}
	again := b.submitForm(confirm, f, nil)
	if again.status != http.StatusConflict || served.Load() != 1 {
		t.Fatalf("the confirmation sent twice: %d, served %d", again.status, served.Load())
	}
	mustContain(t, again, "It was not done a second time.")
	if p := b.post(e.app.URL+"/payout", url.Values{"amount": {"5"}}); p.status != http.StatusOK || served.Load() != 2 {
		t.Fatalf("a payout within the recent window: %d, served %d", p.status, served.Load())
	}
	e.clock.Advance(11 * time.Minute)
	if p := b.post(e.app.URL+"/payout", url.Values{"amount": {"7"}}); p.status != http.StatusSeeOther || served.Load() != 2 {
		t.Fatalf("a payout after the recent window: %d, served %d", p.status, served.Load())
	}
}

// TestRequireRecentMFADoubleSubmit: two concurrent submissions of the confirmation complete
// the payout once.
func TestRequireRecentMFADoubleSubmit(t *testing.T) {
	t.Parallel()
	e, served, _ := actionEnv(t)
	b, confirm := heldPayout(t, e)
	f := confirm.formTo(t, "/payout")
	var wg sync.WaitGroup
	codes := make([]int, 4)
	for i := range codes {
		wg.Go(func() { codes[i] = b.post(e.app.URL+"/payout", f.values).status })
	}
	wg.Wait()
	if served.Load() != 1 {
		t.Fatalf("served %d times (statuses %v)", served.Load(), codes)
	}
}

// TestRequireRecentMFAWithoutAFactor: a user with no second factor passes the step-up without
// one, so the held payout is not completed: they are sent to add one first.
func TestRequireRecentMFAWithoutAFactor(t *testing.T) {
	t.Parallel()
	e, served, _ := actionEnv(t)
	b := e.browser(bob)
	e.emu.QueueLogin(bob)
	p := b.passChallenge(b.follow(b.post(e.app.URL+"/payout", url.Values{"amount": {"100"}})))
	if p.url.Path != "/account/mfa/" || served.Load() != 0 {
		t.Fatalf("without a factor: %s, served %d\n%s", p.url, served.Load(), p.body)
	}
	mustContain(t, p, "your account has none yet")
	if q := b.post(e.app.URL+"/payout", url.Values{"amount": {"100"}, "mfa_action": {"forged"}}); served.Load() != 0 {
		t.Fatalf("a forged action id was served: %d", q.status)
	}
	if q := b.post(e.app.URL+"/payout", url.Values{"amount": {"100"}}); q.status != http.StatusSeeOther || served.Load() != 0 {
		t.Fatalf("a payout after a step-up without a second factor: %d, served %d", q.status, served.Load())
	}
}

// TestRequireRecentMFAPage: a protected GET goes through the step-up and back to the page.
func TestRequireRecentMFAPage(t *testing.T) {
	t.Parallel()
	e, _, _ := actionEnv(t)
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	e.emu.QueueLogin(bob)
	p := b.passChallenge(b.open("/payout/history?year=2026"))
	if p.url.Path != "/payout/history" || !strings.Contains(p.body, "history year=2026") {
		t.Fatalf("after the step-up: %s\n%s", p.url, p.body)
	}
}

// TestRequireRecentMFAStaleSession: a copy of the session from before the payout was completed,
// written back by a late request, still holds the action: the ledger, not the session, makes
// the completion single-use.
func TestRequireRecentMFAStaleSession(t *testing.T) {
	t.Parallel()
	e, served, _ := actionEnv(t)
	b, confirm := heldPayout(t, e)
	f := confirm.formTo(t, "/payout")
	token := b.cookie()
	blob, _ := e.storeBlob(token) // the session still holding the action
	if p := b.submitForm(confirm, f, nil); p.status != http.StatusOK || served.Load() != 1 {
		t.Fatalf("Continue: %d, served %d", p.status, served.Load())
	}
	if err := e.sm.Store.Commit(b.cookie(), blob, e.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if p := b.submitForm(confirm, f, nil); p.status != http.StatusConflict || served.Load() != 1 {
		t.Fatalf("with the stale session copy: %d, served %d", p.status, served.Load())
	}
}

// TestRequireRecentMFACrossOrigin: a payout posted from another site is refused (403) before
// anything is held: no confirmation page can come of it, and the route is not served.
func TestRequireRecentMFACrossOrigin(t *testing.T) {
	t.Parallel()
	e, served, _ := actionEnv(t)
	b := e.browser(bob)
	before := e.sessionValues(b.cookie())
	p := b.raw(http.MethodPost, "/payout", "amount=100", map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if p.status != http.StatusForbidden || served.Load() != 0 {
		t.Fatalf("a cross-site payout: %d, served %d", p.status, served.Load())
	}
	if _, held := e.sessionValues(b.cookie())["mfa.action"]; held || len(e.sessionValues(b.cookie())) != len(before) {
		t.Fatal("a cross-site payout was held in the session")
	}
}

// TestRequireRecentMFAReturnStaysOnSite: the way back after a protected page's step-up goes to
// a path on this site only.
func TestRequireRecentMFAReturnStaysOnSite(t *testing.T) {
	t.Parallel()
	e, _, _ := actionEnv(t)
	b, _ := heldPayout(t, e) // a step-up that passed a second factor
	for _, ret := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		p := b.get(e.app.URL + "/account/mfa/action?return=" + url.QueryEscape(ret))
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/" {
			t.Errorf("return %q: %d → %q, want / on this site", ret, p.status, p.header.Get("Location"))
		}
	}
	if p := b.get(e.app.URL + "/account/mfa/action?return=" + url.QueryEscape("/payout/history?year=2026")); p.header.Get("Location") != "/payout/history?year=2026" {
		t.Errorf("a local return: %q", p.header.Get("Location"))
	}
}
