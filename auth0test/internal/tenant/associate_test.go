package tenant

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	idPattern       = regexp.MustCompile(`^(totp|sms|voice|push|email|recovery-code)\|dev_[A-Za-z0-9]{16}$`)
	secretPattern   = regexp.MustCompile(`^[A-Z2-7]{32}$`)
	recoveryPattern = regexp.MustCompile(`^[A-Z0-9]{24}$`)
	sealedPattern   = regexp.MustCompile(`^Fe26\.2\*SERVER_1\*[0-9a-f]{64}\*[A-Za-z0-9_-]+\*[A-Za-z0-9_-]+\*[0-9]{13}\*[0-9a-f]{64}\*[A-Za-z0-9_-]+$`)
)

func TestAssociateValidation(t *testing.T) {
	t.Parallel()
	oob := func(ch ...string) AssociateRequest {
		return AssociateRequest{AuthenticatorTypes: []string{"oob"}, OOBChannels: ch}
	}
	withPhone := func(r AssociateRequest, p string) AssociateRequest { r.PhoneNumber = p; return r }
	withEmail := func(r AssociateRequest, e string) AssociateRequest { r.Email = e; return r }
	tests := []struct {
		name  string
		req   AssociateRequest
		field string // named in the description
	}{
		{"no types", AssociateRequest{}, "authenticator_types"},
		{"two types", AssociateRequest{AuthenticatorTypes: []string{"otp", "oob"}}, "authenticator_types"},
		{"unknown type", AssociateRequest{AuthenticatorTypes: []string{"webauthn"}}, "authenticator_types"},
		{"otp with channels", AssociateRequest{AuthenticatorTypes: []string{"otp"}, OOBChannels: []string{"sms"}}, "oob_channels"},
		{"oob without channel", oob(), "oob_channels"},
		{"oob two channels", withPhone(oob("sms", "voice"), phone), "oob_channels"},
		{"oob unknown channel", oob("push"), "oob_channels"},
		{"sms without phone", oob("sms"), "phone_number"},
		{"sms national format", withPhone(oob("sms"), "07700909167"), "phone_number"},
		{"sms leading zero", withPhone(oob("sms"), "+0447700909167"), "phone_number"},
		{"sms too short", withPhone(oob("sms"), "+12345"), "phone_number"},
		{"sms too long", withPhone(oob("sms"), "+1234567890123456"), "phone_number"},
		{"sms spaces", withPhone(oob("voice"), "+44 7700 909167"), "phone_number"},
		{"email missing", oob("email"), "email"},
		{"email bad", withEmail(oob("email"), "user@"), "email"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tn, _ := newTestTenant(t)
			_, err := tn.Associate(alice, client, tc.req, false)
			wantErr(t, err, http.StatusBadRequest, "invalid_request", "")
			if !strings.HasPrefix(err.Description, tc.field+" ") || !strings.HasSuffix(err.Description, ".") {
				t.Fatalf("description %q does not name %s as a sentence", err.Description, tc.field)
			}
			if n := len(tn.List(alice)); n != 1 { // only the implicit email
				t.Fatalf("List has %d entries after a rejected associate", n)
			}
		})
	}
}

func TestAssociateFactorDisabled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		req     AssociateRequest
		disable Factor
	}{
		{"otp", reqOTP, FactorOTP},
		{"sms", reqSMS, FactorSMS},
		{"voice", reqVoice, FactorVoice},
		{"email", reqEmail, FactorEmail},
		{"push", reqPush, FactorPush},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := DefaultSettings()
			s.Factors[tc.disable] = false
			tn, _ := newTestTenant(t, s)
			_, err := tn.Associate(alice, client, tc.req, false)
			wantErr(t, err, http.StatusForbidden, "unsupported_challenge_type",
				"The "+string(tc.disable)+" factor is not enabled for this tenant.")
		})
	}
}

func TestAssociateUnknownUser(t *testing.T) {
	t.Parallel()
	tn, _ := newTestTenant(t)
	_, err := tn.Associate("auth0|ghost", client, reqOTP, false)
	wantErr(t, err, http.StatusUnauthorized, "invalid_token", "Invalid token.")
}

