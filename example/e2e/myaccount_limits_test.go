package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/example/app"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// TestMyAccountFreePlan: on a Free tenant the My Account API allows each user 2 writes a
// minute, and a first phone's setup spends both. In Chromium: the recovery-code page says the
// code isn't ready and in how many seconds, the list offers to create it, a click too early
// is told the real wait, and after the minute the code is shown; axe finds nothing on these
// pages.
func TestMyAccountFreePlan(t *testing.T) {
	t.Parallel()
	e := startApp(t, func(cfg *app.Config) {
		cfg.MyAccount = true
		free := mfahandler.PlanFree
		cfg.MyAccountPlan = &free // the handler keeps the Free plan's budget, as a host on one must
		cfg.EmulatorOptions = append(cfg.EmulatorOptions, auth0test.WithMyAccountPlan(auth0test.PlanFree))
	})
	b := newTab(t)
	e.signInToList(b)

	b.click(selSetup("sms"))
	b.submitWith(`input[name="phone_number"]`, testPhone)
	b.mustBeAt(`^/account/mfa/enroll/code$`)
	code := inboxCode(b, e.emu, testPhone)
	b.navigate(e.url("/account/mfa/enroll/code"))
	b.submitWith(selCode, code)
	b.mustBeAt(`^/account/mfa/recovery-code$`)
	if b.count(selRecovery) != 0 {
		t.Fatal("a recovery code on a Free tenant's third write of the minute")
	}
	b.mustContain("Your recovery code isn't ready yet", "In a minute, create it on your security page")
	b.check("recovery code later")
	b.click(selSavedSubmit)
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("Recovery code: not set up", "Create a recovery code")
	b.check("list (create a recovery code)")

	b.click(`form[action="/account/mfa/recovery-code/new"] button[type="submit"]`)
	b.mustContain("Please wait", "and try again. Nothing was changed.")
	b.check("too many (my account)")
	if wait := b.bodyText(); strings.Contains(wait, "a few minutes") {
		t.Fatalf("the wait is not Auth0's number: %s", wait)
	}

	e.clk.advance(time.Minute)
	b.navigate(e.url("/account/mfa/"))
	b.click(`form[action="/account/mfa/recovery-code/new"] button[type="submit"]`)
	b.mustBeAt(`^/account/mfa/recovery-code$`)
	if len(b.attr(selRecovery, "data-mfa-value")) != 24 {
		t.Fatal("no recovery code after the minute")
	}
	b.clickNoLoad(selSaved)
	b.click(selSavedSubmit)
	b.mustContain("Recovery code: set up")
}

// TestMyAccountMissingScope: the application's client grant lacks a scope. The user sees a
// configuration problem with nothing to retry; the app's log names the scope and the
// dashboard setting that adds it.
func TestMyAccountMissingScope(t *testing.T) {
	t.Parallel()
	e := startApp(t, func(cfg *app.Config) {
		cfg.MyAccount = true
		cfg.EmulatorOptions = append(cfg.EmulatorOptions, auth0test.WithMyAccountGrant("selfmfa-example",
			auth0test.ScopeMeRead, auth0test.ScopeMeCreate, auth0test.ScopeMeUpdate, auth0test.ScopeMeFactors))
	})
	b := newTab(t)
	e.signIn(b)
	e.toAccount(b)
	e.openSecurity(b)
	b.mustContain("configuration problem on our side", "Nothing was changed")
	b.check("configuration problem (missing scope)")
	if log := e.log.String(); !strings.Contains(log, "delete:me:authentication_methods") || !strings.Contains(log, "client grant") {
		t.Fatalf("the log does not name the missing scope and the setting:\n%s", log)
	}
}
