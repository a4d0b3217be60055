package auth0test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	idPattern       = regexp.MustCompile(`^(totp|sms|voice|push|email|recovery-code)\|dev_[A-Za-z0-9]{16}$`)
	secretPattern   = regexp.MustCompile(`^[A-Z2-7]{32}$`)
	recoveryPattern = regexp.MustCompile(`^[A-Z0-9]{24}$`)
)

// TestSeedCase is the bug this project grew from (community thread 44384,
// reference §1.6): an /mfa/ token for the custom-domain audience lets
// associate succeed, then the confirm fails with invalid audience; the
// canonical audience works, through either host.
func TestSeedCase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		base      func(*Server) string
		aud       func(*Server) string
		confirmOK bool
	}{
		{"custom audience via custom domain", (*Server).CustomURL, (*Server).CustomMFAAudience, false},
		{"canonical audience via custom domain", (*Server).CustomURL, (*Server).MFAAudience, true},
		{"canonical audience via canonical domain", (*Server).URL, (*Server).MFAAudience, true},
		{"custom audience via canonical domain", (*Server).URL, (*Server).CustomMFAAudience, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			base := tc.base(h.s)
			tok := h.mfaToken(base, tc.aud(h.s), "bob@example.com", bobPass)
			cl := h.claims(base, tok)
			if cl["iss"] != base+"/" {
				t.Fatalf("iss %v, want %s/", cl["iss"], base)
			}
			r := h.postJSON(base, "/mfa/associate", tok, map[string]any{"authenticator_types": []string{"otp"}})
			if r.status != http.StatusOK {
				t.Fatalf("associate: %d %s", r.status, r.body)
			}
			code := h.totp(h.pendingID(bobID, "totp|"))
			r = h.mfaGrant(base, GrantMFAOTP, url.Values{"mfa_token": {tok}, "otp": {code}})
			if !tc.confirmOK {
				wantError(t, r, 403, "invalid_grant", "invalid audience")
				return
			}
			if r.status != http.StatusOK {
				t.Fatalf("confirm: %d %s", r.status, r.body)
			}
			m := r.json(t)
			if m["expires_in"] != float64(600) {
				t.Fatalf("%v", m)
			}
			nt := h.claims(base, m["access_token"].(string))
			aud, _ := nt["aud"].([]any)
			if len(aud) == 0 || aud[0] != h.s.MFAAudience() || nt["iss"] != base+"/" {
				t.Fatalf("new token claims %v", nt)
			}
			if !h.s.Authenticators(bobID)[0].Active {
				t.Fatalf("not active: %+v", h.s.Authenticators(bobID))
			}
		})
	}
}

func TestChallengePageOnMFAAudience(t *testing.T) {
	t.Parallel()
	for _, viaQueue := range []bool{false, true} {
		name := "password form"
		if viaQueue {
			name = "QueueLogin"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, WithSettings(Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyNever}))
			base := h.s.URL()
			a, err := h.s.SeedAuthenticator(aliceID, FactorOTP, SeedOptions{})
			if err != nil {
				t.Fatal(err)
			}
			c := h.browser()
			// Without the MFA audience, policy never: no challenge.
			if viaQueue {
				h.s.QueueLogin(aliceID)
				callbackCode(t, location(t, base, h.browserGet(c, authorizeURL(base, nil))))
			} else {
				callbackCode(t, h.login(c, base, nil, "alice@example.com", alicePass))
			}
			// With it: the challenge page, even with an SSO session.
			q := url.Values{"audience": {h.s.MFAAudience()}, "scope": {"openid enroll"}}
			var u *url.URL
			if viaQueue {
				h.s.QueueLogin(aliceID)
				u = location(t, base, h.browserGet(c, authorizeURL(base, q)))
			} else {
				u = location(t, base, h.browserGet(c, authorizeURL(base, q)))
			}
			if u.Path != "/u/mfa" {
				t.Fatalf("went to %s, want the challenge page", u)
			}
			page := h.browserGet(c, u.String())
			if page.status != http.StatusOK || !strings.Contains(string(page.body), "authenticator app") {
				t.Fatalf("challenge page %d %s", page.status, page.body)
			}
			state := u.Query().Get("state")
			r := h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"verify"}, "code": {"000000"}})
			if lu := location(t, base, r); lu.Path != "/u/mfa" {
				t.Fatalf("wrong code went to %s", lu)
			}
			if page := h.browserGet(c, u.String()); !strings.Contains(string(page.body), "Invalid otp_code.") {
				t.Fatalf("no error shown: %s", page.body)
			}
			// Another browser cannot post into this transaction.
			if r := h.browserPost(h.browser(), base+"/u/mfa", url.Values{"state": {state}, "action": {"verify"}, "code": {h.totp(a.ID)}}); r.status != http.StatusForbidden {
				t.Fatalf("foreign browser: %d", r.status)
			}
			r = h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"verify"}, "code": {h.totp(a.ID)}})
			code := callbackCode(t, location(t, base, r))
			m := h.exchange(base, code, "").json(t)
			if m["expires_in"] != float64(600) || m["scope"] != "openid enroll" {
				t.Fatalf("%v", m)
			}
		})
	}
}

