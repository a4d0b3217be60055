package mfahandler_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/selfmfa/selfmfa/mfahandler"
)

// grouped returns s in groups of four, as pages show secrets.
func grouped(s string) string {
	var parts []string
	for len(s) > 4 {
		parts = append(parts, s[:4])
		s = s[4:]
	}
	return strings.Join(append(parts, s), " ")
}

// TestSecretsStayInPageBodies follows a whole authenticator-app enrollment and checks every
// response: the TOTP secret and the recovery code appear only in the page bodies meant to
// show them, never in a URL, a Location header, a cookie, a log line or an event; the QR code
// is inline, never an external image; the MFA API token appears nowhere at all (T36, T37, T38,
// T78).
func TestSecretsStayInPageBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	var all []page
	e.emu.QueueLogin(bob)
	all = append(all, b.hops(b.get(e.app.URL+"/account/mfa/"))...)
	list := all[len(all)-1]
	var tok struct {
		AccessToken string `json:"at"`
	}
	raw, _ := e.sessionValues(b.cookie())["mfa.tok"].([]byte)
	if err := json.Unmarshal(raw, &tok); err != nil || len(tok.AccessToken) < 20 {
		t.Fatalf("no MFA API token in the session (%v)", err)
	}
	all = append(all, b.hops(b.post(e.app.URL+"/account/mfa/enroll/totp", list.formTo(t, "/enroll/totp").values))...)
	setup := all[len(all)-1]
	m := secretOnPage.FindStringSubmatch(setup.body)
	if m == nil {
		t.Fatalf("no secret:\n%s", setup.body)
	}
	secret := strings.ReplaceAll(strings.TrimSpace(m[1]), " ", "")
	if !strings.Contains(setup.body, "<svg") || strings.Contains(setup.body, "<img") {
		t.Error("the QR code is not inline SVG")
	}
	if cc := setup.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("setup page Cache-Control %q", cc)
	}
	if csp := setup.header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data:") {
		t.Errorf("setup page CSP %q", csp)
	}
	// A wrong code, then the right one.
	all = append(all, b.hops(b.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{
		"enrollment": setup.formTo(t, "/enroll/confirm").values["enrollment"], "code": {"000000"}}))...)
	all = append(all, b.hops(b.post(e.app.URL+"/account/mfa/enroll/confirm", url.Values{
		"enrollment": setup.formTo(t, "/enroll/confirm").values["enrollment"], "code": {totpCode(t, secret, e.clock.Now())}}))...)
	shownAt := len(all) - 1
	shown := all[shownAt]
	code := recoveryCodeOn(shown)
	if code == "" {
		t.Fatalf("no recovery code shown:\n%s", shown.body)
	}
	// The recovery code is gone from the session as soon as it was displayed.
	if blob, ok := e.storeBlob(b.cookie()); !ok || bytes.Contains(blob, []byte(code)) || bytes.Contains(blob, []byte(secret)) {
		t.Errorf("the session still holds the recovery code or the secret after the display (found=%v)", ok)
	}
	all = append(all, b.hops(b.get(e.app.URL+"/account/mfa/recovery-code"))...)
	again := all[len(all)-1]
	if strings.Contains(again.body, code) || strings.Contains(again.body, grouped(code)) {
		t.Fatal("the recovery code was shown a second time")
	}
	all = append(all, b.hops(b.post(e.app.URL+"/account/mfa/recovery-code", url.Values{"saved": {"yes"}}))...)
	id := activeIDs(e, bob, "totp|")[0]
	all = append(all, b.hops(b.get(e.app.URL+"/account/mfa/remove?id="+url.QueryEscape(id)))...)

	secrets := map[string]string{"TOTP secret": secret, "grouped secret": grouped(secret), "recovery code": code,
		"grouped recovery code": grouped(code), "otpauth URI": "otpauth://", "MFA API token": tok.AccessToken,
		"MFA API token signature": tok.AccessToken[strings.LastIndexByte(tok.AccessToken, '.')+1:]}
	for i, p := range all {
		places := map[string]string{
			"URL":        p.url.String(),
			"Location":   p.header.Get("Location"),
			"Set-Cookie": strings.Join(p.header.Values("Set-Cookie"), "\n"),
			"links":      strings.Join(networkURLs(urlsOn(p)), "\n"),
		}
		for _, u := range urlsOn(p) {
			if strings.HasPrefix(u, "otpauth:") && p.url.Path != "/account/mfa/enroll/totp" {
				t.Errorf("%s links to the otpauth URI; only the setup page, which shows the key, may", p.url.Path)
			}
		}
		for place, v := range places {
			for name, s := range secrets {
				if strings.Contains(v, s) {
					t.Errorf("%s of %s contains the %s", place, p.url.Path, name)
				}
			}
		}
		if !e.onApp(p) {
			continue
		}
		for name, s := range secrets {
			switch {
			case name == "otpauth URI":
				continue // only ever inside the QR code's drawing; checked in URLs above
			case strings.Contains(name, "secret") && p.url.Path == "/account/mfa/enroll/totp":
				continue // the setup page (and its redisplay after a wrong code) shows the secret
			case strings.Contains(name, "recovery") && i == shownAt:
				continue // the single display
			}
			if strings.Contains(p.body, s) {
				t.Errorf("the page %s (%d) shows the %s", p.url.Path, p.status, name)
			}
		}
	}
	logs := e.logs.String()
	for name, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the log contains the %s", name)
		}
	}
	for _, ev := range e.eventList() {
		dump := fmt.Sprintf("%+v", ev)
		for name, s := range secrets {
			if strings.Contains(dump, s) {
				t.Errorf("event %s carries the %s", ev.Kind, name)
			}
		}
	}
}

