package mfaapi_test

// The contract suite: one code path, runContract, that checks the typed client against a tenant.
// TestContractEmulator runs it against the auth0test emulator (always); TestContractRealTenant
// runs the same code against a real Auth0 tenant when AUTH0_TEST_DOMAIN is set, and says plainly
// that it was skipped otherwise. See docs/emulator-walkthrough.md, "README: Contract suite".
//
// What differs between targets is only what a target can do (contractEnv): the emulator gives a
// fresh user, a fresh server and full control to every subtest (they run in parallel); the real
// tenant has one test user, so its subtests run one after another and each deletes what it
// enrolled. Where the reference marks a fact [UNK] or [INF], the emulator must match the
// project's contract (a test failure) while a real tenant's answer is logged as "observed …",
// which settles the question (reference §7.3).

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/mfaapi"
)

// contractScope is the scope of an MFA API token (reference §1.1).
const contractScope = "enroll read:authenticators remove:authenticators"

// mfaTokenTTL is the documented, fixed lifetime of an /mfa/ access token (reference §1.3).
const mfaTokenTTL = 10 * time.Minute

// recoveryExpectation says what the suite knows of the tenant's recovery-code setting.
type recoveryExpectation int

const (
	// recoveryUnknown: the suite cannot read the setting (a real tenant); it checks the
	// "first association only" rule and reports whether a code came.
	recoveryUnknown recoveryExpectation = iota
	recoveryOn
	recoveryOff
)

// Capabilities a target may lack; contractEnv.skips maps each missing one to the reason the
// dependent subtests print with t.Skip.
const (
	capSMS    = "sms"    // read SMS codes (readSMS)
	capClock  = "clock"  // move the tenant's clock (advance)
	capCustom = "custom" // a custom domain (custom)
	capGrant  = "grant"  // turn the application's MFA grant off and on (setMFAGrant)
	capPairs  = "pairs"  // enroll SMS/voice and push pairs without a real phone or device
)

// contractTarget is a tenant the suite runs against.
type contractTarget struct {
	name     string
	parallel bool // subtests may run in parallel (each opens its own environment)
	recovery recoveryExpectation
	// open returns the environment of one subtest: a fresh emulator per call, or the one real
	// tenant and its test user.
	open func(t *testing.T) *contractEnv
}

// contractEnv is everything a subtest may use.
type contractEnv struct {
	name         string
	strict       bool // the contract's [UNK]/[INF] choices are asserted (emulator) or observed (real tenant)
	sharedUser   bool // the same user in every subtest (real tenant): leftovers of earlier runs are possible
	api          *mfaapi.Client
	rec          *wireRecorder
	tenantDomain string           // canonical tenant domain: the MFA audience is https://{tenantDomain}/mfa/
	now          func() time.Time // the tenant's clock, for TOTP codes
	// login gets a token for the audience https://{tenantDomain}/mfa/ with scope through the
	// password-realm grant (Auth0's documented ROPG route). For a user without an active factor
	// Auth0 mints it directly; with one it answers mfa_required.
	login func(ctx context.Context, scope string) (*mfaapi.Token, error)
	phone string // E.164 number for SMS enrollments

	readSMS     func(phone string) (string, bool)
	advance     func(time.Duration)
	custom      func(ctx context.Context) (*mfaapi.Client, string, error) // a client on the custom domain and a token with audience https://{custom}/mfa/
	setMFAGrant func(enabled bool) error
	skips       map[string]string
}

// need skips the subtest when the environment lacks a capability.
func (e *contractEnv) need(t *testing.T, caps ...string) {
	t.Helper()
	for _, c := range caps {
		if why, ok := e.skips[c]; ok {
			t.Skip(why)
		}
	}
}

// session is one subtest's user and token. It records what existed before, counts the
// associations it made and, at cleanup, deletes every authenticator it created that the MFA API
// can delete.
type session struct {
	env            *contractEnv
	api            *mfaapi.Client
	token          string
	canonicalToken string // the token of env.api, kept when api and token switch to the custom domain
	before         []mfaapi.Authenticator
	associations   int
	touched        bool
}

func (e *contractEnv) session(t *testing.T) *session {
	t.Helper()
	tok, err := e.login(t.Context(), contractScope)
	if err != nil {
		t.Fatalf("getting an MFA API token with the password-realm grant: %v%s", err, loginHint(err))
	}
	s := &session{env: e, api: e.api, token: tok.AccessToken, canonicalToken: tok.AccessToken}
	s.before = s.list(t)
	t.Cleanup(func() { s.cleanup(t) })
	return s
}