func TestChallengePageFactors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithDevPages(true), WithSettings(Settings{
		Factors: map[Factor]bool{FactorSMS: true, FactorPush: true, FactorOTP: true}, Policy: PolicyNever,
	}))
	base := h.s.URL()
	sms, err := h.s.SeedAuthenticator(bobID, FactorSMS, SeedOptions{Phone: "+14155550123"})
	if err != nil {
		t.Fatal(err)
	}
	push, err := h.s.SeedAuthenticator(bobID, FactorPush, SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"audience": {h.s.MFAAudience()}}
	t.Run("sms code from the outbox", func(t *testing.T) {
		c := h.browser()
		u := h.login(c, base, q, "bob@example.com", bobPass)
		state := u.Query().Get("state")
		r := h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"select"}, "factor": {sms.ID}})
		location(t, base, r)
		page := h.browserGet(c, u.String())
		if !strings.Contains(string(page.body), "SMS to") || !strings.Contains(string(page.body), "/_dev/inbox") {
			t.Fatalf("sms page: %s", page.body)
		}
		code, ok := h.s.LastCode("+14155550123")
		if !ok {
			t.Fatal("no SMS in the outbox")
		}
		inbox := h.browserGet(c, base+"/_dev/inbox")
		if !strings.Contains(string(inbox.body), code) {
			t.Fatalf("inbox does not show the code")
		}
		callbackCode(t, location(t, base, h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"verify"}, "code": {code}})))
	})
	t.Run("push approved through the dev guardian page", func(t *testing.T) {
		c := h.browser()
		u := h.login(c, base, q, "bob@example.com", bobPass)
		state := u.Query().Get("state")
		location(t, base, h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"select"}, "factor": {push.ID}}))
		page := h.browserGet(c, u.String())
		if page.status != http.StatusOK || !strings.Contains(string(page.body), `http-equiv="refresh"`) {
			t.Fatalf("push page: %d %s", page.status, page.body)
		}
		pending := h.s.PendingPushes(bobID)
		if len(pending) != 1 {
			t.Fatalf("pending %+v", pending)
		}
		g := h.browserGet(c, base+"/_dev/guardian")
		if !strings.Contains(string(g.body), pending[0].ID) {
			t.Fatalf("guardian page lacks the push")
		}
		location(t, base, h.browserPost(c, base+"/_dev/guardian", url.Values{"id": {pending[0].ID}, "decision": {"approve"}}))
		h.s.Advance(PushPollInterval)
		callbackCode(t, location(t, base, h.browserGet(c, u.String())))
	})
	t.Run("push rejected", func(t *testing.T) {
		c := h.browser()
		u := h.login(c, base, q, "bob@example.com", bobPass)
		state := u.Query().Get("state")
		location(t, base, h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"select"}, "factor": {push.ID}}))
		if err := h.s.RejectPush(h.s.PendingPushes(bobID)[0].ID); err != nil {
			t.Fatal(err)
		}
		h.s.Advance(PushPollInterval)
		page := h.browserGet(c, u.String())
		if page.status != http.StatusOK || !strings.Contains(string(page.body), "MFA Authorization rejected.") ||
			strings.Contains(string(page.body), `http-equiv="refresh"`) {
			t.Fatalf("rejected page: %s", page.body)
		}
	})
	t.Run("transaction expires after 5 minutes", func(t *testing.T) {
		c := h.browser()
		u := h.login(c, base, q, "bob@example.com", bobPass)
		h.s.Advance(MFATransactionTTL)
		// The expired transaction redirects to the callback with the error and
		// the state, on a GET (302) as on a POST (303), and is gone after that.
		r := h.browserGet(c, u.String())
		cb := location(t, base, r)
		if r.status != http.StatusFound || cb.Scheme+"://"+cb.Host+cb.Path != testCallback ||
			cb.Query().Get("error") != "invalid_request" || cb.Query().Get("error_description") != "The transaction has expired" ||
			cb.Query().Get("state") != "st-123" || cb.Query().Get("code") != "" {
			t.Fatalf("expired transaction: %d → %s", r.status, cb)
		}
		if r := h.browserGet(c, u.String()); r.status != http.StatusBadRequest {
			t.Fatalf("the expired transaction answered again: %d", r.status)
		}
		u = h.login(c, base, q, "bob@example.com", bobPass)
		h.s.Advance(MFATransactionTTL)
		r = h.browserPost(c, base+"/u/mfa", url.Values{"state": {u.Query().Get("state")}, "action": {"verify"}, "code": {"123456"}})
		if cb := location(t, base, r); r.status != http.StatusSeeOther || cb.Query().Get("error_description") != "The transaction has expired" {
			t.Fatalf("expired transaction on POST: %d → %s", r.status, cb)
		}
	})
}

