package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/selfmfa/selfmfa/example/app"
)

// newTabWithoutJavaScript is a tab whose pages run no script at all, as in a browser with
// JavaScript turned off. (DevTools can still read the page.)
func newTabWithoutJavaScript(t *testing.T) *tab {
	t.Helper()
	b := newTab(t)
	b.do("turning JavaScript off", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	b.noScript = true
	return b
}

// TestMyAccountWithoutJavaScript: on the My Account API with JavaScript off, a user adds a
// phone, saves the recovery code, names the phone and switches it to voice calls — every step
// a plain form.
func TestMyAccountWithoutJavaScript(t *testing.T) {
	t.Parallel()
	e := startApp(t, func(cfg *app.Config) { cfg.MyAccount = true })
	b := newTabWithoutJavaScript(t)
	e.signInToList(b)

	b.click(selSetup("sms"))
	b.mustBeAt(`^/account/mfa/enroll/sms$`)
	b.submitWith(`input[name="phone_number"]`, testPhone)
	b.mustBeAt(`^/account/mfa/enroll/code$`)
	code := inboxCode(b, e.emu, testPhone)
	b.navigate(e.url("/account/mfa/enroll/code"))
	b.submitWith(selCode, code)
	b.mustBeAt(`^/account/mfa/recovery-code$`)
	// The script shows the Copy and Print buttons: here they stay hidden, so no script ran.
	if b.count(`[data-mfa-print][hidden]`) != 1 {
		t.Fatal("the Print button is shown: the page's script ran")
	}
	if len(b.attr(selRecovery, "data-mfa-value")) != 24 {
		t.Fatal("no recovery code")
	}
	b.clickNoLoad(selSaved)
	b.click(selSavedSubmit)
	b.mustBeAt(`^/account/mfa/$`)

	b.click(`a[href^="/account/mfa/rename?id=phone"]`)
	b.mustBeAt(`^/account/mfa/rename\?id=phone`)
	b.submitWith(`#mfa-name`, "Desk phone")
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("The method is now called “Desk phone”.", "Desk phone")

	b.click(`form[action="/account/mfa/channel"] button[type="submit"]`)
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("Codes for this phone now come by voice call.", "Use text messages")
}
