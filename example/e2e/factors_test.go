package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const (
	testPhone      = "+14155550123"
	testVoicePhone = "+442071838750"
)

// TestSMSJourney adds a phone for text messages: a malformed number is refused on the form, the
// code is read from the tenant's dev inbox page in the browser, the recovery code is shown once
// and going back to it after "Continue" shows nothing.
func TestSMSJourney(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	b := newTab(t)
	e.signInToList(b)

	b.click(selSetup("sms"))
	b.mustBeAt(`^/account/mfa/enroll/sms$`)
	b.check("phone (sms)")
	b.submitWith(`input[name="phone_number"]`, "12345")
	b.mustBeAt(`^/account/mfa/enroll/sms$`)
	if b.attr(`input[name="phone_number"]`, "aria-invalid") != "true" {
		t.Fatal("a refused phone number is not marked aria-invalid")
	}
	b.check("phone (invalid number)")
	if active, pending := authenticatorState(e.emu, e.user.ID); len(active)+len(pending) > 0 {
		t.Fatalf("a refused number reached the tenant: active %v, pending %v", active, pending)
	}

	b.clear(`input[name="phone_number"]`)
	b.submitWith(`input[name="phone_number"]`, testPhone)
	b.mustBeAt(`^/account/mfa/enroll/code$`)
	b.mustContain("0123")
	b.mustNotContainHTML("the full phone number", testPhone)
	// First-hour review: on the emulated tenant the code page says where the code really is.
	if href := b.attr("p.dev-note a", "href"); href != e.emu.URL()+"/_dev/inbox" {
		t.Errorf("the code page's link to the dev inbox: %q, want %q", href, e.emu.URL()+"/_dev/inbox")
	}
	b.check("code (sms)")

	code := inboxCode(b, e.emu, testPhone)
	b.navigate(e.url("/account/mfa/enroll/code"))
	b.submitWith(selCode, code)
	b.mustBeAt(`^/account/mfa/recovery-code$`)
	recovery := b.attr(selRecovery, "data-mfa-value")
	b.clickNoLoad(selSaved)
	b.click(selSavedSubmit)
	b.mustBeAt(`^/account/mfa/$`)
	b.mustContain("Text message")
	b.check("list (phone)")

	hist := run(b, "history", chromedp.NavigationEntries())
	if i := hist.CurrentIndex; i < 1 || pathOf(hist.Entries[i-1].URL) != "/account/mfa/recovery-code" {
		t.Fatalf("the history entry before the list is not the recovery-code page: %+v", hist.Entries)
	}
	b.back() // to the recovery-code page: it is fetched again (no-store) and shows nothing
	b.mustNotContainHTML("the recovery code after going back", recovery)
	if b.count(selRecovery) != 0 {
		t.Fatal("a recovery code is shown after going back")
	}
	b.mustBeAt(`^/account/mfa/$`) // the page has nothing to show and redirects to the list

	active, pending := authenticatorState(e.emu, e.user.ID)
	if !contains(active, "sms") || len(pending) > 0 {
		t.Fatalf("tenant state: active %v, pending %v; want an active sms factor", active, pending)
	}
	e.noSecretsInLog("a secret", code, recovery, testPhone)
}

// TestVoiceJourney adds a phone for voice calls; the code comes from the tenant's outbox (the
// Go API), as a test of a host app would read it.
func TestVoiceJourney(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	b := newTab(t)
	e.signInToList(b)

	b.click(selSetup("voice"))
	b.mustBeAt(`^/account/mfa/enroll/voice$`)
	b.check("phone (voice)")
	b.submitWith(`input[name="phone_number"]`, testVoicePhone)
	b.mustBeAt(`^/account/mfa/enroll/code$`)
	b.check("code (voice)")
	code, ok := e.emu.LastCode(testVoicePhone)
	if !ok {
		t.Fatal("no voice code in the tenant's outbox")
	}
	b.submitWith(selCode, code)
	b.mustBeAt(`^/account/mfa/recovery-code$`)
	b.clickNoLoad(selSaved)
	b.click(selSavedSubmit)
	b.mustContain("Voice call")
	b.check("list (voice)")
	if active, _ := authenticatorState(e.emu, e.user.ID); !contains(active, "voice") {
		t.Fatalf("tenant state: active %v; want an active voice factor", active)
	}
	e.noSecretsInLog("a secret", code, testVoicePhone)
}

// TestEmailJourney adds an email address (labelled as the weaker choice); the code is read from
// the dev inbox page.
func TestEmailJourney(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	b := newTab(t)
	e.signInToList(b)

	b.click(selSetup("email"))
	b.mustBeAt(`^/account/mfa/enroll/email$`)
	b.mustContain("Email is the weakest method.")
	b.check("email")
	addr := "second-factor@example.org"
	b.submitWith(`input[name="email"]`, addr)
	b.mustBeAt(`^/account/mfa/enroll/code$`)
	b.check("code (email)")
	code := inboxCode(b, e.emu, addr)
	b.navigate(e.url("/account/mfa/enroll/code"))
	b.submitWith(selCode, code)
	b.mustBeAt(`^/account/mfa/recovery-code$`)
	b.clickNoLoad(selSaved)
	b.click(selSavedSubmit)
	b.mustBeAt(`^/account/mfa/$`)
	b.check("list (email)")
	if active, _ := authenticatorState(e.emu, e.user.ID); !contains(active, "email") {
		t.Fatalf("tenant state: active %v; want an active email factor", active)
	}
	e.noSecretsInLog("a secret", code)
}

