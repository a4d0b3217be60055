package e2e

import (
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/example/app"
)

// TestPolicyNudgeDeadlineAndPayout: the example asks every user for a second step within two
// weeks. In Chromium: the account page shows the dated nudge, "Remind me later" puts it off;
// after the deadline the payouts page sends the user to the security page, who adds an app
// and continues where they were; a payout after the recent step-up has passed goes through the
// step-up to a confirmation page and is sent once. axe finds nothing on the new pages.
func TestPolicyNudgeDeadlineAndPayout(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	b := newTab(t)
	e.signIn(b)
	e.toAccount(b)
	deadline := e.clk.Now().Add(app.PolicyGrace)
	b.mustContain("Add a second sign-in step by "+deadline.Format("2 January 2006")+".", "Set it up", "Remind me later")
	b.check("account (nudge)")
	b.click(`form[action="/account/mfa/nudge/dismiss"] button[type="submit"]`)
	b.mustBeAt(`^/account$`)
	if b.count(".mfa-nudge") != 0 {
		t.Fatal("the nudge is still there after Remind me later")
	}

	e.clk.advance(app.PolicyGrace + time.Hour)
	b.navigate(e.url("/account/payouts"))
	tenantLogin(b, e.user) // two weeks on, the security page's step-up asks for the password again
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("Your account now needs a second sign-in step.")
	b.check("list (policy overdue)")
	b.click(selSetupTOTP)
	o := scanTOTP(b)
	b.submitWith(selCode, o.code(e.clk.Now()))
	b.mustBeAt(`^/account/mfa/recovery-code$`)
	b.clickNoLoad(selSaved)
	b.click(selSavedSubmit)
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("Continue where you were")
	b.check("list (continue where you were)")
	b.click(`a[href="/account/payouts"]`)
	b.mustBeAt(`^/account/payouts$`)

	e.clk.advance(11 * time.Minute) // the security page's step-up is no longer recent
	b.click("#send-payout")
	tenantLogin(b, e.user) // max_age: a sign-in more than 10 minutes old is asked again
	e.clk.nextTOTPWindow()
	tenantChallenge(b, o.code(e.clk.Now()))
	b.mustBeAt(`^/account/mfa/action\?id=`)
	b.mustContain("Send a payout of $100", "Nothing has been done yet.")
	b.check("confirm action")
	b.click(`form[action="/account/payouts"] button[type="submit"]`)
	b.mustBeAt(`^/account/payouts$`)
	b.mustContain("A payout of $100 was sent.")
}
