package mfahandler_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
)

const policyGrace = 14 * 24 * time.Hour

// policyEnv is a host with WithPolicy (staff must add a factor within 14 days), a page that
// renders the nudge (/home), a route protected by RequireMFA (/admin/…) and a way to change the
// signed-in user's role (/test/role?r=).
func policyEnv(t *testing.T, cfg envConfig) (*env, *atomic.Int32) {
	t.Helper()
	var sm atomic.Pointer[scs.SessionManager]
	cfg.opts = append(cfg.opts, mfahandler.WithPolicy(mfahandler.Policy{
		Required: func(r *http.Request) bool { return sm.Load().GetString(r.Context(), "role") == "staff" },
		Grace:    policyGrace,
	}))
	e := newEnv(t, cfg)
	sm.Store(e.sm)
	served := &atomic.Int32{}
	e.mux.HandleFunc("GET /test/role", func(w http.ResponseWriter, r *http.Request) {
		e.sm.Put(r.Context(), "role", r.URL.Query().Get("r"))
		w.WriteHeader(http.StatusNoContent)
	})
	e.mux.HandleFunc("GET /test/status", func(w http.ResponseWriter, r *http.Request) {
		st, err := e.h.Status(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_ = json.NewEncoder(w).Encode(st)
	})
	e.mux.HandleFunc("GET /home", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("<!doctype html><title>Home</title><main>"))
		_ = e.h.Nudge(r).Render(r.Context(), w)
		_, _ = w.Write([]byte("</main>"))
	})
	e.mux.Handle("/admin/", e.h.RequireMFA(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		_, _ = w.Write([]byte("admin page " + r.Method))
	})))
	return e, served
}

func (b *browser) role(r string) {
	b.t.Helper()
	if p := b.get(b.e.app.URL + "/test/role?r=" + r); p.status != http.StatusNoContent {
		b.t.Fatalf("role: %d", p.status)
	}
}

// deadlineOn returns the date the nudge on /home says, "" when there is no nudge.
func deadlineOn(t *testing.T, b *browser) string {
	t.Helper()
	p := b.open("/home")
	if !strings.Contains(p.body, "mfa-nudge") {
		return ""
	}
	return between(p.body, `<time datetime="`, `"`)
}

// TestPolicyDeadlineIsSetOnce: the deadline is set the first time the policy requires a factor
// of the user, and a second browser, deleted cookies, a new sign-in or a role that flips off
// and on again never moves it; a user the policy does not require sees no nudge.
func TestPolicyDeadlineIsSetOnce(t *testing.T) {
	t.Parallel()
	e, _ := policyEnv(t, envConfig{})
	first := e.browser(bob)
	if got := deadlineOn(t, first); got != "" {
		t.Fatalf("a user the policy does not require has a nudge (%s)", got)
	}
	first.role("staff")
	want := e.clock.Now().Add(policyGrace).Format("2006-01-02")
	if got := deadlineOn(t, first); got != want {
		t.Fatalf("the first deadline is %q, want %q", got, want)
	}
	mustContain(t, first.open("/home"), "Add a second sign-in step by", `action="/account/mfa/nudge/dismiss"`, `href="/account/mfa/"`)
	e.clock.Advance(3 * 24 * time.Hour)
	second := e.browser(bob) // another browser, or the same one with its cookies deleted
	second.role("staff")
	if got := deadlineOn(t, second); got != want {
		t.Fatalf("a second browser three days later has the deadline %q, want %q", got, want)
	}
	second.role("")
	if got := deadlineOn(t, second); got != "" {
		t.Fatalf("the role went, the nudge stayed (%s)", got)
	}
	e.clock.Advance(24 * time.Hour)
	second.role("staff")
	if got := deadlineOn(t, second); got != want {
		t.Fatalf("a role flipped off and on moved the deadline to %q, want %q", got, want)
	}
}

