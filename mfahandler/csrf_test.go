package mfahandler_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
)

// TestCrossOriginRequestsRefused: every unsafe route refuses cross-site, same-site sibling and
// old-browser cross-origin requests with 403, before any call or session change; each refusal
// is one access_denied event for the host's audit trail (T17, T18, T19, T80).
func TestCrossOriginRequestsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	seeded, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	wantStatus(t, "list", b.stepUp(), http.StatusOK)
	setup, secret := startTOTP(t, b)
	enrollment := setup.formTo(t, "/enroll/confirm").values["enrollment"][0]
	code := totpCode(t, secret, e.clock.Now())
	bodies := map[string]string{
		"/account/mfa/enroll/totp":    "",
		"/account/mfa/enroll/push":    "",
		"/account/mfa/enroll/sms":     "phone_number=%2B14155552671",
		"/account/mfa/enroll/confirm": "enrollment=" + enrollment + "&code=" + code,
		"/account/mfa/enroll/resend":  "enrollment=" + enrollment,
		"/account/mfa/enroll/cancel":  "enrollment=" + enrollment,
		"/account/mfa/recovery-code":  "saved=yes",
		"/account/mfa/remove":         "id=" + url.QueryEscape(seeded.ID),
		// The My Account API's forms: the routes answer on either backend.
		"/account/mfa/rename":            "id=" + url.QueryEscape(seeded.ID) + "&name=Laptop",
		"/account/mfa/channel":           "id=" + url.QueryEscape(seeded.ID) + "&channel=voice",
		"/account/mfa/recovery-code/new": "",
		"/account/mfa/sessions/others":   "decision=sign_out",
	}
	variants := map[string]map[string]string{
		"cross-site":           {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
		"same-site sibling":    {"Sec-Fetch-Site": "same-site", "Origin": "https://evil.app.example"},
		"same-site, no origin": {"Sec-Fetch-Site": "same-site"},
		"old browser":          {"Origin": "https://evil.example"},
		"old browser, null":    {"Origin": "null"},
		"other port":           {"Origin": "http://" + strings.Replace(strings.TrimPrefix(e.app.URL, "http://"), ":", ":1", 1)},
		// Neither Sec-Fetch-Site nor Origin (stripped by a proxy or an extension): the Referer
		// still names the page that sent the form (review finding 7).
		"stripped, cross-site Referer": {"Referer": "https://evil.example/page"},
		"stripped, bad Referer":        {"Referer": "::not a url"},
	}
	cookie := b.cookie()
	before := e.sessionValues(cookie)
	mark, events := e.up.mark(), len(e.eventList())
	for path, body := range bodies {
		for name, hs := range variants {
			h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
			for k, v := range hs {
				h[k] = v
			}
			p := b.raw(http.MethodPost, path, body, h)
			if p.status != http.StatusForbidden {
				t.Errorf("%s %s: %d, want 403", name, path, p.status)
			}
			wantSecurityHeaders(t, name+" "+path, p, false)
		}
	}
	e.up.noCalls(t, mark, "cross-origin requests")
	if after := e.sessionValues(cookie); !reflect.DeepEqual(before, after) || b.cookie() != cookie {
		t.Error("a refused request changed the session")
	}
	refused := 0
	for _, ev := range e.eventList()[events:] {
		if ev.Kind != mfahandler.EventAccessDenied || ev.Reason != "cross_origin" || ev.User != bob {
			t.Errorf("a refused request raised %+v", ev)
		}
		refused++
	}
	// One event per refusal, up to the per-user bound of 60 at once (a hostile page cannot
	// flood the host's audit trail).
	if want := min(len(bodies)*len(variants), 60); refused != want {
		t.Errorf("%d access_denied events for %d refused requests, want %d (T80)", refused, len(bodies)*len(variants), want)
	}
	if len(activeIDs(e, bob, "totp|")) != 1 {
		t.Fatalf("refused requests had effects: factors %v", e.emu.Authenticators(bob))
	}
	// The enrollment is intact.
	b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {code}})
	if len(activeIDs(e, bob, "totp|")) != 2 {
		t.Fatalf("confirm after the refusals failed: %v", e.emu.Authenticators(bob))
	}
}