// TestPushEnrollment adds an Auth0 Guardian device: approved on the tenant's /_dev/guardian page
// in the browser, rejected through the Go API, and expired by moving the clock past the 5-minute
// life of the enrollment. Rejection and expiry leave nothing behind at the tenant.
func TestPushEnrollment(t *testing.T) {
	t.Parallel()
	for _, outcome := range []string{"approved", "rejected", "expired"} {
		t.Run(outcome, func(t *testing.T) {
			t.Parallel()
			e := startApp(t)
			b := newTab(t)
			e.signInToList(b)

			b.click(selSetupPush)
			b.mustBeAt(`^/account/mfa/enroll/push$`)
			if uri := b.decodeQR(".mfa-qr"); !strings.HasPrefix(uri, "otpauth://totp/") || !strings.Contains(uri, "enrollment_tx_id=") {
				t.Fatal("the Guardian QR code does not hold a Guardian enrollment URI")
			}
			b.mustContain("Waiting for the app to confirm.")
			guardian := b.attr("p.dev-note a", "href") // the demo's pointer to the Guardian page
			if guardian != e.emu.URL()+"/_dev/guardian" {
				t.Errorf("the waiting page's link to the Guardian page: %q", guardian)
			}
			if outcome == "approved" {
				b.check("push waiting")
			}
			// Leave the waiting page (it refreshes itself every 5 s of real time) before
			// deciding, so that only the test's own poll sees the outcome.
			b.navigate("about:blank")

			switch outcome {
			case "approved":
				b.navigate(guardian)
				b.click(`button[name="decision"][value="approve"]`)
				b.mustContain("No pending notification.")
			case "rejected":
				pushes := e.emu.PendingPushes(e.user.ID)
				if len(pushes) != 1 || !pushes[0].Enrollment {
					t.Fatalf("pending pushes: %+v", pushes)
				}
				if err := e.emu.RejectPush(pushes[0].ID); err != nil {
					t.Fatal(err)
				}
			case "expired":
				e.clk.advance(5*time.Minute + time.Second)
			}
			e.clk.advance(5 * time.Second) // Auth0's polling interval
			b.navigate(e.url("/account/mfa/enroll/push/status"))

			switch outcome {
			case "approved":
				b.mustBeAt(`^/account/mfa/recovery-code$`)
				b.clickNoLoad(selSaved)
				b.click(selSavedSubmit)
				b.mustContain("Auth0 Guardian app")
				b.check("list (guardian)")
				if active, pending := authenticatorState(e.emu, e.user.ID); !contains(active, "push") || len(pending) > 0 {
					t.Fatalf("tenant state: active %v, pending %v; want an active push factor", active, pending)
				}
			default:
				b.mustBeAt(`^/account/mfa/enroll/push/status$`)
				b.mustContain("Not added.")
				b.check("push " + outcome)
				mustHaveNothing(t, e)
				b.click(`.mfa-actions a`) // "Try again" / "Start again": back to the list
				b.mustBeAt(`^/account/mfa/$`)
				if outcome == "rejected" {
					// The rejected first enrollment received the user's recovery code, and the tenant
					// activates it with the next factor: the handler held it and shows it now.
					addTOTP(b, e)
					b.mustBeAt(`^/account/mfa/recovery-code$`)
					if b.count(selRecovery) != 1 {
						t.Fatal("the recovery code the tenant activates with this factor is not shown")
					}
					b.check("recovery code (held from the rejected enrollment)")
					b.clickNoLoad(selSaved)
					b.click(selSavedSubmit)
					b.mustBeAt(`^/account/mfa/$`)
					mustHaveFactors(t, e.emu, e.user.ID, "totp", "recovery-code")
				}
			}
		})
	}
}

// mustHaveNothing fails unless the user has no active authenticator and nothing pending at the
// tenant, apart from the recovery-code placeholder: the first associate of a user creates one,
// and the MFA API refuses to delete recovery-code authenticators (403), so no client can undo it.
// In the same session the handler holds that code for the next enrollment; in another session the
// next enrollment gets none, which the recovery page explains (the no-code variant).
func mustHaveNothing(t *testing.T, e *appEnv) {
	t.Helper()
	active, pending := authenticatorState(e.emu, e.user.ID)
	pending = slices.DeleteFunc(pending, func(k string) bool { return k == "recovery-code" })
	if len(active)+len(pending) > 0 {
		t.Fatalf("tenant state: active %v, pending %v; want nothing (a pending recovery code aside)", active, pending)
	}
}

// addTOTP starts an authenticator-app enrollment from the list page and confirms it with a code
// computed from the scanned QR code; it returns what the "app" stored.
func addTOTP(b *tab, e *appEnv) otpauth {
	b.t.Helper()
	b.click(selSetupTOTP)
	b.mustBeAt(`^/account/mfa/enroll/totp$`)
	o := scanTOTP(b)
	b.submitWith(selCode, o.code(e.clk.Now()))
	return o
}

// TestNoRecoveryCodeTenant: on a tenant with recovery codes off, the first factor leads to the
// recovery page's no-code variant, which says why and what to do (and passes axe).
func TestNoRecoveryCodeTenant(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	s := e.emu.Settings()
	s.RecoveryCodes = false
	e.emu.SetSettings(s)
	b := newTab(t)
	e.signInToList(b)
	addTOTP(b, e)
	b.mustBeAt(`^/account/mfa/recovery-code$`)
	if b.count(selRecovery) != 0 {
		t.Fatal("a recovery code is shown although the tenant issues none")
	}
	b.mustContain("No recovery code was issued")
	b.check("recovery code (tenant issues none)")
	b.click(selSavedSubmit)
	b.mustBeAt(`^/account/mfa/$`)
	mustHaveFactors(t, e.emu, e.user.ID, "totp")
}
