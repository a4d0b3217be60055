package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

const (
	alice         = "auth0|demo-alice"
	aliceEmail    = "alice@example.com"
	alicePassword = "alice-demo-password"
)

func TestSignInThroughTheTenant(t *testing.T) {
	t.Parallel()
	inst := start(t, newClock(), Config{})
	b := newBrowser(t)

	home := b.get(inst.URL + "/")
	if home.status != http.StatusOK || !strings.Contains(home.body, `id="signin"`) {
		t.Fatalf("home: %d, want the sign-in link:\n%s", home.status, home.body)
	}
	if got := home.header.Get("Content-Security-Policy"); !strings.Contains(got, "frame-ancestors 'none'") {
		t.Errorf("home CSP %q", got)
	}

	// /login sends the browser to the tenant with PKCE, state, nonce and the app's scopes, and
	// asks for selfmfa's audience and scopes too (the login's token is handed to selfmfa).
	login := b.get(inst.URL + "/login")
	authz := login.location()
	q := authz.Query()
	if login.status != http.StatusSeeOther || authz.Host != inst.Tenant.Domain() || authz.Path != "/authorize" {
		t.Fatalf("GET /login: %d to %s, want the tenant's /authorize", login.status, authz)
	}
	for k, want := range map[string]string{
		"scope": "openid email enroll read:authenticators remove:authenticators profile", "audience": inst.Tenant.MFAAudience(),
		"code_challenge_method": "S256", "response_type": "code",
		"redirect_uri": inst.URL + "/callback", "client_id": inst.Tenant.ClientID(),
	} {
		if q.Get(k) != want {
			t.Errorf("authorize %s = %q, want %q", k, q.Get(k), want)
		}
	}
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if len(q.Get(k)) < 20 {
			t.Errorf("authorize %s = %q, want a random value", k, q.Get(k))
		}
	}
	before := b.cookie(inst.URL, "session")
	if before == nil {
		t.Fatal("no session cookie for the login transaction")
	}

	// The tenant's form, then the callback by hand to see its cookie.
	form := b.follow(login)
	action, _ := form.url.Parse("/u/login")
	cb := b.post(action.String(), url.Values{"state": {field(t, form.body, "state")}, "email": {aliceEmail}, "password": {alicePassword}})
	if u := cb.location(); u.Path != "/callback" {
		t.Fatalf("tenant login answered %d to %s, want the app's /callback", cb.status, u)
	}
	res := b.get(cb.location().String())
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/account" {
		t.Fatalf("callback: %d to %q, want 303 to /account:\n%s", res.status, res.header.Get("Location"), res.body)
	}
	var set *http.Cookie
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name == "session" {
			set = c
		}
	}
	switch {
	case set == nil:
		t.Fatal("callback set no session cookie")
	case set.Value == before.Value:
		t.Error("session id not renewed at sign-in")
	case !set.HttpOnly || set.SameSite != http.SameSiteLaxMode || set.Secure:
		t.Errorf("session cookie HttpOnly=%v SameSite=%v Secure=%v, want HttpOnly, Lax, not Secure on http", set.HttpOnly, set.SameSite, set.Secure)
	}

	account := b.follow(res)
	for _, want := range []string{"Alice Demo", aliceEmail, `id="security-settings"`, `href="/account/mfa/"`, `id="signout"`} {
		if !strings.Contains(account.body, want) {
			t.Errorf("account page lacks %q:\n%s", want, account.body)
		}
	}

	// The callback is single use.
	again := b.get(cb.location().String())
	if again.status != http.StatusBadRequest || !strings.Contains(again.body, "Sign-in failed") {
		t.Errorf("replayed callback: %d, want 400 Sign-in failed", again.status)
	}
}

func TestAccountRequiresSignIn(t *testing.T) {
	t.Parallel()
	inst := start(t, newClock(), Config{})
	b := newBrowser(t)
	for path, next := range map[string]string{"/account": "/account", "/account/mfa/": "/account/mfa/"} {
		p := b.get(inst.URL + path)
		if p.status != http.StatusSeeOther || p.location().Path != "/login" || p.location().Query().Get("next") != next {
			t.Errorf("GET %s signed out: %d to %s, want 303 to /login?next=%s", path, p.status, p.location(), next)
		}
	}
	// After signing in, the user lands where they were going; foreign targets are ignored.
	inst.Tenant.QueueLogin(alice)
	if p := b.follow(b.get(inst.URL + "/login?next=" + url.QueryEscape("/account/mfa/"))); p.url.Path != "/account/mfa/" {
		t.Errorf("sign-in with next=/account/mfa/ ended at %s", p.url)
	}
}

func TestLocalPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"": "/account", "/account": "/account", "/account/mfa/": "/account/mfa/",
		"//evil.example/account": "/account", "https://evil.example/": "/account", "/account/../admin": "/account",
		"/account/\\evil": "/account", "/accounting": "/account", "/account/mfa/?x=1": "/account",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSecuritySettingsStepsUpToTheMFAAudience(t *testing.T) {
	t.Parallel()
	clk := newClock()
	inst := start(t, clk, Config{})
	b := newBrowser(t)
	b.signIn(inst, aliceEmail, alicePassword)

	// Right after signing in, the login's own token (for selfmfa's audience) opens the page:
	// no second step-up, no second code (first-hour review: "challenged twice").
	if p := b.get(inst.URL + "/account/mfa/"); p.status != http.StatusOK {
		t.Fatalf("GET /account/mfa/ right after sign-in: %d to %s, want the page without a second step-up", p.status, p.location())
	}
	// Once that token has run out (10 minutes), the page steps up to the MFA audience.
	clk.Advance(11 * time.Minute)
	p := b.get(inst.URL + "/account/mfa/")
	authz := p.location()
	q := authz.Query()
	if p.status != http.StatusSeeOther || authz.Host != inst.Tenant.Domain() || authz.Path != "/authorize" {
		t.Fatalf("GET /account/mfa/: %d to %s, want the tenant's /authorize", p.status, authz)
	}
	if q.Get("audience") != inst.Tenant.MFAAudience() || q.Get("redirect_uri") != inst.URL+"/account/mfa/callback" {
		t.Errorf("step-up audience %q redirect_uri %q", q.Get("audience"), q.Get("redirect_uri"))
	}
	if !strings.Contains(q.Get("scope"), "enroll") {
		t.Errorf("step-up scope %q", q.Get("scope"))
	}

	// Alice has no factor yet: signing in again is all the tenant asks (her sign-in is older
	// than max_age now).
	inst.Tenant.QueueLogin(alice)
	list := b.follow(p)
	if list.status != http.StatusOK || list.url.Path != "/account/mfa/" {
		t.Fatalf("step-up ended at %s (%d)", list.url, list.status)
	}
	for _, want := range []string{
		`class="app-header"`, `href="/static/app.css"`, `id="signout"`, `aria-current="page"`, // the app's layout
		"mfa-page", "Two-step verification", // selfmfa's page
		"mfa-btn btn mfa-btn-primary btn-primary", "mfa-section card", // WithClasses
	} {
		if !strings.Contains(list.body, want) {
			t.Errorf("security settings page lacks %q:\n%s", want, list.body)
		}
	}
	if csp := list.header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+inst.Tenant.URL()+";") {
		t.Errorf("security settings CSP %q, want the tenant in form-action", csp)
	}
	if css := b.get(inst.URL + "/static/app.css"); css.status != http.StatusOK || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") {
		t.Errorf("app.css: %d %q", css.status, css.header.Get("Content-Type"))
	}
}

