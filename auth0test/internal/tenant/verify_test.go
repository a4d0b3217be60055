package tenant

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func seedOTP(t *testing.T, tn *Tenant, user string) (Authenticator, string) {
	t.Helper()
	a, err := tn.SeedAuthenticator(user, FactorOTP, SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return a, secretOf(t, tn, a.ID)
}

func TestVerifyActiveOTPWindow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		clockAt time.Duration // after t0 (a step boundary)
		codeAt  time.Duration // the time the code belongs to, after t0
		ok      bool
	}{
		{"current step", 0, 0, true},
		{"current step, last second", 29 * time.Second, 0, true},
		{"previous step", 0, -30 * time.Second, true},
		{"previous step's first second", 29 * time.Second, -30 * time.Second, true},
		{"two steps back", 0, -31 * time.Second, false},
		{"two steps back at step end", 29 * time.Second, -31 * time.Second, false},
		// Auth0 accepts the previous code, not the next (support article
		// "Auth0 Acceptance of OTP MFA Codes After 30 Seconds").
		{"next step", 0, 30 * time.Second, false},
		{"next step from the current step's last second", 29 * time.Second, 30 * time.Second, false},
		{"next step's last second", 0, 59 * time.Second, false},
		{"two steps ahead", 0, 60 * time.Second, false},
		{"two steps ahead from step end", 29 * time.Second, 60 * time.Second, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tn, clk := newTestTenant(t)
			a, secret := seedOTP(t, tn, alice)
			clk.Advance(tc.clockAt)
			err := tn.VerifyActiveOTP(alice, rfc6238(secret, t0.Add(tc.codeAt)))
			if tc.ok {
				noErr(t, err)
				got, _ := find(tn.List(alice), a.ID)
				if got.LastAuth == nil || !got.LastAuth.Equal(clk.Now()) {
					t.Fatalf("last_auth = %v", got.LastAuth)
				}
			} else {
				wantErr(t, err, http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
			}
		})
	}
}

