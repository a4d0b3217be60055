package mfahandler_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// removeOnlyApp removes bob's one authenticator app through the security page (b must hold a
// fresh token) and returns the list page the removal lands on.
func removeOnlyApp(t *testing.T, b *browser, list page) page {
	t.Helper()
	id, _ := url.QueryUnescape(between(list.body, `href="/account/mfa/remove?id=`, `"`))
	if id == "" {
		t.Fatalf("no remove link:\n%s", list.body)
	}
	confirm := b.open("/account/mfa/remove?id=" + url.QueryEscape(id))
	return b.submitForm(confirm, confirm.formTo(t, "/account/mfa/remove"), nil)
}

// TestPolicyReviewRemovedFactorStillCountsInSession: a staff user whose one app was seen, steps up
// with it (token MFA=true) and then removes it. The security page now records Status
// Known=true, Count=0, yet hasFactor still answers yes from the session's token record (its MFA
// flag, never expired or re-checked), so after the deadline RequireMFA serves the protected
// route and the nudge is hidden, for as long as the host session lives.
func TestPolicyReviewRemovedFactorStillCountsInSession(t *testing.T) {
	t.Parallel()
	e, served := policyEnv(t, envConfig{})
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	b.role("staff")
	if deadlineOn(t, b) == "" {
		t.Fatal("no nudge before any visit")
	}
	list := b.stepUp()
	wantStatus(t, "list", list, http.StatusOK)
	after := removeOnlyApp(t, b, list)
	for _, a := range e.emu.Authenticators(bob) {
		if a.Active && !strings.HasPrefix(a.ID, "recovery") {
			t.Fatalf("the app is still there: %+v (%s)", a, after.url)
		}
	}
	st := statusOf(t, e, b)
	if !st.Known || st.Count != 0 {
		t.Fatalf("status after the removal: %+v", st)
	}
	e.clock.Advance(policyGrace + time.Hour)
	p := b.get(e.app.URL + "/admin/report")
	if p.status != http.StatusSeeOther || served.Load() != 0 {
		t.Errorf("after the deadline, a user known to have no factor (status %+v): RequireMFA answered %d, served %d; want 303 to the security page",
			st, p.status, served.Load())
	}
	mustContain(t, b.open("/home"), "Your account now needs a second sign-in step.") // the overdue nudge
}

// TestPolicyReviewStaleStatusAfterRemoval: the Status is recorded only when the list page renders.
// A user who removes their one app and does not follow the 303 to the list (a script, a
// closed tab, or the removal made elsewhere, e.g. Auth0's dashboard / My Account API) keeps
// "has a factor" for WithStatus's bound (30 days): every other browser of theirs passes
// RequireMFA after the deadline and never sees the nudge.
func TestPolicyReviewStaleStatusAfterRemoval(t *testing.T) {
	t.Parallel()
	e, served := policyEnv(t, envConfig{})
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	b.role("staff")
	if deadlineOn(t, b) == "" { // the deadline starts here
		t.Fatal("no nudge before any visit")
	}
	list := b.stepUp()
	id, _ := url.QueryUnescape(between(list.body, `href="/account/mfa/remove?id=`, `"`))
	confirm := b.open("/account/mfa/remove?id=" + url.QueryEscape(id))
	f := confirm.formTo(t, "/account/mfa/remove")
	if p := b.post(e.app.URL+"/account/mfa/remove", f.values); p.status != http.StatusSeeOther {
		t.Fatalf("remove: %d", p.status)
	}
	for _, a := range e.emu.Authenticators(bob) {
		if a.Active && strings.HasPrefix(a.ID, "totp") {
			t.Fatal("the app is still there")
		}
	}
	e.clock.Advance(policyGrace + time.Hour)
	other := e.browser(bob) // another browser, no token in it
	other.role("staff")
	st := statusOf(t, e, other)
	if p := other.get(e.app.URL + "/admin/report"); p.status != http.StatusSeeOther || served.Load() != 0 {
		t.Errorf("a user with no factor left (status %+v) past the deadline: RequireMFA answered %d, served %d", st, p.status, served.Load())
	}
	mustContain(t, other.open("/home"), "Your account now needs a second sign-in step.") // the overdue nudge
}

