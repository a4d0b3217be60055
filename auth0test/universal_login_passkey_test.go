package auth0test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test/webauthntest"
)

var passkeyOptionsAttr = regexp.MustCompile(`data-options="([^"]*)"`)

// loginPage opens /authorize on base and returns the login page's state and passkey options
// ("" none).
func (h *harness) loginPage(c *http.Client, base string) (state, options string) {
	h.t.Helper()
	u := location(h.t, base, h.browserGet(c, authorizeURL(base, nil)))
	page := h.browserGet(c, u.String())
	if page.status != http.StatusOK || u.Path != "/u/login" {
		h.t.Fatalf("login page %s: %d %s", u, page.status, page.body)
	}
	if m := passkeyOptionsAttr.FindSubmatch(page.body); m != nil {
		options = html.UnescapeString(string(m[1]))
	}
	return u.Query().Get("state"), options
}

// TestUniversalLoginPasskey: a passkey enrolled through My Account signs its user in on the
// hosted login page (the custom domain, whose host is rp.id) and its last_auth_at moves; a form
// without an assertion, a cancelled ceremony, a second use of the page's challenge and the
// canonical host (not under rp.id) are refused on the page; without passkeys the page has none.
func TestUniversalLoginPasskey(t *testing.T) {
	t.Parallel()
	h, tok := passkeyHarness(t)
	a := webauthntest.New(webauthntest.Provider{BackupEligible: true, BackedUp: true})
	session, opts := h.passkeyStart(h.s.URL(), tok)
	created, err := a.Create(opts, appOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if r := h.passkeyVerify(h.s.URL(), tok, session, created); r.status != http.StatusCreated {
		t.Fatalf("verify %d %s", r.status, r.body)
	}
	h.s.Advance(time.Minute)

	base, c := h.s.CustomURL(), h.browser()
	state, options := h.loginPage(c, base)
	if !strings.Contains(options, `"rpId":"localhost"`) || !strings.Contains(options, `"userVerification":"preferred"`) {
		t.Fatalf("request options %s", options)
	}
	assertion, err := a.Get([]byte(options), base)
	if err != nil {
		t.Fatal(err)
	}
	post := func(v url.Values) resp {
		return h.browserPost(c, base+"/u/login", v)
	}
	r := post(url.Values{"state": {state}, "action": {"passkey"}, "authn_response": {string(assertion)}})
	callbackCode(t, location(t, base, r))
	list := h.passkeys(tok)
	if len(list) != 1 || list[0].(map[string]any)["last_auth_at"] != "2026-11-26T12:01:00.000Z" {
		t.Errorf("after login %v", list)
	}

	for _, tc := range []struct {
		name string
		base string
		form func(state, options string) url.Values
		want string
	}{
		{"no JavaScript", base, func(s, _ string) url.Values {
			return url.Values{"state": {s}, "action": {"passkey"}, "authn_response": {""}}
		}, descPasskeyNeedsScript},
		{"cancelled", base, func(s, _ string) url.Values {
			return url.Values{"state": {s}, "action": {"passkey"}, "error": {"NotAllowedError"}}
		}, descPasskeyCancelled},
		{"too large", base, func(s, _ string) url.Values {
			return url.Values{"state": {s}, "action": {"passkey"}, "authn_response": {strings.Repeat("x", maxAuthnResponse+1)}}
		}, descPasskeyTooLarge},
		{"an old page's assertion", base, func(s, _ string) url.Values {
			return url.Values{"state": {s}, "action": {"passkey"}, "authn_response": {string(assertion)}}
		}, "That passkey could not be verified. Try again, or sign in with your password."},
		{"canonical host, not under rp.id", h.s.URL(), func(s, o string) url.Values {
			as, err := a.Get([]byte(o), h.s.URL())
			if err != nil {
				t.Fatal(err)
			}
			return url.Values{"state": {s}, "action": {"passkey"}, "authn_response": {string(as)}}
		}, "That passkey could not be verified. Try again, or sign in with your password."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := h.browser()
			s, o := h.loginPage(c, tc.base)
			r := h.browserPost(c, tc.base+"/u/login", tc.form(s, o))
			if r.status != http.StatusOK || !strings.Contains(string(r.body), html.EscapeString(tc.want)) {
				t.Errorf("%d, want the login page saying %q: %s", r.status, tc.want, r.body)
			}
		})
	}

	st := h.s.Settings()
	st.Passkeys = false
	h.s.SetSettings(st)
	if _, o := h.loginPage(h.browser(), base); o != "" {
		t.Errorf("passkeys off, the page still offers them: %s", o)
	}
}

// TestPasskeyScriptServed: the login page's script is a same-origin file (the CSP allows
// script-src 'self' and no inline script), and the page's form stays hidden until it runs.
func TestPasskeyScriptServed(t *testing.T) {
	t.Parallel()
	h, _ := passkeyHarness(t)
	r := h.browserGet(h.browser(), h.s.CustomURL()+"/u/passkey.js")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/javascript; charset=utf-8" || string(r.body) != passkeyScript {
		t.Errorf("script: %d %q", r.status, r.header.Get("Content-Type"))
	}
	c := h.browser()
	u := location(t, h.s.CustomURL(), h.browserGet(c, authorizeURL(h.s.CustomURL(), nil)))
	page := h.browserGet(c, u.String())
	csp := page.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("CSP %q", csp)
	}
	body := string(page.body)
	if !strings.Contains(body, `<script src="/u/passkey.js"></script>`) || !strings.Contains(body, `id="passkey-login"`) ||
		!regexp.MustCompile(`<form [^>]*id="passkey-login"[^>]* hidden>`).MatchString(body) || strings.Contains(body, "<script>") {
		t.Errorf("login page:\n%s", body)
	}
}
