package auth0test

import (
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPushRejectedAtGrant(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if _, err := h.s.SeedAuthenticator(aliceID, FactorPush, SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	tok := h.s.IssueMFAToken(aliceID, testClientID)
	r := h.postJSON(h.s.URL(), "/mfa/challenge", "", map[string]string{
		"client_id": testClientID, "client_secret": testSecret, "mfa_token": tok, "challenge_type": "oob"})
	m := r.json(t)
	wantKeys(t, m, "challenge_type", "oob_code")
	if err := h.s.RejectPush(h.s.PendingPushes(aliceID)[0].ID); err != nil {
		t.Fatal(err)
	}
	wantError(t, h.mfaGrant(h.s.URL(), GrantMFAOOB, url.Values{"mfa_token": {tok}, "oob_code": {m["oob_code"].(string)}}),
		400, "access_denied", "MFA Authorization rejected.")
}

func TestVoiceAndEmailDeleteRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	tok, _ := h.s.IssueAccessToken(aliceID, TokenOptions{})
	r := h.postJSON(base, "/mfa/associate", tok, map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"voice"}, "phone_number": "+14155550142"})
	m := r.json(t)
	if m["oob_channel"] != "voice" || m["binding_method"] != "prompt" {
		t.Fatalf("%v", m)
	}
	code, ok := h.s.LastCode("+14155550142")
	if !ok {
		t.Fatal("no voice message")
	}
	if r := h.mfaGrant(base, GrantMFAOOB, url.Values{"mfa_token": {tok}, "oob_code": {m["oob_code"].(string)}, "binding_code": {code}}); r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	list := h.get(base, "/mfa/authenticators", tok).jsonArray(t)
	var voice, sms, email string
	for _, a := range list {
		id := a["id"].(string)
		switch {
		case strings.HasPrefix(id, "voice|"):
			voice = id
		case strings.HasPrefix(id, "sms|"):
			sms = id
		case strings.HasPrefix(id, "email|"):
			email = id
			if a["active"] != true || a["oob_channel"] != "email" || !strings.Contains(a["name"].(string), "*") {
				t.Fatalf("implicit email %v", a)
			}
		}
	}
	if voice == "" || sms == "" || strings.TrimPrefix(voice, "voice|") != strings.TrimPrefix(sms, "sms|") {
		t.Fatalf("pair %q %q in %v", voice, sms, list)
	}
	wantError(t, h.del(base, "/mfa/authenticators/"+url.PathEscape(email), tok), 403, "access_denied", "Verified email authenticators cannot be deleted.")
	if r := h.del(base, "/mfa/authenticators/"+url.PathEscape(voice), tok); r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	for _, a := range h.s.Authenticators(aliceID) {
		if a.ID == sms {
			t.Fatal("sms half of the pair survived")
		}
	}
}

func TestSendLimitOverHTTP(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if _, err := h.s.SeedAuthenticator(aliceID, FactorSMS, SeedOptions{Phone: "+14155550177"}); err != nil {
		t.Fatal(err)
	}
	tok := h.s.IssueMFAToken(aliceID, testClientID)
	var last resp
	for range 11 {
		last = h.postJSON(h.s.URL(), "/mfa/challenge", "", map[string]string{
			"client_id": testClientID, "client_secret": testSecret, "mfa_token": tok, "challenge_type": "oob"})
	}
	wantError(t, last, 429, "too_many_requests", descRateLimited)
	if last.header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
}

