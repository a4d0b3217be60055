package e2e

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/example/app"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// appEnv is one example app started in-process for one test: its own emulated tenant on
// 127.0.0.1:0, a frozen shared clock, and a user of its own.
type appEnv struct {
	t    *testing.T
	clk  *clock
	inst *app.Instance
	emu  *auth0test.Server
	user auth0test.User
	log  *syncBuffer
}

// startApp starts example/app with a fresh clock; mods adjust the Config (e.g. a short HTTP
// client timeout). The app's log goes to app.log in the artifact directory, and is checked
// for the user's secrets by noSecretsInLog.
func startApp(t *testing.T, mods ...func(*app.Config)) *appEnv {
	t.Helper()
	return startAppOn(t, newClock(), mods...)
}

func startAppOn(t *testing.T, clk *clock, mods ...func(*app.Config)) *appEnv {
	t.Helper()
	logs := &syncBuffer{}
	production := mfahandler.DefaultLimits()
	cfg := app.Config{
		Addr:            "127.0.0.1:0",
		TenantAddr:      "127.0.0.1:0",
		Now:             clk.Now,
		Logger:          slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		EmulatorOptions: []auth0test.Option{auth0test.WithSigningKey(sharedKey(t))},
		Limits:          &production, // the tests hold the handler to the limits hosts get
	}
	for _, m := range mods {
		m(&cfg)
	}
	// Not t.Context(): it ends before the cleanups that close the app run.
	inst, err := app.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("app.Start: %v", err)
	}
	t.Cleanup(func() {
		if err := inst.Close(); err != nil {
			t.Errorf("closing the app: %v", err)
		}
		p := filepath.Join(t.ArtifactDir(), "app.log")
		if err := os.WriteFile(p, logs.Bytes(), 0o644); err == nil && t.Failed() {
			t.Logf("the app's log: %s", p)
		}
	})
	if inst.Tenant == nil {
		t.Fatal("app.Start in offline mode returned no emulated tenant")
	}
	return &appEnv{t: t, clk: clk, inst: inst, emu: inst.Tenant, user: newUser(t, inst.Tenant), log: logs}
}

// signIn signs the user in through the app's home page and the tenant's login page, checking the
// signed-out home page on the way. It stops where the tenant sends the browser next: the account
// page, or the tenant's MFA challenge for a user who has a factor.
func (e *appEnv) signIn(b *tab) {
	e.t.Helper()
	b.navigate(e.inst.URL + "/")
	b.waitVisible("#signin")
	b.check("home (signed out)")
	b.click("#signin")
	tenantLogin(b, e.user)
}

// toAccount completes a sign-in that has no challenge and checks the account page.
func (e *appEnv) toAccount(b *tab) {
	e.t.Helper()
	b.mustBeAt(`^/account$`)
	b.waitVisible("#security-settings")
	b.check("account")
}

// openSecurity follows "Security settings" from the account page. A user without a factor passes
// the step-up without a challenge and lands on the list.
func (e *appEnv) openSecurity(b *tab) {
	e.t.Helper()
	b.click("#security-settings")
}

// signInToList is the common start: sign in, open the security settings, land on the list.
func (e *appEnv) signInToList(b *tab) {
	e.t.Helper()
	e.signIn(b)
	e.toAccount(b)
	e.openSecurity(b)
	b.mustBeAt(`^/account/mfa/$`)
	b.waitVisible(".mfa-page")
}

// url is a path on the app.
func (e *appEnv) url(p string) string { return e.inst.URL + p }

// noSecretsInLog fails if any secret appears in the app's log (tokens, TOTP secret, codes,
// recovery codes and full phone numbers must never be logged).
func (e *appEnv) noSecretsInLog(what string, secrets ...string) {
	e.t.Helper()
	l := e.log.String()
	for _, s := range secrets {
		if s != "" && strings.Contains(l, s) {
			e.t.Errorf("the app's log contains %s", what)
		}
	}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.buf.Bytes())
}

func (s *syncBuffer) String() string { return string(s.Bytes()) }
