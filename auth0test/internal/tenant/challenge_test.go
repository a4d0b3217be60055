package tenant

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestChallenge(t *testing.T) {
	t.Parallel()
	notEnrolled := func(t *testing.T, err *Error) {
		t.Helper()
		wantErr(t, err, http.StatusBadRequest, "unsupported_challenge_type", descNotEnrolled)
	}
	tests := []struct {
		name    string
		seed    []Factor
		disable Factor
		types   []string
		byID    Factor // challenge this seeded factor's id
		want    ChallengeResult
		channel string // expected outbox channel ("" none, "push" a push request)
		notEnr  bool
	}{
		{"not enrolled", nil, "", nil, "", ChallengeResult{}, "", true},
		{"pending only", nil, "", nil, "", ChallengeResult{}, "", true},
		{"otp", []Factor{FactorOTP}, "", nil, "", ChallengeResult{ChallengeType: "otp"}, "", false},
		{"otp preferred over sms", []Factor{FactorSMS, FactorOTP}, "", []string{"oob otp"}, "", ChallengeResult{ChallengeType: "otp"}, "", false},
		{"oob only picks sms", []Factor{FactorOTP, FactorSMS}, "", []string{"oob"}, "", ChallengeResult{ChallengeType: "oob", BindingMethod: "prompt"}, "sms", false},
		{"otp only with just sms", []Factor{FactorSMS}, FactorEmail, []string{"otp"}, "", ChallengeResult{}, "", true},
		{"voice by id", []Factor{FactorVoice}, "", nil, FactorVoice, ChallengeResult{ChallengeType: "oob", BindingMethod: "prompt"}, "voice", false},
		{"push", []Factor{FactorPush}, "", []string{"oob"}, "", ChallengeResult{ChallengeType: "oob"}, "push", false},
		{"push preferred over its totp", []Factor{FactorOTP, FactorPush}, "", nil, "", ChallengeResult{ChallengeType: "oob"}, "push", false},
		{"push's totp for otp", []Factor{FactorPush}, "", []string{"otp"}, "", ChallengeResult{ChallengeType: "otp"}, "", false},
		{"implicit email", nil, "", []string{"oob"}, "", ChallengeResult{ChallengeType: "oob", BindingMethod: "prompt"}, "email", false},
		{"implicit email disabled", nil, FactorEmail, []string{"oob"}, "", ChallengeResult{}, "", true},
		{"disabled factor skipped", []Factor{FactorOTP, FactorSMS}, FactorOTP, nil, "", ChallengeResult{ChallengeType: "oob", BindingMethod: "prompt"}, "sms", false},
		{"by id, type not accepted", []Factor{FactorOTP}, "", []string{"oob"}, FactorOTP, ChallengeResult{}, "", true},
		{"recovery code alone", []Factor{FactorRecoveryCode}, FactorEmail, nil, "", ChallengeResult{}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := DefaultSettings()
			if tc.disable != "" {
				s.Factors[tc.disable] = false
			}
			tn, _ := newTestTenant(t, s)
			if tc.name == "pending only" {
				if _, err := tn.Associate(bob, client, reqOTP, false); err != nil {
					t.Fatal(err)
				}
			}
			user := alice
			if tc.name == "not enrolled" || tc.name == "pending only" {
				user = bob
			}
			var id string
			for _, f := range tc.seed {
				a, err := tn.SeedAuthenticator(user, f, SeedOptions{Phone: phone})
				if err != nil {
					t.Fatal(err)
				}
				if f == tc.byID {
					id = a.ID
				}
			}
			got, err := tn.Challenge(user, client, tc.types, id)
			if tc.notEnr {
				notEnrolled(t, err)
				if len(tn.Outbox()) != 0 || len(tn.PendingPushes("")) != 0 {
					t.Fatal("a refused challenge sent something")
				}
				return
			}
			noErr(t, err)
			if got.ChallengeType != tc.want.ChallengeType || got.BindingMethod != tc.want.BindingMethod ||
				(got.ChallengeType == "oob") != sealedPattern.MatchString(got.OOBCode) {
				t.Fatalf("Challenge = %+v, want %+v", got, tc.want)
			}
			out := tn.Outbox()
			switch tc.channel {
			case "":
				if len(out) != 0 {
					t.Fatalf("outbox = %v", out)
				}
			case "push":
				pp := tn.PendingPushes(user)
				if len(pp) != 1 || pp[0].Enrollment || pp[0].OOBCode != got.OOBCode {
					t.Fatalf("pushes = %v", pp)
				}
			default:
				if len(out) != 1 || out[0].Channel != tc.channel {
					t.Fatalf("outbox = %v", out)
				}
				want := phone
				if tc.channel == "email" {
					want = "user@example.com"
				}
				if out[0].To != want {
					t.Fatal("sent to the wrong address")
				}
			}
		})
	}
	t.Run("unknown authenticator id", func(t *testing.T) {
		t.Parallel()
		tn, _ := newTestTenant(t)
		bobs, _ := seedOTP(t, tn, bob)
		for _, id := range []string{"totp|dev_AAAAAAAAAAAAAAAA", bobs.ID} {
			_, err := tn.Challenge(alice, client, nil, id)
			wantErr(t, err, http.StatusBadRequest, "invalid_request", "")
		}
	})
	t.Run("challenge then verify sets last_auth", func(t *testing.T) {
		t.Parallel()
		tn, clk := newTestTenant(t)
		sms, err := tn.SeedAuthenticator(alice, FactorSMS, SeedOptions{Phone: phone})
		if err != nil {
			t.Fatal(err)
		}
		ch, e := tn.Challenge(alice, client, []string{"oob"}, sms.ID)
		noErr(t, e)
		clk.Advance(time.Minute)
		code, _ := tn.LastCode(phone)
		noErr(t, tn.VerifyOOB(alice, client, ch.OOBCode, code))
		got, _ := find(tn.List(alice), sms.ID)
		if got.LastAuth == nil || !got.LastAuth.Equal(clk.Now()) {
			t.Fatalf("last_auth = %v", got.LastAuth)
		}
		wantErr(t, tn.VerifyOOB(alice, client, ch.OOBCode, code), http.StatusForbidden, "invalid_grant", "Invalid oob_code.")
	})
	t.Run("push challenge approved", func(t *testing.T) {
		t.Parallel()
		tn, _ := newTestTenant(t)
		push, err := tn.SeedAuthenticator(alice, FactorPush, SeedOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ch, e := tn.Challenge(alice, client, nil, push.ID)
		noErr(t, e)
		wantErr(t, tn.VerifyOOB(alice, client, ch.OOBCode, ""), http.StatusBadRequest, "authorization_pending", "")
		if err := tn.ApprovePush(tn.PendingPushes(alice)[0].ID); err != nil {
			t.Fatal(err)
		}
		noErr(t, tn.VerifyOOB(alice, client, ch.OOBCode, ""))
		if got, _ := find(tn.List(alice), push.ID); got.LastAuth == nil {
			t.Fatal("last_auth not set")
		}
	})
	t.Run("implicit email challenge verifies", func(t *testing.T) {
		t.Parallel()
		tn, _ := newTestTenant(t)
		ch, e := tn.Challenge(alice, client, []string{"oob"}, "")
		noErr(t, e)
		code, _ := tn.LastCode("user@example.com")
		noErr(t, tn.VerifyOOB(alice, client, ch.OOBCode, code))
	})
}

func TestSendLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		burst int
		every time.Duration
		send  func(tn *Tenant, i int) *Error
	}{
		{"sms associate: 10, 1 per hour", 10, time.Hour, func(tn *Tenant, _ int) *Error {
			_, err := tn.Associate(alice, client, reqSMS, false)
			return err
		}},
		{"voice shares the sms bucket", 10, time.Hour, func(tn *Tenant, i int) *Error {
			req := reqSMS
			if i%2 == 1 {
				req = reqVoice
			}
			_, err := tn.Associate(alice, client, req, false)
			return err
		}},
		{"email associate: 20, 1 per minute", 20, time.Minute, func(tn *Tenant, _ int) *Error {
			_, err := tn.Associate(alice, client, reqEmail, false)
			return err
		}},
		{"sms challenge", 10, time.Hour, func(tn *Tenant, _ int) *Error {
			_, err := tn.Challenge(bob, client, []string{"oob"}, "")
			return err
		}},
		{"push challenge: 5, 5 per minute", 5, 12 * time.Second, func(tn *Tenant, _ int) *Error {
			_, err := tn.Challenge(alice, client, nil, "")
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tn, clk := newTestTenant(t)
			if strings.HasPrefix(tc.name, "sms challenge") {
				if _, err := tn.SeedAuthenticator(bob, FactorSMS, SeedOptions{Phone: phone}); err != nil {
					t.Fatal(err)
				}
			}
			if strings.HasPrefix(tc.name, "push") {
				if _, err := tn.SeedAuthenticator(alice, FactorPush, SeedOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			limited := func(wait time.Duration) {
				t.Helper()
				before, listed := len(tn.Outbox()), len(tn.List(alice))
				err := tc.send(tn, 0)
				wantErr(t, err, http.StatusTooManyRequests, "too_many_requests", descTooManyRequests)
				if err.RetryAfter != wait {
					t.Fatalf("Retry-After = %v, want %v", err.RetryAfter, wait)
				}
				if len(tn.Outbox()) != before || len(tn.List(alice)) != listed {
					t.Fatal("a limited request sent or created something")
				}
			}
			for i := range tc.burst {
				if err := tc.send(tn, i); err != nil {
					t.Fatalf("send %d: %v", i+1, err)
				}
			}
			limited(tc.every)
			clk.Advance(tc.every - time.Second)
			limited(time.Second)
			clk.Advance(time.Second)
			noErr(t, tc.send(tn, 0))
			limited(tc.every)
			clk.Advance(time.Duration(tc.burst) * tc.every) // full again, never more than the burst
			clk.Advance(24 * time.Hour)
			for i := range tc.burst {
				if err := tc.send(tn, i); err != nil {
					t.Fatalf("refilled send %d: %v", i+1, err)
				}
			}
			limited(tc.every)
		})
	}
	t.Run("push enrollment is not limited", func(t *testing.T) {
		t.Parallel()
		tn, _ := newTestTenant(t)
		for range 10 {
			_, err := tn.Associate(alice, client, reqPush, false)
			noErr(t, err)
		}
	})
}

func TestHasActiveFactorAndOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		seed    []Factor
		pending bool
		disable Factor
		has     bool
		options []string // id prefixes, in order
	}{
		{"nothing but the verified email", nil, false, "", false, []string{"email"}},
		{"explicit email", []Factor{FactorEmail}, false, "", false, []string{"email", "email"}},
		{"recovery code only", []Factor{FactorRecoveryCode}, false, "", false, []string{"recovery-code", "email"}},
		{"pending totp", nil, true, "", false, []string{"email"}},
		{"otp", []Factor{FactorOTP}, false, "", true, []string{"totp", "email"}},
		{"sms pair", []Factor{FactorSMS}, false, "", true, []string{"sms", "voice", "email"}},
		{"push and its totp", []Factor{FactorPush, FactorRecoveryCode}, false, "", true, []string{"push", "totp", "recovery-code", "email"}},
		{"otp disabled", []Factor{FactorOTP}, false, FactorOTP, false, []string{"email"}},
		{"email disabled", []Factor{FactorOTP}, false, FactorEmail, true, []string{"totp"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := DefaultSettings()
			if tc.disable != "" {
				s.Factors[tc.disable] = false
			}
			tn, _ := newTestTenant(t, s)
			for _, f := range tc.seed {
				if _, err := tn.SeedAuthenticator(alice, f, SeedOptions{Phone: phone}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.pending {
				if _, err := tn.Associate(alice, client, reqOTP, false); err != nil {
					t.Fatal(err)
				}
			}
			if got := tn.HasActiveFactor(alice); got != tc.has {
				t.Errorf("HasActiveFactor = %v, want %v", got, tc.has)
			}
			var got []string
			for _, a := range tn.ChallengeOptions(alice) {
				kind, _, _ := strings.Cut(a.ID, "|")
				got = append(got, kind)
				if !a.Active {
					t.Errorf("option %s not active", a.ID)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.options) {
				t.Errorf("ChallengeOptions = %v, want %v", got, tc.options)
			}
		})
	}
	tn, _ := newTestTenant(t)
	if tn.HasActiveFactor("auth0|ghost") || len(tn.ChallengeOptions("auth0|ghost")) != 0 || len(tn.List("auth0|ghost")) != 0 {
		t.Fatal("unknown user has factors")
	}
}

func TestMFAToken(t *testing.T) {
	t.Parallel()
	tn, clk := newTestTenant(t)
	tok := tn.IssueMFAToken(alice, client)
	if !sealedPattern.MatchString(tok) {
		t.Fatalf("mfa_token %q is not Fe26-shaped", tok)
	}
	if other := tn.IssueMFAToken(alice, client); other == tok {
		t.Fatal("two tokens are equal")
	}
	u, c, err := tn.LookupMFAToken(tok)
	noErr(t, err)
	if u != alice || c != client {
		t.Fatalf("lookup = %s %s", u, c)
	}
	for _, bad := range []string{"", "garbage", tok + "x", strings.TrimSuffix(tok, tok[len(tok)-1:])} {
		_, _, err := tn.LookupMFAToken(bad)
		wantErr(t, err, http.StatusUnauthorized, "invalid_grant", "Malformed mfa_token")
	}
	clk.Advance(mfaTokenTTL - time.Nanosecond)
	_, _, err = tn.LookupMFAToken(tok)
	noErr(t, err)
	clk.Advance(time.Nanosecond)
	_, _, err = tn.LookupMFAToken(tok)
	wantErr(t, err, http.StatusUnauthorized, "expired_token", "mfa_token is expired")
}

func TestSeedAuthenticator(t *testing.T) {
	t.Parallel()
	const secret = "HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF"
	tests := []struct {
		name    string
		user    string
		kind    Factor
		opts    SeedOptions
		wantErr error
		check   func(t *testing.T, tn *Tenant, a Authenticator)
	}{
		{"otp with secret", alice, FactorOTP, SeedOptions{Secret: secret}, nil, func(t *testing.T, tn *Tenant, a Authenticator) {
			if got, _ := tn.TOTPCode(a.ID); got != rfc6238(secret, t0) {
				t.Fatalf("TOTPCode = %s, want %s", got, rfc6238(secret, t0))
			}
		}},
		{"otp generated", alice, FactorOTP, SeedOptions{}, nil, func(t *testing.T, tn *Tenant, a Authenticator) {
			if !secretPattern.MatchString(secretOf(t, tn, a.ID)) {
				t.Fatal("bad generated secret")
			}
		}},
		{"voice returns voice", alice, FactorVoice, SeedOptions{Phone: phone}, nil, func(t *testing.T, tn *Tenant, a Authenticator) {
			if !strings.HasPrefix(a.ID, "voice|") || a.Name != "XXXXXXXXX9167" || len(byPrefix(tn.List(alice), "sms")) != 1 {
				t.Fatalf("seeded %+v", a)
			}
		}},
		{"push has a totp", alice, FactorPush, SeedOptions{Secret: secret}, nil, func(t *testing.T, tn *Tenant, a Authenticator) {
			if a.OOBChannel != "auth0" || secretOf(t, tn, a.ID) != secret {
				t.Fatalf("seeded %+v", a)
			}
			if _, err := tn.TOTPCode(a.ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"email defaults to the user's", bob, FactorEmail, SeedOptions{}, nil, func(t *testing.T, _ *Tenant, a Authenticator) {
			if a.Name != "***@exam*******" {
				t.Fatalf("name %q", a.Name)
			}
		}},
		{"recovery replaces", alice, FactorRecoveryCode, SeedOptions{RecoveryCode: "17EQHNZC2SZDYG7X4QXVX9SW"}, nil, func(t *testing.T, tn *Tenant, a Authenticator) {
			if _, err := tn.SeedAuthenticator(alice, FactorRecoveryCode, SeedOptions{}); err != nil {
				t.Fatal(err)
			}
			if rc := byPrefix(tn.List(alice), "recovery-code"); len(rc) != 1 || rc[0].ID == a.ID {
				t.Fatalf("recovery codes = %+v", rc)
			}
		}},
		{"unknown user", "auth0|ghost", FactorOTP, SeedOptions{}, ErrUnknownUser, nil},
		{"bad secret", alice, FactorOTP, SeedOptions{Secret: "not base32!"}, ErrInvalidSeed, nil},
		{"sms without phone", alice, FactorSMS, SeedOptions{}, ErrInvalidSeed, nil},
		{"bad recovery code", alice, FactorRecoveryCode, SeedOptions{RecoveryCode: "short"}, ErrInvalidSeed, nil},
		{"lower-case recovery code", alice, FactorRecoveryCode, SeedOptions{RecoveryCode: "17eqhnzc2szdyg7x4qxvx9sw"}, ErrInvalidSeed, nil},
		{"unknown factor", alice, "webauthn", SeedOptions{}, ErrInvalidSeed, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tn, _ := newTestTenant(t)
			a, err := tn.SeedAuthenticator(tc.user, tc.kind, tc.opts)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if !a.Active || !idPattern.MatchString(a.ID) {
				t.Fatalf("seeded %+v", a)
			}
			tc.check(t, tn, a)
		})
	}
	tn, _ := newTestTenant(t)
	if _, ok := tn.TOTPSecret("sms|dev_AAAAAAAAAAAAAAAA"); ok {
		t.Fatal("secret for an unknown id")
	}
	if _, err := tn.TOTPCode("totp|dev_AAAAAAAAAAAAAAAA"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("TOTPCode(unknown) = %v", err)
	}
	if _, ok := tn.RecoveryCode(bob); ok {
		t.Fatal("recovery code for bob")
	}
}

func TestRedaction(t *testing.T) {
	t.Parallel()
	tn, _ := newTestTenant(t)
	res, err := tn.Associate(alice, client, reqSMS, false)
	noErr(t, err)
	otpRes, err := tn.Associate(alice, client, reqOTP, false)
	noErr(t, err)
	code, _ := tn.LastCode(phone)
	pushRes, err := tn.Associate(alice, client, reqPush, false)
	noErr(t, err)
	secrets := []string{res.OOBCode, otpRes.Secret, otpRes.BarcodeURI, code, phone, pushRes.OOBCode, pushRes.BarcodeURI}
	secrets = append(secrets, res.RecoveryCodes...)
	var out []string
	for _, v := range []any{res, otpRes, pushRes, tn.Outbox()[0], tn.PendingPushes(alice)[0], ChallengeResult{OOBCode: res.OOBCode}} {
		out = append(out, fmt.Sprint(v), fmt.Sprintf("%v %+v %s", v, v, v))
	}
	wrong := tn.VerifyOOB(alice, client, res.OOBCode, "x")
	out = append(out, wrong.Error())
	for _, s := range out {
		for _, secret := range secrets {
			if strings.Contains(s, secret) {
				t.Errorf("%q leaks a secret", s)
			}
		}
	}
}

func TestConcurrency(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{now: t0}
	tn := New(clk.Now, rand.Reader, DefaultSettings())
	const users = 8
	const racers = 16
	var wg sync.WaitGroup
	for u := range users {
		// Two users each: the losers of a race are failed codes, and a user's
		// failed codes share one bucket of 10 (limits.go), so a TOTP race and
		// an SMS race of the SAME user would let the TOTP losers empty the
		// bucket before the SMS racers run (429 for all of them: the old
		// flake). Each race gets its own user; all of them share the tenant.
		totpUser, smsUser := fmt.Sprintf("auth0|user%d", u), fmt.Sprintf("auth0|sms%d", u)
		for _, id := range []string{totpUser, smsUser} {
			if err := tn.AddUser(User{ID: id, Email: strings.TrimPrefix(id, "auth0|") + "@example.com", EmailVerified: true}); err != nil {
				t.Fatal(err)
			}
		}
		wg.Go(func() {
			// One pending totp; racers submit its code at once: one activation.
			id := totpUser
			res, err := tn.Associate(id, client, reqOTP, false)
			if err != nil {
				t.Error(err)
				return
			}
			code := rfc6238(res.Secret, clk.Now())
			var wins atomic.Int32
			var inner sync.WaitGroup
			for range racers {
				inner.Go(func() {
					if tn.ConfirmPendingOTP(id, code) == nil {
						wins.Add(1)
					}
					tn.List(id)
					tn.HasActiveFactor(id)
				})
			}
			inner.Wait()
			if wins.Load() != 1 {
				t.Errorf("%s: %d activations of one pending totp", id, wins.Load())
			}
			active := 0
			for _, a := range tn.List(id) {
				if a.Active && strings.HasPrefix(a.ID, "totp|") {
					active++
				}
			}
			if active != 1 {
				t.Errorf("%s: %d active totps", id, active)
			}
		})
		wg.Go(func() {
			// Meanwhile: an sms confirmation raced the same way.
			id := smsUser
			sms, err := tn.Associate(id, client, reqSMS, false)
			if err != nil {
				t.Error(err)
				return
			}
			var smsWins atomic.Int32
			var inner sync.WaitGroup
			for range racers {
				inner.Go(func() {
					if tn.VerifyOOB(id, client, sms.OOBCode, smsCode(tn, id)) == nil {
						smsWins.Add(1)
					}
					tn.List(id)
				})
			}
			inner.Wait()
			if smsWins.Load() != 1 {
				t.Errorf("%s: %d successes of one oob_code", id, smsWins.Load())
			}
		})
	}
	wg.Go(func() {
		for range 100 {
			clk.Advance(time.Millisecond)
			tn.IssueMFAToken(alice, client)
		}
	})
	wg.Wait()
}

// smsCode returns the last code sent to user.
func smsCode(tn *Tenant, user string) string {
	out := tn.Outbox()
	for i := len(out) - 1; i >= 0; i-- {
		if out[i].UserID == user {
			return out[i].Code
		}
	}
	return ""
}
