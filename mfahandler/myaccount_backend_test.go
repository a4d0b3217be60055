package mfahandler_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

// backends runs a test on both backends: the MFA API (the default) and the My Account API.
var backends = []struct {
	name string
	cfg  envConfig
}{{"mfa-api", envConfig{}}, {"my-account", envConfig{myAccount: true}}}

// TestBothBackendsEnrollAndRemove: the same journey on either backend — the step-up, an
// authenticator app (with the recovery code of the first method), an SMS phone, the list, the
// removal of the phone.
func TestBothBackendsEnrollAndRemove(t *testing.T) {
	t.Parallel()
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, bk.cfg)
			b := e.browser(bob)
			wantStatus(t, "list", b.stepUp(), http.StatusOK)
			setup, secret := startTOTP(t, b)
			rc := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
			if rc.url.Path != "/account/mfa/recovery-code" || recoveryCodeOn(rc) == "" {
				t.Fatalf("the first method's setup ended at %s without a recovery code:\n%s", rc.url, rc.body)
			}
			list := finishRecovery(t, b, rc)
			mustContain(t, list, "Your authenticator app was added.", "Recovery code: <strong>set up</strong>")

			code := startPhone(t, b, "sms", "+14155550188")
			sent, ok := e.emu.LastCode("+14155550188")
			if !ok {
				t.Fatal("no code sent")
			}
			list = b.submitForm(code, code.formTo(t, "/enroll/confirm"), url.Values{"code": {sent}})
			mustContain(t, list, "was added.", "•••• 0188")

			var phoneID string
			for _, a := range e.emu.Authenticators(bob) {
				if a.Active && strings.HasPrefix(a.ID, "sms|") {
					phoneID = a.ID
				}
			}
			if phoneID == "" {
				t.Fatalf("no active sms authenticator: %+v", e.emu.Authenticators(bob))
			}
			remove := b.open("/account/mfa/")
			link := between(remove.body, `href="/account/mfa/remove?id=`, `"`)
			for _, cand := range strings.Split(remove.body, `href="/account/mfa/remove?id=`)[1:] {
				if id, _ := url.QueryUnescape(cand[:strings.IndexByte(cand, '"')]); strings.HasPrefix(id, "phone|") || strings.HasPrefix(id, "sms|") {
					link = cand[:strings.IndexByte(cand, '"')]
				}
			}
			confirm := b.open("/account/mfa/remove?id=" + link)
			if bk.cfg.myAccount {
				// The handler keeps the plan's per-user write budget (5 a minute), which the
				// setups above spent: the removal is refused before any call, with the wait.
				mark := e.up.mark()
				refused := b.submitForm(confirm, confirm.formTo(t, "/account/mfa/remove"), nil)
				if refused.status != http.StatusTooManyRequests || e.up.count(mark, http.MethodDelete, "/me/v1/") != 0 {
					t.Fatalf("a sixth write in a minute: %d, %d DELETE calls\n%s", refused.status, e.up.count(mark, http.MethodDelete, "/me/v1/"), refused.body)
				}
				e.clock.Advance(time.Minute)
				confirm = b.open("/account/mfa/remove?id=" + link)
			}
			if confirm.status != http.StatusOK {
				t.Fatalf("confirmation %d\n%s\n%s", confirm.status, confirm.body, e.logs.String())
			}
			done := b.submitForm(confirm, confirm.formTo(t, "/account/mfa/remove"), nil)
			mustContain(t, done, "removed")
			for _, a := range e.emu.Authenticators(bob) {
				if strings.HasPrefix(a.ID, "sms|") || strings.HasPrefix(a.ID, "voice|") {
					t.Fatalf("the phone is still there: %+v", a)
				}
			}
		})
	}
}

// TestMyAccountStepUpNeedsMFA: the My Account audience does not make Auth0 challenge. A user
// who has a method and signed in with a password only is refused, with the fix named; with
// the challenge passed, the same user gets in.
func TestMyAccountStepUpNeedsMFA(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{myAccount: true, emuOpts: []auth0test.Option{auth0test.WithSettings(auth0test.Settings{
		Factors: map[auth0test.Factor]bool{auth0test.FactorOTP: true}, Policy: auth0test.PolicyNever})}})
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	e.emu.QueueLogin(bob)
	p := b.open("/account/mfa/") // policy never: no challenge, no amr
	if p.status != http.StatusBadGateway || !strings.Contains(e.logs.String(), "Default Policy") {
		t.Fatalf("a password-only step-up of a user with a method: %d\n%s", p.status, p.body)
	}
	e.emu.QueueLogin(bob)
	e.emu.PassNextChallenge(bob)
	b2 := e.browser(bob)
	// The tenant's policy says never; the host's Action would challenge: PassNextChallenge
	// stands for it only where the page would challenge, so turn the policy on.
	e.emu.SetSettings(auth0test.Settings{Factors: map[auth0test.Factor]bool{auth0test.FactorOTP: true}, Policy: auth0test.PolicyChallengeIfEnrolled})
	if p := b2.open("/account/mfa/"); p.status != http.StatusOK {
		t.Fatalf("with the challenge passed: %d\n%s", p.status, p.body)
	}
}

// TestMyAccountListShowsNamesAndDates: on the My Account API the list shows the name a user
// gave a method (here through another app of theirs) and when it was added.
func TestMyAccountListShowsNamesAndDates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{myAccount: true})
	b := e.browser(bob)
	wantStatus(t, "list", b.stepUp(), http.StatusOK)
	setup, secret := startTOTP(t, b)
	finishRecovery(t, b, b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}}))
	var appID string
	for _, a := range e.emu.Authenticators(bob) {
		if a.Active && strings.HasPrefix(a.ID, "totp|") {
			appID = a.ID
		}
	}
	tok, err := e.emu.IssueAccessToken(bob, auth0test.TokenOptions{Audience: e.emu.MeAudience()})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPatch, e.emu.URL()+"/me/v1/authentication-methods/"+url.PathEscape(appID), strings.NewReader(`{"name":"Phone in my <bag>"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	res, err := e.emu.Client().Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("rename through the API: %v %v", res, err)
	}
	res.Body.Close()
	list := b.open("/account/mfa/")
	mustContain(t, list, "Phone in my &lt;bag&gt;", `<th scope="col">Added</th>`, "<time datetime=")
}