// TestHeaderlessClients: a request without Sec-Fetch-Site and Origin (not a browser) passes
// CrossOriginProtection, as documented, but still needs a form body and the user's session
// (T20). Sec-Fetch-Site: none (typed or bookmarked) is a user action and passes too.
func TestHeaderlessClients(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	b.stepUp()
	setup, _ := startTOTP(t, b)
	enrollment := setup.formTo(t, "/enroll/confirm").values["enrollment"][0]
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	if p := b.raw(http.MethodPost, "/account/mfa/enroll/cancel", `{"enrollment":"`+enrollment+`"}`,
		map[string]string{"Content-Type": "application/json"}); p.status != http.StatusUnsupportedMediaType {
		t.Errorf("headerless JSON: %d, want 415", p.status)
	}
	if p := e.browser("").raw(http.MethodPost, "/account/mfa/enroll/cancel", "enrollment="+enrollment, form); p.status != http.StatusUnauthorized {
		t.Errorf("headerless without a session: %d, want 401", p.status)
	}
	if ids := pendingIDs(e, bob); len(ids) != 1 {
		t.Fatalf("pending after refused requests: %v", ids)
	}
	p := b.raw(http.MethodPost, "/account/mfa/enroll/cancel", "enrollment="+enrollment,
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "none"})
	if p.status != http.StatusSeeOther {
		t.Errorf("Sec-Fetch-Site none: %d, want 303", p.status)
	}
	if ids := pendingIDs(e, bob); len(ids) != 0 {
		t.Fatalf("cancel did not run: %v", ids)
	}
	setup, _ = startTOTP(t, b)
	enrollment = setup.formTo(t, "/enroll/confirm").values["enrollment"][0]
	if p := b.raw(http.MethodPost, "/account/mfa/enroll/cancel", "enrollment="+enrollment, form); p.status != http.StatusSeeOther {
		t.Errorf("headerless form with a session: %d, want 303 (documented non-browser path)", p.status)
	}
	// Without Sec-Fetch-Site and Origin, a Referer of this very origin is the user's own page.
	setup, _ = startTOTP(t, b)
	enrollment = setup.formTo(t, "/enroll/confirm").values["enrollment"][0]
	own := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Referer": e.app.URL + "/account/mfa/enroll/totp"}
	if p := b.raw(http.MethodPost, "/account/mfa/enroll/cancel", "enrollment="+enrollment, own); p.status != http.StatusSeeOther {
		t.Errorf("same-origin Referer only: %d, want 303", p.status)
	}
}

// TestGetNeverMutates: GET (and HEAD) never remove, confirm or cancel, whatever the query and
// whatever method-override headers say (T21, T22).
func TestGetNeverMutates(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	seeded, err := e.emu.SeedAuthenticator(bob, auth0test.FactorOTP, auth0test.SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser(bob)
	b.stepUp()
	setup, secret := startTOTP(t, b)
	enrollment := setup.formTo(t, "/enroll/confirm").values["enrollment"][0]
	code := totpCode(t, secret, e.clock.Now())
	override := map[string]string{"X-HTTP-Method-Override": "DELETE", "X-HTTP-Method": "DELETE", "X-Method-Override": "POST"}
	mark := e.up.mark()
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/account/mfa/remove?id=" + url.QueryEscape(seeded.ID) + "&_method=DELETE&confirm=yes", http.StatusOK},
		{http.MethodHead, "/account/mfa/remove?id=" + url.QueryEscape(seeded.ID), http.StatusOK},
		{http.MethodGet, "/account/mfa/enroll/confirm?enrollment=" + enrollment + "&code=" + code, http.StatusMethodNotAllowed},
		{http.MethodGet, "/account/mfa/enroll/cancel?enrollment=" + enrollment, http.StatusMethodNotAllowed},
		{http.MethodGet, "/account/mfa/enroll/resend?enrollment=" + enrollment, http.StatusMethodNotAllowed},
		{http.MethodGet, "/account/mfa/enroll/totp?_method=POST", http.StatusOK},
		{http.MethodGet, "/account/mfa/?_method=DELETE&id=" + url.QueryEscape(seeded.ID), http.StatusOK},
	} {
		p := b.raw(c.method, c.path, "", override)
		if p.status != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, p.status, c.want)
		}
		if c.want == http.StatusMethodNotAllowed && p.header.Get("Allow") != "POST" {
			t.Errorf("%s %s: Allow %q, want POST", c.method, c.path, p.header.Get("Allow"))
		}
	}
	if n := e.up.count(mark, http.MethodDelete, "/") + e.up.count(mark, http.MethodPost, "/"); n != 0 {
		t.Fatalf("GET requests made %d unsafe upstream calls: %v", n, e.up.since(mark))
	}
	// A POST with an override header is still only what it is.
	h := b.sameOrigin()
	h["X-HTTP-Method-Override"] = "GET"
	if p := b.raw(http.MethodPost, "/account/mfa/?_method=GET", "", h); p.status != http.StatusMethodNotAllowed {
		t.Errorf("POST list with override: %d, want 405", p.status)
	}
	if len(activeIDs(e, bob, "totp|")) != 1 || len(pendingIDs(e, bob)) != 1 {
		t.Fatalf("state changed: %v", e.emu.Authenticators(bob))
	}
	b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {code}})
	if len(activeIDs(e, bob, "totp|")) != 2 {
		t.Fatal("the pending enrollment was spoiled")
	}
}