// TestPolicyReviewHeldActionOtherUser: the held action carries no user. Alice holds a payout
// (her form), passes her step-up and leaves the confirmation page; the host signs her out the
// way scs's README does (the user key removed / replaced, the session data kept) and Bob signs
// in on the same browser. Bob passes his own step-up and the confirmation page shows Alice's
// held form; Continue sends Alice's payout as Bob.
func TestPolicyReviewHeldActionOtherUser(t *testing.T) {
	t.Parallel()
	e, served, amounts := actionEnv(t)
	for _, s := range []string{alice, bob} {
		if _, err := e.emu.SeedAuthenticator(s, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	b := e.browser(alice)
	e.emu.QueueLogin(alice)
	confirm := b.passChallenge(b.follow(b.post(e.app.URL+"/payout", url.Values{"amount": {"9999-to-alice"}})))
	if confirm.url.Path != "/account/mfa/action" {
		t.Fatalf("alice's confirmation: %s\n%s", confirm.url, confirm.body)
	}
	id := confirm.url.Query().Get("id")
	// Alice leaves; Bob signs in on the same browser.
	if p := b.get(e.app.URL + "/test/signin?sub=" + url.QueryEscape(bob)); p.status != http.StatusNoContent {
		t.Fatal(p.status)
	}
	b.sub = bob
	e.emu.QueueLogin(bob)
	p := b.passChallenge(b.open("/account/mfa/action?id=" + url.QueryEscape(id)))
	if p.status == http.StatusOK && strings.Contains(p.body, "9999-to-alice") {
		t.Errorf("bob's confirmation page shows alice's held form (%s)", p.url)
		done := b.submitForm(p, p.formTo(t, "/payout"), nil)
		if served.Load() != 0 {
			v, _ := amounts.Load(int32(1))
			t.Errorf("alice's held payout was sent in bob's session: %d %q, served %d", done.status, v, served.Load())
		}
	}
}

// TestPolicyReviewContinueWithHostFormFields: a host with WithFormFields (its CSRF token in
// every form, as the option's doc suggests) puts the same token in its own payout form. The
// held form keeps it, and the confirmation page renders the host's fields plus the held ones:
// the field twice. A browser sends both, and the handler's own form bound refuses a field
// given twice (400): the held action can never be completed.
func TestPolicyReviewContinueWithHostFormFields(t *testing.T) {
	t.Parallel()
	fields := mfahandler.WithFormFields(func(*http.Request) templ.Component {
		return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
			_, err := io.WriteString(w, `<input type="hidden" name="csrf_token" value="host-token">`)
			return err
		})
	})
	e := newEnv(t, envConfig{opts: []mfahandler.Option{fields}})
	served := &atomic.Int32{}
	e.mux.Handle("/payout", e.h.RequireRecentMFA("Send a payout", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		_, _ = w.Write([]byte("payout sent"))
	})))
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	e.emu.QueueLogin(bob)
	confirm := b.passChallenge(b.follow(b.post(e.app.URL+"/payout", url.Values{"amount": {"100"}, "csrf_token": {"host-token"}})))
	if confirm.url.Path != "/account/mfa/action" {
		t.Fatalf("after the step-up: %s", confirm.url)
	}
	form := between(confirm.body, `action="/payout"`, `</form>`)
	if n := strings.Count(form, `name="csrf_token"`); n != 1 {
		t.Errorf("the confirmation form has csrf_token %d times", n)
	}
	// Submit as a browser does: every hidden input, in order, duplicates included.
	var body []string
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`).FindAllStringSubmatch(form, -1) {
		body = append(body, url.QueryEscape(m[1])+"="+url.QueryEscape(m[2]))
	}
	p := b.raw(http.MethodPost, "/payout", strings.Join(body, "&"), b.sameOrigin())
	if p.status != http.StatusOK || served.Load() != 1 {
		t.Errorf("Continue as a browser sends it: %d, served %d\n%s", p.status, served.Load(), p.body)
	}
}

// TestPolicyReviewDeadlineResetsAfterKeep: the deadline is kept deadlineKept (400 days) after it
// passed; a user who never adds a factor then gets a fresh deadline and a new grace period:
// RequireMFA serves them again and the nudge asks "by" a new date.
func TestPolicyReviewDeadlineResetsAfterKeep(t *testing.T) {
	t.Parallel()
	e, served := policyEnv(t, envConfig{})
	b := e.browser(bob)
	b.role("staff")
	first := deadlineOn(t, b)
	e.clock.Advance(policyGrace + 401*24*time.Hour)
	if p := b.get(e.app.URL + "/admin/report"); p.status != http.StatusSeeOther || served.Load() != 0 {
		t.Errorf("a user who waited out the kept deadline: %d, served %d (nudge now says %q, first %q)", p.status, served.Load(), deadlineOn(t, b), first)
	}
}

// TestPolicyReviewResumeOtherUser: RequireMFA's way back carries no user either: alice, sent to
// the security page after her deadline, leaves; bob signs in on the same browser and his list
// offers "Continue where you were" to alice's page.
func TestPolicyReviewResumeOtherUser(t *testing.T) {
	t.Parallel()
	e, _ := policyEnv(t, envConfig{})
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(alice)
	b.role("staff")
	b.open("/home")
	e.clock.Advance(policyGrace + time.Hour)
	if p := b.get(e.app.URL + "/admin/alice-only?doc=7"); p.status != http.StatusSeeOther {
		t.Fatalf("alice overdue: %d", p.status)
	}
	b.get(e.app.URL + "/test/signin?sub=" + url.QueryEscape(bob))
	b.sub = bob
	list := b.stepUp()
	if strings.Contains(list.body, "/admin/alice-only?doc=7") {
		t.Errorf("bob's list offers alice's way back")
	}
}
