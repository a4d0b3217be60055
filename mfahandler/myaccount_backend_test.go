package mfahandler_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// backends runs a test on both backends: the MFA API (the default) and the My Account API.
var backends = []struct {
	name string
	cfg  envConfig
}{{"mfa-api", envConfig{}}, {"my-account", envConfig{myAccount: true}}}

// forEachBackend runs test once per backend, each in a parallel subtest named after it: the
// flow tests are one table over the two backends.
func forEachBackend(t *testing.T, test func(t *testing.T, myAccount bool)) {
	t.Helper()
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) {
			t.Parallel()
			test(t, bk.cfg.myAccount)
		})
	}
}

// enrollPath is the path of the call that starts an enrollment on e's backend.
func (e *env) enrollPath() string {
	if e.myAccount {
		return "/me/v1/authentication-methods"
	}
	return "/mfa/associate"
}

// confirmCalls counts the code confirmations sent to e's backend since mark: POST /oauth/token
// on the MFA API, POST …/verify on the My Account API.
func (e *env) confirmCalls(mark int) int {
	if !e.myAccount {
		return e.up.count(mark, http.MethodPost, "/oauth/token")
	}
	n := 0
	for _, c := range e.up.since(mark) {
		if strings.HasPrefix(c, "POST /me/v1/") && strings.HasSuffix(c, "/verify") {
			n++
		}
	}
	return n
}

// apiPath is the prefix of every call to e's backend's API.
func (e *env) apiPath() string {
	if e.myAccount {
		return "/me/v1/"
	}
	return "/mfa/"
}

// TestBothBackendsEnrollAndRemove: the same journey on either backend — the step-up, an
// authenticator app (with the recovery code of the first method), an SMS phone, the list, the
// removal of the phone.
func TestBothBackendsEnrollAndRemove(t *testing.T) {
	t.Parallel()
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) {
			t.Parallel()
			cfg := bk.cfg
			if cfg.myAccount { // the handler keeps the Enterprise plan's budget
				cfg.opts = []mfahandler.Option{mfahandler.WithMyAccountAPI(mfahandler.PlanEnterprise)}
			}
			e := newEnv(t, cfg)
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
			if bk.cfg.myAccount {
				// The handler keeps the plan's per-user write budget (5 a minute), which the
				// app (start, verify, the recovery code's create and verify) and the phone's
				// start spent: its verify is refused before any call, with the real wait, and
				// the setup stays open for the same code.
				mark := e.up.mark()
				refused := b.submitForm(code, code.formTo(t, "/enroll/confirm"), url.Values{"code": {sent}})
				if refused.status != http.StatusTooManyRequests || e.confirmCalls(mark) != 0 {
					t.Fatalf("a sixth write in a minute: %d, %d verify calls\n%s", refused.status, e.confirmCalls(mark), refused.body)
				}
				mustContain(t, refused, "Please wait 12 seconds")
				e.clock.Advance(time.Minute)
				code = b.open("/account/mfa/enroll/code")
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
	e.clock.Advance(16 * time.Second) // a change made elsewhere shows once the cached list is old
	list := b.open("/account/mfa/")
	mustContain(t, list, "Phone in my &lt;bag&gt;", `<th scope="col">Added</th>`, "<time datetime=")
}

// TestMyAccountRenameAndChannel: with JavaScript off (plain forms), a method gets a name of the
// user's own, a refused name is said on the page and changes nothing, and a phone switches
// to voice calls. The MFA API cannot rename: no Rename link, and the page says so.
func TestMyAccountRenameAndChannel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{myAccount: true})
	app, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorSMS, auth0test.SeedOptions{Phone: "+14155550123"}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	list := b.stepUp()
	wantStatus(t, "list", list, http.StatusOK)
	mustContain(t, list, `href="/account/mfa/rename?id=`+url.QueryEscape(app.ID)+`"`, "Use voice calls")

	page := b.open("/account/mfa/rename?id=" + url.QueryEscape(app.ID))
	wantStatus(t, "rename page", page, http.StatusOK)
	mark := e.up.mark()
	bad := b.submitForm(page, page.formTo(t, "/account/mfa/rename"), url.Values{"name": {"Work\u202ephone"}})
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "Enter a name of 1 to 64 characters, without control characters.") || !strings.Contains(bad.body, `aria-invalid="true"`) {
		t.Fatalf("a name with a bidi override: %d\n%s", bad.status, bad.body)
	}
	if n := e.up.count(mark, http.MethodPatch, "/me/v1/"); n != 0 {
		t.Fatalf("a refused name was sent to Auth0 (%d PATCH)", n)
	}
	done := b.submitForm(page, page.formTo(t, "/account/mfa/rename"), url.Values{"name": {"  Work phone "}})
	mustContain(t, done, "The method is now called “Work phone”.", "Work phone")

	list = b.open("/account/mfa/")
	switched := b.submitForm(list, list.formTo(t, "/account/mfa/channel"), nil)
	mustContain(t, switched, "Codes for this phone now come by voice call.", "Use text messages")
	tok, _ := e.emu.IssueAccessToken(bob, auth0test.TokenOptions{Audience: e.emu.MeAudience()})
	req, _ := http.NewRequest(http.MethodGet, e.emu.URL()+"/me/v1/authentication-methods?type=phone", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := e.emu.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `"preferred_authentication_method":"voice"`) {
		t.Fatalf("the tenant's phone: %s", body)
	}

	// The MFA API backend offers neither.
	m := newEnv(t, envConfig{})
	mb := m.browser(bob)
	ml := mb.stepUp()
	if strings.Contains(ml.body, "/account/mfa/rename") || strings.Contains(ml.body, "Use voice calls") {
		t.Fatal("the MFA API backend offers a rename or a channel switch")
	}
	if p := mb.open("/account/mfa/rename?id=" + url.QueryEscape(app.ID)); p.status != http.StatusNotFound {
		t.Errorf("the rename page on the MFA API: %d", p.status)
	}
}