func TestVerifyActiveOTPSingleUse(t *testing.T) {
	t.Parallel()
	tn, clk := newTestTenant(t)
	_, secret := seedOTP(t, tn, alice)
	code := func(d time.Duration) string { return rfc6238(secret, clk.Now().Add(d)) }
	invalid := func(err *Error) {
		t.Helper()
		wantErr(t, err, http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
	}

	now := code(0)
	noErr(t, tn.VerifyActiveOTP(alice, now))
	invalid(tn.VerifyActiveOTP(alice, now))                   // replay, same step
	invalid(tn.VerifyActiveOTP(alice, code(-30*time.Second))) // older than the step used
	invalid(tn.VerifyActiveOTP(alice, code(30*time.Second)))  // the next step is never accepted
	clk.Advance(30 * time.Second)
	invalid(tn.VerifyActiveOTP(alice, code(-30*time.Second))) // the previous step, already used
	noErr(t, tn.VerifyActiveOTP(alice, code(0)))              // the new current step
	clk.Advance(30 * time.Second)
	noErr(t, tn.VerifyActiveOTP(alice, code(0)))
	// Malformed codes are just wrong.
	for _, c := range []string{"", "12345", "1234567", "abcdef", " " + code(0)} {
		invalid(tn.VerifyActiveOTP(alice, c))
	}
}

func TestVerifyActiveOTPPerAuthenticatorReplay(t *testing.T) {
	t.Parallel()
	tn, clk := newTestTenant(t)
	// Two authenticators sharing a secret: each accepts the code once.
	a, secret := seedOTP(t, tn, alice)
	b, err := tn.SeedAuthenticator(alice, FactorOTP, SeedOptions{Secret: strings.ToLower(secret)})
	if err != nil {
		t.Fatal(err)
	}
	c := rfc6238(secret, clk.Now())
	noErr(t, tn.VerifyActiveOTP(alice, c))
	noErr(t, tn.VerifyActiveOTP(alice, c))
	wantErr(t, tn.VerifyActiveOTP(alice, c), http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
	la, _ := find(tn.List(alice), a.ID)
	lb, _ := find(tn.List(alice), b.ID)
	if la.LastAuth == nil || lb.LastAuth == nil {
		t.Fatal("last_auth not set on both")
	}
}

func TestConfirmPendingTOTP(t *testing.T) {
	t.Parallel()
	t.Run("newest pending is confirmed", func(t *testing.T) {
		t.Parallel()
		tn, clk := newTestTenant(t)
		first, err := tn.Associate(alice, client, reqOTP, false)
		noErr(t, err)
		clk.Advance(time.Second)
		second, err := tn.Associate(alice, client, reqOTP, false)
		noErr(t, err)
		wantErr(t, tn.ConfirmPendingOTP(alice, rfc6238(first.Secret, clk.Now())), http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
		noErr(t, tn.ConfirmPendingOTP(alice, rfc6238(second.Secret, clk.Now())))
		totps := byPrefix(tn.List(alice), "totp")
		if len(totps) != 2 || totps[0].Active || !totps[1].Active {
			t.Fatalf("totps = %+v", totps)
		}
		if secretOf(t, tn, totps[1].ID) != second.Secret {
			t.Fatal("the wrong totp was activated")
		}
		if totps[1].LastAuth != nil {
			t.Fatal("confirmation set last_auth")
		}
	})
	t.Run("a challenge with the active totp leaves the pending one pending", func(t *testing.T) {
		t.Parallel()
		tn, clk := newTestTenant(t)
		active, secret := seedOTP(t, tn, alice)
		_, err := tn.Associate(alice, client, reqOTP, false)
		noErr(t, err)
		noErr(t, tn.VerifyActiveOTP(alice, rfc6238(secret, clk.Now())))
		if p := pendingTOTP(t, tn, alice); p.Active {
			t.Fatal("pending totp activated by the other totp's code")
		}
		if a, _ := find(tn.List(alice), active.ID); a.LastAuth == nil {
			t.Fatal("last_auth not set")
		}
	})
	t.Run("push companion totp is not confirmed by mfa-otp", func(t *testing.T) {
		t.Parallel()
		tn, clk := newTestTenant(t)
		_, err := tn.Associate(alice, client, reqPush, false)
		noErr(t, err)
		companion := byPrefix(tn.List(alice), "totp")[0]
		wantErr(t, tn.ConfirmPendingOTP(alice, rfc6238(secretOf(t, tn, companion.ID), clk.Now())),
			http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
	})
}

// TestConfirmAndChallengeOTPAreSeparate: confirming an enrollment tries only
// the newest pending totp and answering a challenge only the active ones, so
// a code of the user's existing authenticator app never confirms a new one
// and an unconfirmed authenticator never passes a challenge.
func TestConfirmAndChallengeOTPAreSeparate(t *testing.T) {
	t.Parallel()
	const (
		confirm   = "confirm"
		challenge = "challenge"
	)
	tests := []struct {
		name       string
		seed       Factor // the user's active factor: FactorOTP or FactorPush (its companion totp)
		noPending  bool   // no pending totp is associated
		op         string
		usePending bool // the code is the pending totp's, else the active one's
		ok         bool
		wantActive bool // the pending totp is active afterwards
		lastAuth   bool // the active totp's last_auth is set
		failedEnr  int  // failed-enrollment events recorded
	}{
		{"confirm with the active totp's code", FactorOTP, false, confirm, false, false, false, false, 1},
		{"confirm with the active push companion's code", FactorPush, false, confirm, false, false, false, false, 1},
		{"confirm with the pending totp's code", FactorOTP, false, confirm, true, true, true, false, 0},
		{"confirm with no pending totp", FactorOTP, true, confirm, false, false, false, false, 0},
		{"challenge with the pending totp's code", FactorOTP, false, challenge, true, false, false, false, 0},
		{"challenge with the active totp's code", FactorOTP, false, challenge, false, true, false, true, 0},
		{"challenge with the active push companion's code", FactorPush, false, challenge, false, true, false, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tn, clk := newTestTenant(t)
			seeded, err := tn.SeedAuthenticator(alice, tc.seed, SeedOptions{})
			if err != nil {
				t.Fatal(err)
			}
			activeSecret := secretOf(t, tn, seeded.ID)
			var activeTOTP Authenticator
			for _, a := range byPrefix(tn.List(alice), "totp") {
				if a.Active {
					activeTOTP = a
				}
			}
			var pendingSecret string
			if !tc.noPending {
				res, e := tn.Associate(alice, client, reqOTP, false)
				noErr(t, e)
				pendingSecret = res.Secret
			}
			code := rfc6238(activeSecret, clk.Now())
			if tc.usePending {
				code = rfc6238(pendingSecret, clk.Now())
			}
			var got *Error
			if tc.op == confirm {
				got = tn.ConfirmPendingOTP(alice, code)
			} else {
				got = tn.VerifyActiveOTP(alice, code)
			}
			if tc.ok {
				noErr(t, got)
			} else {
				wantErr(t, got, http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
			}
			if !tc.noPending {
				var pending Authenticator
				for _, a := range byPrefix(tn.List(alice), "totp") {
					if a.ID != activeTOTP.ID {
						pending = a
					}
				}
				if pending.Active != tc.wantActive {
					t.Fatalf("pending totp active = %v, want %v", pending.Active, tc.wantActive)
				}
				rc := byPrefix(tn.List(alice), "recovery-code")
				if len(rc) != 1 || rc[0].Active != tc.wantActive {
					t.Fatalf("recovery code = %+v, want active %v", rc, tc.wantActive)
				}
			}
			if a, _ := find(tn.List(alice), activeTOTP.ID); (a.LastAuth != nil) != tc.lastAuth {
				t.Fatalf("active totp last_auth = %v, want set: %v", a.LastAuth, tc.lastAuth)
			}
			tn.mu.Lock()
			failed := 0
			for _, e := range tn.users[alice].enrollEvents {
				if e.failure {
					failed++
				}
			}
			tn.mu.Unlock()
			if failed != tc.failedEnr {
				t.Fatalf("failed enrollments = %d, want %d", failed, tc.failedEnr)
			}
		})
	}
}

// TestIsChallengeOOBCode tells the oob_codes of challenges from those of
// enrollments (the /mfa/ access token may only confirm the latter).
func TestIsChallengeOOBCode(t *testing.T) {
	t.Parallel()
	tn, _ := newTestTenant(t)
	if _, err := tn.SeedAuthenticator(alice, FactorSMS, SeedOptions{Phone: phone}); err != nil {
		t.Fatal(err)
	}
	enroll, err := tn.Associate(alice, client, reqEmail, false)
	noErr(t, err)
	ch, err := tn.Challenge(alice, client, []string{"oob"}, "")
	noErr(t, err)
	tests := []struct {
		name, user, client, code string
		want                     bool
	}{
		{"challenge code", alice, client, ch.OOBCode, true},
		{"enrollment code", alice, client, enroll.OOBCode, false},
		{"challenge code, another client", alice, "client-2", ch.OOBCode, false},
		{"challenge code, another user", bob, client, ch.OOBCode, false},
		{"unknown code", alice, client, "Fe26.2*nope", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tn.IsChallengeOOBCode(tc.user, tc.client, tc.code); got != tc.want {
				t.Fatalf("IsChallengeOOBCode = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFailureBucket(t *testing.T) {
	t.Parallel()
	tooMany := func(t *testing.T, err *Error, wait time.Duration) {
		t.Helper()
		wantErr(t, err, http.StatusTooManyRequests, "too_many_attempts", "Too many failed codes. Wait for some minutes before retrying.")
		if err.RetryAfter != wait {
			t.Fatalf("Retry-After = %v, want %v", err.RetryAfter, wait)
		}
	}
	t.Run("otp: 10 burst, one back every 6 min", func(t *testing.T) {
		t.Parallel()
		tn, clk := newTestTenant(t)
		_, secret := seedOTP(t, tn, alice)
		for range 10 {
			wantErr(t, tn.VerifyActiveOTP(alice, "000000x"), http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
		}
		tooMany(t, tn.VerifyActiveOTP(alice, rfc6238(secret, clk.Now())), 6*time.Minute) // even the right code
		clk.Advance(6*time.Minute - time.Second)
		tooMany(t, tn.VerifyActiveOTP(alice, rfc6238(secret, clk.Now())), time.Second)
		clk.Advance(time.Second)
		noErr(t, tn.VerifyActiveOTP(alice, rfc6238(secret, clk.Now()))) // success costs nothing
		wantErr(t, tn.VerifyActiveOTP(alice, "x"), http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
		tooMany(t, tn.VerifyActiveOTP(alice, "x"), 6*time.Minute)
		clk.Advance(60 * time.Minute) // ten tokens back
		for range 10 {
			wantErr(t, tn.VerifyActiveOTP(alice, "x"), http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
		}
		tooMany(t, tn.VerifyActiveOTP(alice, "x"), 6*time.Minute)
		// Another user's bucket is untouched.
		_, bobSecret := seedOTP(t, tn, bob)
		noErr(t, tn.VerifyActiveOTP(bob, rfc6238(bobSecret, clk.Now())))
	})
	t.Run("confirm and challenge share the otp bucket", func(t *testing.T) {
		t.Parallel()
		tn, clk := newTestTenant(t)
		_, secret := seedOTP(t, tn, alice)
		res, err := tn.Associate(alice, client, reqOTP, false)
		noErr(t, err)
		for range 5 {
			wantErr(t, tn.ConfirmPendingOTP(alice, "x"), http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
			wantErr(t, tn.VerifyActiveOTP(alice, "x"), http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
		}
		tooMany(t, tn.ConfirmPendingOTP(alice, rfc6238(res.Secret, clk.Now())), 6*time.Minute)
		tooMany(t, tn.VerifyActiveOTP(alice, rfc6238(secret, clk.Now())), 6*time.Minute)
		clk.Advance(6 * time.Minute)
		noErr(t, tn.ConfirmPendingOTP(alice, rfc6238(res.Secret, clk.Now())))
	})
	t.Run("binding codes share the otp bucket", func(t *testing.T) {
		t.Parallel()
		tn, clk := newTestTenant(t)
		_, secret := seedOTP(t, tn, alice)
		res, err := tn.Associate(alice, client, reqSMS, false)
		noErr(t, err)
		for range 5 {
			wantErr(t, tn.VerifyActiveOTP(alice, "x"), http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
			wantErr(t, tn.VerifyOOB(alice, client, res.OOBCode, "999999x"), http.StatusForbidden, "invalid_grant", "Invalid binding_code.")
		}
		code, _ := tn.LastCode(phone)
		tooMany(t, tn.VerifyOOB(alice, client, res.OOBCode, code), 6*time.Minute)
		tooMany(t, tn.VerifyActiveOTP(alice, rfc6238(secret, clk.Now())), 6*time.Minute)
		// Recovery codes have their own bucket.
		if _, err := tn.SeedAuthenticator(alice, FactorRecoveryCode, SeedOptions{}); err != nil {
			t.Fatal(err)
		}
		rc, _ := tn.RecoveryCode(alice)
		_, e := tn.VerifyRecoveryCode(alice, rc)
		noErr(t, e)
		clk.Advance(6 * time.Minute)
		noErr(t, tn.VerifyActiveOTP(alice, rfc6238(secret, clk.Now())))
	})
	t.Run("recovery codes: 10 burst, 10 per hour", func(t *testing.T) {
		t.Parallel()
		tn, clk := newTestTenant(t)
		if _, err := tn.SeedAuthenticator(alice, FactorRecoveryCode, SeedOptions{RecoveryCode: "M67LWV6ZJGNDUGH43BADW46N"}); err != nil {
			t.Fatal(err)
		}
		_, secret := seedOTP(t, tn, alice)
		for range 10 {
			_, err := tn.VerifyRecoveryCode(alice, "AAAAAAAAAAAAAAAAAAAAAAAA")
			wantErr(t, err, http.StatusForbidden, "invalid_grant", "Invalid recovery_code.")
		}
		_, err := tn.VerifyRecoveryCode(alice, "M67LWV6ZJGNDUGH43BADW46N")
		tooMany(t, err, 6*time.Minute)
		noErr(t, tn.VerifyActiveOTP(alice, rfc6238(secret, clk.Now()))) // the otp bucket is separate
		clk.Advance(6 * time.Minute)
		_, err = tn.VerifyRecoveryCode(alice, "M67LWV6ZJGNDUGH43BADW46N")
		noErr(t, err)
	})
}

func TestVerifyRecoveryCode(t *testing.T) {
	t.Parallel()
	tn, _ := newTestTenant(t)
	const first = "M67LWV6ZJGNDUGH43BADW46N"
	if _, err := tn.SeedAuthenticator(alice, FactorRecoveryCode, SeedOptions{RecoveryCode: first}); err != nil {
		t.Fatal(err)
	}
	_, err := tn.VerifyRecoveryCode(alice, "M67LWV6ZJGNDUGH43BADW46X")
	wantErr(t, err, http.StatusForbidden, "invalid_grant", "Invalid recovery_code.")
	second, err := tn.VerifyRecoveryCode(alice, " "+strings.ToLower(first)+"\n")
	noErr(t, err)
	if !recoveryPattern.MatchString(second) || second == first {
		t.Fatalf("new code %q", second)
	}
	if got, _ := tn.RecoveryCode(alice); got != second {
		t.Fatal("the new code did not replace the old one")
	}
	_, err = tn.VerifyRecoveryCode(alice, first)
	wantErr(t, err, http.StatusForbidden, "invalid_grant", "Invalid recovery_code.")
	third, err := tn.VerifyRecoveryCode(alice, second)
	noErr(t, err)
	if third == second {
		t.Fatal("no new code after the second use")
	}
	rc := byPrefix(tn.List(alice), "recovery-code")
	if len(rc) != 1 || !rc[0].Active || rc[0].LastAuth == nil {
		t.Fatalf("recovery-code = %+v", rc)
	}
	t.Run("pending recovery code is not usable", func(t *testing.T) {
		t.Parallel()
		tn, _ := newTestTenant(t)
		res, err := tn.Associate(alice, client, reqOTP, false)
		noErr(t, err)
		_, err = tn.VerifyRecoveryCode(alice, res.RecoveryCodes[0])
		wantErr(t, err, http.StatusForbidden, "invalid_grant", "Invalid recovery_code.")
	})
	t.Run("no recovery code", func(t *testing.T) {
		t.Parallel()
		tn, _ := newTestTenant(t)
		_, err := tn.VerifyRecoveryCode(bob, "")
		wantErr(t, err, http.StatusForbidden, "invalid_grant", "Invalid recovery_code.")
	})
}

func TestVerifyOOBBinding(t *testing.T) {
	t.Parallel()
	invalidOOB := func(t *testing.T, err *Error) {
		t.Helper()
		wantErr(t, err, http.StatusForbidden, "invalid_grant", "Invalid oob_code.")
	}
	tests := []struct {
		name  string
		req   AssociateRequest
		to    string
		check func(t *testing.T, tn *Tenant, clk *fakeClock, oob, code string)
	}{
		{"sms: success activates the pair and the recovery code", reqSMS, phone,
			func(t *testing.T, tn *Tenant, _ *fakeClock, oob, code string) {
				noErr(t, tn.VerifyOOB(alice, client, oob, code))
				for _, a := range tn.List(alice) {
					if !a.Active {
						t.Errorf("%s still pending", a.ID)
					}
				}
				invalidOOB(t, tn.VerifyOOB(alice, client, oob, code)) // single use
			}},
		{"voice: success", reqVoice, phone, func(t *testing.T, tn *Tenant, _ *fakeClock, oob, code string) {
			noErr(t, tn.VerifyOOB(alice, client, oob, code))
			if len(byPrefix(tn.List(alice), "sms")) != 1 || !byPrefix(tn.List(alice), "sms")[0].Active {
				t.Error("sms half not activated")
			}
		}},
		{"email: success", reqEmail, "other@example.net", func(t *testing.T, tn *Tenant, _ *fakeClock, oob, code string) {
			noErr(t, tn.VerifyOOB(alice, client, oob, code))
			if !byPrefix(tn.List(alice), "email")[0].Active {
				t.Error("email not activated")
			}
		}},
		{"wrong binding code keeps the oob_code valid", reqSMS, phone,
			func(t *testing.T, tn *Tenant, _ *fakeClock, oob, code string) {
				wrong := "000000"
				if code == wrong {
					wrong = "000001"
				}
				wantErr(t, tn.VerifyOOB(alice, client, oob, wrong), http.StatusForbidden, "invalid_grant", "Invalid binding_code.")
				wantErr(t, tn.VerifyOOB(alice, client, oob, ""), http.StatusForbidden, "invalid_grant", "Invalid binding_code.")
				wantErr(t, tn.VerifyOOB(alice, client, oob, code+"0"), http.StatusForbidden, "invalid_grant", "Invalid binding_code.")
				if byPrefix(tn.List(alice), "sms")[0].Active {
					t.Fatal("activated by a wrong code")
				}
				noErr(t, tn.VerifyOOB(alice, client, oob, code))
			}},
		{"unknown, other user, other client", reqSMS, phone,
			func(t *testing.T, tn *Tenant, _ *fakeClock, oob, code string) {
				invalidOOB(t, tn.VerifyOOB(alice, client, "Fe26.2*garbage", code))
				invalidOOB(t, tn.VerifyOOB(alice, client, "", code))
				invalidOOB(t, tn.VerifyOOB(bob, client, oob, code))
				invalidOOB(t, tn.VerifyOOB(alice, "client-2", oob, code))
				noErr(t, tn.VerifyOOB(alice, client, oob, code))
			}},
		{"valid until just before 5 min", reqSMS, phone,
			func(t *testing.T, tn *Tenant, clk *fakeClock, oob, code string) {
				clk.Advance(5*time.Minute - time.Nanosecond)
				noErr(t, tn.VerifyOOB(alice, client, oob, code))
			}},
		{"expired at 5 min", reqSMS, phone,
			func(t *testing.T, tn *Tenant, clk *fakeClock, oob, code string) {
				clk.Advance(5 * time.Minute)
				wantErr(t, tn.VerifyOOB(alice, client, oob, code), http.StatusForbidden, "invalid_grant", "oob_code is expired")
				clk.Advance(2 * forgottenAfter)
				tn.IssueMFAToken(alice, client) // triggers the clean-up
				invalidOOB(t, tn.VerifyOOB(alice, client, oob, code))
			}},
		{"deleted authenticator", reqSMS, phone,
			func(t *testing.T, tn *Tenant, _ *fakeClock, oob, code string) {
				noErr(t, tn.Delete(alice, byPrefix(tn.List(alice), "voice")[0].ID))
				invalidOOB(t, tn.VerifyOOB(alice, client, oob, code))
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tn, clk := newTestTenant(t)
			res, err := tn.Associate(alice, client, tc.req, false)
			noErr(t, err)
			code, ok := tn.LastCode(tc.to)
			if !ok {
				t.Fatal("no code sent")
			}
			tc.check(t, tn, clk, res.OOBCode, code)
		})
	}
}

func TestPush(t *testing.T) {
	t.Parallel()
	start := func(t *testing.T) (*Tenant, *fakeClock, string, PushRequest) {
		t.Helper()
		tn, clk := newTestTenant(t)
		res, err := tn.Associate(alice, client, reqPush, false)
		noErr(t, err)
		pp := tn.PendingPushes(alice)
		if len(pp) != 1 {
			t.Fatalf("pending pushes = %v", pp)
		}
		return tn, clk, res.OOBCode, pp[0]
	}
	pending := func(t *testing.T, err *Error) {
		t.Helper()
		wantErr(t, err, http.StatusBadRequest, "authorization_pending", "Authorization pending: please repeat the request in a few seconds.")
	}
	slow := func(t *testing.T, err *Error) {
		t.Helper()
		wantErr(t, err, http.StatusBadRequest, "slow_down", "You are polling faster than allowed. Try again in 5 seconds.")
	}
	t.Run("pending, slow_down past the burst, approved once", func(t *testing.T) {
		t.Parallel()
		tn, clk, oob, p := start(t)
		// "MFA OOB token exchange: burst 12, 12/minute": twelve polls at once
		// are pending, the thirteenth is too fast.
		for range pushPolls.burst {
			pending(t, tn.VerifyOOB(alice, client, oob, ""))
		}
		slow(t, tn.VerifyOOB(alice, client, oob, ""))
		clk.Advance(pushPolls.every - time.Nanosecond)
		slow(t, tn.VerifyOOB(alice, client, oob, ""))
		clk.Advance(time.Nanosecond)
		pending(t, tn.VerifyOOB(alice, client, oob, ""))
		slow(t, tn.VerifyOOB(alice, client, oob, ""))
		// Polling every 5 s never meets slow_down.
		for range 3 * pushPolls.burst {
			clk.Advance(pushPolls.every)
			pending(t, tn.VerifyOOB(alice, client, oob, ""))
		}
		if err := tn.ApprovePush(p.ID); err != nil {
			t.Fatal(err)
		}
		if len(tn.PendingPushes(alice)) != 0 {
			t.Fatal("approved push still pending")
		}
		// The approval completed the enrollment, before any poll.
		for _, a := range tn.List(alice) {
			if !a.Active {
				t.Errorf("%s still pending after the Guardian approval", a.ID)
			}
		}
		clk.Advance(pushPolls.every)
		noErr(t, tn.VerifyOOB(alice, client, oob, ""))
		clk.Advance(pushPolls.every)
		wantErr(t, tn.VerifyOOB(alice, client, oob, ""), http.StatusForbidden, "invalid_grant", "Invalid oob_code.")
		list := tn.List(alice)
		for _, a := range list {
			if !a.Active {
				t.Errorf("%s still pending", a.ID)
			}
		}
		if push := byPrefix(list, "push")[0]; push.Name != pushDeviceName {
			t.Errorf("push name = %q", push.Name)
		}
		if !errors.Is(tn.ApprovePush(p.ID), ErrNotPending) || !errors.Is(tn.RejectPush(p.ID), ErrNotPending) {
			t.Error("second decision accepted")
		}
	})
	t.Run("rejected", func(t *testing.T) {
		t.Parallel()
		tn, _, oob, p := start(t)
		if err := tn.RejectPush(p.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, tn.VerifyOOB(alice, client, oob, ""), http.StatusBadRequest, "access_denied", "MFA Authorization rejected.")
		wantErr(t, tn.VerifyOOB(alice, client, oob, ""), http.StatusForbidden, "invalid_grant", "Invalid oob_code.")
		for _, a := range tn.List(alice) {
			if a.Active && !strings.HasPrefix(a.ID, "email|") {
				t.Errorf("%s activated by a rejected push", a.ID)
			}
		}
	})
	t.Run("approved right after a poll resolves without slow_down", func(t *testing.T) {
		t.Parallel()
		tn, _, oob, p := start(t)
		pending(t, tn.VerifyOOB(alice, client, oob, ""))
		if err := tn.ApprovePush(p.ID); err != nil {
			t.Fatal(err)
		}
		noErr(t, tn.VerifyOOB(alice, client, oob, ""))
	})
	t.Run("expires after 5 min", func(t *testing.T) {
		t.Parallel()
		tn, clk, oob, p := start(t)
		clk.Advance(oobCodeTTL)
		if len(tn.PendingPushes(alice)) != 0 {
			t.Fatal("expired push still listed")
		}
		if !errors.Is(tn.ApprovePush(p.ID), ErrNotPending) {
			t.Fatal("expired push approved")
		}
		wantErr(t, tn.VerifyOOB(alice, client, oob, ""), http.StatusForbidden, "invalid_grant", "oob_code is expired")
	})
	t.Run("unknown push request", func(t *testing.T) {
		t.Parallel()
		tn, _ := newTestTenant(t)
		if !errors.Is(tn.ApprovePush("ptx_nope"), ErrNotFound) || !errors.Is(tn.RejectPush("ptx_nope"), ErrNotFound) {
			t.Fatal("unknown push request decided")
		}
	})
	t.Run("deleting the pending push drops its request", func(t *testing.T) {
		t.Parallel()
		tn, _, oob, p := start(t)
		noErr(t, tn.Delete(alice, byPrefix(tn.List(alice), "push")[0].ID))
		if len(tn.PendingPushes("")) != 0 || !errors.Is(tn.ApprovePush(p.ID), ErrNotFound) {
			t.Fatal("push request survived the delete")
		}
		wantErr(t, tn.VerifyOOB(alice, client, oob, ""), http.StatusForbidden, "invalid_grant", "Invalid oob_code.")
	})
}

func TestDelete(t *testing.T) {
	t.Parallel()
	type seeded struct {
		otp, sms, voice, push, pushTOTP, email, rc, implicit, bobOTP, pendingSMS, pendingVoice string
		pendingPush, pendingPushTOTP                                                           string
	}
	setup := func(t *testing.T) (*Tenant, seeded) {
		t.Helper()
		tn, _ := newTestTenant(t)
		var s seeded
		must := func(a Authenticator, err error) string {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		s.otp = must(tn.SeedAuthenticator(alice, FactorOTP, SeedOptions{}))
		s.sms = must(tn.SeedAuthenticator(alice, FactorSMS, SeedOptions{Phone: phone}))
		s.voice = "voice|" + strings.TrimPrefix(s.sms, "sms|")
		s.push = must(tn.SeedAuthenticator(alice, FactorPush, SeedOptions{}))
		for _, a := range tn.List(alice) {
			if strings.HasPrefix(a.ID, "totp|") && a.ID != s.otp {
				s.pushTOTP = a.ID // the companion: its own suffix, as on Auth0
			}
		}
		if s.pushTOTP == "" || strings.TrimPrefix(s.pushTOTP, "totp|") == strings.TrimPrefix(s.push, "push|") {
			t.Fatalf("push %s: companion totp %q should exist with a suffix of its own", s.push, s.pushTOTP)
		}
		s.email = must(tn.SeedAuthenticator(alice, FactorEmail, SeedOptions{Email: "second@example.com"}))
		s.rc = must(tn.SeedAuthenticator(alice, FactorRecoveryCode, SeedOptions{}))
		s.bobOTP = must(tn.SeedAuthenticator(bob, FactorOTP, SeedOptions{}))
		if _, err := tn.Associate(alice, client, AssociateRequest{AuthenticatorTypes: []string{"oob"}, OOBChannels: []string{"sms"}, PhoneNumber: "+12025558730"}, false); err != nil {
			t.Fatal(err)
		}
		if _, err := tn.Associate(alice, client, reqPush, false); err != nil {
			t.Fatal(err)
		}
		for _, a := range tn.List(alice) {
			if a.ID == s.otp || a.ID == s.email {
				continue
			}
			if !a.Active && strings.HasPrefix(a.ID, "push|") {
				s.pendingPush = a.ID
			}
			if !a.Active && strings.HasPrefix(a.ID, "totp|") {
				s.pendingPushTOTP = a.ID
			}
			if !a.Active && strings.HasPrefix(a.ID, "sms|") {
				s.pendingSMS = a.ID
			}
			if !a.Active && strings.HasPrefix(a.ID, "voice|") {
				s.pendingVoice = a.ID
			}
			if a.Name == "****@exam*******" {
				s.implicit = a.ID
			}
		}
		return tn, s
	}
	tests := []struct {
		name     string
		id       func(seeded) string
		status   int
		code     string
		desc     string
		gone     func(seeded) []string
		survives func(seeded) []string
	}{
		{"unknown id", func(seeded) string { return "totp|dev_AAAAAAAAAAAAAAAA" }, 404, "not_found", "Authenticator not found.", nil, nil},
		{"another user's id", func(s seeded) string { return s.bobOTP }, 404, "not_found", "Authenticator not found.", nil,
			func(s seeded) []string { return []string{s.otp} }},
		{"recovery code", func(s seeded) string { return s.rc }, 403, "access_denied", "Recovery code authenticators cannot be deleted with the MFA API.", nil,
			func(s seeded) []string { return []string{s.rc} }},
		{"implicit email", func(s seeded) string { return s.implicit }, 403, "access_denied", "Verified email authenticators cannot be deleted.", nil, nil},
		{"explicit email", func(s seeded) string { return s.email }, 0, "", "",
			func(s seeded) []string { return []string{s.email} }, func(s seeded) []string { return []string{s.implicit, s.otp} }},
		{"sms takes voice", func(s seeded) string { return s.sms }, 0, "", "",
			func(s seeded) []string { return []string{s.sms, s.voice} }, func(s seeded) []string { return []string{s.pendingSMS, s.otp} }},
		{"voice takes sms", func(s seeded) string { return s.voice }, 0, "", "",
			func(s seeded) []string { return []string{s.sms, s.voice} }, nil},
		{"push takes its totp", func(s seeded) string { return s.push }, 0, "", "",
			func(s seeded) []string { return []string{s.push, s.pushTOTP} }, func(s seeded) []string { return []string{s.otp} }},
		{"push totp takes the push", func(s seeded) string { return s.pushTOTP }, 0, "", "",
			func(s seeded) []string { return []string{s.push, s.pushTOTP} }, nil},
		{"standalone totp alone", func(s seeded) string { return s.otp }, 0, "", "",
			func(s seeded) []string { return []string{s.otp} }, func(s seeded) []string { return []string{s.push, s.pushTOTP, s.rc} }},
		{"pending push totp takes the pending push", func(s seeded) string { return s.pendingPushTOTP }, 0, "", "",
			func(s seeded) []string { return []string{s.pendingPush, s.pendingPushTOTP} }, func(s seeded) []string { return []string{s.push, s.pushTOTP, s.otp} }},
		{"pending pair", func(s seeded) string { return s.pendingVoice }, 0, "", "",
			func(s seeded) []string { return []string{s.pendingSMS, s.pendingVoice} }, func(s seeded) []string { return []string{s.sms, s.voice} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tn, s := setup(t)
			before := len(tn.List(alice))
			err := tn.Delete(alice, tc.id(s))
			if tc.status != 0 {
				wantErr(t, err, tc.status, tc.code, tc.desc)
				if len(tn.List(alice)) != before || len(tn.List(bob)) != 1 {
					t.Fatal("a refused delete removed something")
				}
			} else {
				noErr(t, err)
			}
			list := tn.List(alice)
			if tc.gone != nil {
				for _, id := range tc.gone(s) {
					if _, ok := find(list, id); ok {
						t.Errorf("%s still listed", id)
					}
				}
				if len(list) != before-len(tc.gone(s)) {
					t.Errorf("%d removed, want %d", before-len(list), len(tc.gone(s)))
				}
			}
			if tc.survives != nil {
				for _, id := range tc.survives(s) {
					if _, ok := find(list, id); !ok {
						t.Errorf("%s was removed", id)
					}
				}
			}
			if tc.status == 0 {
				wantErr(t, tn.Delete(alice, tc.id(s)), 404, "not_found", "Authenticator not found.")
			}
		})
	}
	t.Run("unknown user", func(t *testing.T) {
		t.Parallel()
		tn, _ := newTestTenant(t)
		wantErr(t, tn.Delete("auth0|ghost", "totp|dev_AAAAAAAAAAAAAAAA"), 404, "not_found", "Authenticator not found.")
	})
}
