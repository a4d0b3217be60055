package auth0test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func passwordRealm(user, pw, aud, scope string) url.Values {
	v := url.Values{"grant_type": {GrantPasswordRealm}, "client_id": {testClientID}, "client_secret": {testSecret},
		"username": {user}, "password": {pw}, "realm": {ConnectionName}}
	if aud != "" {
		v.Set("audience", aud)
	}
	if scope != "" {
		v.Set("scope", scope)
	}
	return v
}

func TestPasswordGrants(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	if _, err := h.s.SeedAuthenticator(aliceID, FactorOTP, SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	mfaScope := "openid enroll read:authenticators remove:authenticators"

	t.Run("no factor, MFA audience: token without challenge", func(t *testing.T) {
		t.Parallel()
		r := h.postForm(base, "/oauth/token", passwordRealm("bob@example.com", bobPass, h.s.MFAAudience(), mfaScope+" offline_access bogus"))
		if r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
		m := r.json(t)
		// offline_access is granted with a refresh token, as the docs' password-grant advice
		// for the /mfa/ audience implies ("use a refresh token to refresh it later"); the
		// unknown scope is dropped.
		if rt, _ := m["refresh_token"].(string); m["expires_in"] != float64(600) || m["scope"] != mfaScope+" offline_access" || rt == "" {
			t.Fatalf("%v", m)
		}
		at := h.claims(base, m["access_token"].(string))
		aud, _ := at["aud"].([]any)
		if len(aud) != 2 || aud[0] != h.s.MFAAudience() || aud[1] != h.s.Issuer()+"userinfo" ||
			at["exp"].(float64)-at["iat"].(float64) != 600 || at["scope"] != mfaScope+" offline_access" || at["sub"] != bobID {
			t.Fatalf("claims %v", at)
		}
	})
	t.Run("plain password grant", func(t *testing.T) {
		t.Parallel()
		v := passwordRealm("bob@example.com", bobPass, "", "openid")
		v.Set("grant_type", GrantPassword)
		v.Del("realm")
		if r := h.postForm(base, "/oauth/token", v); r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	// mfa_requirements comes only with Customizable MFA (docs: "Customize MFA").
	for _, customize := range []bool{false, true} {
		t.Run(fmt.Sprintf("factor, MFA audience: mfa_required (customize MFA %v)", customize), func(t *testing.T) {
			t.Parallel()
			settings := DefaultSettings()
			settings.CustomizeMFA = customize
			h := newHarness(t, WithSettings(settings))
			base := h.s.URL()
			h.seed(aliceID, FactorOTP, SeedOptions{})
			r := h.postForm(base, "/oauth/token", passwordRealm("alice@example.com", alicePass, h.s.MFAAudience(), mfaScope))
			wantError(t, r, 403, "mfa_required", "Multifactor authentication required")
			if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			m := r.json(t)
			if tok := m["mfa_token"].(string); !strings.HasPrefix(tok, "Fe26.2*") {
				t.Fatalf("mfa_token %q", tok)
			}
			if !customize {
				wantKeys(t, m, "error", "error_description", "mfa_token")
				return
			}
			wantKeys(t, m, "error", "error_description", "mfa_token", "mfa_requirements")
			req := m["mfa_requirements"].(map[string]any)["challenge"].([]any)
			if len(req) == 0 || req[0].(map[string]any)["type"] != "otp" {
				t.Fatalf("requirements %v", m["mfa_requirements"])
			}
		})
	}
	t.Run("factor, no MFA audience, policy never: tokens", func(t *testing.T) {
		t.Parallel()
		h2 := newHarness(t, WithSettings(Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyNever}))
		if _, err := h2.s.SeedAuthenticator(aliceID, FactorOTP, SeedOptions{}); err != nil {
			t.Fatal(err)
		}
		if r := h2.postForm(h2.s.URL(), "/oauth/token", passwordRealm("alice@example.com", alicePass, "", "openid")); r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	for _, tc := range []struct {
		name         string
		v            url.Values
		status       int
		code, desc   string
		descContains bool
	}{
		{"wrong password", passwordRealm("bob@example.com", "nope", "", ""), 403, "invalid_grant", "Wrong email or password.", false},
		{"unknown user", passwordRealm("carol@example.com", "nope", "", ""), 403, "invalid_grant", "Wrong email or password.", false},
		{"wrong realm", func() url.Values {
			v := passwordRealm("bob@example.com", bobPass, "", "")
			v.Set("realm", "google-oauth2")
			return v
		}(),
			400, "invalid_request", "Connection not found.", false},
		{"unknown audience", passwordRealm("bob@example.com", bobPass, "https://nope/", ""), 403, "access_denied", "Service not found: https://nope/", false},
		{"unsupported grant", url.Values{"grant_type": {"client_credentials"}, "client_id": {testClientID}, "client_secret": {testSecret}},
			400, "unsupported_grant_type", "Unsupported grant type: client_credentials", false},
		{"missing grant", url.Values{"client_id": {testClientID}}, 400, "invalid_request", "Missing required parameter: grant_type", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantError(t, h.postForm(base, "/oauth/token", tc.v), tc.status, tc.code, tc.desc)
		})
	}
}

func TestGrantSwitch(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithGrantTypes(testClientID, GrantAuthorizationCode, GrantPasswordRealm))
	tok := h.s.IssueMFAToken(aliceID, testClientID)
	for _, g := range MFAGrantTypes() {
		t.Run(g, func(t *testing.T) {
			t.Parallel()
			r := h.mfaGrant(h.s.URL(), g, url.Values{"mfa_token": {tok}, "otp": {"123456"}, "oob_code": {"x"}, "recovery_code": {"x"}})
			wantError(t, r, 403, "unauthorized_client", "Grant type '"+g+"' not allowed for the client.")
		})
	}
	t.Run("password not enabled", func(t *testing.T) {
		t.Parallel()
		v := passwordRealm("bob@example.com", bobPass, "", "")
		v.Set("grant_type", GrantPassword)
		wantError(t, h.postForm(h.s.URL(), "/oauth/token", v), 403, "unauthorized_client", "Grant type 'password' not allowed for the client.")
	})
	t.Run("switch at runtime", func(t *testing.T) {
		t.Parallel()
		h2 := newHarness(t)
		if err := h2.s.SetMFAGrantEnabled(testClientID, false); err != nil {
			t.Fatal(err)
		}
		r := h2.mfaGrant(h2.s.URL(), GrantMFAOTP, url.Values{"mfa_token": {"x"}, "otp": {"123456"}})
		wantError(t, r, 403, "unauthorized_client", "Grant type '"+GrantMFAOTP+"' not allowed for the client.")
		if err := h2.s.SetMFAGrantEnabled("nope", true); err == nil {
			t.Fatal("unknown client accepted")
		}
	})
}

// TestMFAGrantTokenTable applies reference §1.4 and the contract's rows
// for the mfa_token of the MFA grants.
func TestMFAGrantTokenTable(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithClient("other", "other-secret", "http://other.test/cb"))
	base := h.s.URL()
	mustTok := func(sub string, o TokenOptions) string {
		tok, err := h.s.IssueAccessToken(sub, o)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	expiredOpaque := h.s.IssueMFAToken(aliceID, testClientID)
	h.s.Advance(11 * time.Minute)
	for _, tc := range []struct {
		name       string
		tok        string
		status     int
		code, desc string
	}{
		{"garbage", "not-a-token", 401, "invalid_grant", "Malformed mfa_token"},
		{"garbage JWT", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", 401, "invalid_grant", "Malformed mfa_token"},
		{"expired opaque", expiredOpaque, 401, "expired_token", "mfa_token is expired"},
		{"opaque of another client", h.s.IssueMFAToken(aliceID, "other"), 401, "invalid_grant", "Malformed mfa_token"},
		{"expired JWT", mustTok(aliceID, TokenOptions{TTL: -time.Second}), 401, "expired_token", "mfa_token is expired"},
		{"custom-domain audience JWT", mustTok(aliceID, TokenOptions{Audience: h.s.CustomMFAAudience()}), 403, "invalid_grant", "invalid audience"},
		{"userinfo-only JWT", mustTok(aliceID, TokenOptions{Audience: h.s.Issuer() + "userinfo", Scope: "openid"}), 403, "invalid_grant", "invalid audience"},
		{"JWT of another client", mustTok(aliceID, TokenOptions{ClientID: "other"}), 401, "invalid_grant", "Malformed mfa_token"},
		{"JWT issued through the other host", mustTok(aliceID, TokenOptions{ViaCustomDomain: true}), 401, "invalid_grant", "Malformed mfa_token"},
		{"valid JWT, wrong code", mustTok(aliceID, TokenOptions{}), 403, "invalid_grant", "Invalid otp_code."},
		{"valid opaque, wrong code", h.s.IssueMFAToken(aliceID, testClientID), 403, "invalid_grant", "Invalid otp_code."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.mfaGrant(base, GrantMFAOTP, url.Values{"mfa_token": {tc.tok}, "otp": {"000000"}})
			wantError(t, r, tc.status, tc.code, tc.desc)
		})
	}
	t.Run("missing otp", func(t *testing.T) {
		wantError(t, h.mfaGrant(base, GrantMFAOTP, url.Values{"mfa_token": {"x"}}), 400, "invalid_request", "Missing required parameter: otp")
	})
}

// TestMFARequiredThenOTP: password-realm → mfa_required → mfa-otp with the
// opaque token → the tokens of the original request.
func TestMFARequiredThenOTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	a, err := h.s.SeedAuthenticator(aliceID, FactorOTP, SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := h.postForm(base, "/oauth/token", passwordRealm("alice@example.com", alicePass, h.s.MFAAudience(), "openid read:authenticators"))
	tok := r.json(t)["mfa_token"].(string)
	// The opaque token lists but cannot delete.
	if l := h.get(base, "/mfa/authenticators", tok); l.status != http.StatusOK {
		t.Fatalf("list with mfa_token: %d %s", l.status, l.body)
	}
	wantError(t, h.del(base, "/mfa/authenticators/"+url.PathEscape(a.ID), tok), 401, "invalid_token", "Invalid token.")

	r = h.mfaGrant(base, GrantMFAOTP, url.Values{"mfa_token": {tok}, "otp": {h.totp(a.ID)}})
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	m := r.json(t)
	if m["expires_in"] != float64(600) || m["scope"] != "openid read:authenticators" || m["id_token"] == nil {
		t.Fatalf("%v", m)
	}
	// A code is accepted once.
	wantError(t, h.mfaGrant(base, GrantMFAOTP, url.Values{"mfa_token": {tok}, "otp": {h.totp(a.ID)}}), 403, "invalid_grant", "Invalid otp_code.")
}

func TestRecoveryCodeGrant(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if _, err := h.s.SeedAuthenticator(aliceID, FactorOTP, SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.SeedAuthenticator(aliceID, FactorRecoveryCode, SeedOptions{RecoveryCode: "MZCRK3YX5V3AKNNYY6JEBQCL"}); err != nil {
		t.Fatal(err)
	}
	tok := h.s.IssueMFAToken(aliceID, testClientID)
	wantError(t, h.mfaGrant(h.s.URL(), GrantMFARecoveryCode, url.Values{"mfa_token": {tok}, "recovery_code": {"17EQHNZC2SZDYG7X4QXVX9SW"}}),
		403, "invalid_grant", "Invalid recovery_code.")
	r := h.mfaGrant(h.s.URL(), GrantMFARecoveryCode, url.Values{"mfa_token": {tok}, "recovery_code": {"MZCRK3YX5V3AKNNYY6JEBQCL"}})
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	m := r.json(t)
	code, _ := m["recovery_code"].(string)
	if len(code) != 24 || code == "MZCRK3YX5V3AKNNYY6JEBQCL" || strings.ToUpper(code) != code {
		t.Fatalf("recovery_code %q", code)
	}
	// the old code is gone, the new one works
	wantError(t, h.mfaGrant(h.s.URL(), GrantMFARecoveryCode, url.Values{"mfa_token": {tok}, "recovery_code": {"MZCRK3YX5V3AKNNYY6JEBQCL"}}),
		403, "invalid_grant", "Invalid recovery_code.")
	if r := h.mfaGrant(h.s.URL(), GrantMFARecoveryCode, url.Values{"mfa_token": {tok}, "recovery_code": {code}}); r.status != http.StatusOK {
		t.Fatalf("new code: %d %s", r.status, r.body)
	}
}

func TestTooManyFailedCodes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	a, err := h.s.SeedAuthenticator(aliceID, FactorOTP, SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tok := h.s.IssueMFAToken(aliceID, testClientID)
	var last resp
	for range 11 {
		last = h.mfaGrant(h.s.URL(), GrantMFAOTP, url.Values{"mfa_token": {tok}, "otp": {"000000"}})
	}
	wantError(t, last, 429, "too_many_attempts", "Too many failed codes. Wait for some minutes before retrying.")
	if last.header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	_ = a
}

func TestTokenBodies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	for _, tc := range []struct {
		name, ct, body string
		status         int
		code, desc     string
	}{
		{"text/plain", "text/plain", "grant_type=password", 400, "invalid_request", "Content-Type must be application/json or application/x-www-form-urlencoded."},
		{"bad JSON", "application/json", `{"grant_type":`, 400, "invalid_request", "Invalid JSON body."},
		{"JSON array", "application/json", `["x"]`, 400, "invalid_request", "Invalid JSON body."},
		{"JSON number member", "application/json", `{"grant_type":1}`, 400, "invalid_request", "grant_type must be a string."},
		{"repeated form parameter", "application/x-www-form-urlencoded", "grant_type=password&grant_type=password", 400, "invalid_request", `Parameter "grant_type" is repeated.`},
		{"too large", "application/x-www-form-urlencoded", "x=" + strings.Repeat("a", MaxBodyBytes), 413, "invalid_request", "Request body too large."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantError(t, h.do(nil, h.newReq(http.MethodPost, base+"/oauth/token", tc.ct, strings.NewReader(tc.body))), tc.status, tc.code, tc.desc)
		})
	}
}

// listedActive returns the "active" member of authenticator id in GET
// /mfa/authenticators answered to a fresh /mfa/ access token of sub.
func (h *harness) listedActive(base, sub, id string) bool {
	h.t.Helper()
	tok, err := h.s.IssueAccessToken(sub, TokenOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	r := h.get(base, "/mfa/authenticators", tok)
	if r.status != http.StatusOK {
		h.t.Fatalf("list %d %s", r.status, r.body)
	}
	for _, a := range r.jsonArray(h.t) {
		if a["id"] == id {
			return a["active"] == true
		}
	}
	h.t.Fatalf("%s not listed: %s", id, r.body)
	return false
}

// TestMFAOTPConfirmOrChallenge: grant mfa-otp confirms the newest pending
// totp when its mfa_token is an /mfa/ access token, or an opaque mfa_token
// of a user not enrolled yet; it answers a challenge with active totps only
// when the mfa_token is the opaque one of an enrolled user. A code of the
// other kind is "Invalid otp_code." and changes nothing.
func TestMFAOTPConfirmOrChallenge(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		enrolled   bool // the user has an active totp (else none)
		opaque     bool // mfa_token is an opaque mfa_token, else an /mfa/ access token
		usePending bool // the code is the pending totp's, else the active one's
		ok         bool
	}{
		{"JWT, active totp's code at enrollment confirm", true, false, false, false},
		{"JWT, pending totp's code", true, false, true, true},
		{"JWT, first enrollment", false, false, true, true},
		{"opaque, enrolled user, pending totp's code at challenge", true, true, true, false},
		{"opaque, enrolled user, active totp's code", true, true, false, true},
		{"opaque, first enrollment during login", false, true, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			base := h.s.URL()
			var activeID string
			if tc.enrolled {
				a, err := h.s.SeedAuthenticator(aliceID, FactorOTP, SeedOptions{})
				if err != nil {
					t.Fatal(err)
				}
				activeID = a.ID
			}
			jwt, err := h.s.IssueAccessToken(aliceID, TokenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tok := jwt
			if tc.opaque {
				tok = h.s.IssueMFAToken(aliceID, testClientID)
			}
			assocTok := jwt
			if !tc.enrolled {
				assocTok = tok // an opaque mfa_token may associate the first factor
			}
			if r := h.postJSON(base, "/mfa/associate", assocTok, map[string]any{"authenticator_types": []string{"otp"}}); r.status != http.StatusOK {
				t.Fatalf("associate %d %s", r.status, r.body)
			}
			pendingID := h.pendingID(aliceID, "totp|")
			code := h.totp(pendingID)
			if !tc.usePending {
				code = h.totp(activeID)
				if code == h.totp(pendingID) {
					t.Skip("the two totps show the same code at this instant")
				}
			}
			r := h.mfaGrant(base, GrantMFAOTP, url.Values{"mfa_token": {tok}, "otp": {code}})
			wantConfirmed := tc.ok && tc.usePending
			if tc.ok {
				if r.status != http.StatusOK {
					t.Fatalf("%d %s", r.status, r.body)
				}
			} else {
				wantError(t, r, 403, "invalid_grant", "Invalid otp_code.")
			}
			if got := h.listedActive(base, aliceID, pendingID); got != wantConfirmed {
				t.Fatalf("pending totp active = %v, want %v", got, wantConfirmed)
			}
		})
	}
}

// TestMFAJWTOnlyConfirmsEnrollment: the /mfa/ access token is an mfa_token
// only to confirm an enrollment (jwtMFATokenConfirmsEnrollmentOnly): grants
// mfa-otp and mfa-oob with an oob_code of /mfa/associate, with the enroll
// scope. Anything else is 401 invalid_grant "Malformed mfa_token" and
// changes nothing.
func TestMFAJWTOnlyConfirmsEnrollment(t *testing.T) {
	t.Parallel()
	const phone = "+14155550142"
	const recovery = "MZCRK3YX5V3AKNNYY6JEBQCL"
	noEnroll := TokenOptions{Scope: ScopeReadAuthenticators + " " + ScopeRemoveAuthenticators}
	for _, tc := range []struct {
		name  string
		grant string
		tok   TokenOptions
		oob   string // "enroll": the associate's oob_code; "challenge": one from /mfa/challenge
		ok    bool
	}{
		{"mfa-recovery-code", GrantMFARecoveryCode, TokenOptions{}, "", false},
		{"mfa-otp without enroll", GrantMFAOTP, noEnroll, "", false},
		{"mfa-oob without enroll", GrantMFAOOB, noEnroll, "enroll", false},
		{"mfa-oob with a challenge's oob_code", GrantMFAOOB, TokenOptions{}, "challenge", false},
		{"mfa-otp with enroll", GrantMFAOTP, TokenOptions{}, "", true},
		{"mfa-oob with enroll and the associate's oob_code", GrantMFAOOB, TokenOptions{}, "enroll", true},
		{"mfa-otp with only enroll", GrantMFAOTP, TokenOptions{Scope: ScopeEnroll}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			base := h.s.URL()
			// Alice is enrolled (sms, recovery code) and enrolls a totp and an email.
			if _, err := h.s.SeedAuthenticator(aliceID, FactorSMS, SeedOptions{Phone: phone}); err != nil {
				t.Fatal(err)
			}
			if _, err := h.s.SeedAuthenticator(aliceID, FactorRecoveryCode, SeedOptions{RecoveryCode: recovery}); err != nil {
				t.Fatal(err)
			}
			full, err := h.s.IssueAccessToken(aliceID, TokenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			jwt, err := h.s.IssueAccessToken(aliceID, tc.tok)
			if err != nil {
				t.Fatal(err)
			}
			v := url.Values{"mfa_token": {jwt}}
			var pendingID string
			switch tc.grant {
			case GrantMFARecoveryCode:
				v.Set("recovery_code", recovery)
			case GrantMFAOTP:
				if r := h.postJSON(base, "/mfa/associate", full, map[string]any{"authenticator_types": []string{"otp"}}); r.status != http.StatusOK {
					t.Fatalf("associate %d %s", r.status, r.body)
				}
				pendingID = h.pendingID(aliceID, "totp|")
				v.Set("otp", h.totp(pendingID))
			case GrantMFAOOB:
				r := h.postJSON(base, "/mfa/associate", full, map[string]any{
					"authenticator_types": []string{"oob"}, "oob_channels": []string{"email"}, "email": "alice.mfa@example.com"})
				if r.status != http.StatusOK {
					t.Fatalf("associate %d %s", r.status, r.body)
				}
				pendingID = h.pendingID(aliceID, "email|")
				v.Set("oob_code", r.json(t)["oob_code"].(string))
				code, _ := h.s.LastCode("alice.mfa@example.com")
				if tc.oob == "challenge" {
					ch := h.postJSON(base, "/mfa/challenge", "", map[string]any{"client_id": testClientID, "client_secret": testSecret,
						"mfa_token": h.s.IssueMFAToken(aliceID, testClientID), "challenge_type": "oob", "authenticator_id": smsID(t, h)})
					if ch.status != http.StatusOK {
						t.Fatalf("challenge %d %s", ch.status, ch.body)
					}
					v.Set("oob_code", ch.json(t)["oob_code"].(string))
					code, _ = h.s.LastCode(phone)
				}
				v.Set("binding_code", code)
			}
			r := h.mfaGrant(base, tc.grant, v)
			if tc.ok {
				if r.status != http.StatusOK {
					t.Fatalf("%d %s", r.status, r.body)
				}
			} else {
				wantError(t, r, 401, "invalid_grant", "Malformed mfa_token")
			}
			if pendingID != "" {
				if got := h.listedActive(base, aliceID, pendingID); got != tc.ok {
					t.Fatalf("pending %s active = %v, want %v", pendingID, got, tc.ok)
				}
			}
			if tc.grant == GrantMFARecoveryCode {
				// The recovery code was not used up: it still answers a login challenge.
				r := h.mfaGrant(base, GrantMFARecoveryCode, url.Values{"mfa_token": {h.s.IssueMFAToken(aliceID, testClientID)}, "recovery_code": {recovery}})
				if r.status != http.StatusOK {
					t.Fatalf("recovery code after the refusal: %d %s", r.status, r.body)
				}
			}
		})
	}
}

func smsID(t *testing.T, h *harness) string {
	t.Helper()
	for _, a := range h.s.Authenticators(aliceID) {
		if strings.HasPrefix(a.ID, "sms|") && a.Active {
			return a.ID
		}
	}
	t.Fatal("no active sms")
	return ""
}
