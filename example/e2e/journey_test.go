package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Selectors of selfmfa's pages (stable mfa-* hooks and form actions) and of the example app.
const (
	selSetupTOTP   = `form[action="/account/mfa/enroll/totp"] button[type="submit"]`
	selSetupPush   = `form[action="/account/mfa/enroll/push"] button[type="submit"]`
	selCode        = `#mfa-code`
	selRecovery    = `#mfa-recovery-code`
	selSaved       = `#mfa-saved`
	selSavedSubmit = `form[action="/account/mfa/recovery-code"] button[type="submit"]`
	selRemoveLink  = `a[href*="/account/mfa/remove?id="]`
	selRemoveBtn   = `form[action="/account/mfa/remove"] button[type="submit"]`
	selCancelBtn   = `button[form="mfa-cancel-form"], form[action="/account/mfa/enroll/cancel"] button[type="submit"]`
	selFlash       = `.mfa-flash`
)

// selSetup is the "Set up" control of an SMS, voice or email enrollment on the list page: a
// POST form or a link to the form that asks for the destination.
func selSetup(factor string) string {
	return `form[action="/account/mfa/enroll/` + factor + `"] button[type="submit"], a[href="/account/mfa/enroll/` + factor + `"]`
}

// TestAuthenticatorAppJourney is the main journey: sign in on the host, open Security
// settings (step-up), add an authenticator app by scanning the rendered QR code and typing a
// code computed by the suite's own TOTP, see the recovery code once (a reload no longer shows
// it), see the app listed, sign out of the host and the tenant, sign in again and pass the
// tenant's challenge with the new factor, and remove it.
func TestAuthenticatorAppJourney(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	b := newTab(t)

	e.signInToList(b)
	b.mustContain("You haven't added a second sign-in method yet.")
	b.check("list (empty)")

	b.click(selSetupTOTP)
	b.mustBeAt(`^/account/mfa/enroll/totp$`)
	// First-hour review: the page opened scrolled past its title and QR code, because the code
	// field took the focus on load.
	if y := b.scrollY(); y != 0 {
		t.Errorf("the setup page opened scrolled down by %vpx, past its title and QR code", y)
	}
	if focused := run(b, "focused element", chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`)); focused == "mfa-code" {
		t.Error("the code field takes the focus on load, before the user has scanned the QR code")
	}
	o := scanTOTP(b)
	if link, err := parseOTPAuth(b.attr("a.mfa-otpauth-link", "href")); err != nil || string(link.Secret) != string(o.Secret) {
		t.Errorf("the link that opens the authenticator app on this phone: %v (same secret as the QR code: %v)", err, err == nil && string(link.Secret) == string(o.Secret))
	}
	b.check("totp")
	b.submitWith(selCode, o.code(e.clk.Now()))

	b.mustBeAt(`^/account/mfa/recovery-code$`)
	recovery := b.attr(selRecovery, "data-mfa-value")
	if len(recovery) != 24 {
		t.Fatalf("recovery code shown is %d characters, want 24", len(recovery))
	}
	b.check("recovery code")
	b.reload()
	b.mustBeAt(`^/account/mfa/$`) // shown once: a reload finds nothing and goes to the list
	b.mustNotContainHTML("the recovery code after a reload", recovery)
	if b.count(selRecovery) != 0 {
		t.Fatal("a recovery code is shown after the reload")
	}
	b.mustContain("Authenticator app")
	// First-hour review: a lone "METHOD" header above the rows. Without dates it is for screen
	// readers only: in the DOM, not on screen.
	if gap := run(b, "header space", chromedp.Evaluate[float64](`(function(){var t=document.querySelector(".mfa-table");
		return t.querySelector("tbody").getBoundingClientRect().top - t.getBoundingClientRect().top})()`)); gap > 1 {
		t.Errorf("the list shows a lone column header (the rows start %vpx below the table's top)", gap)
	}
	b.check("list (authenticator app)")
	mustHaveFactors(t, e.emu, e.user.ID, "totp", "recovery-code")

	// Sign out of the host and the tenant.
	b.click("#signout")
	b.mustBeAt(`^/$`)
	b.waitVisible("#signin")
	b.navigate(e.url("/account"))
	b.mustBeAt(`^/u/login`) // the tenant's session ended too: the password is asked again

	// Sign in again: the tenant (policy challenge-if-enrolled) challenges the new factor.
	tenantLogin(b, e.user)
	e.clk.nextTOTPWindow() // a code is accepted once
	tenantChallenge(b, o.code(e.clk.Now()))
	e.toAccount(b)

	// Security settings again: the sign-in's one challenge covers the page too (the host asked
	// for selfmfa's audience and handed over the token), so no second code is asked.
	e.openSecurity(b)
	b.mustBeAt(`^/account/mfa/$`)

	// Ten minutes on, that token has run out: the page steps up; the sign-in is older than
	// max_age by then, so the tenant asks for the password and the factor again.
	e.clk.advance(11 * time.Minute)
	b.navigate(e.url("/account/mfa/"))
	b.mustBeAt(`^/u/login`)
	tenantLogin(b, e.user)
	e.clk.nextTOTPWindow()
	tenantChallenge(b, o.code(e.clk.Now()))
	b.mustBeAt(`^/account/mfa/$`)

	b.click(selRemoveLink)
	b.mustBeAt(`^/account/mfa/remove\?id=`)
	b.check("remove confirm")
	b.click(selRemoveBtn)
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("removed")
	b.check("list (after removal)")
	if active, pending := authenticatorState(e.emu, e.user.ID); contains(active, "totp") || len(pending) > 0 {
		t.Fatalf("after removal the tenant has active %v, pending %v", active, pending)
	}
	e.noSecretsInLog("a secret", string(o.Secret), recovery, b32(o.Secret))
}

func contains(s []string, v string) bool { return slices.Contains(s, v) }
