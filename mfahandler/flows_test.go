package mfahandler_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
)

var secretOnPage = regexp.MustCompile(`(?s)class="[^"]*mfa-secret[^"]*"[^>]*>\s*([A-Z2-7 ]{20,})`)

// enrollTOTP adds an authenticator app through the pages, computing the code from the secret
// shown on the page with an RFC 6238 implementation independent of the emulator's.
func enrollTOTP(t *testing.T, b *browser) page {
	t.Helper()
	list := b.stepUp()
	if list.status != http.StatusOK || !strings.HasSuffix(list.url.Path, "/account/mfa/") {
		t.Fatalf("after step-up: %d %s\n%s", list.status, list.url, list.body)
	}
	setup := b.submitForm(list, list.formTo(t, "/account/mfa/enroll/totp"), nil)
	if setup.status != http.StatusOK || setup.url.Path != "/account/mfa/enroll/totp" {
		t.Fatalf("setup page: %d %s\n%s", setup.status, setup.url, setup.body)
	}
	mustContain(t, setup, "<svg", `autocomplete="one-time-code"`, `inputmode="numeric"`)
	m := secretOnPage.FindStringSubmatch(setup.body)
	if m == nil {
		t.Fatalf("no secret on the setup page:\n%s", setup.body)
	}
	secret := strings.ReplaceAll(strings.TrimSpace(m[1]), " ", "")
	if len(secret) != 32 {
		t.Fatalf("secret %q is not 32 base32 characters", secret)
	}
	code := totpCode(t, secret, b.e.clock.Now())
	return b.submitForm(setup, setup.formTo(t, "/account/mfa/enroll/confirm"), url.Values{"code": {code}})
}

func activeIDs(e *env, sub, prefix string) []string {
	var ids []string
	for _, a := range e.emu.Authenticators(sub) {
		if a.Active && strings.HasPrefix(a.ID, prefix) {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

func pendingIDs(e *env, sub string) []string {
	var ids []string
	for _, a := range e.emu.Authenticators(sub) {
		// A pending recovery-code authenticator cannot be deleted through the MFA API.
		if !a.Active && !strings.HasPrefix(a.ID, "recovery-code|") {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

func TestEnrollTOTPWithRecoveryCodeShownOnce(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, myAccount bool) {
		e := newEnv(t, envConfig{myAccount: myAccount})
		b := e.browser(alice)
		rc := enrollTOTP(t, b)
		if rc.url.Path != "/account/mfa/recovery-code" {
			t.Fatalf("after confirming the first factor: %s\n%s", rc.url, rc.body)
		}
		code := regexp.MustCompile(`[A-Z0-9]{24}`).FindString(strings.NewReplacer(" ", "", "-", "").Replace(rc.body))
		if code == "" {
			t.Fatalf("no recovery code shown:\n%s", rc.body)
		}
		mustContain(t, rc, "data:text/plain")
		if got := activeIDs(e, alice, "totp|"); len(got) != 1 {
			t.Fatalf("active totp authenticators = %v, want 1", got)
		}
		// Reload: the code is gone.
		again := b.open("/account/mfa/recovery-code")
		if strings.Contains(strings.NewReplacer(" ", "", "-", "").Replace(again.body), code) {
			t.Fatal("the recovery code was shown a second time")
		}
		list := b.submitForm(rc, rc.formTo(t, "/account/mfa/recovery-code"), url.Values{"saved": {"yes"}})
		mustContain(t, list, "Authenticator app")
		if !e.hasEvent(mfahandler.EventFactorAdded) || !e.hasEvent(mfahandler.EventStepUp) {
			t.Fatalf("events = %v", e.eventKinds())
		}
		// Nothing secret in the logs.
		if strings.Contains(e.logs.String(), code) {
			t.Fatal("recovery code logged")
		}
	})
}

func TestWrongCodeThenRightCode(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, myAccount bool) {
		e := newEnv(t, envConfig{myAccount: myAccount})
		b := e.browser(bob)
		list := b.stepUp()
		setup := b.submitForm(list, list.formTo(t, "/account/mfa/enroll/totp"), nil)
		for _, bad := range []string{"12a456", "1234567", "", "١٢٣٤٥٦", "000000"} {
			p := b.submitForm(setup, setup.formTo(t, "/account/mfa/enroll/confirm"), url.Values{"code": {bad}})
			if p.url.Path != "/account/mfa/enroll/totp" {
				t.Fatalf("code %q: landed on %s", bad, p.url)
			}
			mustContain(t, p, `aria-invalid="true"`)
			if strings.Contains(p.body, bad) && bad != "" {
				t.Fatalf("the wrong code %q is echoed back", bad)
			}
			if len(e.events) == 0 {
				t.Fatal("no event")
			}
			// Only the last two attempts may remain before the enrollment is cancelled.
			if bad == "1234567" {
				break
			}
		}
		m := secretOnPage.FindStringSubmatch(setup.body)
		code := totpCode(t, strings.ReplaceAll(strings.TrimSpace(m[1]), " ", ""), e.clock.Now())
		done := b.submitForm(setup, setup.formTo(t, "/account/mfa/enroll/confirm"), url.Values{"code": {code}})
		if done.status != http.StatusOK {
			t.Fatalf("confirm: %d %s", done.status, done.url)
		}
		if got := activeIDs(e, bob, "totp|"); len(got) != 1 {
			t.Fatalf("active totp = %v", got)
		}
	})
}

func TestTooManyWrongCodesCancelsEnrollment(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, myAccount bool) {
		e := newEnv(t, envConfig{myAccount: myAccount})
		b := e.browser(bob)
		list := b.stepUp()
		setup := b.submitForm(list, list.formTo(t, "/account/mfa/enroll/totp"), nil)
		var p page
		for i := 0; i < 5; i++ {
			p = b.submitForm(setup, setup.formTo(t, "/account/mfa/enroll/confirm"), url.Values{"code": {"000000"}})
		}
		if p.url.Path != "/account/mfa/" {
			t.Fatalf("after 5 wrong codes: %s", p.url)
		}
		mustContain(t, p, "Too many wrong codes")
		if got := pendingIDs(e, bob); len(got) != 0 {
			t.Fatalf("pending authenticators left behind: %v", got)
		}
		if !e.hasEvent(mfahandler.EventLimitHit) {
			t.Fatalf("events = %v", e.eventKinds())
		}
	})
}