func TestPolicyAlwaysForcesEnrollment(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithSettings(Settings{Factors: map[Factor]bool{FactorOTP: true}, RecoveryCodes: true, Policy: PolicyAlways}))
	base := h.s.URL()
	c := h.browser()
	u := h.login(c, base, nil, "bob@example.com", bobPass)
	if u.Path != "/u/mfa" {
		t.Fatalf("went to %s", u)
	}
	page := h.browserGet(c, u.String())
	if !strings.Contains(string(page.body), "otpauth://totp/") {
		t.Fatalf("enroll page: %s", page.body)
	}
	state := u.Query().Get("state")
	r := h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"verify"}, "code": {h.totp(h.pendingID(bobID, "totp|"))}})
	rc := h.browserGet(c, location(t, base, r).String())
	m := regexp.MustCompile(`id="recovery-code">([A-Z0-9]{24})<`).FindSubmatch(rc.body)
	if m == nil {
		t.Fatalf("recovery page: %s", rc.body)
	}
	callbackCode(t, location(t, base, h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"continue"}})))
	if !h.s.Authenticators(bobID)[0].Active {
		t.Fatalf("%+v", h.s.Authenticators(bobID))
	}
	// The SSO session has done MFA: no second challenge without the MFA audience…
	callbackCode(t, location(t, base, h.browserGet(c, authorizeURL(base, nil))))
	// …but the MFA audience challenges again.
	if u := location(t, base, h.browserGet(c, authorizeURL(base, url.Values{"audience": {h.s.MFAAudience()}}))); u.Path != "/u/mfa" {
		t.Fatalf("MFA audience went to %s", u)
	}
}