func TestAssociateOTP(t *testing.T) {
	t.Parallel()
	tn, _ := newTestTenant(t)
	res, err := tn.Associate(alice, client, reqOTP, false)
	noErr(t, err)
	if res.AuthenticatorType != "otp" || res.OOBCode != "" || res.BindingMethod != "" || res.OOBChannel != "" {
		t.Fatalf("result = %+v", res)
	}
	if !secretPattern.MatchString(res.Secret) {
		t.Fatalf("secret %q is not 32 base32 characters", res.Secret)
	}
	want := "otpauth://totp/My%20Test%20Tenant:user%40example.com?secret=" + res.Secret +
		"&issuer=My%20Test%20Tenant&algorithm=SHA1&digits=6&period=30"
	if res.BarcodeURI != want {
		t.Fatalf("barcode_uri\n got %s\nwant %s", res.BarcodeURI, want)
	}
	if len(res.RecoveryCodes) != 1 || !recoveryPattern.MatchString(res.RecoveryCodes[0]) {
		t.Fatalf("recovery_codes = %q", res.RecoveryCodes)
	}
	list := tn.List(alice)
	if len(list) != 3 {
		t.Fatalf("List = %+v", list)
	}
	totp, rc, email := list[0], list[1], list[2]
	for _, a := range list {
		if !idPattern.MatchString(a.ID) {
			t.Errorf("id %q has the wrong form", a.ID)
		}
		if !a.CreatedAt.Equal(t0) {
			t.Errorf("%s created_at = %v", a.ID, a.CreatedAt)
		}
	}
	if totp.AuthenticatorType != "otp" || totp.Active || totp.Name != "" || totp.OOBChannel != "" || !strings.HasPrefix(totp.ID, "totp|") {
		t.Errorf("totp = %+v", totp)
	}
	if rc.AuthenticatorType != "recovery-code" || rc.Active || rc.Name != "" || !strings.HasPrefix(rc.ID, "recovery-code|") {
		t.Errorf("recovery code = %+v", rc)
	}
	if email.AuthenticatorType != "oob" || !email.Active || email.OOBChannel != "email" || email.Name != "****@exam*******" {
		t.Errorf("implicit email = %+v", email)
	}
	if s := secretOf(t, tn, totp.ID); s != res.Secret {
		t.Errorf("TOTPSecret = %q, want the associated secret", s)
	}
	if got, _ := tn.TOTPCode(totp.ID); got != rfc6238(res.Secret, t0) {
		t.Errorf("TOTPCode = %s, want %s", got, rfc6238(res.Secret, t0))
	}
}

func TestAssociatePhone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		req       AssociateRequest
		disable   Factor
		wantKinds []string
		channel   string
	}{
		{"sms creates the pair", reqSMS, "", []string{"sms", "voice"}, "sms"},
		{"voice creates the pair", reqVoice, "", []string{"voice", "sms"}, "voice"},
		{"sms alone when voice is disabled", reqSMS, FactorVoice, []string{"sms"}, "sms"},
		{"voice alone when sms is disabled", reqVoice, FactorSMS, []string{"voice"}, "voice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := DefaultSettings()
			if tc.disable != "" {
				s.Factors[tc.disable] = false
			}
			tn, _ := newTestTenant(t, s)
			res, err := tn.Associate(alice, client, tc.req, false)
			noErr(t, err)
			if res.AuthenticatorType != "oob" || res.OOBChannel != tc.channel || res.BindingMethod != "prompt" ||
				res.Secret != "" || res.BarcodeURI != "" || !sealedPattern.MatchString(res.OOBCode) {
				t.Fatalf("result = %+v", res)
			}
			list := tn.List(alice)
			var suffix string
			for i, kind := range tc.wantKinds {
				got := byPrefix(list, kind)
				if len(got) != 1 {
					t.Fatalf("%d %s authenticators, want 1: %+v", len(got), kind, list)
				}
				a := got[0]
				if a.Active || a.AuthenticatorType != "oob" || a.OOBChannel != kind || a.Name != "XXXXXXXXX9167" {
					t.Errorf("%s = %+v", kind, a)
				}
				_, sfx, _ := strings.Cut(a.ID, "|")
				if i == 0 {
					suffix = sfx
				} else if sfx != suffix {
					t.Errorf("pair suffixes differ: %s vs %s", sfx, suffix)
				}
			}
			if other := map[string]string{"sms": "voice", "voice": "sms"}[tc.channel]; len(tc.wantKinds) == 1 && len(byPrefix(list, other)) != 0 {
				t.Errorf("disabled %s was created", other)
			}
			out := tn.Outbox()
			if len(out) != 1 || out[0].To != phone || out[0].Channel != tc.channel || out[0].UserID != alice ||
				!regexp.MustCompile(`^[0-9]{6}$`).MatchString(out[0].Code) || !out[0].SentAt.Equal(t0) {
				t.Fatalf("outbox = %+v", out)
			}
			if code, ok := tn.LastCode(phone); !ok || code != out[0].Code {
				t.Fatalf("LastCode = %q, %v", code, ok)
			}
		})
	}
}