// TestAddAuthenticatorApp is the first five minutes over HTTP: sign in, open the security
// settings, add an authenticator app with a code from it, save the recovery code, see it listed.
func TestAddAuthenticatorApp(t *testing.T) {
	t.Parallel()
	inst := start(t, newClock(), Config{})
	b := newBrowser(t)
	b.signIn(inst, aliceEmail, alicePassword)
	b.follow(b.get(inst.URL + "/account/mfa/"))

	totp := b.follow(b.post(inst.URL+"/account/mfa/enroll/totp", url.Values{}))
	if totp.status != http.StatusOK || !strings.Contains(totp.body, "<svg") {
		t.Fatalf("TOTP page: %d at %s:\n%s", totp.status, totp.url, totp.body)
	}
	var id string
	for _, a := range inst.Tenant.Authenticators(alice) {
		if a.AuthenticatorType == "otp" {
			id = a.ID
		}
	}
	code, err := inst.Tenant.TOTPCode(id)
	if err != nil {
		t.Fatalf("TOTP code of the pending authenticator %q: %v", id, err)
	}
	recovery := b.follow(b.post(inst.URL+"/account/mfa/enroll/confirm", url.Values{
		"enrollment": {field(t, totp.body, "enrollment")}, "code": {code},
	}))
	if recovery.url.Path != "/account/mfa/recovery-code" {
		t.Fatalf("after the code: %s (%d), want the recovery code page:\n%s", recovery.url, recovery.status, recovery.body)
	}
	list := b.follow(b.post(inst.URL+"/account/mfa/recovery-code", url.Values{"saved": {"yes"}}))
	if !strings.Contains(list.body, "Authenticator app") || !strings.Contains(list.body, "set up") {
		t.Errorf("list after enrollment lacks the app or the recovery code:\n%s", list.body)
	}
	var active bool
	for _, a := range inst.Tenant.Authenticators(alice) {
		active = active || (a.ID == id && a.Active)
	}
	if !active {
		t.Errorf("authenticator %s is not active at the tenant", id)
	}
}

func TestSharedClockExpiresTheMFAToken(t *testing.T) {
	t.Parallel()
	clk := newClock()
	inst := start(t, clk, Config{})
	b := newBrowser(t)
	b.signIn(inst, aliceEmail, alicePassword)
	if p := b.follow(b.get(inst.URL + "/account/mfa/")); p.status != http.StatusOK {
		t.Fatalf("security settings: %d", p.status)
	}
	if p := b.get(inst.URL + "/account/mfa/"); p.status != http.StatusOK {
		t.Fatalf("security settings with a fresh token: %d, want 200 without a step-up", p.status)
	}
	clk.Advance(11 * time.Minute) // past the MFA token's 10 minutes, on the emulator too
	if p := b.get(inst.URL + "/account/mfa/"); p.status != http.StatusSeeOther || p.location().Path != "/authorize" {
		t.Errorf("after 11 minutes: %d to %s, want a new step-up", p.status, p.location())
	}
	if p := b.get(inst.URL + "/account"); p.status != http.StatusOK {
		t.Errorf("the app's own session ended with the MFA token: %d", p.status)
	}
}

func TestSignOutEndsBothSessions(t *testing.T) {
	t.Parallel()
	inst := start(t, newClock(), Config{})
	b := newBrowser(t)
	b.signIn(inst, aliceEmail, alicePassword)

	// A cross-site form cannot sign the user out.
	req, _ := http.NewRequest(http.MethodPost, inst.URL+"/logout", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := b.do(req); p.status != http.StatusForbidden {
		t.Errorf("cross-site sign-out: %d, want 403", p.status)
	}

	out := b.post(inst.URL+"/logout", nil)
	tl := out.location()
	if out.status != http.StatusSeeOther || tl.Host != inst.Tenant.Domain() || tl.Path != "/v2/logout" ||
		tl.Query().Get("client_id") != inst.Tenant.ClientID() || tl.Query().Get("returnTo") != inst.URL+"/" {
		t.Fatalf("POST /logout: %d to %s, want the tenant's /v2/logout back to the home page", out.status, tl)
	}
	home := b.follow(out)
	if home.url.String() != inst.URL+"/" || !strings.Contains(home.body, `id="signin"`) {
		t.Errorf("after sign-out: %s:\n%s", home.url, home.body)
	}
	if p := b.get(inst.URL + "/account"); p.status != http.StatusSeeOther {
		t.Errorf("/account after sign-out: %d, want a redirect to /login", p.status)
	}
	// The tenant's SSO session is gone too: signing in again shows its form.
	if p := b.follow(b.get(inst.URL + "/login")); p.url.Path != "/u/login" {
		t.Errorf("sign-in after sign-out ended at %s, want the tenant's login form", p.url)
	}
}

func TestPortInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() }) // after the parallel subtests
	busy := ln.Addr().String()
	for _, tc := range []struct {
		name      string
		cfg       Config
		wantFlag  string
		wantOther string
	}{
		{"app", Config{Addr: busy, TenantAddr: "127.0.0.1:0"}, "-addr", "APP_ADDR"},
		{"tenant", Config{Addr: "127.0.0.1:0", TenantAddr: busy}, "-tenant-addr", "TENANT_ADDR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.cfg.Logger = testLogger(t)
			tc.cfg.EmulatorOptions = []auth0test.Option{auth0test.WithSigningKey(testKey())}
			inst, err := Start(context.Background(), tc.cfg)
			if err == nil {
				inst.Close()
				t.Fatalf("Start on a busy %s port succeeded", tc.name)
			}
			if !errors.Is(err, syscall.EADDRINUSE) || !strings.Contains(err.Error(), busy) ||
				!strings.Contains(err.Error(), tc.wantFlag+" ") || !strings.Contains(err.Error(), tc.wantOther) {
				t.Errorf("error %q, want EADDRINUSE naming %s, %s and %s", err, busy, tc.wantFlag, tc.wantOther)
			}
		})
	}
}