func TestListAssociateConfirmDelete(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	tok, err := h.s.IssueAccessToken(bobID, TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	list := func() []map[string]any {
		r := h.get(base, "/mfa/authenticators", tok)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("list %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
		}
		return r.jsonArray(t)
	}
	if l := list(); len(l) != 0 {
		t.Fatalf("fresh user lists %v", l)
	}

	// OTP: first association returns the recovery code, never an id.
	r := h.postJSON(base, "/mfa/associate", tok, map[string]any{"authenticator_types": []string{"otp"}})
	m := r.json(t)
	wantKeys(t, m, "authenticator_type", "secret", "barcode_uri", "recovery_codes")
	if m["authenticator_type"] != "otp" || !secretPattern.MatchString(m["secret"].(string)) ||
		!strings.HasPrefix(m["barcode_uri"].(string), "otpauth://totp/") ||
		!recoveryPattern.MatchString(m["recovery_codes"].([]any)[0].(string)) {
		t.Fatalf("otp associate %v", m)
	}
	l := list()
	for _, a := range l {
		if !idPattern.MatchString(a["id"].(string)) || a["active"] != false {
			t.Fatalf("pending list %v", l)
		}
	}
	totpID := h.pendingID(bobID, "totp|")
	if r := h.mfaGrant(base, GrantMFAOTP, url.Values{"mfa_token": {tok}, "otp": {h.totp(totpID)}}); r.status != http.StatusOK {
		t.Fatalf("confirm otp %d %s", r.status, r.body)
	}

	// SMS with the code from the outbox; voice is its pair.
	r = h.postJSON(base, "/mfa/associate", tok, map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"sms"}, "phone_number": "+14155550199"})
	m = r.json(t)
	wantKeys(t, m, "authenticator_type", "oob_channel", "oob_code", "binding_method")
	if m["binding_method"] != "prompt" || m["oob_channel"] != "sms" || !strings.HasPrefix(m["oob_code"].(string), "Fe26.2*") {
		t.Fatalf("sms associate %v", m)
	}
	oob := m["oob_code"].(string)
	code, ok := h.s.LastCode("+14155550199")
	if !ok {
		t.Fatal("no sms")
	}
	wantError(t, h.mfaGrant(base, GrantMFAOOB, url.Values{"mfa_token": {tok}, "oob_code": {oob}, "binding_code": {"000000"}}),
		403, "invalid_grant", "Invalid binding_code.")
	if r := h.mfaGrant(base, GrantMFAOOB, url.Values{"mfa_token": {tok}, "oob_code": {oob}, "binding_code": {code}}); r.status != http.StatusOK {
		t.Fatalf("confirm sms %d %s", r.status, r.body)
	}
	wantError(t, h.mfaGrant(base, GrantMFAOOB, url.Values{"mfa_token": {tok}, "oob_code": {oob}, "binding_code": {code}}),
		403, "invalid_grant", "Invalid oob_code.")

	// Email: the code expires after 5 minutes.
	r = h.postJSON(base, "/mfa/associate", tok, map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"email"}, "email": "bob.mfa@example.com"})
	oob = r.json(t)["oob_code"].(string)
	h.s.Advance(5*time.Minute + time.Second)
	tok, _ = h.s.IssueAccessToken(bobID, TokenOptions{})
	code, _ = h.s.LastCode("bob.mfa@example.com")
	wantError(t, h.mfaGrant(base, GrantMFAOOB, url.Values{"mfa_token": {tok}, "oob_code": {oob}, "binding_code": {code}}),
		403, "invalid_grant", "oob_code is expired")

	// Push: pending, slow_down, approved.
	r = h.postJSON(base, "/mfa/associate", tok, map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"auth0"}})
	m = r.json(t)
	wantKeys(t, m, "authenticator_type", "oob_channel", "oob_code", "barcode_uri")
	oob = m["oob_code"].(string)
	poll := func() resp { return h.mfaGrant(base, GrantMFAOOB, url.Values{"mfa_token": {tok}, "oob_code": {oob}}) }
	// Twelve polls at once are pending; the thirteenth is past the burst.
	for range 12 {
		wantError(t, poll(), 400, "authorization_pending", "Authorization pending: please repeat the request in a few seconds.")
	}
	wantError(t, poll(), 400, "slow_down", "You are polling faster than allowed. Try again in 5 seconds.")
	pending := h.s.PendingPushes(bobID)
	if len(pending) != 1 || !pending[0].Enrollment {
		t.Fatalf("pending %+v", pending)
	}
	if err := h.s.ApprovePush(pending[0].ID); err != nil {
		t.Fatal(err)
	}
	h.s.Advance(PushPollInterval)
	if r := poll(); r.status != http.StatusOK {
		t.Fatalf("approved push %d %s", r.status, r.body)
	}

	// Delete: unknown id, id with %7C, pair cascade, recovery code refused.
	wantError(t, h.del(base, "/mfa/authenticators/"+url.PathEscape("totp|dev_AAAAAAAAAAAAAAAA"), tok), 404, "not_found", "Authenticator not found.")
	var smsID, recoveryID string
	for _, a := range h.s.Authenticators(bobID) {
		switch {
		case strings.HasPrefix(a.ID, "sms|"):
			smsID = a.ID
		case strings.HasPrefix(a.ID, "recovery-code|"):
			recoveryID = a.ID
		}
	}
	r = h.del(base, "/mfa/authenticators/"+url.PathEscape(smsID), tok)
	if r.status != http.StatusNoContent || len(r.body) != 0 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("delete %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	for _, a := range h.s.Authenticators(bobID) {
		if strings.HasPrefix(a.ID, "sms|") || strings.HasPrefix(a.ID, "voice|") {
			t.Fatalf("pair not deleted: %+v", a)
		}
	}
	wantError(t, h.del(base, "/mfa/authenticators/"+url.PathEscape(recoveryID), tok), 403, "access_denied",
		"Recovery code authenticators cannot be deleted with the MFA API.")
}

func TestAssociateWithOpaqueToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	tok := h.s.IssueMFAToken(bobID, testClientID)
	r := h.postJSON(base, "/mfa/associate", tok, map[string]any{"authenticator_types": []string{"otp"}})
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := h.mfaGrant(base, GrantMFAOTP, url.Values{"mfa_token": {tok}, "otp": {h.totp(h.pendingID(bobID, "totp|"))}}); r.status != http.StatusOK {
		t.Fatalf("confirm %d %s", r.status, r.body)
	}
	wantError(t, h.postJSON(base, "/mfa/associate", tok, map[string]any{"authenticator_types": []string{"otp"}}),
		403, "access_denied", "User is already enrolled.")
}

func TestMFABearerChecks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	tok := func(o TokenOptions) string {
		s, err := h.s.IssueAccessToken(bobID, o)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := tok(TokenOptions{})
	tampered := good[:len(good)-4] + "AAAA"
	calls := []call{
		{http.MethodGet, "/mfa/authenticators", ScopeReadAuthenticators},
		{http.MethodPost, "/mfa/associate", ScopeEnroll},
		{http.MethodDelete, "/mfa/authenticators/totp%7Cdev_AAAAAAAAAAAAAAAA", ScopeRemoveAuthenticators},
	}
	for _, tc := range []struct {
		name       string
		base       string
		bearer     func(call) string
		status     int
		code, desc func(call) string
	}{
		{"missing", base, func(call) string { return "" }, 401, fixed("invalid_token"), fixed("Missing authentication.")},
		{"garbage", base, func(call) string { return "garbage" }, 401, fixed("invalid_token"), fixed("Invalid token.")},
		{"tampered", base, func(call) string { return tampered }, 401, fixed("invalid_token"), fixed("Invalid token.")},
		{"expired", base, func(call) string { return tok(TokenOptions{TTL: -time.Second}) }, 401, fixed("invalid_token"), fixed("Expired token.")},
		{"issued through the other host", base, func(call) string { return tok(TokenOptions{ViaCustomDomain: true}) }, 401, fixed("invalid_token"), fixed("Invalid token.")},
		{"custom host, canonical iss", h.s.CustomURL(), func(call) string { return good }, 401, fixed("invalid_token"), fixed("Invalid token.")},
		{"not an MFA audience", base, func(call) string { return tok(TokenOptions{Audience: h.s.Issuer() + "userinfo", Scope: "openid"}) }, 401, fixed("invalid_token"), fixed("Invalid audience.")},
		{"lacks the scope", base, func(c call) string {
			return tok(TokenOptions{Scope: strings.TrimSpace(strings.Replace("enroll read:authenticators remove:authenticators", c.scope, "", 1))})
		}, 403, fixed("insufficient_scope"), func(c call) string { return "Insufficient scope, expected: " + c.scope }},
	} {
		for _, c := range calls {
			t.Run(tc.name+" "+c.method+" "+c.path, func(t *testing.T) {
				t.Parallel()
				req := h.newReq(c.method, tc.base+c.path, "application/json", strings.NewReader(`{"authenticator_types":["otp"]}`))
				if b := tc.bearer(c); b != "" {
					req.Header.Set("Authorization", "Bearer "+b)
				}
				r := h.do(nil, req)
				wantError(t, r, tc.status, tc.code(c), tc.desc(c))
				if tc.status == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
				}
			})
		}
	}
	t.Run("custom audience accepted on /mfa/*", func(t *testing.T) {
		t.Parallel()
		ct := tok(TokenOptions{Audience: h.s.CustomMFAAudience()})
		if r := h.get(base, "/mfa/authenticators", ct); r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
}

// call is one /mfa/* endpoint and the scope it needs.
type call struct {
	method, path, scope string
}

func fixed(s string) func(call) string { return func(call) string { return s } }

// TestChallengePageOTPUsesActiveTOTPsOnly: the login challenge page accepts
// the code of an active totp, never that of a pending one (enrolled through
// the MFA API and not confirmed).
func TestChallengePageOTPUsesActiveTOTPsOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		usePending bool
		ok         bool
	}{
		{"pending totp's code", true, false},
		{"active totp's code", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, WithSettings(Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyChallengeIfEnrolled}))
			base := h.s.URL()
			a, err := h.s.SeedAuthenticator(aliceID, FactorOTP, SeedOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := h.s.IssueAccessToken(aliceID, TokenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if r := h.postJSON(base, "/mfa/associate", tok, map[string]any{"authenticator_types": []string{"otp"}}); r.status != http.StatusOK {
				t.Fatalf("associate %d %s", r.status, r.body)
			}
			pendingID := h.pendingID(aliceID, "totp|")
			code := h.totp(a.ID)
			if tc.usePending {
				code = h.totp(pendingID)
			}
			if h.totp(a.ID) == h.totp(pendingID) {
				t.Skip("the two totps show the same code at this instant")
			}
			c := h.browser()
			u := h.login(c, base, url.Values{"audience": {h.s.MFAAudience()}}, "alice@example.com", alicePass)
			if u.Path != "/u/mfa" {
				t.Fatalf("went to %s, want the challenge page", u)
			}
			state := u.Query().Get("state")
			r := h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"verify"}, "code": {code}})
			if tc.ok {
				callbackCode(t, location(t, base, r))
				return
			}
			if lu := location(t, base, r); lu.Path != "/u/mfa" {
				t.Fatalf("pending code went to %s", lu)
			}
			if page := h.browserGet(c, u.String()); !strings.Contains(string(page.body), "Invalid otp_code.") {
				t.Fatalf("no error shown: %s", page.body)
			}
			if h.listedActive(base, aliceID, pendingID) {
				t.Fatal("the challenge activated the pending totp")
			}
		})
	}
}