// TestEvents: each action emits one typed event with the user, the factor, the clock's time,
// the connection's IP (never X-Forwarded-For unless the host says so) and the user agent, and
// never a secret (T80).
func TestEvents(t *testing.T) {
	t.Parallel()
	run := func(t *testing.T, opts []mfahandler.Option, wantIP string) *env {
		e := newEnv(t, envConfig{opts: opts})
		b := e.browser(bob).withHeaders(map[string]string{
			"User-Agent": "TestAgent/1.0", "X-Forwarded-For": "203.0.113.7", "X-Real-IP": "203.0.113.8", "Forwarded": "for=203.0.113.9"})
		b.stepUp()
		setup, secret := startTOTP(t, b)
		b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {"000000"}})
		done := b.submitForm(setup, setup.formTo(t, "/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
		code := recoveryCodeOn(done)
		finishRecovery(t, b, done)
		id := activeIDs(e, bob, "totp|")[0]
		b.post(e.app.URL+"/account/mfa/remove", url.Values{"id": {"totp|dev_notmine0000"}})
		b.post(e.app.URL+"/account/mfa/remove", url.Values{"id": {id}})

		want := []mfahandler.EventKind{mfahandler.EventStepUp, mfahandler.EventEnrollStarted, mfahandler.EventConfirmFailed,
			mfahandler.EventFactorAdded, mfahandler.EventRecoveryCodeSet, mfahandler.EventAccessDenied, mfahandler.EventFactorRemoved}
		got := e.eventKinds()
		if strings.Join(kindStrings(got), ",") != strings.Join(kindStrings(want), ",") {
			t.Errorf("events:\n got %v\nwant %v", got, want)
		}
		for _, ev := range e.eventList() {
			if ev.User != bob || ev.ClientIP != wantIP || ev.UserAgent != "TestAgent/1.0" || !ev.Time.Equal(e.clock.Now()) {
				t.Errorf("event %+v: want user %s, IP %s, UA TestAgent/1.0, time %v", ev, bob, wantIP, e.clock.Now())
			}
			switch ev.Kind {
			case mfahandler.EventEnrollStarted, mfahandler.EventConfirmFailed, mfahandler.EventFactorAdded, mfahandler.EventFactorRemoved:
				if ev.Factor != mfahandler.FactorTOTP {
					t.Errorf("event %s: factor %q", ev.Kind, ev.Factor)
				}
			}
			dump := fmt.Sprintf("%#v", ev)
			for _, s := range []string{secret, code, "000000", "otpauth"} {
				if s != "" && strings.Contains(dump, s) {
					t.Errorf("event %s carries a secret", ev.Kind)
				}
			}
		}
		return e
	}
	t.Run("default IP", func(t *testing.T) {
		t.Parallel()
		run(t, nil, "127.0.0.1")
	})
	t.Run("WithClientIP", func(t *testing.T) {
		t.Parallel()
		run(t, []mfahandler.Option{mfahandler.WithClientIP(func(r *http.Request) string { return "198.51.100.9" })}, "198.51.100.9")
	})
	t.Run("push and phone factors", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, envConfig{})
		var got []mfahandler.Event
		b := e.browser(bob)
		b.stepUp()
		startPhone(t, b, "voice", "+14155552671")
		b.post(e.app.URL+"/account/mfa/enroll/push", nil)
		got = e.eventList()
		var factors []mfahandler.Factor
		for _, ev := range got {
			if ev.Kind == mfahandler.EventEnrollStarted {
				factors = append(factors, ev.Factor)
			}
			if strings.Contains(fmt.Sprintf("%#v", ev), "4155552671") {
				t.Errorf("event carries the phone number: %+v", ev)
			}
		}
		if fmt.Sprint(factors) != "[voice push]" {
			t.Errorf("enroll_started factors: %v", factors)
		}
	})
}