func TestEnrollSMSPairShownAsOnePhoneAndRemovedTogether(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, myAccount bool) {
		e := newEnv(t, envConfig{myAccount: myAccount})
		b := e.browser(bob)
		b.stepUp()
		form := b.open("/account/mfa/enroll/sms")
		mustContain(t, form, `name="phone_number"`)

		// Bad numbers: a clear message, and nothing reaches the tenant.
		for _, bad := range []string{"555-1234", "<script>alert(1)</script>", "+0123456789", "00441234567890"} {
			p := b.submitForm(form, form.formTo(t, "/account/mfa/enroll/sms"), url.Values{"phone_number": {bad}})
			if p.url.Path != "/account/mfa/enroll/sms" || !strings.Contains(p.body, `aria-invalid="true"`) {
				t.Fatalf("phone %q: %s\n%s", bad, p.url, p.body)
			}
			mustNotContain(t, p, "<script>alert(1)</script>")
		}
		if n := len(e.emu.Outbox()); n != 0 {
			t.Fatalf("%d messages sent for invalid numbers", n)
		}

		codePage := b.submitForm(form, form.formTo(t, "/account/mfa/enroll/sms"), url.Values{"phone_number": {"+44 7700 900123"}})
		if codePage.url.Path != "/account/mfa/enroll/code" {
			t.Fatalf("after the phone form: %s\n%s", codePage.url, codePage.body)
		}
		mustContain(t, codePage, "0123")
		mustNotContain(t, codePage, "+447700900123", "7700 900123")
		code, ok := e.emu.LastCode("+447700900123")
		if !ok {
			t.Fatal("no SMS sent")
		}
		done := b.submitForm(codePage, codePage.formTo(t, "/account/mfa/enroll/confirm"), url.Values{"code": {code}})
		if done.url.Path == "/account/mfa/recovery-code" {
			done = b.submitForm(done, done.formTo(t, "/account/mfa/recovery-code"), url.Values{"saved": {"yes"}})
		}
		if got := activeIDs(e, bob, "sms|"); len(got) != 1 {
			t.Fatalf("active sms = %v", got)
		}
		if got := activeIDs(e, bob, "voice|"); len(got) != 1 {
			t.Fatalf("active voice = %v (SMS and voice come as a pair)", got)
		}
		// One phone on the list, not two.
		if n := strings.Count(done.body, "/account/mfa/remove?id="); n != 1 {
			t.Fatalf("%d remove links for one phone pair:\n%s", n, done.body)
		}
		// Remove: GET only asks; POST removes both halves.
		// The MFA API lists the pair's voice half under an id of its own; the My Account API
		// lists one phone method. Either way the list's one link removes both.
		voiceID := activeIDs(e, bob, "voice|")[0]
		if myAccount {
			voiceID, _ = url.QueryUnescape(between(done.body, `href="/account/mfa/remove?id=`, `"`))
		}
		confirm := b.open("/account/mfa/remove?id=" + url.QueryEscape(voiceID))
		if len(activeIDs(e, bob, "voice|")) != 1 {
			t.Fatal("GET removed something")
		}
		after := b.submitForm(confirm, confirm.formTo(t, "/account/mfa/remove"), nil)
		if after.url.Path != "/account/mfa/" {
			t.Fatalf("after remove: %s", after.url)
		}
		if len(activeIDs(e, bob, "sms|"))+len(activeIDs(e, bob, "voice|")) != 0 {
			t.Fatalf("pair not removed: %v", e.emu.Authenticators(bob))
		}
	})
}

