package e2e

import (
	"strings"
	"testing"

	"github.com/selfmfa/selfmfa/example/app"
)

// TestMyAccountJourney: the example on the My Account API, in Chromium — a phone by text
// message, its recovery code, the list with the date it was added, a name of the user's own,
// and the switch of the phone to voice calls; axe finds nothing on any page.
func TestMyAccountJourney(t *testing.T) {
	t.Parallel()
	e := startApp(t, func(cfg *app.Config) { cfg.MyAccount = true })
	b := newTab(t)
	e.signInToList(b)
	b.mustContain("You haven't added a second sign-in method yet.")

	b.click(selSetup("sms"))
	b.mustBeAt(`^/account/mfa/enroll/sms$`)
	b.submitWith(`input[name="phone_number"]`, testPhone)
	b.mustBeAt(`^/account/mfa/enroll/code$`)
	code := inboxCode(b, e.emu, testPhone) // from the dev inbox page
	b.navigate(e.url("/account/mfa/enroll/code"))
	b.submitWith(selCode, code)
	b.mustBeAt(`^/account/mfa/recovery-code$`)
	if len(b.attr(selRecovery, "data-mfa-value")) != 24 {
		t.Fatal("no recovery code after the first method on My Account")
	}
	b.clickNoLoad(selSaved)
	b.click(selSavedSubmit)
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("Text message", "Use voice calls")
	if b.count(`td[data-label="Added"] time[datetime]`) != 1 {
		t.Fatal("the list does not say when the phone was added")
	}
	b.check("list (my account)")

	b.click(`a[href^="/account/mfa/rename?id=phone"]`)
	b.mustBeAt(`^/account/mfa/rename\?id=phone`)
	b.check("rename")
	b.submitWith(`#mfa-name`, "Work phone")
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("The method is now called “Work phone”.", "Work phone")

	b.click(`form[action="/account/mfa/channel"] button[type="submit"]`)
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("Codes for this phone now come by voice call.", "Use text messages")
	b.check("list (voice preferred)")
	for _, m := range e.emu.Authenticators(e.user.ID) {
		if strings.HasPrefix(m.ID, "sms|") && !m.Active {
			t.Fatalf("the phone is not active: %+v", m)
		}
	}
}
