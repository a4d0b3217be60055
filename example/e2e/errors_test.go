package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/example/app"
)

// wrongCode returns a 6-digit code that is not the current one.
func wrongCode(o otpauth, now time.Time) string {
	n, _ := strconv.Atoi(o.code(now))
	return fmt.Sprintf("%06d", (n+500000)%1000000)
}

// TestWrongCodesAndLimits: a wrong code keeps the user on the page with the error tied to the
// field; five wrong codes cancel the enrollment (nothing left at the tenant); the per-user
// budget of eight codes then refuses the next attempt with a clear 429 page, and after the
// budget refills the user finishes.
func TestWrongCodesAndLimits(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	b := newTab(t)
	e.signInToList(b)

	b.click(selSetupTOTP)
	o := scanTOTP(b)
	b.submitWith(selCode, wrongCode(o, e.clk.Now()))
	b.mustBeAt(`^/account/mfa/enroll/totp$`)
	b.mustContain("That code didn't work.")
	if b.attr(selCode, "aria-invalid") != "true" {
		t.Fatal("the code field is not marked aria-invalid after a wrong code")
	}
	b.check("totp (wrong code)")
	for range 4 { // five wrong codes in all cancel the enrollment
		b.submitWith(selCode, wrongCode(o, e.clk.Now()))
	}
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("Too many wrong codes.")
	b.check("list (enrollment cancelled)")
	mustHaveNothing(t, e)

	b.click(selSetupTOTP)
	o = scanTOTP(b)
	for range 3 { // eight wrong codes for this user in all
		b.submitWith(selCode, wrongCode(o, e.clk.Now()))
	}
	b.submitWith(selCode, o.code(e.clk.Now())) // even the right code is refused now
	b.mustContain("Too many attempts", "Nothing was changed.")
	b.check("error (too many attempts)")
	if active, _ := authenticatorState(e.emu, e.user.ID); len(active) > 0 {
		t.Fatalf("a factor became active despite the limit: %v", active)
	}

	// One code is back in the budget after 16 minutes; the setup (10 minutes) has ended by
	// then, so the user starts again, after signing in again (the sign-in is no longer recent).
	e.clk.advance(16*time.Minute + time.Second)
	b.navigate(e.url("/account/mfa/"))
	tenantLogin(b, e.user)
	b.mustBeAt(`^/account/mfa/$`)
	b.click(selSetupTOTP)
	o = scanTOTP(b)
	b.submitWith(selCode, o.code(e.clk.Now()))
	b.mustBeAt(`^/account/mfa/recovery-code$`)
	mustHaveFactors(t, e.emu, e.user.ID, "totp", "recovery-code")
}

// TestExpiredCode: an SMS code entered after its 5 minutes is refused with a clear message;
// cancelling leaves nothing at the tenant.
func TestExpiredCode(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	b := newTab(t)
	e.signInToList(b)

	b.click(selSetup("sms"))
	b.submitWith(`input[name="phone_number"]`, testPhone)
	b.mustBeAt(`^/account/mfa/enroll/code$`)
	code, ok := e.emu.LastCode(testPhone)
	if !ok {
		t.Fatal("no SMS code in the outbox")
	}
	e.clk.advance(5*time.Minute + time.Second)
	b.submitWith(selCode, code)
	b.mustBeAt(`^/account/mfa/enroll/code$`)
	b.mustContain("That code has expired.")
	b.check("code (expired)")
	if active, _ := authenticatorState(e.emu, e.user.ID); len(active) > 0 {
		t.Fatalf("an expired code activated a factor: %v", active)
	}

	b.click(selCancelBtn)
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("Cancelled. Nothing was added.")
	b.check("list (cancelled)")
	mustHaveNothing(t, e)
}

// TestTokenExpiresMidEnrollment: the MFA API token lasts 10 minutes. A user who confirms 11
// minutes after signing in signs in again at the tenant (max_age) and comes back to the same
// enrollment (still within its 10 minutes), with
// the same key, and finishes it.
func TestTokenExpiresMidEnrollment(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	b := newTab(t)
	e.signInToList(b)

	e.clk.advance(4 * time.Minute) // the user reads the list for a while
	b.click(selSetupTOTP)
	o := scanTOTP(b)
	// 7 minutes on the setup page: the sign-in is 11 minutes old, the enrollment 7 (it stays
	// usable for 10).
	e.clk.advance(7 * time.Minute)
	b.submitWith(selCode, o.code(e.clk.Now()))
	tenantLogin(b, e.user) // the step-up: the sign-in is no longer recent enough
	b.mustBeAt(`^/account/mfa/enroll/totp$`)
	again := scanTOTP(b)
	if string(again.Secret) != string(o.Secret) {
		t.Fatal("the enrollment resumed with a different key")
	}
	b.check("totp (resumed after sign-in)")
	b.submitWith(selCode, o.code(e.clk.Now()))
	b.mustBeAt(`^/account/mfa/recovery-code$`)
	mustHaveFactors(t, e.emu, e.user.ID, "totp", "recovery-code")
}

