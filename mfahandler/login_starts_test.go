package mfahandler_test

import (
	"net/http"
	"testing"
)

// Review finding 9: cross-site GETs to /login pushed the user's own sign-in in flight out of
// the session, which then failed with "Sign-in expired". Starts that another site makes never
// push out the user's own.
func TestCrossSiteLoginStartsKeepTheUsersOwn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	own := b.get(e.app.URL + "/account/mfa/") // the user's own step-up, in flight
	if own.status != http.StatusSeeOther || !e.isAuthorize(own.location(t)) {
		t.Fatalf("list without a token: %d %q", own.status, own.header.Get("Location"))
	}
	for range 5 { // a hostile page's hidden requests, with the user's cookies
		p := b.raw(http.MethodGet, "/account/mfa/login", "", map[string]string{"Sec-Fetch-Site": "cross-site"})
		if p.status != http.StatusSeeOther {
			t.Fatalf("cross-site login start: %d", p.status)
		}
	}
	e.emu.QueueLogin(bob)
	back := b.follow(own)
	if back.status != http.StatusOK || back.url.Path != "/account/mfa/" {
		t.Fatalf("the user's own sign-in failed after cross-site starts: %d %s\n%s", back.status, back.url, back.body)
	}
}
