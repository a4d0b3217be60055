package mfahandler_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/selfmfa/selfmfa/auth0test"
)

// hostLogin is a host's own login route on the test app: /test/login starts an
// authorization-code login (with audience when set) and /test/callback signs the user in to
// the host and hands the token set to selfmfa with AdoptToken.
func hostLogin(t *testing.T, e *env, audience string, scopes []string) (adoptErr func() error) {
	t.Helper()
	return hostLoginAs(t, e, bob, audience, scopes)
}

// hostLoginAs is hostLogin that signs user in to the host.
func hostLoginAs(t *testing.T, e *env, user, audience string, scopes []string) (adoptErr func() error) {
	t.Helper()
	cb := e.app.URL + "/test/callback"
	if err := e.emu.AddRedirectURI(e.emu.ClientID(), cb); err != nil {
		t.Fatal(err)
	}
	cfg := &oauth2.Config{ClientID: e.emu.ClientID(), ClientSecret: e.emu.ClientSecret(), RedirectURL: cb, Scopes: scopes,
		Endpoint: oauth2.Endpoint{AuthURL: e.emu.URL() + "/authorize", TokenURL: e.emu.URL() + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams}}
	var last error
	e.mux.HandleFunc("GET /test/login", func(w http.ResponseWriter, r *http.Request) {
		opts := []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("nonce", "n1")}
		if audience != "" {
			opts = append(opts, oauth2.SetAuthURLParam("audience", audience))
		}
		http.Redirect(w, r, cfg.AuthCodeURL("st", opts...), http.StatusSeeOther)
	})
	e.mux.HandleFunc("GET /test/callback", func(w http.ResponseWriter, r *http.Request) {
		tok, err := cfg.Exchange(context.Background(), r.URL.Query().Get("code"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		e.sm.Put(r.Context(), "user", user) // the host's own checks are done; its user is set
		last = e.h.AdoptToken(w, r, tok)
		w.WriteHeader(http.StatusNoContent) // the host's own landing page
	})
	return func() error { return last }
}

// Review ("challenged twice"): a host whose login already asked for selfmfa's audience hands
// the token over, and the security page opens without a second challenge.
func TestAdoptTokenOfTheHostsLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	if _, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	adopted := hostLogin(t, e, e.h.Audience(), e.h.StepUpScopes())
	b := e.browser("")
	b.sub = bob // for the challenge page
	e.emu.QueueLogin(bob)
	p := b.open("/test/login")
	p = b.passChallenge(p) // the one MFA challenge: the host's login
	if err := adopted(); err != nil {
		t.Fatalf("AdoptToken: %v", err)
	}
	if p.status != http.StatusNoContent || p.url.Path != "/test/callback" {
		t.Fatalf("after the host's login: %d %s", p.status, p.url)
	}
	mark := e.up.mark()
	again := b.get(e.app.URL + "/account/mfa/")
	if again.status != http.StatusOK {
		t.Fatalf("the security page asked for a second challenge: %d %q", again.status, again.header.Get("Location"))
	}
	if n := e.up.count(mark, http.MethodPost, "/oauth/token"); n != 0 {
		t.Errorf("a second login ran: %d token calls", n)
	}
}

// A token of the host's own login without selfmfa's audience is not taken.
func TestAdoptTokenRefusesAnotherAudience(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	adopted := hostLogin(t, e, "", []string{"openid", "profile"})
	b := e.browser("")
	e.emu.QueueLogin(bob)
	b.open("/test/login")
	err := adopted()
	if err == nil || !strings.Contains(err.Error(), "AdoptToken") {
		t.Fatalf("AdoptToken of a token without the MFA audience: %v", err)
	}
	p := b.get(e.app.URL + "/account/mfa/")
	if p.status != http.StatusSeeOther || !e.isAuthorize(p.location(t)) {
		t.Fatalf("the refused token opened the page: %d", p.status)
	}
}