func kindStrings(ks []mfahandler.EventKind) []string {
	var out []string
	for _, k := range ks {
		out = append(out, string(k))
	}
	return out
}

// networkURLs drops data: URLs (the recovery code's download link never leaves the browser).
func networkURLs(us []string) []string {
	var out []string
	for _, u := range us {
		// data: downloads and the otpauth: hand-off to an authenticator app on the same device
		// are never fetched over the network (checked below: otpauth only on the setup page).
		if !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "otpauth:") {
			out = append(out, u)
		}
	}
	return out
}

// TestOOBCodeStaysServerSide follows a text-message enrollment (a wrong code, a resend, the
// right code): the oob_code Auth0 returned never reaches a page, a URL, a header, a log line
// or an event, and the full phone number never reaches a URL, a header, the log or an event
// (T36, T38, T78).
func TestOOBCodeStaysServerSide(t *testing.T) {
	t.Parallel()
	const number = "+14155552671"
	e := newEnv(t, envConfig{})
	b := e.browser(bob)
	b.stepUp()
	form := b.open("/account/mfa/enroll/sms")
	mustContain(t, form, "SIM swap", "An authenticator app is the safer choice") // the risk, on the form too (T44)
	start := form.formTo(t, "/account/mfa/enroll/sms")
	start.values.Set("phone_number", number)
	all := b.hops(b.post(e.app.URL+start.action, start.values))
	codePage := all[len(all)-1]
	oob := func() string {
		var p struct {
			OOBCode string `json:"oob_code"`
		}
		raw, _ := e.sessionValues(b.cookie())["mfa.pending"].([]byte)
		if err := json.Unmarshal(raw, &p); err != nil || p.OOBCode == "" {
			t.Fatalf("no oob_code in the session (%v)", err)
		}
		return p.OOBCode
	}
	codes := []string{oob()}
	confirm := codePage.formTo(t, "/enroll/confirm")
	confirm.values.Set("code", "000000")
	all = append(all, b.hops(b.post(e.app.URL+confirm.action, confirm.values))...)
	resend := codePage.formTo(t, "/enroll/resend")
	all = append(all, b.hops(b.post(e.app.URL+resend.action, resend.values))...)
	codes = append(codes, oob())
	if codes[0] == codes[1] {
		t.Fatal("the resend did not associate again")
	}
	sent, _ := e.emu.LastCode(number)
	confirm.values.Set("code", sent)
	all = append(all, b.hops(b.post(e.app.URL+confirm.action, confirm.values))...)
	if len(activeIDs(e, bob, "sms|")) != 1 {
		t.Fatalf("the phone was not added: %v", e.emu.Authenticators(bob))
	}
	secrets := map[string]string{"first oob_code": codes[0], "second oob_code": codes[1]}
	for i, p := range all {
		for name, s := range secrets {
			if strings.Contains(p.body, s) {
				t.Errorf("page %d (%s) shows the %s", i, p.url.Path, name)
			}
		}
		for place, v := range map[string]string{"URL": p.url.String(), "Location": p.header.Get("Location"),
			"Set-Cookie": strings.Join(p.header.Values("Set-Cookie"), "\n"), "links": strings.Join(urlsOn(p), "\n")} {
			for name, s := range map[string]string{"oob_code": codes[0], "new oob_code": codes[1], "phone number": "4155552671"} {
				if strings.Contains(v, s) || strings.Contains(v, url.QueryEscape(number)) {
					t.Errorf("%s of %s contains the %s", place, p.url.Path, name)
				}
			}
		}
	}
	logs := e.logs.String()
	for _, s := range []string{codes[0], codes[1], "4155552671"} {
		if strings.Contains(logs, s) {
			t.Errorf("the log contains %q", s[:6]+"…")
		}
	}
	for _, ev := range e.eventList() {
		dump := fmt.Sprintf("%+v", ev)
		for _, s := range []string{codes[0], codes[1], "4155552671"} {
			if strings.Contains(dump, s) {
				t.Errorf("event %s carries a secret or the number", ev.Kind)
			}
		}
	}
}
