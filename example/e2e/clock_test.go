package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

// clock is the one controllable clock a test shares between the app, its handler, go-oidc and
// the emulated tenant (app.Config.Now). It is frozen: it moves only with advance, so expiries,
// TOTP windows and push polling never depend on how fast the machine is.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock {
	// Real wall time (cookies and logs stay plausible), at the start of a TOTP window so that a
	// test has the whole 30 s window for the codes it computes.
	now := time.Now().UTC().Truncate(30 * time.Second)
	return &clock{now: now}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// nextTOTPWindow moves to the start of the next 30 s TOTP window, so a new code differs from the
// last one (the tenant refuses a code used twice).
func (c *clock) nextTOTPWindow() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Truncate(30 * time.Second).Add(30 * time.Second)
}

// signingKey is one RSA key for every emulated tenant of the test binary: key generation is the
// slowest part of starting a tenant under the race detector.
var signingKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

func sharedKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := signingKey()
	if err != nil {
		t.Fatalf("generating the tenant signing key: %v", err)
	}
	return k
}

// testPassword is every test user's password.
const testPassword = "correct horse battery staple"

// newUser adds a user named after the test to emu.
func newUser(t *testing.T, emu *auth0test.Server) auth0test.User {
	t.Helper()
	local := sanitizeName(t.Name())
	if len(local) > 48 {
		local = local[len(local)-48:]
	}
	u, err := emu.AddUser(auth0test.User{
		Email:    strings.Trim(local, "-") + "@example.com",
		Password: testPassword,
		Name:     "Test " + t.Name(),
	})
	if err != nil {
		t.Fatalf("adding a user to the tenant: %v", err)
	}
	return u
}

// activeKinds lists the kinds of sub's active authenticators ("totp", "sms", …, from the ids),
// and pending the ids of inactive ones.
func authenticatorState(emu *auth0test.Server, sub string) (active []string, pending []string) {
	for _, a := range emu.Authenticators(sub) {
		kind, _, _ := strings.Cut(a.ID, "|")
		if a.Active {
			active = append(active, kind)
		} else {
			pending = append(pending, kind)
		}
	}
	return active, pending
}

// mustHaveFactors fails unless sub's active authenticator kinds are exactly want (order-free) and
// none is pending.
func mustHaveFactors(t *testing.T, emu *auth0test.Server, sub string, want ...string) {
	t.Helper()
	active, pending := authenticatorState(emu, sub)
	if fmt.Sprint(sorted(active)) != fmt.Sprint(sorted(want)) || len(pending) > 0 {
		t.Fatalf("tenant state for %s: active %v, pending %v; want active %v and nothing pending", sub, active, pending, want)
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