func TestAssociateEmail(t *testing.T) {
	t.Parallel()
	tn, _ := newTestTenant(t)
	res, err := tn.Associate(alice, client, reqEmail, false)
	noErr(t, err)
	if res.OOBChannel != "email" || res.BindingMethod != "prompt" || res.OOBCode == "" {
		t.Fatalf("result = %+v", res)
	}
	emails := byPrefix(tn.List(alice), "email")
	if len(emails) != 2 || emails[0].Active || emails[0].Name != "othe*@exam*******" || !emails[1].Active {
		t.Fatalf("email authenticators = %+v", emails)
	}
	if _, ok := tn.LastCode("other@example.net"); !ok {
		t.Fatal("no code sent to the enrolled address")
	}
}

func TestAssociatePush(t *testing.T) {
	t.Parallel()
	s := DefaultSettings()
	s.FriendlyName = "My Test Tenant"
	s.GuardianURL = "https://go-auth0-dev.eu.auth0.com.guardian.us.auth0.com"
	tn, _ := newTestTenant(t, s)
	res, err := tn.Associate(alice, client, reqPush, false)
	noErr(t, err)
	if res.AuthenticatorType != "oob" || res.OOBChannel != "auth0" || res.BindingMethod != "" || res.Secret != "" ||
		!sealedPattern.MatchString(res.OOBCode) {
		t.Fatalf("result = %+v", res)
	}
	uri := regexp.MustCompile(`^otpauth://totp/My%20Test%20Tenant:user%40example\.com\?enrollment_tx_id=[A-Za-z0-9]{32}&base_url=https%3A%2F%2Fgo-auth0-dev\.eu\.auth0\.com\.guardian\.us\.auth0\.com$`)
	if !uri.MatchString(res.BarcodeURI) {
		t.Fatalf("barcode_uri %s", res.BarcodeURI)
	}
	list := tn.List(alice)
	push, totp := byPrefix(list, "push"), byPrefix(list, "totp")
	if len(push) != 1 || len(totp) != 1 || push[0].Active || totp[0].Active || push[0].OOBChannel != "auth0" || push[0].Name != "" {
		t.Fatalf("list = %+v", list)
	}
	// The companion totp has an id suffix of its own (Auth0's push guide and
	// recordings); pairing it with the push is not the client's to guess from ids.
	if strings.TrimPrefix(push[0].ID, "push|") == strings.TrimPrefix(totp[0].ID, "totp|") {
		t.Errorf("push and its totp share the suffix: %s %s", push[0].ID, totp[0].ID)
	}
	pp := tn.PendingPushes(alice)
	if len(pp) != 1 || !pp[0].Enrollment || pp[0].State != PushPending || pp[0].OOBCode != res.OOBCode || pp[0].UserID != alice {
		t.Fatalf("PendingPushes = %+v", pp)
	}
	if len(tn.PendingPushes(bob)) != 0 || len(tn.PendingPushes("")) != 1 {
		t.Fatal("PendingPushes filter")
	}
	if len(tn.Outbox()) != 0 {
		t.Fatal("push enrollment sent a message")
	}
}

func TestRecoveryCodeIssuedOnce(t *testing.T) {
	t.Parallel()
	type step struct {
		do        func(t *testing.T, tn *Tenant, clk *fakeClock)
		wantCodes bool
	}
	associate := func(req AssociateRequest, wantCode bool) step {
		return step{func(t *testing.T, tn *Tenant, _ *fakeClock) {
			t.Helper()
			res, err := tn.Associate(alice, client, req, false)
			noErr(t, err)
			if got := len(res.RecoveryCodes) == 1; got != wantCode {
				t.Fatalf("recovery_codes = %q, want one: %v", res.RecoveryCodes, wantCode)
			}
		}, wantCode}
	}
	confirmTOTP := step{do: func(t *testing.T, tn *Tenant, clk *fakeClock) {
		t.Helper()
		a := pendingTOTP(t, tn, alice)
		noErr(t, tn.ConfirmPendingOTP(alice, rfc6238(secretOf(t, tn, a.ID), clk.Now())))
	}}
	advance := func(d time.Duration) step {
		return step{do: func(_ *testing.T, _ *Tenant, clk *fakeClock) { clk.Advance(d) }}
	}
	tests := []struct {
		name     string
		disabled bool
		steps    []step
	}{
		{"first association only, pending one suppresses", false, []step{
			associate(reqSMS, true), associate(reqPush, false), associate(reqOTP, false)}},
		{"not after confirmation", false, []step{
			associate(reqOTP, true), confirmTOTP, associate(reqOTP, false), associate(reqSMS, false)}},
		{"again once the pending one expired", false, []step{
			associate(reqOTP, true), advance(pendingTTL), associate(reqOTP, true)}},
		{"still suppressed just before expiry", false, []step{
			associate(reqOTP, true), advance(pendingTTL - time.Nanosecond), associate(reqOTP, false)}},
		{"never when disabled", true, []step{associate(reqOTP, false), associate(reqSMS, false)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := DefaultSettings()
			if tc.disabled {
				s.RecoveryCodes = false
				s.Factors[FactorRecoveryCode] = false
			}
			tn, clk := newTestTenant(t, s)
			for _, st := range tc.steps {
				st.do(t, tn, clk)
			}
			if n := len(byPrefix(tn.List(alice), "recovery-code")); n > 1 || (tc.disabled && n != 0) {
				t.Fatalf("%d recovery-code authenticators", n)
			}
		})
	}
}