// TestPolicyNudge: the nudge is never shown to a user known to have a factor — once the
// security page has seen one, in every browser — and "Remind me later" puts it off for
// NudgeSnooze, returning to the page (never to another site); past the deadline it says so
// and cannot be put off.
func TestPolicyNudge(t *testing.T) {
	t.Parallel()
	t.Run("not for a user with a factor", func(t *testing.T) {
		t.Parallel()
		e, _ := policyEnv(t, envConfig{})
		if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
			t.Fatal(err)
		}
		b := e.browser(bob)
		b.role("staff")
		if deadlineOn(t, b) == "" {
			t.Fatal("a user whose status is unknown (no visit yet) gets no nudge")
		}
		st := statusOf(t, e, b)
		if st.Known {
			t.Fatalf("status before any visit: %+v", st)
		}
		wantStatus(t, "list", b.stepUp(), http.StatusOK)
		if got := deadlineOn(t, b); got != "" {
			t.Fatalf("a user the page saw with an app still has the nudge (%s)", got)
		}
		other := e.browser(bob)
		other.role("staff")
		if got := deadlineOn(t, other); got != "" {
			t.Fatalf("another browser of that user has the nudge (%s)", got)
		}
		if st := statusOf(t, e, other); !st.HasFactor() || st.Count != 1 || len(st.Factors) != 1 || st.Factors[0] != mfahandler.FactorTOTP {
			t.Fatalf("status %+v", st)
		}
	})
	t.Run("not after a login that passed a second factor", func(t *testing.T) {
		t.Parallel()
		// A status kept for a moment only: what tells here is the session's login.
		e, _ := policyEnv(t, envConfig{opts: []mfahandler.Option{mfahandler.WithStatus(time.Millisecond)}})
		if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
			t.Fatal(err)
		}
		b := e.browser(bob)
		b.role("staff")
		wantStatus(t, "list", b.stepUp(), http.StatusOK)
		e.clock.Advance(time.Second)
		if st := statusOf(t, e, b); st.Known {
			t.Fatalf("status %+v, want unknown", st)
		}
		if got := deadlineOn(t, b); got != "" {
			t.Fatalf("a session whose login passed a second factor has the nudge (%s)", got)
		}
		other := e.browser(bob)
		other.role("staff")
		if deadlineOn(t, other) == "" {
			t.Fatal("a session without such a login, the status unknown: no nudge")
		}
	})
	t.Run("remind me later", func(t *testing.T) {
		t.Parallel()
		e, _ := policyEnv(t, envConfig{})
		b := e.browser(bob)
		b.role("staff")
		home := b.open("/home?tab=2")
		p := b.submitForm(home, home.formTo(t, "/account/mfa/nudge/dismiss"), nil)
		if p.url.Path != "/home" || p.url.RawQuery != "tab=2" || strings.Contains(p.body, "mfa-nudge") {
			t.Fatalf("after Remind me later: %s\n%s", p.url, p.body)
		}
		evil := b.post(e.app.URL+"/account/mfa/nudge/dismiss", url.Values{"return": {"//evil.example/x"}})
		if evil.status != http.StatusSeeOther || evil.header.Get("Location") != "/" {
			t.Fatalf("a return to another site: %d %q", evil.status, evil.header.Get("Location"))
		}
		e.clock.Advance(mfahandler.NudgeSnooze + time.Minute)
		if deadlineOn(t, b) == "" {
			t.Fatal("the nudge did not come back after NudgeSnooze")
		}
		e.clock.Advance(policyGrace)
		over := b.open("/home")
		mustContain(t, over, "Your account now needs a second sign-in step.")
		mustNotContain(t, over, "Remind me later")
	})
}

func statusOf(t *testing.T, e *env, b *browser) mfahandler.Status {
	t.Helper()
	p := b.get(e.app.URL + "/test/status")
	var st mfahandler.Status
	if err := json.Unmarshal([]byte(p.body), &st); err != nil {
		t.Fatalf("status: %d %v %s", p.status, err, p.body)
	}
	return st
}

// TestRequireMFA: before the deadline a protected route serves; after it a user the policy
// requires and who has no factor is sent to the security page with the reason — a POST is
// never replayed — adds an app there, and is offered to continue at the GET they were on; then
// the route serves. A user the policy does not require is never stopped.
func TestRequireMFA(t *testing.T) {
	t.Parallel()
	e, served := policyEnv(t, envConfig{})
	b := e.browser(bob)
	b.role("staff")
	if p := b.get(e.app.URL + "/admin/report"); p.status != http.StatusOK || served.Load() != 1 {
		t.Fatalf("before the deadline: %d, served %d", p.status, served.Load())
	}
	e.clock.Advance(policyGrace + time.Minute)
	p := b.get(e.app.URL + "/admin/report?x=1")
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account/mfa/" || served.Load() != 1 {
		t.Fatalf("after the deadline: %d %q, served %d", p.status, p.header.Get("Location"), served.Load())
	}
	if p := b.post(e.app.URL+"/admin/delete", url.Values{"what": {"all"}}); p.status != http.StatusSeeOther || served.Load() != 1 {
		t.Fatalf("a POST after the deadline: %d, served %d", p.status, served.Load())
	}
	list := b.stepUp()
	mustContain(t, list, "Your account now needs a second sign-in step.")
	mustNotContain(t, list, "Continue where you were") // no factor yet
	setup, secret := startTOTP(t, b)
	list = finishRecovery(t, b, b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}}))
	mustContain(t, list, "Your authenticator app was added.", `href="/admin/report?x=1"`, "Continue where you were")
	mustNotContain(t, list, "/admin/delete")
	if again := b.open("/account/mfa/"); strings.Contains(again.body, "Continue where you were") {
		t.Error("the way back is offered twice")
	}
	if p := b.get(e.app.URL + "/admin/report?x=1"); p.status != http.StatusOK || served.Load() != 2 {
		t.Fatalf("with an app: %d, served %d", p.status, served.Load())
	}
	if served.Load() != 2 {
		t.Fatal("the POST was replayed")
	}

	other := e.browser(alice) // not staff
	if p := other.get(e.app.URL + "/admin/report"); p.status != http.StatusOK {
		t.Fatalf("a user the policy does not require: %d", p.status)
	}
}