// loginHint explains the usual real-tenant setup mistakes.
func loginHint(err error) string {
	switch {
	case mfaapi.IsMFARequired(err):
		return " (the test user already has an active MFA factor, or the tenant's MFA policy applies to this login: " +
			"reset the user's MFA in the dashboard and set the policy to Never; see README 'Contract suite')"
	case mfaapi.IsGrantNotAllowed(err):
		return " (enable the Password grant, and MFA, on the application)"
	case mfaapi.IsInvalidClient(err):
		return " (check AUTH0_TEST_CLIENT_ID and AUTH0_TEST_CLIENT_SECRET)"
	}
	return ""
}

func (s *session) list(t *testing.T) []mfaapi.Authenticator {
	t.Helper()
	list, err := s.api.Authenticators(t.Context(), s.token)
	if err != nil {
		t.Fatalf("listing authenticators: %v", err)
	}
	return list
}

func (s *session) associate(t *testing.T, req mfaapi.AssociateRequest) *mfaapi.Association {
	t.Helper()
	s.touched = true
	a, err := s.api.Associate(t.Context(), s.token, req)
	if err != nil {
		t.Fatalf("associating %s: %v", req.Kind, err)
	}
	s.associations++
	return a
}

// added returns the authenticators of list that were not there when the session started, or
// that are not in old.
func (s *session) added(list []mfaapi.Authenticator, old ...mfaapi.Authenticator) []mfaapi.Authenticator {
	var out []mfaapi.Authenticator
	for _, a := range list {
		if !containsID(s.before, a.ID) && !containsID(old, a.ID) {
			out = append(out, a)
		}
	}
	return out
}

func containsID(list []mfaapi.Authenticator, id string) bool {
	return slices.ContainsFunc(list, func(a mfaapi.Authenticator) bool { return a.ID == id })
}

func ofKind(list []mfaapi.Authenticator, k mfaapi.Kind) []mfaapi.Authenticator {
	var out []mfaapi.Authenticator
	for _, a := range list {
		if a.Kind() == k {
			out = append(out, a)
		}
	}
	return out
}

func byID(list []mfaapi.Authenticator, id string) (mfaapi.Authenticator, bool) {
	for _, a := range list {
		if a.ID == id {
			return a, true
		}
	}
	return mfaapi.Authenticator{}, false
}

// one returns the single authenticator of kind k in list, failing otherwise.
func one(t *testing.T, list []mfaapi.Authenticator, k mfaapi.Kind) mfaapi.Authenticator {
	t.Helper()
	got := ofKind(list, k)
	if len(got) != 1 {
		t.Fatalf("want exactly one new %s authenticator, got %d (new: %s)", k, len(got), kinds(list))
	}
	return got[0]
}