// TestMyAccountOffersTheTenantsFactors: on the My Account API the list offers only what the
// tenant enables (GET /factors), asked once for every user and reused; the MFA API backend
// offers what WithFactors configures.
func TestMyAccountOffersTheTenantsFactors(t *testing.T) {
	t.Parallel()
	noPush := auth0test.WithSettings(auth0test.Settings{Policy: auth0test.PolicyChallengeIfEnrolled, RecoveryCodes: true,
		Factors: map[auth0test.Factor]bool{auth0test.FactorOTP: true, auth0test.FactorSMS: true, auth0test.FactorEmail: true}})
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) {
			t.Parallel()
			cfg := bk.cfg
			cfg.emuOpts = append(cfg.emuOpts, noPush)
			e := newEnv(t, cfg)
			mark := e.up.mark()
			for _, sub := range []string{bob, alice} {
				b := e.browser(sub)
				list := b.stepUp()
				wantStatus(t, "list", list, http.StatusOK)
				offersPush := strings.Contains(list.body, `action="/account/mfa/enroll/push"`)
				if offersPush == bk.cfg.myAccount {
					t.Errorf("%s: push offered %v; the tenant does not enable it", sub, offersPush)
				}
			}
			if n := e.up.count(mark, http.MethodGet, "/me/v1/factors"); bk.cfg.myAccount && n != 1 {
				t.Errorf("GET /me/v1/factors called %d times for two users, want once", n)
			}
		})
	}
}

