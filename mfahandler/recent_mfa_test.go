package mfahandler_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/mfahandler"
)

// TestRecentMFANotice (first-hour review: challenged twice): when the host's own login passed a
// second factor moments ago, the security page first says that a new code is needed, and its
// Continue starts the step-up; otherwise, or without the hook, the step-up starts at once.
func TestRecentMFANotice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		hook   bool
		ago    time.Duration
		notice bool
	}{
		{"no hook", false, 0, false},
		{"host challenge 30 s ago", true, 30 * time.Second, true},
		{"host challenge 10 min ago", true, 10 * time.Minute, false},
		{"no host challenge", true, -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var now func() time.Time
			var opts []mfahandler.Option
			if tc.hook {
				opts = append(opts, mfahandler.WithRecentMFA(func(*http.Request) time.Time {
					if tc.ago < 0 {
						return time.Time{}
					}
					return now().Add(-tc.ago)
				}))
			}
			e := newEnv(t, envConfig{opts: opts})
			now = e.clock.Now
			b := e.browser(bob)
			p := b.get(e.app.URL + "/account/mfa/")
			if !tc.notice {
				if p.status != http.StatusSeeOther || !e.isAuthorize(p.location(t)) {
					t.Fatalf("want the step-up at once: %d %q", p.status, p.header.Get("Location"))
				}
				return
			}
			if p.status != http.StatusOK || !strings.Contains(p.body, "You'll need a new code.") {
				t.Fatalf("want the notice: %d\n%s", p.status, p.body[strings.Index(p.body, "<main"):])
			}
			link := between(p.body, `<a class="mfa-btn mfa-btn-primary" href="`, `"`)
			if link != "/account/mfa/login?return=%2Faccount%2Fmfa%2F" {
				t.Fatalf("Continue goes to %q", link)
			}
			next := b.get(e.app.URL + link)
			if next.status != http.StatusSeeOther || !e.isAuthorize(next.location(t)) {
				t.Fatalf("Continue: %d %q", next.status, next.header.Get("Location"))
			}
		})
	}
}
