package auth0test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"testing"
)

// idTokenAMR exchanges code and returns the ID token's amr and acr, after
// checking that the access token carries neither.
func (h *harness) idTokenAMR(base, code, verifier string) (amr []any, acr any) {
	h.t.Helper()
	r := h.exchange(base, code, verifier)
	if r.status != http.StatusOK {
		h.t.Fatalf("exchange: %d %s", r.status, r.body)
	}
	return h.tokenAMR(base, r)
}

func (h *harness) tokenAMR(base string, r resp) (amr []any, acr any) {
	h.t.Helper()
	m := r.json(h.t)
	at := h.claims(base, m["access_token"].(string))
	if at["amr"] != nil || at["acr"] != nil {
		h.t.Fatalf("the access token carries amr/acr: %v", at)
	}
	id, ok := m["id_token"].(string)
	if !ok {
		h.t.Fatalf("no id_token: %s", r.body)
	}
	c := h.claims(base, id)
	amr, _ = c["amr"].([]any)
	if c["amr"] != nil && amr == nil {
		h.t.Fatalf("amr is not an array: %v", c["amr"])
	}
	return amr, c["acr"]
}

// TestIDTokenAMR: the ID token says amr ["mfa"] (and acr multi-factor) when a
// second factor was used in the hosted login that issued it, and not
// otherwise (docs: "Configure Step-up Authentication for Web Apps").
func TestIDTokenAMR(t *testing.T) {
	t.Parallel()
	mfaQuery := func(h *harness) url.Values {
		return url.Values{"audience": {h.s.MFAAudience()}, "scope": {"openid enroll"}}
	}
	rcPage := regexp.MustCompile(`id="recovery-code">([A-Z0-9]{24})<`)
	for _, tc := range []struct {
		name     string
		settings Settings
		// login returns the code of the login under test (and a verifier).
		login func(t *testing.T, h *harness) string
		want  bool
	}{
		{
			name:     "password only, no factor",
			settings: Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyNever},
			login: func(t *testing.T, h *harness) string {
				return callbackCode(t, h.login(h.browser(), h.s.URL(), nil, "bob@example.com", bobPass))
			},
		},
		{
			name:     "MFA audience minted without challenge (no factor)",
			settings: Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyNever},
			login: func(t *testing.T, h *harness) string {
				return callbackCode(t, h.login(h.browser(), h.s.URL(), mfaQuery(h), "bob@example.com", bobPass))
			},
		},
		{
			name:     "challenge page passed with the authenticator app",
			settings: Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyNever},
			login: func(t *testing.T, h *harness) string {
				a := h.seed(bobID, FactorOTP, SeedOptions{})
				c := h.browser()
				u := h.login(c, h.s.URL(), mfaQuery(h), "bob@example.com", bobPass)
				return h.passChallenge(c, u, url.Values{"action": {"verify"}, "code": {h.totp(a.ID)}})
			},
			want: true,
		},
		{
			name:     "challenge page passed with an SMS code",
			settings: Settings{Factors: map[Factor]bool{FactorSMS: true}, Policy: PolicyNever},
			login: func(t *testing.T, h *harness) string {
				h.seed(bobID, FactorSMS, SeedOptions{Phone: "+14155550123"})
				c := h.browser()
				u := h.login(c, h.s.URL(), mfaQuery(h), "bob@example.com", bobPass)
				code, ok := h.s.LastCode("+14155550123")
				if !ok {
					t.Fatal("no SMS sent")
				}
				return h.passChallenge(c, u, url.Values{"action": {"verify"}, "code": {code}})
			},
			want: true,
		},
		{
			name:     "challenge page passed with push",
			settings: Settings{Factors: map[Factor]bool{FactorPush: true}, Policy: PolicyNever},
			login: func(t *testing.T, h *harness) string {
				h.seed(bobID, FactorPush, SeedOptions{})
				c := h.browser()
				u := h.login(c, h.s.URL(), mfaQuery(h), "bob@example.com", bobPass)
				if r := h.browserGet(c, u.String()); r.status != http.StatusOK {
					t.Fatalf("push page %d", r.status)
				}
				if err := h.s.ApprovePush(h.s.PendingPushes(bobID)[0].ID); err != nil {
					t.Fatal(err)
				}
				h.s.Advance(PushPollInterval)
				return callbackCode(t, location(t, h.s.URL(), h.browserGet(c, u.String())))
			},
			want: true,
		},
		{
			name:     "challenge page passed with the recovery code",
			settings: Settings{Factors: map[Factor]bool{FactorOTP: true}, RecoveryCodes: true, Policy: PolicyNever},
			login: func(t *testing.T, h *harness) string {
				h.seed(bobID, FactorOTP, SeedOptions{})
				rc := h.seed(bobID, FactorRecoveryCode, SeedOptions{RecoveryCode: "N3BGPZZWJ85JLCNPZBDW6QXC"})
				c := h.browser()
				base := h.s.URL()
				u := h.login(c, base, mfaQuery(h), "bob@example.com", bobPass)
				state := u.Query().Get("state")
				location(t, base, h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"select"}, "factor": {rc.ID}}))
				r := h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"verify"}, "code": {"N3BGPZZWJ85JLCNPZBDW6QXC"}})
				if rcPage.FindSubmatch(h.browserGet(c, location(t, base, r).String()).body) == nil {
					t.Fatal("no new recovery code shown")
				}
				return h.passChallenge(c, u, url.Values{"action": {"continue"}})
			},
			want: true,
		},
		{
			name:     "challenge passed by PassNextChallenge",
			settings: Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyNever},
			login: func(t *testing.T, h *harness) string {
				h.seed(bobID, FactorOTP, SeedOptions{})
				h.s.PassNextChallenge(bobID)
				return callbackCode(t, h.login(h.browser(), h.s.URL(), mfaQuery(h), "bob@example.com", bobPass))
			},
			want: true,
		},
		{
			name:     "PassNextChallenge passes one challenge",
			settings: Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyNever},
			login: func(t *testing.T, h *harness) string {
				a := h.seed(bobID, FactorOTP, SeedOptions{})
				h.s.PassNextChallenge(bobID)
				callbackCode(t, h.login(h.browser(), h.s.URL(), mfaQuery(h), "bob@example.com", bobPass))
				c := h.browser()
				u := h.login(c, h.s.URL(), mfaQuery(h), "bob@example.com", bobPass)
				if u.Path != "/u/mfa" {
					t.Fatalf("the second login went to %s, want the challenge page", u)
				}
				return h.passChallenge(c, u, url.Values{"action": {"verify"}, "code": {h.totp(a.ID)}})
			},
			want: true,
		},
		{
			name:     "PassNextChallenge leaves the enrollment page",
			settings: Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyAlways},
			login: func(t *testing.T, h *harness) string {
				h.s.PassNextChallenge(bobID)
				c := h.browser()
				u := h.login(c, h.s.URL(), nil, "bob@example.com", bobPass)
				if u.Path != "/u/mfa" {
					t.Fatalf("a user without factors went to %s, want the enrollment page", u)
				}
				return h.passChallenge(c, u, url.Values{"action": {"verify"}, "code": {h.totp(h.pendingID(bobID, "totp|"))}})
			},
			want: amrAfterLoginEnrollment,
		},
		{
			name:     "enrollment forced by policy always",
			settings: Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyAlways},
			login: func(t *testing.T, h *harness) string {
				c := h.browser()
				u := h.login(c, h.s.URL(), nil, "bob@example.com", bobPass)
				return h.passChallenge(c, u, url.Values{"action": {"verify"}, "code": {h.totp(h.pendingID(bobID, "totp|"))}})
			},
			want: amrAfterLoginEnrollment,
		},
		{
			name:     "SSO login after a challenge, no new challenge",
			settings: Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyChallengeIfEnrolled},
			login: func(t *testing.T, h *harness) string {
				a := h.seed(bobID, FactorOTP, SeedOptions{})
				c := h.browser()
				u := h.login(c, h.s.URL(), nil, "bob@example.com", bobPass)
				h.passChallenge(c, u, url.Values{"action": {"verify"}, "code": {h.totp(a.ID)}})
				return callbackCode(t, location(t, h.s.URL(), h.browserGet(c, authorizeURL(h.s.URL(), nil))))
			},
		},
		{
			name:     "silent authentication after a challenge",
			settings: Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyNever},
			login: func(t *testing.T, h *harness) string {
				a := h.seed(bobID, FactorOTP, SeedOptions{})
				c := h.browser()
				u := h.login(c, h.s.URL(), mfaQuery(h), "bob@example.com", bobPass)
				h.passChallenge(c, u, url.Values{"action": {"verify"}, "code": {h.totp(a.ID)}})
				return callbackCode(t, location(t, h.s.URL(), h.browserGet(c, authorizeURL(h.s.URL(), url.Values{"prompt": {"none"}}))))
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, WithSettings(tc.settings))
			amr, acr := h.idTokenAMR(h.s.URL(), tc.login(t, h), "")
			if got := slices.Equal(amr, []any{"mfa"}) && acr == acrMultiFactor; got != tc.want {
				t.Fatalf("amr = %v, acr = %v; want MFA claims: %v", amr, acr, tc.want)
			}
			if !tc.want && (amr != nil || acr != nil) {
				t.Fatalf("amr = %v, acr = %v, want neither", amr, acr)
			}
		})
	}
}