func TestRemoveRefusesForeignAndMalformedIDs(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, myAccount bool) {
		e := newEnv(t, envConfig{myAccount: myAccount})
		other, err := e.emu.SeedAuthenticator(alice, auth0test.Factor("otp"), auth0test.SeedOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b := e.browser(bob)
		b.stepUp()
		for _, tc := range []struct {
			id   string
			want int
		}{
			{other.ID, http.StatusNotFound},
			{"totp|dev_doesnotexist00", http.StatusNotFound},
			{"../../admin", http.StatusBadRequest},
			{"totp|dev_x\r\nSet-Cookie: x=1", http.StatusBadRequest},
			{"", http.StatusBadRequest},
			{strings.Repeat("a", 5000), http.StatusBadRequest},
		} {
			p := b.post(e.app.URL+"/account/mfa/remove", url.Values{"id": {tc.id}})
			if p.status != tc.want {
				t.Errorf("remove %q: status %d, want %d", tc.id, p.status, tc.want)
			}
		}
		if len(activeIDs(e, alice, "totp|")) != 1 {
			t.Fatal("another user's factor was removed")
		}
	})
}

func TestTokenExpiryMidEnrollmentResumes(t *testing.T) {
	t.Parallel()
	{ // the MFA API only: a My Account token outlives its enrollments (TestEnrollmentExpires)
		e := newEnv(t, envConfig{})
		b := e.browser(bob)
		list := b.stepUp()
		setup := b.submitForm(list, list.formTo(t, "/account/mfa/enroll/totp"), nil)
		m := secretOnPage.FindStringSubmatch(setup.body)
		secret := strings.ReplaceAll(strings.TrimSpace(m[1]), " ", "")

		// The 10-minute MFA API token has less than a minute left; the enrollment (10 minutes)
		// is still open.
		e.clock.Advance(9*time.Minute + 30*time.Second)
		e.emu.QueueLogin(bob)
		code := totpCode(t, secret, e.clock.Now())
		back := b.submitForm(setup, setup.formTo(t, "/account/mfa/enroll/confirm"), url.Values{"code": {code}})
		if back.url.Path != "/account/mfa/enroll/totp" {
			t.Fatalf("after re-login the user should be back on the setup page, got %s\n%s", back.url, back.body)
		}
		done := b.submitForm(back, back.formTo(t, "/account/mfa/enroll/confirm"), url.Values{"code": {totpCode(t, secret, e.clock.Now())}})
		if done.status != http.StatusOK || len(activeIDs(e, bob, "totp|")) != 1 {
			t.Fatalf("confirm after resume: %d %s; authenticators %v", done.status, done.url, e.emu.Authenticators(bob))
		}
	}
}