// kinds describes a list without ids: "totp(pending) recovery-code(active)".
func kinds(list []mfaapi.Authenticator) string {
	var parts []string
	for _, a := range list {
		state := "active"
		if !a.Active {
			state = "pending"
		}
		parts = append(parts, string(a.Kind())+"("+state+")")
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

func isImplicitEmail(a mfaapi.Authenticator) bool {
	return a.Kind() == mfaapi.KindEmail && a.Active && a.AuthenticatorType == "oob" && a.OOBChannel == "email" && a.Name != ""
}

// cleanup deletes every deletable authenticator the session created. It runs after the
// subtest's context is canceled, so it has its own. It tries the session's current client and
// token (the custom domain's, in custom_domain_audience), then the canonical ones, then a
// fresh token.
func (s *session) cleanup(t *testing.T) {
	if !s.touched {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	type cred struct {
		api   *mfaapi.Client
		token func() (string, error)
	}
	creds := []cred{{s.api, func() (string, error) { return s.token, nil }}}
	if s.api != s.env.api {
		creds = append(creds, cred{s.env.api, func() (string, error) { return s.canonicalToken, nil }})
	}
	creds = append(creds, cred{s.env.api, func() (string, error) {
		tok, err := s.env.login(ctx, contractScope)
		if err != nil {
			return "", err
		}
		return tok.AccessToken, nil
	}})
	var last error
	for _, c := range creds {
		if last = s.deleteAdded(ctx, c.api, c.token); last == nil {
			return
		}
	}
	t.Errorf("cleanup: %v; delete the test user's authenticators by hand "+
		"(Dashboard > User Management > Users > the user > Multi-factor Authentication)", last)
}

// deleteAdded lists with one client and token and deletes what the session added.
func (s *session) deleteAdded(ctx context.Context, api *mfaapi.Client, token func() (string, error)) error {
	tok, err := token()
	if err != nil {
		return fmt.Errorf("getting a token: %w", err)
	}
	list, err := api.Authenticators(ctx, tok)
	if err != nil {
		return fmt.Errorf("listing authenticators: %w", err)
	}
	for _, a := range s.added(list) {
		if a.Kind() == mfaapi.KindRecoveryCode || a.Kind() == mfaapi.KindEmail {
			continue // not deletable with the MFA API
		}
		if err := api.DeleteAuthenticator(ctx, tok, a.ID); err != nil && !mfaapi.IsNotFound(err) {
			return fmt.Errorf("deleting a %s authenticator: %w", a.Kind(), err)
		}
	}
	return nil
}

// checkRecoveryCodes applies reference §4.1: a recovery code comes with the user's first
// association only, and only when the tenant enables recovery codes.
func (s *session) checkRecoveryCodes(t *testing.T, recovery recoveryExpectation, codes []string) {
	t.Helper()
	first := s.associations == 1 && len(ofKind(s.before, mfaapi.KindRecoveryCode)) == 0
	for _, c := range codes {
		if len(c) != 24 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
			t.Errorf("a recovery code is not 24 characters [A-Z0-9] (length %d)", len(c))
		}
	}
	switch {
	case !first && len(codes) > 0:
		t.Errorf("recovery_codes on an association that is not the user's first (%d code(s))", len(codes))
	case !first:
	case recovery == recoveryOn && len(codes) != 1:
		t.Errorf("first association with recovery codes enabled: want 1 recovery code, got %d", len(codes))
	case recovery == recoveryOff && len(codes) != 0:
		t.Errorf("first association with recovery codes disabled: want none, got %d", len(codes))
	case recovery == recoveryUnknown:
		t.Logf("observed first association of the test user: %d recovery code(s)", len(codes))
	}
}

// checkAssociateWire checks the raw associate response (what the typed client cannot show):
// no "id" (reference §0 #7 [FIX]) and only the documented members.
func (e *contractEnv) checkAssociateWire(t *testing.T, allowed ...string) {
	t.Helper()
	ev, ok := e.rec.last("POST", "/mfa/associate")
	if !ok {
		t.Fatal("no associate response recorded")
	}
	if slices.Contains(ev.Keys, "id") {
		t.Errorf("the associate response has an id member (Auth0's has none): members %v", ev.Keys)
	}
	for _, k := range ev.Keys {
		if !slices.Contains(allowed, k) {
			e.expect(t, "associate response members limited to "+strings.Join(allowed, ",")+" (extra: "+k+")", false)
		}
	}
}

// checkOTPAssociation checks an OTP association's shape (reference §2.2, §7.1) without
// printing the secret or the URI.
func checkOTPAssociation(t *testing.T, a *mfaapi.Association) {
	t.Helper()
	if a.AuthenticatorType != "otp" {
		t.Errorf("authenticator_type %q, want otp", a.AuthenticatorType)
	}
	if a.OOBCode != "" || a.OOBChannel != "" || a.BindingMethod != "" {
		t.Errorf("an OTP association carries oob members")
	}
	if len(a.Secret) != 32 {
		t.Errorf("secret has %d characters, want 32 base32 characters", len(a.Secret))
	}
	if _, err := decodeTOTPSecret(a.Secret); err != nil {
		t.Error("secret is not base32")
	}
	u, err := url.Parse(a.BarcodeURI)
	if err != nil {
		t.Fatal("barcode_uri does not parse as a URL")
	}
	if u.Scheme != "otpauth" || u.Host != "totp" {
		t.Errorf("barcode_uri is %s://%s/…, want otpauth://totp/…", u.Scheme, u.Host)
	}
	if label := strings.TrimPrefix(u.Path, "/"); !strings.Contains(label, ":") {
		t.Error("barcode_uri label is not {tenant}:{user}")
	}
	q := u.Query()
	if q.Get("secret") != a.Secret {
		t.Error("barcode_uri secret differs from the secret member")
	}
	for k, want := range map[string]string{"algorithm": "SHA1", "digits": "6", "period": "30"} {
		if got := q.Get(k); got != want {
			t.Errorf("barcode_uri %s=%q, want %q", k, got, want)
		}
	}
	if q.Get("issuer") == "" {
		t.Error("barcode_uri has no issuer")
	}
}

// confirmOTP computes the code for secret at the tenant's time and confirms the pending OTP.
func (s *session) confirmOTP(t *testing.T, secret string) (*mfaapi.Token, error) {
	t.Helper()
	code, err := totpCode(secret, s.env.now())
	if err != nil {
		t.Fatal(err)
	}
	return s.api.VerifyOTP(t.Context(), s.token, code)
}

func asAPIError(t *testing.T, err error) *mfaapi.Error {
	t.Helper()
	var ae *mfaapi.Error
	if !errors.As(err, &ae) {
		t.Fatalf("want an *mfaapi.Error, got %v", err)
	}
	return ae
}

// runContract is the contract suite. Every subtest starts from a user without factors.
func runContract(t *testing.T, tg contractTarget) {
	run := func(name string, f func(t *testing.T, env *contractEnv)) {
		t.Run(name, func(t *testing.T) {
			if tg.parallel {
				t.Parallel()
			}
			f(t, tg.open(t))
		})
	}

	// GET /mfa/authenticators for a user with no factors: empty, or the implicit verified email
	// (reference §2.1).
	run("list_fresh_user", func(t *testing.T, env *contractEnv) {
		s := env.session(t)
		for _, a := range s.before {
			switch {
			case isImplicitEmail(a):
			case a.Kind() == mfaapi.KindRecoveryCode && env.sharedUser:
				t.Logf("observed: the test user keeps a recovery-code authenticator (active=%v) from earlier runs", a.Active)
			default:
				t.Errorf("a user without factors lists a %s authenticator (active=%v)", a.Kind(), a.Active)
			}
		}
	})

	// POST /mfa/associate otp: no id, secret and barcode_uri, recovery code on the first
	// association only; the new authenticator is listed pending (active:false).
	run("associate_otp_shape", func(t *testing.T, env *contractEnv) {
		s := env.session(t)
		a := s.associate(t, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
		checkOTPAssociation(t, a)
		env.checkAssociateWire(t, "authenticator_type", "secret", "barcode_uri", "recovery_codes")
		s.checkRecoveryCodes(t, tg.recovery, a.RecoveryCodes)
		added := s.added(s.list(t))
		totp := one(t, added, mfaapi.KindTOTP)
		if totp.Active || totp.AuthenticatorType != "otp" {
			t.Errorf("the new OTP authenticator: active=%v type=%q, want pending otp", totp.Active, totp.AuthenticatorType)
		}
		rc := ofKind(added, mfaapi.KindRecoveryCode)
		env.expect(t, "a pending recovery-code authenticator is listed exactly when a recovery code was returned",
			len(rc) == len(a.RecoveryCodes) && (len(rc) == 0 || !rc[0].Active))
		if len(added) != 1+len(rc) {
			t.Errorf("associate created %s, want one pending totp (and the recovery code)", kinds(added))
		}
	})

	// Confirm at /oauth/token (mfa-otp) with the /mfa/ token as mfa_token and a code computed
	// by the suite's own RFC 6238: the OTP becomes active.
	run("confirm_otp", func(t *testing.T, env *contractEnv) {
		s := env.session(t)
		a := s.associate(t, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
		tok, err := s.confirmOTP(t, a.Secret)
		if err != nil {
			t.Fatalf("confirming with a correct code: %v", err)
		}
		if tok.AccessToken == "" || !strings.EqualFold(tok.TokenType, "Bearer") {
			t.Errorf("confirm answer: access token present %v, token_type %q", tok.AccessToken != "", tok.TokenType)
		}
		env.expect(t, "the confirm answer lasts 600 s like an /mfa/ token (reference §1.3)", tok.ExpiresIn == 600)
		added := s.added(s.list(t))
		if totp := one(t, added, mfaapi.KindTOTP); !totp.Active {
			t.Error("the OTP authenticator is still pending after a successful confirmation")
		}
		if len(a.RecoveryCodes) > 0 {
			rc := ofKind(added, mfaapi.KindRecoveryCode)
			env.expect(t, "the recovery-code authenticator becomes active with the first factor", len(rc) == 1 && rc[0].Active)
		}
		ev, _ := env.rec.last("GET", "/mfa/authenticators")
		if env.strict {
			for _, k := range ev.Keys {
				if !slices.Contains([]string{"id", "authenticator_type", "active", "oob_channel", "name"}, k) {
					t.Errorf("list member %q: the emulator lists only the recorded members", k)
				}
			}
		} else {
			t.Logf("observed list members (type, created_at, last_auth?): %v", ev.Keys)
		}
	})

	// A wrong code is invalid_grant "Invalid otp_code." and does not burn the enrollment.
	run("wrong_otp", func(t *testing.T, env *contractEnv) {
		s := env.session(t)
		a := s.associate(t, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
		wrong, err := wrongTOTPCode(a.Secret, env.now())
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.api.VerifyOTP(t.Context(), s.token, wrong)
		if !mfaapi.IsInvalidCode(err) {
			t.Fatalf("wrong code: want IsInvalidCode, got %v", err)
		}
		env.wantWire(t, "wrong OTP at the mfa-otp grant", err, 403, "invalid_grant", "Invalid otp_code.")
		if totp := one(t, s.added(s.list(t)), mfaapi.KindTOTP); totp.Active {
			t.Fatal("a wrong code activated the authenticator")
		}
		if _, err := s.confirmOTP(t, a.Secret); err != nil {
			t.Fatalf("the right code after a wrong one: %v", err)
		}
	})

	// A second association (the user now has an active OTP; the enroll-scoped /mfa/ token is
	// allowed to add more): no recovery code, listed pending next to the active one, and
	// (reference §7.3) whether a second OTP can be confirmed.
	run("second_associate", func(t *testing.T, env *contractEnv) {
		s := env.session(t)
		first := s.associate(t, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
		if _, err := s.confirmOTP(t, first.Secret); err != nil {
			t.Fatalf("confirming the first OTP: %v", err)
		}
		firstList := s.list(t)
		firstOTP := one(t, s.added(firstList), mfaapi.KindTOTP)
		second := s.associate(t, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
		checkOTPAssociation(t, second)
		s.checkRecoveryCodes(t, tg.recovery, second.RecoveryCodes)
		list := s.list(t)
		if a, ok := byID(list, firstOTP.ID); !ok || !a.Active {
			t.Error("the first OTP is no longer listed active")
		}
		pending := one(t, s.added(list, firstList...), mfaapi.KindTOTP)
		if pending.Active {
			t.Fatal("the second OTP is active before its confirmation")
		}
		_, err := s.confirmOTP(t, second.Secret)
		if !env.strict {
			t.Logf("observed confirming a second OTP with an enroll token (reference §7.3): err=%v", err)
		} else if err != nil {
			t.Fatalf("confirming the second OTP: %v", err)
		}
		if err == nil {
			a, ok := byID(s.list(t), pending.ID)
			env.expect(t, "the second OTP is listed active after its confirmation", ok && a.Active)
		}
	})

	// SMS: associate, read the code from the outbox, a wrong binding code, then the right one;
	// the sms/voice pair becomes active together.
	run("sms_outbox", func(t *testing.T, env *contractEnv) {
		env.need(t, capSMS)
		s := env.session(t)
		a := s.associate(t, mfaapi.AssociateRequest{Kind: mfaapi.KindSMS, PhoneNumber: env.phone})
		if a.AuthenticatorType != "oob" || a.OOBChannel != "sms" || a.BindingMethod != "prompt" || a.OOBCode == "" {
			t.Errorf("SMS association: type %q channel %q binding %q oob_code present %v",
				a.AuthenticatorType, a.OOBChannel, a.BindingMethod, a.OOBCode != "")
		}
		env.checkAssociateWire(t, "authenticator_type", "oob_channel", "oob_code", "binding_method", "recovery_codes")
		s.checkRecoveryCodes(t, tg.recovery, a.RecoveryCodes)
		added := s.added(s.list(t))
		sms := one(t, added, mfaapi.KindSMS)
		last4 := env.phone[len(env.phone)-4:]
		if sms.Active || !strings.HasSuffix(sms.Name, last4) || strings.Contains(sms.Name, env.phone[1:]) {
			t.Errorf("pending SMS authenticator: active=%v, name masked to the last 4 digits: %v",
				sms.Active, strings.HasSuffix(sms.Name, last4) && !strings.Contains(sms.Name, env.phone[1:]))
		}
		voice := ofKind(added, mfaapi.KindVoice)
		env.expect(t, "an SMS enrollment creates its voice pair (same id suffix)", len(voice) == 1 && voice[0].PairKey() == sms.PairKey())
		code, ok := env.readSMS(env.phone)
		if !ok {
			t.Fatal("no SMS code in the outbox")
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		_, err := s.api.VerifyOOB(t.Context(), s.token, a.OOBCode, wrong)
		if !mfaapi.IsInvalidCode(err) {
			t.Fatalf("wrong binding code: want IsInvalidCode, got %v", err)
		}
		env.wantWire(t, "wrong binding code at the mfa-oob grant", err, 403, "invalid_grant", "Invalid binding_code.")
		if _, err := s.api.VerifyOOB(t.Context(), s.token, a.OOBCode, code); err != nil {
			t.Fatalf("confirming with the SMS code: %v", err)
		}
		for _, a := range s.added(s.list(t)) {
			if (a.Kind() == mfaapi.KindSMS || a.Kind() == mfaapi.KindVoice) && !a.Active {
				t.Errorf("%s still pending after the SMS confirmation", a.Kind())
			}
		}
	})

	// Deleting one half of a pair deletes both: sms/voice and push/its OTP (reference §4.3).
	run("pairs_deleted_together", func(t *testing.T, env *contractEnv) {
		env.need(t, capPairs)
		s := env.session(t)
		s.associate(t, mfaapi.AssociateRequest{Kind: mfaapi.KindSMS, PhoneNumber: env.phone})
		added := s.added(s.list(t))
		sms, voice := one(t, added, mfaapi.KindSMS), one(t, added, mfaapi.KindVoice)
		if sms.PairKey() != voice.PairKey() {
			t.Error("sms and voice of one number have different pair keys")
		}
		if err := s.api.DeleteAuthenticator(t.Context(), s.token, voice.ID); err != nil {
			t.Fatalf("deleting the voice half: %v", err)
		}
		list := s.list(t)
		if containsID(list, sms.ID) || containsID(list, voice.ID) {
			t.Errorf("after deleting voice: %s", kinds(s.added(list)))
		}

		push := s.associate(t, mfaapi.AssociateRequest{Kind: mfaapi.KindPush})
		if push.AuthenticatorType != "oob" || push.OOBChannel != "auth0" || push.OOBCode == "" || push.BindingMethod != "" ||
			!strings.HasPrefix(push.BarcodeURI, "otpauth://") {
			t.Errorf("push association: type %q channel %q binding %q", push.AuthenticatorType, push.OOBChannel, push.BindingMethod)
		}
		env.checkAssociateWire(t, "authenticator_type", "barcode_uri", "oob_channel", "oob_code", "recovery_codes")
		added = s.added(s.list(t), list...)
		p, companion := one(t, added, mfaapi.KindPush), one(t, added, mfaapi.KindTOTP)
		// Auth0 gives the companion an id suffix of its own, so the ids do not pair them.
		if p.PairKey() == companion.PairKey() || p.Active || companion.Active {
			t.Errorf("push and its OTP: same pair key %v (want distinct ids), active %v/%v", p.PairKey() == companion.PairKey(), p.Active, companion.Active)
		}
		if err := s.api.DeleteAuthenticator(t.Context(), s.token, companion.ID); err != nil {
			t.Fatalf("deleting the push's OTP: %v", err)
		}
		list = s.list(t)
		if containsID(list, p.ID) || containsID(list, companion.ID) {
			t.Errorf("after deleting the push's OTP: %s", kinds(s.added(list)))
		}
	})

	// DELETE: 204, then 404 not_found; a pending authenticator can be deleted; recovery codes
	// and the verified email cannot.
	run("delete", func(t *testing.T, env *contractEnv) {
		s := env.session(t)
		a := s.associate(t, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
		if _, err := s.confirmOTP(t, a.Secret); err != nil {
			t.Fatalf("confirming: %v", err)
		}
		totp := one(t, s.added(s.list(t)), mfaapi.KindTOTP)
		if err := s.api.DeleteAuthenticator(t.Context(), s.token, totp.ID); err != nil {
			t.Fatalf("deleting the active OTP: %v", err)
		}
		if ev, _ := env.rec.last("DELETE", "/mfa/authenticators/"); ev.Status != 204 {
			t.Errorf("DELETE answered %d, want 204", ev.Status)
		}
		err := s.api.DeleteAuthenticator(t.Context(), s.token, totp.ID)
		if !mfaapi.IsNotFound(err) {
			t.Fatalf("deleting it again: want IsNotFound, got %v", err)
		}
		env.wantWire(t, "DELETE of an unknown authenticator", err, 404, "not_found", "Authenticator not found.")
		if containsID(s.list(t), totp.ID) {
			t.Error("the deleted OTP is still listed")
		}

		s.associate(t, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
		pending := one(t, s.added(s.list(t)), mfaapi.KindTOTP)
		if err := s.api.DeleteAuthenticator(t.Context(), s.token, pending.ID); err != nil {
			t.Fatalf("deleting a pending OTP: %v", err)
		}
		if ev, _ := env.rec.last("DELETE", "/mfa/authenticators/"); ev.Status != 204 {
			t.Errorf("DELETE of a pending OTP answered %d, want 204", ev.Status)
		}

		list := s.list(t)
		if !env.strict {
			t.Logf("observed after deleting the last factor: %s", kinds(list))
		}
		for _, a := range list {
			var what, want string
			switch {
			case a.Kind() == mfaapi.KindRecoveryCode:
				what, want = "DELETE of the recovery-code authenticator", "Recovery code authenticators cannot be deleted with the MFA API."
			case isImplicitEmail(a):
				what, want = "DELETE of the verified-email authenticator", "Verified email authenticators cannot be deleted."
			default:
				continue
			}
			err := s.api.DeleteAuthenticator(t.Context(), s.token, a.ID)
			if err == nil {
				env.expect(t, what+" is refused", false)
				continue
			}
			env.expect(t, what+" is IsNotDeletable", mfaapi.IsNotDeletable(err))
			env.wantWire(t, what, err, 403, "access_denied", want)
		}
	})

	// An expired /mfa/ token (10 minutes, reference §1.3): 401 on /mfa/*, expired_token at the
	// MFA grants.
	run("expired_token", func(t *testing.T, env *contractEnv) {
		env.need(t, capClock)
		s := env.session(t)
		env.advance(mfaTokenTTL + time.Second)
		_, err := s.api.Authenticators(t.Context(), s.token)
		if !mfaapi.IsTokenExpired(err) || !mfaapi.IsInvalidToken(err) {
			t.Fatalf("list with an expired token: want IsTokenExpired and IsInvalidToken, got %v", err)
		}
		env.wantWire(t, "expired bearer on /mfa/*", err, 401, "invalid_token", "Expired token.")
		_, err = s.api.Associate(t.Context(), s.token, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
		if !mfaapi.IsTokenExpired(err) {
			t.Errorf("associate with an expired token: want IsTokenExpired, got %v", err)
		}
		_, err = s.api.VerifyOTP(t.Context(), s.token, "123456")
		if !mfaapi.IsTokenExpired(err) {
			t.Fatalf("mfa-otp with an expired token: want IsTokenExpired, got %v", err)
		}
		env.wantWire(t, "expired mfa_token at the mfa-otp grant", err, 401, "expired_token", "mfa_token is expired")
	})

	// The seed case (thread 44384, reference §1.6): a token for https://{custom domain}/mfa/
	// associates, and the confirmation fails with invalid_grant "invalid audience"; Fix names
	// the canonical tenant domain.
	run("custom_domain_audience", func(t *testing.T, env *contractEnv) {
		env.need(t, capCustom)
		s := env.session(t)
		api, tok, err := env.custom(t.Context())
		if err != nil {
			t.Fatalf("getting a token through the custom domain with audience https://{custom domain}/mfa/: %v", err)
		}
		s.api, s.token = api, tok // the session (and its cleanup) now works through the custom domain
		s.touched = true
		a, err := s.api.Associate(t.Context(), s.token, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
		if err != nil {
			if !env.strict {
				t.Logf("observed associate with a custom-domain audience (reference §7.3): refused: %v", err)
				return
			}
			t.Fatalf("associate with a custom-domain audience: %v (Auth0 accepts it, thread 44384)", err)
		}
		if !env.strict {
			t.Log("observed associate with a custom-domain audience (reference §7.3): accepted")
		}
		_, err = s.confirmOTP(t, a.Secret)
		if !mfaapi.IsWrongAudience(err) {
			t.Fatalf("confirming with the custom-domain token: want IsWrongAudience, got %v", err)
		}
		env.wantWire(t, "custom-domain audience at the mfa-otp grant", err, 403, "invalid_grant", "invalid audience")
		ae := asAPIError(t, err)
		fix := ae.Fix()
		if !strings.Contains(fix, env.tenantDomain) && !strings.Contains(fix, "canonical tenant domain") {
			t.Errorf("Fix() does not name the canonical tenant domain: %q", fix)
		}
		if !strings.Contains(fix, "/mfa/") || !strings.Contains(ae.Error(), "fix: ") {
			t.Errorf("Fix() should give the audience's form and Error() should carry it: %q", ae.Error())
		}
		if totp := one(t, s.added(s.list(t)), mfaapi.KindTOTP); totp.Active {
			t.Error("the refused confirmation activated the OTP")
		}
	})

	// The application without the MFA grant: unauthorized_client, with the fix.
	run("grant_disabled", func(t *testing.T, env *contractEnv) {
		env.need(t, capGrant)
		s := env.session(t)
		a := s.associate(t, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
		if err := env.setMFAGrant(false); err != nil {
			t.Fatal(err)
		}
		_, err := s.confirmOTP(t, a.Secret)
		if !mfaapi.IsGrantNotAllowed(err) {
			t.Fatalf("mfa-otp without the MFA grant: want IsGrantNotAllowed, got %v", err)
		}
		env.wantWire(t, "mfa-otp grant not enabled", err, 403, "unauthorized_client",
			"Grant type 'http://auth0.com/oauth/grant-type/mfa-otp' not allowed for the client.")
		if fix := asAPIError(t, err).Fix(); !strings.Contains(fix, "Grant Types > MFA") {
			t.Errorf("Fix() does not say which grant to enable: %q", fix)
		}
		if err := env.setMFAGrant(true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.confirmOTP(t, a.Secret); err != nil {
			t.Fatalf("confirming once the grant is back: %v", err)
		}
	})

	// A bearer that is not a token (reference §7.3: invalid bearer on /mfa/*).
	run("invalid_token", func(t *testing.T, env *contractEnv) {
		_, err := env.api.Authenticators(t.Context(), "not-a-token")
		if !mfaapi.IsInvalidToken(err) || mfaapi.IsTokenExpired(err) {
			t.Fatalf("list with garbage: want IsInvalidToken (not expired), got %v", err)
		}
		env.wantWire(t, "invalid bearer on /mfa/*", err, 401, "invalid_token", "Invalid token.")
	})

	// A token without enroll / remove:authenticators (reference §7.3: insufficient scope).
	run("insufficient_scope", func(t *testing.T, env *contractEnv) {
		s := env.session(t)
		narrow, err := env.login(t.Context(), "read:authenticators")
		if err != nil {
			t.Fatalf("getting a read-only MFA API token: %v", err)
		}
		if _, err := s.api.Authenticators(t.Context(), narrow.AccessToken); err != nil {
			t.Fatalf("listing with read:authenticators: %v", err)
		}
		s.touched = true // in case the tenant associates anyway
		_, err = s.api.Associate(t.Context(), narrow.AccessToken, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
		if !mfaapi.IsInsufficientScope(err) {
			env.expect(t, "associate without enroll is IsInsufficientScope", false)
			t.Logf("associate without enroll: %v", err)
		}
		env.wantWire(t, "associate without the enroll scope", err, 403, "insufficient_scope", "Insufficient scope, expected: enroll")
		err = s.api.DeleteAuthenticator(t.Context(), narrow.AccessToken, "totp|dev_0000000000000000")
		if !mfaapi.IsInsufficientScope(err) {
			env.expect(t, "delete without remove:authenticators is IsInsufficientScope", false)
			t.Logf("delete without remove:authenticators: %v", err)
		}
		env.wantWire(t, "delete without the remove:authenticators scope", err, 403, "insufficient_scope",
			"Insufficient scope, expected: remove:authenticators")
	})

	// Once the user has an active factor the password login with the MFA audience answers
	// mfa_required; its opaque mfa_token lists, but cannot associate ("User is already
	// enrolled") nor delete (reference §1.4, §4.4).
	run("already_enrolled", func(t *testing.T, env *contractEnv) {
		s := env.session(t)
		a := s.associate(t, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
		if _, err := s.confirmOTP(t, a.Secret); err != nil {
			t.Fatalf("confirming: %v", err)
		}
		totp := one(t, s.added(s.list(t)), mfaapi.KindTOTP)
		_, err := env.login(t.Context(), contractScope)
		if !mfaapi.IsMFARequired(err) || asAPIError(t, err).MFAToken == "" {
			t.Fatalf("login with the MFA audience for an enrolled user: want mfa_required with an mfa_token, got %v", err)
		}
		mfaToken := asAPIError(t, err).MFAToken
		list, err := s.api.Authenticators(t.Context(), mfaToken)
		if err != nil {
			t.Fatalf("listing with the mfa_token: %v", err)
		}
		if !containsID(list, totp.ID) {
			t.Error("the mfa_token's list lacks the active OTP")
		}
		_, err = s.api.Associate(t.Context(), mfaToken, mfaapi.AssociateRequest{Kind: mfaapi.KindTOTP})
		if !mfaapi.IsAlreadyEnrolled(err) {
			t.Fatalf("associate with the mfa_token while enrolled: want IsAlreadyEnrolled, got %v", err)
		}
		env.wantWire(t, "associate with an mfa_token while enrolled", err, 403, "access_denied", "User is already enrolled.")
		err = s.api.DeleteAuthenticator(t.Context(), mfaToken, totp.ID)
		if !mfaapi.IsInvalidToken(err) {
			t.Fatalf("delete with the mfa_token: want IsInvalidToken, got %v", err)
		}
		env.wantWire(t, "DELETE with an opaque mfa_token", err, 401, "invalid_token", "Invalid token.")
	})
}

// TestContractEmulator runs the contract suite against the auth0test emulator: once with the
// emulator's defaults (recovery codes on, a user with a verified email) and once with recovery
// codes off and a user without a verified email.
func TestContractEmulator(t *testing.T) {
	t.Parallel()
	key := contractSigningKey(t)
	for _, tg := range []contractTarget{
		emulatorTarget("recovery_codes_on", key, true, true),
		emulatorTarget("recovery_codes_off", key, false, false),
	} {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			runContract(t, tg)
		})
	}
}

// TestContractRealTenant runs the same suite against a real tenant when AUTH0_TEST_DOMAIN is
// set. The subtests share the tenant's one test user: they run one after another and each
// deletes what it enrolled.
func TestContractRealTenant(t *testing.T) {
	cfg := realTenantFromEnv(os.Getenv)
	if cfg.domain == "" {
		t.Skip("real tenant: skipped, AUTH0_TEST_DOMAIN not set — see README 'Contract suite'")
	}
	tg, err := cfg.target()
	if err != nil {
		t.Fatal(err)
	}
	// Preflight: one clear failure instead of one per subtest when the user or app is not set up.
	env := tg.open(t)
	if _, err := env.login(t.Context(), contractScope); err != nil {
		t.Fatalf("real tenant preflight: password-realm login with audience https://%s/mfa/: %v%s", env.tenantDomain, err, loginHint(err))
	}
	runContract(t, tg)
}