func TestRecoveryCodeOnChallengePage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	if _, err := h.s.SeedAuthenticator(bobID, FactorOTP, SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	rc, err := h.s.SeedAuthenticator(bobID, FactorRecoveryCode, SeedOptions{RecoveryCode: "N3BGPZZWJ85JLCNPZBDW6QXC"})
	if err != nil {
		t.Fatal(err)
	}
	c := h.browser()
	h.s.QueueLogin(bobID)
	u := location(t, base, h.browserGet(c, authorizeURL(base, url.Values{"audience": {h.s.MFAAudience()}})))
	state := u.Query().Get("state")
	page := h.browserGet(c, u.String())
	if !strings.Contains(string(page.body), rc.ID) {
		t.Fatalf("recovery code not offered: %s", page.body)
	}
	location(t, base, h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"select"}, "factor": {rc.ID}}))
	r := h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"verify"}, "code": {"n3bg pzzw j85j lcnp zbdw 6qxc"}})
	shown := h.browserGet(c, location(t, base, r).String())
	m := regexp.MustCompile(`id="recovery-code">([A-Z0-9]{24})<`).FindSubmatch(shown.body)
	if m == nil || string(m[1]) == "N3BGPZZWJ85JLCNPZBDW6QXC" {
		t.Fatalf("new recovery code page: %s", shown.body)
	}
	callbackCode(t, location(t, base, h.browserPost(c, base+"/u/mfa", url.Values{"state": {state}, "action": {"continue"}})))
}

// sharedClock is a host test's clock, shared with the emulator.
type sharedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *sharedClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *sharedClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestWithClock(t *testing.T) {
	t.Parallel()
	clk := &sharedClock{now: t0}
	s := RunT(t, WithSigningKey(testKey()), WithClock(clk.Now), WithUsers(User{Email: "x@example.com", Password: "p"}))
	if !s.Now().Equal(t0) {
		t.Fatalf("now %v", s.Now())
	}
	clk.add(time.Hour)
	s.Advance(time.Minute)
	if !s.Now().Equal(t0.Add(time.Hour + time.Minute)) {
		t.Fatalf("now %v", s.Now())
	}
	u := s.Users()[0]
	if !strings.HasPrefix(u.ID, "auth0|") || len(u.ID) != len("auth0|")+24 {
		t.Fatalf("generated id %q", u.ID)
	}
	tok, err := s.IssueAccessToken(u.ID, TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, s: s}
	if r := h.get(s.URL(), "/mfa/authenticators", tok); r.status != http.StatusOK {
		t.Fatalf("%d", r.status)
	}
	clk.add(MFAAccessTokenTTL)
	wantError(t, h.get(s.URL(), "/mfa/authenticators", tok), 401, "invalid_token", "Expired token.")
}

func TestDefaultClientAndRedirectRegistration(t *testing.T) {
	t.Parallel()
	s := RunT(t, WithSigningKey(testKey()))
	if len(s.ClientID()) != 32 || len(s.ClientSecret()) != 64 {
		t.Fatalf("generated client %q", s.ClientID())
	}
	if err := s.AddRedirectURI(s.ClientID(), "http://app.test/cb#frag"); err == nil {
		t.Fatal("fragment accepted")
	}
	if err := s.AddRedirectURI("nope", "http://app.test/cb"); err == nil {
		t.Fatal("unknown client accepted")
	}
	if err := s.AddRedirectURI(s.ClientID(), "http://app.test/cb"); err != nil {
		t.Fatal(err)
	}
	if _, err := NewServer(WithSigningKey(testKey()), WithGrantTypes("nope", GrantPassword)); err == nil {
		t.Fatal("grant types for an unknown client accepted")
	}
	if _, err := NewServer(WithSigningKey(testKey()), WithClient("a", "b", "relative/path")); err == nil {
		t.Fatal("relative redirect URI accepted")
	}
}

func TestWithRandIsDeterministic(t *testing.T) {
	t.Parallel()
	start := func() (*Server, string) {
		s := RunT(t, WithSigningKey(testKey()), WithRand(rand.NewChaCha8([32]byte{1, 2, 3})),
			WithUsers(User{ID: bobID, Email: "bob@example.com", Password: "p"}))
		s.SetNow(t0)
		a, err := s.SeedAuthenticator(bobID, FactorOTP, SeedOptions{})
		if err != nil {
			t.Fatal(err)
		}
		secret, _ := s.TOTPSecret(a.ID)
		return s, a.ID + " " + secret
	}
	s1, a1 := start()
	s2, a2 := start()
	if s1.ClientID() != s2.ClientID() || s1.ClientSecret() != s2.ClientSecret() || a1 != a2 {
		t.Fatalf("not deterministic: %s %s / %s %s", s1.ClientID(), a1, s2.ClientID(), a2)
	}
}
