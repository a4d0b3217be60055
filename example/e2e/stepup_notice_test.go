package e2e

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/example/app"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// TestNewCodeNotice (first-hour review: challenged twice): when selfmfa needs its own sign-in
// moments after the host's login passed a second factor, the page says first that a new code
// is needed; Continue leads to the tenant's challenge.
func TestNewCodeNotice(t *testing.T) {
	t.Parallel()
	var hostMFA atomic.Int64 // unix nanoseconds; 0: none
	clk := newClock()
	e := startAppOn(t, clk, func(cfg *app.Config) {
		cfg.HandlerOptions = []mfahandler.Option{mfahandler.WithRecentMFA(func(*http.Request) time.Time {
			if n := hostMFA.Load(); n != 0 {
				return time.Unix(0, n)
			}
			return time.Time{}
		})}
	})
	b := newTab(t)
	e.signInToList(b)
	// The host's token is 10 minutes old; the host's login passed MFA just now.
	clk.advance(11 * time.Minute)
	hostMFA.Store(clk.Now().Add(-20 * time.Second).UnixNano())
	b.navigate(e.url("/account/mfa/"))
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("Confirm it's you again", "You'll need a new code.")
	b.check("new code notice")
	b.click(`a[href^="/account/mfa/login?return="]`)
	// Continue is the step-up: the sign-in is older than its max_age, so the tenant asks again.
	b.mustBeAt(`^/u/login\?state=`)
}