func TestRecoveryCodeActivatedWithFactor(t *testing.T) {
	t.Parallel()
	tn, clk := newTestTenant(t)
	res, err := tn.Associate(alice, client, reqOTP, false)
	noErr(t, err)
	noErr(t, tn.ConfirmPendingOTP(alice, rfc6238(res.Secret, clk.Now())))
	rc := byPrefix(tn.List(alice), "recovery-code")
	if len(rc) != 1 || !rc[0].Active {
		t.Fatalf("recovery code = %+v", rc)
	}
	if code, ok := tn.RecoveryCode(alice); !ok || code != res.RecoveryCodes[0] {
		t.Fatal("RecoveryCode differs from the issued one")
	}
}

func TestPendingExpiry(t *testing.T) {
	t.Parallel()
	tn, clk := newTestTenant(t)
	_, err := tn.Associate(alice, client, reqOTP, false)
	noErr(t, err)
	clk.Advance(time.Hour)
	sms, err := tn.Associate(alice, client, reqSMS, false)
	noErr(t, err)
	clk.Advance(pendingTTL - time.Hour - time.Nanosecond)
	if n := len(tn.List(alice)); n != 5 { // totp, recovery, sms, voice, implicit email
		t.Fatalf("before 24 h: %d listed", n)
	}
	clk.Advance(time.Nanosecond)
	list := tn.List(alice)
	if len(list) != 3 || len(byPrefix(list, "sms")) != 1 || len(byPrefix(list, "totp")) != 0 {
		t.Fatalf("after 24 h: %+v", list)
	}
	clk.Advance(time.Hour)
	if n := len(tn.List(alice)); n != 1 {
		t.Fatalf("after 25 h: %d listed", n)
	}
	_ = sms
}

func TestAlreadyEnrolled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		seed   []Factor
		opaque bool
		want   bool // already enrolled
	}{
		{"opaque, nothing enrolled", nil, true, false},
		{"opaque, only implicit and explicit email", []Factor{FactorEmail}, true, false},
		{"opaque, only recovery code", []Factor{FactorRecoveryCode}, true, false},
		{"opaque, active otp", []Factor{FactorOTP}, true, true},
		{"opaque, active sms", []Factor{FactorSMS}, true, true},
		{"opaque, active push", []Factor{FactorPush}, true, true},
		{"access token, active otp", []Factor{FactorOTP}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tn, _ := newTestTenant(t)
			for _, f := range tc.seed {
				if _, err := tn.SeedAuthenticator(alice, f, SeedOptions{Phone: phone}); err != nil {
					t.Fatal(err)
				}
			}
			_, err := tn.Associate(alice, client, reqOTP, tc.opaque)
			if tc.want {
				wantErr(t, err, http.StatusForbidden, "access_denied", "User is already enrolled.")
			} else {
				noErr(t, err)
			}
		})
	}
	t.Run("pending factor does not count", func(t *testing.T) {
		t.Parallel()
		tn, _ := newTestTenant(t)
		_, err := tn.Associate(alice, client, reqOTP, true)
		noErr(t, err)
		_, err = tn.Associate(alice, client, reqSMS, true)
		noErr(t, err)
	})
}

