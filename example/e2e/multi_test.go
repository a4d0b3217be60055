package e2e

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/example/app"
	"github.com/selfmfa/selfmfa/mfahandler"
	"github.com/selfmfa/selfmfa/redislimit/redistest"
)

// twoInstances starts one emulated tenant and two example apps on it sharing the clock; with
// redisURL set they share sessions and attempt limits through Redis, otherwise each keeps its
// own in memory.
func twoInstances(t *testing.T, redisURL string) (clk *clock, emu *auth0test.Server, a, b *app.Instance) {
	t.Helper()
	clk = newClock()
	emu = auth0test.RunT(t,
		auth0test.WithClock(clk.Now),
		auth0test.WithSigningKey(sharedKey(t)),
		auth0test.WithClient("multi", "multi-secret"),
		auth0test.WithLogger(slog.New(slog.DiscardHandler)),
	)
	logs := &syncBuffer{}
	production := mfahandler.DefaultLimits()
	start := func(name string) *app.Instance {
		inst, err := app.Start(context.Background(), app.Config{
			Limits:   &production,
			Addr:     "127.0.0.1:0",
			Tenant:   emu,
			RedisURL: redisURL,
			Now:      clk.Now,
			Logger:   slog.New(slog.NewTextHandler(logs, nil)).With("instance", name),
		})
		if err != nil {
			t.Fatalf("starting instance %s: %v", name, err)
		}
		t.Cleanup(func() {
			if err := inst.Close(); err != nil {
				t.Errorf("closing instance %s: %v", name, err)
			}
		})
		return inst
	}
	a, b = start("A"), start("B")
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("app log:\n%s", clip(logs.String(), 20000))
		}
	})
	return clk, emu, a, b
}

// TestMultiInstanceRedis runs two app instances against one real redis-server. An enrollment
// started on instance A is confirmed on instance B (the same session, found in Redis through the
// same cookie: cookies ignore ports). For a second user, four wrong codes on A and four on B use
// up the per-user budget of eight, so the next code is refused on A, although each instance saw
// only four: the limit lives in Redis, not in one process.
func TestMultiInstanceRedis(t *testing.T) {
	t.Parallel()
	addr := startRedis(t)
	clk, emu, instA, instB := twoInstances(t, "redis://"+addr+"/0")

	t.Run("enroll on A, confirm on B", func(t *testing.T) {
		u := newUser(t, emu)
		c := newWebClient(t)
		list := c.signIn(instA.URL, u)
		totp := c.startTOTP(list)
		o := totp.totpSecret(t)
		action, vals := totp.form(t, "/account/mfa/enroll/confirm")
		vals.Set("code", o.code(clk.Now()))
		done := c.post(rebase(action, instB.URL), vals)
		done.mustBe(t, http.StatusOK, `^/account/mfa/recovery-code$`, "Your recovery code")
		if !strings.HasPrefix(done.URL.String(), instB.URL) {
			t.Fatalf("the confirmation ended on %s, not on instance B", done.URL)
		}
		mustHaveFactors(t, emu, u.ID, "totp", "recovery-code")
		// And the list on A shows what B added.
		c.get(instA.URL+"/account/mfa/").mustBe(t, http.StatusOK, `^/account/mfa/$`, "Authenticator app")
	})

	t.Run("attempt limit across instances", func(t *testing.T) {
		u := newUser(t, emu)
		c := newWebClient(t)
		list := c.signIn(instA.URL, u)
		totp := c.startTOTP(list)
		o := totp.totpSecret(t)
		wrong := func(base string, page webPage) webPage {
			action, vals := page.form(t, "/account/mfa/enroll/confirm")
			vals.Set("code", wrongCode(o, clk.Now()))
			p := c.post(rebase(action, base), vals)
			p.mustBe(t, http.StatusOK, `^/account/mfa/enroll/totp$`, "That code didn't work.")
			return p
		}
		for range 4 {
			totp = wrong(instA.URL, totp)
		}
		// Cancel on B and start again there (five wrong codes would cancel the enrollment).
		action, vals := totp.form(t, "/account/mfa/enroll/cancel")
		list = c.post(rebase(action, instB.URL), vals)
		list.mustBe(t, http.StatusOK, `^/account/mfa/$`, "Cancelled. Nothing was added.")
		totp = c.startTOTP(list)
		o = totp.totpSecret(t)
		for range 4 {
			totp = wrong(instB.URL, totp)
		}
		action, vals = totp.form(t, "/account/mfa/enroll/confirm")
		vals.Set("code", o.code(clk.Now())) // the right code, on A
		refused := c.post(rebase(action, instA.URL), vals)
		refused.mustBe(t, http.StatusTooManyRequests, `^/account/mfa/enroll/confirm$`, "Too many attempts", "Nothing was changed.")
		if active, _ := authenticatorState(emu, u.ID); len(active) > 0 {
			t.Fatalf("a factor became active past the limit: %v", active)
		}
	})
}

// TestMultiInstanceMemory: the same move with in-memory sessions. Instance B does not know the
// session A created: the confirmation posted to B is answered with a redirect to sign in (no
// 500), nothing is activated at the tenant, and wherever the redirects end, it is not a server
// error. The user can then start again on B and finish there.
func TestMultiInstanceMemory(t *testing.T) {
	t.Parallel()
	clk, emu, instA, instB := twoInstances(t, "")
	u := newUser(t, emu)
	c := newWebClient(t)
	list := c.signIn(instA.URL, u)
	totp := c.startTOTP(list)
	o := totp.totpSecret(t)
	action, vals := totp.form(t, "/account/mfa/enroll/confirm")
	vals.Set("code", o.code(clk.Now()))

	status, loc := c.postNoFollow(rebase(action, instB.URL), vals)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
		t.Fatalf("instance B answered %d Location %q; want 303 to its sign-in", status, loc)
	}
	if active, _ := authenticatorState(emu, u.ID); len(active) > 0 {
		t.Fatalf("a factor became active through an instance without the session: %v", active)
	}
	end := c.post(rebase(action, instB.URL), vals)
	if end.Status >= 500 {
		t.Fatalf("following B's redirects ended in %d at %s", end.Status, end.URL)
	}
	t.Logf("on B the user is sent to sign in and ends at %s (%d): %q", end.URL.RequestURI(), end.Status, clip(textOf(end.Body), 200))
	if active, _ := authenticatorState(emu, u.ID); len(active) > 0 {
		t.Fatalf("a factor became active: %v", active)
	}
	// B's sign-in replaced A's session cookie (same host, cookies ignore ports), so the user now
	// works on B: starting again there finishes cleanly and removes A's abandoned pending
	// authenticator first. A's enrollment received the recovery code, so B's shows none.
	totp = c.startTOTP(c.get(instB.URL + "/account/mfa/"))
	o = totp.totpSecret(t)
	action, vals = totp.form(t, "/account/mfa/enroll/confirm")
	vals.Set("code", o.code(clk.Now()))
	c.post(action, vals).mustBe(t, http.StatusOK, `^/account/mfa/recovery-code$`, "No recovery code was issued this time.")
	mustHaveFactors(t, emu, u.ID, "totp", "recovery-code")
}

// startRedis starts a real redis-server for the test (see redislimit/redistest).
func startRedis(t *testing.T) string {
	t.Helper()
	addr, _ := redistest.Start(t)
	return addr
}
