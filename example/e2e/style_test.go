package e2e

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/selfmfa/selfmfa/mfahandler"
	"github.com/selfmfa/selfmfa/views"
)

// TestReplacedPageAndGuard drives a small in-test host that replaces the list page with its own
// component (mfahandler.WithViews) and turns on the last-factor guard: the replaced page renders
// with selfmfa's parts inside it, an authenticator app is added, and removing the only factor is
// refused with the "blocked" page. It also audits the push page's "approved" state, which no
// handler flow renders (an approved push goes straight on).
func TestReplacedPageAndGuard(t *testing.T) {
	t.Parallel()
	clk := newClock()
	host := startHost(t, clk,
		mfahandler.WithViews(views.Views{List: customList}),
		mfahandler.WithLastFactorGuard())
	b := newTab(t)

	b.navigate(host.URL + "/test-signin?sub=" + url.QueryEscape(host.user.ID))
	tenantLogin(b, host.user) // the step-up's login at the tenant
	b.mustBeAt(`^/account/mfa/$`)
	b.waitVisible("." + customListMarker)
	b.mustContain("This list is the host's own page", "No second factor yet.")
	b.check("replaced list page")

	b.click(`form[action$="/enroll/totp"] button[type="submit"]`)
	b.mustBeAt(`^/account/mfa/enroll/totp$`)
	o := scanTOTP(b)
	b.check("totp")
	b.submitWith("#mfa-code", o.code(clk.Now()))
	b.mustBeAt(`^/account/mfa/recovery-code$`)
	b.check("recovery code")
	b.clickNoLoad("#mfa-saved")
	b.click(`form[action$="/recovery-code"] button[type="submit"]`)
	b.waitVisible("." + customListMarker)
	b.mustContain("Authenticator app")
	b.check("replaced list page (one factor)")
	mustHaveFactors(t, host.emu, host.user.ID, "totp", "recovery-code")

	b.click(`a[href*="/remove?id="]`)
	b.mustBeAt(`^/account/mfa/remove\?id=`)
	b.mustContain("only sign-in method")
	if n := b.count(`form[action$="/remove"]`); n != 0 {
		t.Fatalf("the blocked removal page still offers the removal form (%d)", n)
	}
	b.check("remove blocked")
	mustHaveFactors(t, host.emu, host.user.ID, "totp", "recovery-code")

	b.navigate(host.URL + "/gallery/push-approved")
	b.mustContain("Done.")
	b.check("push approved")
}

// scanTOTP decodes the TOTP page's QR code and returns what an authenticator app would store;
// the key shown for manual entry must be the same secret.
func scanTOTP(b *tab) otpauth {
	b.t.Helper()
	uri := b.decodeQR(".mfa-qr")
	o, err := parseOTPAuth(uri)
	if err != nil {
		b.t.Fatalf("the QR code does not hold a usable otpauth URI: %v", err)
	}
	manual, err := decodeBase32Secret(b.attr("#mfa-secret", "data-mfa-value"))
	if err != nil {
		b.t.Fatalf("manual-entry key: %v", err)
	}
	if string(manual) != string(o.Secret) {
		b.t.Fatal("the QR code's secret differs from the key shown for manual entry")
	}
	return o
}

// TestExampleRestyling: selfmfa's pages inside example/app carry the app's layout (its header,
// navigation and stylesheet, through WithLayout) and the app's classes next to the stable mfa-*
// hooks (WithClasses). The handler's own error pages use the same chrome.
func TestExampleRestyling(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	b := newTab(t)
	e.signInToList(b)

	if got := b.text("header.app-header .app-brand"); got != "Example" {
		t.Fatalf("the app's header brand reads %q", got)
	}
	if b.count(`header.app-header nav a[href="/account/mfa/"][aria-current="page"]`) != 1 {
		t.Fatal("the app's navigation does not mark Security settings as the current page")
	}
	if b.count("#signout") != 1 || b.count("footer.app-footer") != 1 {
		t.Fatal("the app's sign-out button or footer is missing around selfmfa's page")
	}
	if b.count(`main#main.app-main .mfa-page`) != 1 {
		t.Fatal("selfmfa's page is not inside the app's <main>")
	}
	for sel, classes := range map[string][]string{
		`section.mfa-section`: {"mfa-section", "card"},
		selSetupTOTP:          {"mfa-btn", "btn", "mfa-btn-primary", "btn-primary"},
	} {
		got := strings.Fields(b.attr(sel, "class"))
		for _, c := range classes {
			if !slices.Contains(got, c) {
				t.Errorf("%s has classes %v; want %q among them", sel, got, c)
			}
		}
	}
	loaded := run(b, "stylesheets", chromedp.Evaluate[[]string](
		`[...document.styleSheets].filter(s => s.href && s.cssRules.length > 0).map(s => new URL(s.href).pathname)`))
	if !slices.Contains(loaded, "/static/app.css") || !slices.ContainsFunc(loaded, func(p string) bool {
		return strings.HasPrefix(p, "/account/mfa/static/mfa.")
	}) {
		t.Fatalf("loaded stylesheets %v; want the app's /static/app.css and selfmfa's", loaded)
	}
	// The app's CSS is applied: its header is a flex row (not the default block) and selfmfa's
	// primary button gets the app's pill shape (.btn { border-radius: 999px }).
	styles := run(b, "computed styles", chromedp.Evaluate[[]string](
		`[getComputedStyle(document.querySelector('header.app-header')).display,
		  getComputedStyle(document.querySelector('`+selSetupTOTP+`')).borderTopLeftRadius]`))
	if styles[0] != "flex" || styles[1] != "999px" {
		t.Fatalf("computed header display %q and button radius %q; want flex and 999px from app.css", styles[0], styles[1])
	}
	b.check("list (app layout)")

	b.navigate(e.url("/account/mfa/no-such-page"))
	b.mustContain("Page not found")
	if b.count("header.app-header") != 1 {
		t.Fatal("the handler's error page is not in the app's layout")
	}
	b.check("error (not found)")

	b.navigate(e.url("/account/mfa/remove?id=totp%7Cdev_0000000000000000"))
	b.mustContain("That sign-in method was not found. Nothing was changed.")
	b.check("error (unknown method)")

	b.navigate(e.url("/"))
	b.mustContain("You are signed in as")
	b.check("home (signed in)")

	b.navigate(e.url("/callback?state=stale&code=stale")) // the app's own error page
	b.mustContain("Sign-in failed")
	b.check("error (host sign-in failed)")
}