// TestMyAccountDiagnostics: the tenant settings a My Account host gets wrong are named in the
// operator's log — no client grant, a grant without a scope — while the user sees a
// configuration problem, not a sign-in to retry.
func TestMyAccountDiagnostics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		grant []string // nil: no grant
		off   bool
		want  string
	}{
		{"not activated", []string{}, true, "activate the My Account API"},
		{"no client grant", nil, false, "User-delegated Access) with the scopes"},
		{"a grant without delete", []string{auth0test.ScopeMeRead, auth0test.ScopeMeCreate, auth0test.ScopeMeUpdate, auth0test.ScopeMeFactors}, false,
			"delete:me:authentication_methods\\\"]; add them to the application's client grant"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envConfig{myAccount: true, meGrant: tc.grant, noMeGrant: tc.grant == nil, meOff: tc.off})
			b := e.browser(bob)
			e.emu.QueueLogin(bob)
			p := b.open("/account/mfa/")
			if p.status != http.StatusBadGateway || !strings.Contains(e.logs.String(), tc.want) {
				t.Fatalf("%d; the log lacks %q:\n%s", p.status, tc.want, e.logs.String())
			}
		})
	}
}

// TestBothBackendsPushAndEmail: a Guardian push (waiting, approved in the app, its recovery
// code) and an email method, on either backend.
func TestBothBackendsPushAndEmail(t *testing.T) {
	t.Parallel()
	for _, bk := range backends {
		t.Run(bk.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, bk.cfg)
			b := e.browser(bob)
			b.stepUp()
			_, id := startPush(t, b)
			if p := b.poll(); p.status != http.StatusOK || !strings.Contains(p.body, "Waiting for the app") {
				t.Fatalf("poll before approval: %d\n%s", p.status, p.body)
			}
			if err := e.emu.ApprovePush(id); err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(5 * time.Second)
			p := b.poll()
			if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account/mfa/recovery-code" {
				t.Fatalf("poll after approval: %d %q\n%s", p.status, p.header.Get("Location"), e.logs.String())
			}
			list := finishRecovery(t, b, b.follow(p))
			mustContain(t, list, "Auth0 Guardian app", "was added.")
			if len(activeIDs(e, bob, "push|")) != 1 {
				t.Fatalf("push not active: %v", e.emu.Authenticators(bob))
			}

			form := b.open("/account/mfa/enroll/email")
			code := b.submitForm(form, form.formTo(t, "/account/mfa/enroll/email"), url.Values{"email": {"bob.work@example.org"}})
			if code.url.Path != "/account/mfa/enroll/code" {
				t.Fatalf("after the email form: %d %s\n%s", code.status, code.url, code.body)
			}
			sent, ok := e.emu.LastCode("bob.work@example.org")
			if !ok {
				t.Fatal("no email sent")
			}
			done := b.submitForm(code, code.formTo(t, "/enroll/confirm"), url.Values{"code": {sent}})
			mustContain(t, done, "Your email was added.")
		})
	}
}

// TestMyAccountReadsSparingly: each user has a few reads a minute on the My Account API (Free:
// 2), so a list read is reused by the next page view within 15 s, and a change made through
// the page updates it from Auth0's answer.
func TestMyAccountReadsSparingly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{myAccount: true})
	app, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	wantStatus(t, "list", b.stepUp(), http.StatusOK)
	reads := func(mark int) int { return e.up.count(mark, http.MethodGet, "/me/v1/authentication-methods") }
	mark := e.up.mark()
	b.open("/account/mfa/")
	page := b.open("/account/mfa/rename?id=" + url.QueryEscape(app.ID))
	if n := reads(mark); n != 0 {
		t.Fatalf("%d list reads for two page views right after the first, want 0", n)
	}
	done := b.submitForm(page, page.formTo(t, "/account/mfa/rename"), url.Values{"name": {"Laptop"}})
	mustContain(t, done, "Laptop")
	if n := reads(mark); n != 0 {
		t.Fatalf("%d list reads after the rename, want 0: the PATCH answers with the renamed method", n)
	}
	e.clock.Advance(16 * time.Second)
	list := b.open("/account/mfa/")
	mustContain(t, list, "Laptop")
	if n := reads(mark); n != 1 {
		t.Errorf("%d list reads after the cached list expired, want 1", n)
	}
}
