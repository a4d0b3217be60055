package mfahandler_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// TestMyAccountResendSpendsItsWrites: on a Free tenant (2 writes a minute) a resend is two
// writes — the pending phone deleted, a new one started — so right after the start only one
// is left: the resend is refused before any call, with the wait for the second, and once they are
// back it sends a new code.
func TestMyAccountResendSpendsItsWrites(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{myAccount: true,
		opts:    []mfahandler.Option{mfahandler.WithMyAccountAPI(mfahandler.PlanFree)},
		emuOpts: []auth0test.Option{auth0test.WithMyAccountPlan(auth0test.PlanFree)}})
	b := e.browser(bob)
	wantStatus(t, "list", b.stepUp(), http.StatusOK)
	code := startPhone(t, b, "sms", "+447700900123")
	mark := e.up.mark()
	refused := b.submitForm(code, code.formTo(t, "/account/mfa/enroll/resend"), nil)
	if refused.status != http.StatusTooManyRequests || e.up.count(mark, http.MethodDelete, "/me/v1/")+e.up.count(mark, http.MethodPost, "/me/v1/") != 0 {
		t.Fatalf("a resend with one write left: %d, calls %v", refused.status, e.up.since(mark))
	}
	mustContain(t, refused, "Please wait 30 seconds") // the second write comes back then
	e.clock.Advance(time.Minute)
	code = b.open("/account/mfa/enroll/code")
	sent := b.submitForm(code, code.formTo(t, "/account/mfa/enroll/resend"), nil)
	mustContain(t, sent, "A new code was sent")
	if n := len(e.emu.Outbox()); n != 2 {
		t.Fatalf("%d messages, want 2", n)
	}
}
