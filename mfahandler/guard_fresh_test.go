package mfahandler_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// TestLastFactorGuardCountsWhatIsThereNow: with the last-factor guard, a user with two methods
// removes one in another app; the browser whose page still shows both cannot then remove the
// other. On the My Account API the first browser's list is one a moment old
// (reused to spare the per-user read limit): the guard must not count from it.
func TestLastFactorGuardCountsWhatIsThereNow(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, myAccount bool) {
		e := newEnv(t, envConfig{myAccount: myAccount, opts: []mfahandler.Option{mfahandler.WithLastFactorGuard()}})
		app, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{})
		if err != nil {
			t.Fatal(err)
		}
		phone, err := e.emu.SeedAuthenticator(bob, auth0test.FactorSMS, auth0test.SeedOptions{Phone: "+14155552671"})
		if err != nil {
			t.Fatal(err)
		}
		first := e.browser(bob)
		wantStatus(t, "first browser's list", first.stepUp(), http.StatusOK)
		confirm := first.open("/account/mfa/remove?id=" + url.QueryEscape(app.ID))
		mustContain(t, confirm, `action="/account/mfa/remove"`) // two methods: removable now

		// Another app of the user's (or another instance of this one) removes the phone.
		req, _ := http.NewRequest(http.MethodDelete, e.emu.URL()+"/mfa/authenticators/"+url.PathEscape(phone.ID), nil)
		other, err := e.emu.IssueAccessToken(bob, auth0test.TokenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+other)
		res, err := e.emu.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent || len(activeIDs(e, bob, "sms|")) != 0 {
			t.Fatalf("the other app's removal of the phone: %d, %v", res.StatusCode, e.emu.Authenticators(bob))
		}

		p := first.submitForm(confirm, confirm.formTo(t, "/account/mfa/remove"), nil)
		if p.status != http.StatusConflict || len(activeIDs(e, bob, "totp|")) != 1 {
			t.Fatalf("the first browser removed the last method: %d, %v\n%s", p.status, e.emu.Authenticators(bob), p.body)
		}
		mustContain(t, p, "only sign-in method")
	})
}