func TestBanner(t *testing.T) {
	t.Parallel()
	inst := start(t, newClock(), Config{})
	got := inst.Banner()
	for _, want := range []string{
		"open " + inst.URL, "alice@example.com", "alice-demo-password", "bob@example.com",
		inst.Tenant.URL() + "/_dev/inbox", inst.Tenant.URL() + "/_dev/guardian",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("banner lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n"); n > 8 {
		t.Errorf("banner has %d lines, want a few:\n%s", n, got)
	}
	// The dev pages it names are served.
	b := newBrowser(t)
	for _, p := range []string{"/_dev/inbox", "/_dev/guardian"} {
		if res := b.get(inst.Tenant.URL() + p); res.status != http.StatusOK {
			t.Errorf("%s: %d", p, res.status)
		}
	}
}

func TestCallerOwnedTenantStaysOpen(t *testing.T) {
	t.Parallel()
	clk := newClock()
	emu := auth0test.RunT(t, auth0test.WithClock(clk.Now), auth0test.WithSigningKey(testKey()),
		auth0test.WithUsers(auth0test.User{ID: alice, Email: aliceEmail, Password: alicePassword, Name: "Alice"}))
	inst := start(t, clk, Config{Tenant: emu})
	b := newBrowser(t)
	if p := b.signIn(inst, aliceEmail, alicePassword); p.url.Path != "/account" {
		t.Fatalf("sign-in on a caller's emulator ended at %s", p.url)
	}
	if err := inst.Close(); err != nil {
		t.Fatal(err)
	}
	if p := b.get(emu.URL() + "/.well-known/openid-configuration"); p.status != http.StatusOK {
		t.Errorf("the caller's emulator was closed with the app: %d", p.status)
	}
}

func TestBannerRealTenant(t *testing.T) {
	t.Parallel()
	inst := &Instance{URL: "https://app.example.com", domain: "login.example.com",
		findings: []string{"the application may not use the MFA grant: enable …"}}
	got := inst.Banner()
	for _, want := range []string{"open https://app.example.com", "Auth0 tenant: login.example.com", "tenant check: the application may not use the MFA grant"} {
		if !strings.Contains(got, want) {
			t.Errorf("banner lacks %q:\n%s", want, got)
		}
	}
	inst.findings = nil
	if got := inst.Banner(); !strings.Contains(got, "no problems found") {
		t.Errorf("banner without findings:\n%s", got)
	}
}

// A bad callback base is refused before any request to the tenant.
func TestStartRejectsBadCallbackBase(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"", "app.example.com", "http://app.example.com", "https://app.example.com/app", "https://app.example.com/?x=1", "ftp://app.example.com"} {
		a := &Auth0Config{Domain: "acme.auth0.com", ClientID: "cid", ClientSecret: "secret", CallbackBase: base}
		inst, err := Start(context.Background(), Config{Addr: "127.0.0.1:0", Auth0: a, Logger: testLogger(t)})
		if err == nil {
			inst.Close()
			t.Errorf("CallbackBase %q accepted", base)
		} else if !errors.Is(err, errNoCallbackBase) {
			t.Errorf("CallbackBase %q: %v, want errNoCallbackBase", base, err)
		}
	}
}