// TestAssociateClientIDMustMatchToken: a client_id in the associate body
// must be the bearer token's client (associateClientMustMatchToken);
// otherwise 401 as a failed client authentication, and nothing is created
// or sent.
func TestAssociateClientIDMustMatchToken(t *testing.T) {
	t.Parallel()
	const other, otherSecret = "other", "other-secret-0123456789"
	sms := map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"sms"}, "phone_number": "+14155550177"}
	for _, tc := range []struct {
		name          string
		opaque        bool // bearer is an opaque mfa_token, else an /mfa/ access token
		clientID      string
		secret        string
		invalidClient bool // WithInvalidClientErrors
		status        int
		code          string
	}{
		{"JWT, another registered client with its secret", false, other, otherSecret, false, 401, "access_denied"},
		{"JWT, another registered client without secret", false, other, "", false, 401, "access_denied"},
		{"opaque, another registered client with its secret", true, other, otherSecret, false, 401, "access_denied"},
		{"JWT, another client, invalid_client errors", false, other, otherSecret, true, 401, "invalid_client"},
		{"JWT, the token's client with its secret", false, testClientID, testSecret, false, 200, ""},
		{"opaque, the token's client", true, testClientID, "", false, 200, ""},
		{"JWT, no client_id", false, "", "", false, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := []Option{WithClient(other, otherSecret, "http://other.test/cb")}
			if tc.invalidClient {
				opts = append(opts, WithInvalidClientErrors())
			}
			h := newHarness(t, opts...)
			base := h.s.URL()
			tok := h.s.IssueMFAToken(bobID, testClientID)
			if !tc.opaque {
				var err error
				if tok, err = h.s.IssueAccessToken(bobID, TokenOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			body := map[string]any{}
			for k, v := range sms {
				body[k] = v
			}
			if tc.clientID != "" {
				body["client_id"] = tc.clientID
			}
			if tc.secret != "" {
				body["client_secret"] = tc.secret
			}
			r := h.postJSON(base, "/mfa/associate", tok, body)
			if tc.status != http.StatusOK {
				wantError(t, r, tc.status, tc.code, "Unauthorized")
				if l := h.s.Authenticators(bobID); len(l) != 0 {
					t.Fatalf("created %+v", l)
				}
				if o := h.s.Outbox(); len(o) != 0 {
					t.Fatalf("sent %d message(s)", len(o))
				}
				return
			}
			if r.status != http.StatusOK {
				t.Fatalf("%d %s", r.status, r.body)
			}
			// The enrollment is bound to the token's client: it confirms there.
			code, _ := h.s.LastCode("+14155550177")
			confirm := h.mfaGrant(base, GrantMFAOOB, url.Values{"mfa_token": {tok}, "oob_code": {r.json(t)["oob_code"].(string)}, "binding_code": {code}})
			if confirm.status != http.StatusOK {
				t.Fatalf("confirm %d %s", confirm.status, confirm.body)
			}
		})
	}
}