// TestTenantFailures: Auth0 answering 5xx or 429 (its own rate limit, with Retry-After), or
// hanging past the app's HTTP client timeout, on /mfa/associate, on the MFA grant and on DELETE. Each shows a plain error page, changes
// nothing at the tenant, and the user can try again.
func TestTenantFailures(t *testing.T) {
	t.Parallel()
	shortTimeout := func(c *app.Config) { c.HTTPClient = &http.Client{Timeout: 2 * time.Second} }
	for _, tc := range []struct {
		name  string
		path  string
		fault auth0test.Fault
		at    string // "associate", "confirm" or "delete"
		page  string
		says  string
	}{
		{"associate 503", "/mfa/associate", auth0test.Fault{Status: 503, Times: 1}, "associate",
			"error (tenant 5xx)", "The sign-in service had a problem"},
		{"associate 429", "/mfa/associate", auth0test.Fault{Status: 429, RetryAfter: 2 * time.Minute, Times: 1}, "associate",
			"error (tenant rate limit)", "Please wait 2 minutes"},
		{"associate hangs", "/mfa/associate", auth0test.Fault{Hang: true, Times: 1}, "associate",
			"error (tenant timeout)", "The sign-in service is slow"},
		{"confirm 500", "/oauth/token", auth0test.Fault{Status: 500, Times: 1}, "confirm",
			"error (confirm failed)", "The sign-in service had a problem"},
		{"delete 503", "/mfa/authenticators/", auth0test.Fault{Method: http.MethodDelete, Status: 503, Times: 1}, "delete",
			"error (remove failed)", "The sign-in service had a problem"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := startApp(t, shortTimeout)
			b := newTab(t)
			e.signInToList(b)

			switch tc.at {
			case "associate":
				e.emu.InjectFault(tc.path, tc.fault)
				b.click(selSetupTOTP)
				b.mustContain(tc.says, "Nothing was changed.")
				b.check(tc.page)
				mustHaveNothing(t, e)
				b.click(`.mfa-actions a`) // back to the list, and again
				addTOTP(b, e)
				b.mustBeAt(`^/account/mfa/recovery-code$`)
			case "confirm":
				b.click(selSetupTOTP)
				o := scanTOTP(b)
				e.emu.InjectFault(tc.path, tc.fault)
				b.submitWith(selCode, o.code(e.clk.Now()))
				b.mustContain(tc.says, "Nothing was changed.")
				b.check(tc.page)
				if active, _ := authenticatorState(e.emu, e.user.ID); len(active) > 0 {
					t.Fatalf("a failed confirmation activated a factor: %v", active)
				}
				b.navigate(e.url("/account/mfa/enroll/totp")) // the enrollment is still there
				e.clk.nextTOTPWindow()
				b.submitWith(selCode, o.code(e.clk.Now()))
				b.mustBeAt(`^/account/mfa/recovery-code$`)
			case "delete":
				addTOTP(b, e)
				b.navigate(e.url("/account/mfa/"))
				b.click(selRemoveLink)
				e.emu.InjectFault(tc.path, tc.fault)
				b.click(selRemoveBtn)
				b.mustContain(tc.says, "Nothing was changed.")
				b.check(tc.page)
				mustHaveFactors(t, e.emu, e.user.ID, "totp", "recovery-code")
				b.click(`.mfa-actions a`) // back to the list; remove again, and this time it works
				b.click(selRemoveLink)
				b.click(selRemoveBtn)
				b.mustContain("removed")
				if active, _ := authenticatorState(e.emu, e.user.ID); contains(active, "totp") {
					t.Fatalf("the factor is still active: %v", active)
				}
				return
			}
			mustHaveFactors(t, e.emu, e.user.ID, "totp", "recovery-code")
		})
	}
}

// TestCustomDomainMisconfiguration: a host that builds the MFA audience from its custom domain
// (TenantDomain set to the custom domain). example/app's Config cannot express it (its emulated
// tenant always uses the canonical domain), so this runs on the in-test host. Auth0 accepts the
// enrollment and refuses the confirmation with "invalid audience"; the user sees a plain
// configuration-problem page, no factor becomes active, and cancelling cleans up.
func TestCustomDomainMisconfiguration(t *testing.T) {
	t.Parallel()
	clk := newClock()
	host := startHostOn(t, clk, true)
	b := newTab(t)

	b.navigate(host.URL + "/test-signin?sub=" + url.QueryEscape(host.user.ID))
	tenantLogin(b, host.user) // on the custom domain (localhost:P)
	b.mustBeAt(`^/account/mfa/$`)
	b.click(selSetupTOTP) // associate succeeds with the custom-domain audience
	b.mustBeAt(`^/account/mfa/enroll/totp$`)
	o := scanTOTP(b)
	b.submitWith(selCode, o.code(clk.Now()))
	b.mustContain("configuration problem", "Nothing was changed.")
	b.check("error (custom-domain audience)")
	active, pending := authenticatorState(host.emu, host.user.ID)
	if len(active) > 0 {
		t.Fatalf("a factor became active with the custom-domain audience: %v", active)
	}
	t.Logf("after the refused confirmation the tenant keeps pending %v until the user cancels", pending)

	b.navigate(host.URL + "/account/mfa/enroll/totp")
	b.click(selCancelBtn)
	b.mustBeAt(`^/account/mfa/$`)
	active, pending = authenticatorState(host.emu, host.user.ID)
	if len(active) > 0 || contains(pending, "totp") {
		t.Fatalf("after cancelling: active %v, pending %v", active, pending)
	}
}