func TestMaxFailedEnrollments(t *testing.T) {
	t.Parallel()
	maxErr := func(t *testing.T, err *Error) {
		t.Helper()
		wantErr(t, err, http.StatusForbidden, "access_denied", "Guardian - User has created the maximum amount of authenticators")
	}
	t.Run("50 abandoned associations", func(t *testing.T) {
		t.Parallel()
		tn, clk := newTestTenant(t)
		for i := range maxFailedEnrollments {
			_, err := tn.Associate(alice, client, reqOTP, false)
			if err != nil {
				t.Fatalf("associate %d: %v", i+1, err)
			}
			clk.Advance(time.Minute)
		}
		_, err := tn.Associate(alice, client, reqOTP, false)
		maxErr(t, err)
		// Deleting the pending ones does not reset the count.
		for _, a := range tn.List(alice) {
			if !a.Active && strings.HasPrefix(a.ID, "totp|") {
				noErr(t, tn.Delete(alice, a.ID))
			}
		}
		_, err = tn.Associate(alice, client, reqSMS, false)
		maxErr(t, err)
		// Other users are unaffected.
		_, err = tn.Associate(bob, client, reqOTP, false)
		noErr(t, err)
		// The first attempt leaves the 24 h window.
		clk.Advance(pendingTTL - time.Duration(maxFailedEnrollments)*time.Minute - time.Nanosecond)
		_, err = tn.Associate(alice, client, reqOTP, false)
		maxErr(t, err)
		clk.Advance(time.Nanosecond)
		_, err = tn.Associate(alice, client, reqOTP, false)
		noErr(t, err)
		_, err = tn.Associate(alice, client, reqOTP, false)
		maxErr(t, err)
	})
	t.Run("failed confirmations of a pending totp count", func(t *testing.T) {
		t.Parallel()
		tn, clk := newTestTenant(t)
		_, err := tn.Associate(alice, client, reqOTP, false)
		noErr(t, err)
		for range maxFailedEnrollments - 1 {
			wantErr(t, tn.ConfirmPendingOTP(alice, "000000x"), http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
			clk.Advance(failedCodes.every) // keep the failure bucket from emptying
		}
		_, err = tn.Associate(alice, client, reqOTP, false)
		maxErr(t, err)
	})
	t.Run("failed binding codes of a pending email count", func(t *testing.T) {
		t.Parallel()
		tn, clk := newTestTenant(t)
		res, err := tn.Associate(alice, client, reqEmail, false)
		noErr(t, err)
		for range maxFailedEnrollments - 1 {
			wantErr(t, tn.VerifyOOB(alice, client, res.OOBCode, "x"), http.StatusForbidden, "invalid_grant", "Invalid binding_code.")
			clk.Advance(time.Second)
			tn.mu.Lock()
			tn.users[alice].failures = bucket{} // isolate the enrollment count from the failure bucket
			tn.mu.Unlock()
		}
		_, err = tn.Associate(alice, client, reqOTP, false)
		maxErr(t, err)
	})
	t.Run("failed codes without a pending enrollment do not count", func(t *testing.T) {
		t.Parallel()
		tn, clk := newTestTenant(t)
		if _, err := tn.SeedAuthenticator(alice, FactorOTP, SeedOptions{}); err != nil {
			t.Fatal(err)
		}
		for range 60 {
			wantErr(t, tn.VerifyActiveOTP(alice, "x"), http.StatusForbidden, "invalid_grant", "Invalid otp_code.")
			clk.Advance(failedCodes.every)
		}
		_, err := tn.Associate(alice, client, reqOTP, false)
		noErr(t, err)
	})
	t.Run("confirmed enrollments do not count", func(t *testing.T) {
		t.Parallel()
		tn, clk := newTestTenant(t)
		for i := range maxFailedEnrollments + 10 {
			_, err := tn.Associate(alice, client, reqOTP, false)
			if err != nil {
				t.Fatalf("associate %d: %v", i+1, err)
			}
			a := pendingTOTP(t, tn, alice)
			noErr(t, tn.ConfirmPendingOTP(alice, rfc6238(secretOf(t, tn, a.ID), clk.Now())))
		}
	})
}

func TestMasking(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, phone, email string }{
		{"+447700909167", "XXXXXXXXX9167", ""},
		{"+12025558730", "XXXXXXXX8730", ""},
		{"user@example.com", "", "****@exam*******"},
		{"dlozanoxxxxx@gmail.com", "", "dloz********@gmai*****"},
		{"a@b.io", "", "*@****"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			if tc.phone != "" && maskPhone(tc.in) != tc.phone {
				t.Errorf("maskPhone = %s, want %s", maskPhone(tc.in), tc.phone)
			}
			if tc.email != "" && maskEmail(tc.in) != tc.email {
				t.Errorf("maskEmail = %s, want %s", maskEmail(tc.in), tc.email)
			}
		})
	}
}