// TestMFAGrantIDTokenHasNoAMR: the ID token an MFA grant returns after
// mfa_required carries no amr ("MFA API issued tokens do not contain the amr
// claim").
func TestMFAGrantIDTokenHasNoAMR(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	a := h.seed(aliceID, FactorOTP, SeedOptions{})
	r := h.postForm(base, "/oauth/token", passwordRealm("alice@example.com", alicePass, h.s.MFAAudience(), "openid read:authenticators"))
	tok := r.json(t)["mfa_token"].(string)
	r = h.mfaGrant(base, GrantMFAOTP, url.Values{"mfa_token": {tok}, "otp": {h.totp(a.ID)}})
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	amr, acr := h.tokenAMR(base, r)
	if (amr != nil || acr != nil) != mfaGrantIDTokenCarriesAMR {
		t.Fatalf("amr = %v, acr = %v; want MFA claims: %v", amr, acr, mfaGrantIDTokenCarriesAMR)
	}
}

// seed is SeedAuthenticator that fails the test on error.
func (h *harness) seed(sub string, kind Factor, opts SeedOptions) Authenticator {
	h.t.Helper()
	a, err := h.s.SeedAuthenticator(sub, kind, opts)
	if err != nil {
		h.t.Fatal(err)
	}
	return a
}

// passChallenge posts form (plus the state) to the MFA page u and returns the
// callback's code.
func (h *harness) passChallenge(c *http.Client, u *url.URL, form url.Values) string {
	h.t.Helper()
	form.Set("state", u.Query().Get("state"))
	return callbackCode(h.t, location(h.t, h.s.URL(), h.browserPost(c, h.s.URL()+"/u/mfa", form)))
}
