package auth0test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestDiscoveryPerHost(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, tc := range []struct {
		name, base, issuer string
	}{
		{"canonical", h.s.URL(), h.s.Issuer()},
		{"custom domain", h.s.CustomURL(), h.s.CustomIssuer()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := h.get(tc.base, "/.well-known/openid-configuration", "")
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatalf("%d %q", r.status, r.header.Get("Content-Type"))
			}
			m := r.json(t)
			if m["issuer"] != tc.issuer || !strings.HasSuffix(tc.issuer, "/") {
				t.Fatalf("issuer = %v, want %s", m["issuer"], tc.issuer)
			}
			for k, want := range map[string]string{
				"authorization_endpoint": "authorize", "token_endpoint": "oauth/token",
				"userinfo_endpoint": "userinfo", "jwks_uri": ".well-known/jwks.json", "mfa_challenge_endpoint": "mfa/challenge",
			} {
				if m[k] != tc.issuer+want {
					t.Errorf("%s = %v", k, m[k])
				}
			}
			if r.header.Get("X-RateLimit-Limit") == "" {
				t.Error("no X-RateLimit-Limit")
			}
		})
	}
	if h.s.Issuer() != "http://"+h.s.Domain()+"/" || h.s.CustomIssuer() != "http://"+h.s.CustomDomain()+"/" ||
		h.s.MFAAudience() != "https://"+h.s.Domain()+"/mfa/" || h.s.CustomMFAAudience() != "https://"+h.s.CustomDomain()+"/mfa/" ||
		!strings.HasPrefix(h.s.Domain(), "127.0.0.1:") || !strings.HasPrefix(h.s.CustomDomain(), "localhost:") {
		t.Fatalf("addressing: %s %s %s %s", h.s.Issuer(), h.s.CustomIssuer(), h.s.MFAAudience(), h.s.CustomMFAAudience())
	}
}

func TestJWKSShape(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	m := h.get(h.s.URL(), "/.well-known/jwks.json", "").json(t)
	keys, ok := m["keys"].([]any)
	if !ok || len(keys) != 1 {
		t.Fatalf("keys: %v", m)
	}
	k := keys[0].(map[string]any)
	wantKeys(t, k, "kty", "use", "alg", "kid", "n", "e")
	if k["kty"] != "RSA" || k["alg"] != "RS256" || k["use"] != "sig" || k["e"] != "AQAB" {
		t.Fatalf("key %v", k)
	}
}

func TestUnknownHost(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	req := h.newReq(http.MethodGet, h.s.URL()+"/.well-known/openid-configuration", "", nil)
	req.Host = "evil.example:80"
	if r := h.do(nil, req); r.status != http.StatusMisdirectedRequest {
		t.Fatalf("status %d", r.status)
	}
}

func TestAuthorizeRejects(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithClient("spa", "", testCallback))
	_, challenge := pkce("a")
	for _, tc := range []struct {
		name     string
		q        url.Values
		page     bool // an error page, never a redirect
		code     string
		descPart string
	}{
		{name: "unknown client", q: url.Values{"client_id": {"nope"}}, page: true},
		{name: "redirect not registered", q: url.Values{"redirect_uri": {"http://app.test/other"}}, page: true},
		{name: "redirect prefix only", q: url.Values{"redirect_uri": {testCallback + "/x"}}, page: true},
		{name: "redirect missing", q: url.Values{"redirect_uri": {""}}, page: true},
		{name: "response_type token", q: url.Values{"response_type": {"token"}}, code: "unsupported_response_type"},
		{name: "plain PKCE", q: url.Values{"code_challenge": {challenge}, "code_challenge_method": {"plain"}}, code: "invalid_request", descPart: "S256"},
		{name: "method without challenge", q: url.Values{"code_challenge_method": {"S256"}}, code: "invalid_request"},
		{name: "short challenge", q: url.Values{"code_challenge": {"abc"}, "code_challenge_method": {"S256"}}, code: "invalid_request"},
		{name: "public client without PKCE", q: url.Values{"client_id": {"spa"}}, code: "invalid_request"},
		{name: "unknown audience", q: url.Values{"audience": {"https://api.example/"}}, code: "access_denied", descPart: "Service not found"},
		{name: "MFA audience without trailing slash", q: url.Values{"audience": {strings.TrimSuffix(h.s.MFAAudience(), "/")}}, code: "access_denied"},
		{name: "MFA audience over http", q: url.Values{"audience": {"http://" + h.s.Domain() + "/mfa/"}}, code: "access_denied"},
		{name: "bad prompt", q: url.Values{"prompt": {"sometimes"}}, code: "invalid_request"},
		{name: "prompt none with login", q: url.Values{"prompt": {"none login"}}, code: "invalid_request"},
		{name: "negative max_age", q: url.Values{"max_age": {"-1"}}, code: "invalid_request"},
		{name: "form_post", q: url.Values{"response_mode": {"form_post"}}, code: "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := h.browserGet(h.browser(), authorizeURL(h.s.URL(), tc.q))
			if tc.page {
				if r.status != http.StatusBadRequest || r.header.Get("Location") != "" ||
					!strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
					t.Fatalf("want an error page: %d %v", r.status, r.header)
				}
				return
			}
			u := location(t, h.s.URL(), r)
			if got := u.Scheme + "://" + u.Host + u.Path; got != testCallback {
				t.Fatalf("redirect to %s", u)
			}
			q := u.Query()
			if q.Get("error") != tc.code || q.Get("state") != "st-123" || q.Get("code") != "" ||
				!strings.Contains(q.Get("error_description"), tc.descPart) {
				t.Fatalf("callback query %v", q)
			}
		})
	}
}

func TestCodeFlowPKCE(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	verifier, challenge := pkce("k")
	q := url.Values{"code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	loginCode := func() string { return callbackCode(t, h.login(h.browser(), base, q, "alice@example.com", alicePass)) }

	code := loginCode()
	r := h.exchange(base, code, verifier)
	if r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("exchange: %d %s", r.status, r.body)
	}
	m := r.json(t)
	wantKeys(t, m, "access_token", "id_token", "scope", "expires_in", "token_type")
	if m["token_type"] != "Bearer" || m["expires_in"] != float64(86400) || m["scope"] != "openid profile email" {
		t.Fatalf("token response %v", m)
	}
	id := h.claims(base, m["id_token"].(string))
	if id["iss"] != h.s.Issuer() || id["sub"] != aliceID || id["aud"] != testClientID || id["nonce"] != "n-456" ||
		id["auth_time"] != float64(t0.Unix()) || id["email"] != "alice@example.com" || id["name"] != "Alice" {
		t.Fatalf("id token %v", id)
	}
	at := h.claims(base, m["access_token"].(string))
	if at["aud"] != h.s.Issuer()+"userinfo" || at["azp"] != testClientID {
		t.Fatalf("access token %v", at)
	}
	// userinfo with that token
	ui := h.get(base, "/userinfo", m["access_token"].(string))
	if ui.status != http.StatusOK || ui.json(t)["sub"] != aliceID {
		t.Fatalf("userinfo %d %s", ui.status, ui.body)
	}
	// the same token at the other host's userinfo is refused
	if r := h.get(h.s.CustomURL(), "/userinfo", m["access_token"].(string)); r.status != http.StatusUnauthorized {
		t.Fatalf("userinfo on custom host: %d", r.status)
	}

	// reused code
	wantError(t, h.exchange(base, code, verifier), 403, "invalid_grant", "Invalid authorization code")

	t.Run("wrong verifier burns the code", func(t *testing.T) {
		code := loginCode()
		other, _ := pkce("z")
		wantError(t, h.exchange(base, code, other), 403, "invalid_grant", "Failed to verify code verifier")
		wantError(t, h.exchange(base, code, verifier), 403, "invalid_grant", "Invalid authorization code")
	})
	t.Run("missing verifier", func(t *testing.T) {
		wantError(t, h.exchange(base, loginCode(), ""), 403, "invalid_grant", "Failed to verify code verifier")
	})
	t.Run("wrong redirect_uri", func(t *testing.T) {
		v := url.Values{"grant_type": {"authorization_code"}, "client_id": {testClientID}, "client_secret": {testSecret},
			"code": {loginCode()}, "redirect_uri": {"http://app.test/other"}, "code_verifier": {verifier}}
		wantError(t, h.postForm(base, "/oauth/token", v), 403, "invalid_grant", "Invalid redirect URI")
	})
	t.Run("expired code", func(t *testing.T) {
		code := loginCode()
		h.s.Advance(AuthCodeTTL + time.Second)
		wantError(t, h.exchange(base, code, verifier), 403, "invalid_grant", "Invalid authorization code")
	})
	t.Run("code on the other host", func(t *testing.T) {
		wantError(t, h.exchange(h.s.CustomURL(), loginCode(), verifier), 403, "invalid_grant", "Invalid authorization code")
	})
	t.Run("basic auth and JSON body", func(t *testing.T) {
		req := h.newReq(http.MethodPost, base+"/oauth/token", "application/json", strings.NewReader(
			`{"grant_type":"authorization_code","code":"`+loginCode()+`","redirect_uri":"`+testCallback+`","code_verifier":"`+verifier+`"}`))
		req.SetBasicAuth(testClientID, testSecret)
		if r := h.do(nil, req); r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("verifier without challenge", func(t *testing.T) {
		code := callbackCode(t, h.login(h.browser(), base, nil, "alice@example.com", alicePass))
		wantError(t, h.exchange(base, code, verifier), 403, "invalid_grant", "Failed to verify code verifier")
	})
}

func TestClientAuthentication(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	pw := func(v url.Values) url.Values {
		out := url.Values{"grant_type": {GrantPasswordRealm}, "username": {"bob@example.com"}, "password": {bobPass},
			"realm": {ConnectionName}}
		for k, vs := range v {
			out[k] = vs
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		v     url.Values
		basic []string
	}{
		{name: "wrong secret", v: url.Values{"client_id": {testClientID}, "client_secret": {"nope"}}},
		{name: "missing secret", v: url.Values{"client_id": {testClientID}}},
		{name: "unknown client", v: url.Values{"client_id": {"nope"}, "client_secret": {testSecret}}},
		{name: "no client", v: url.Values{}},
		{name: "basic and post", v: url.Values{"client_secret": {testSecret}}, basic: []string{testClientID, testSecret}},
		{name: "basic wrong secret", basic: []string{testClientID, "nope"}},
		{name: "client assertion", v: url.Values{"client_id": {testClientID}, "client_assertion": {"x.y.z"},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := h.newReq(http.MethodPost, base+"/oauth/token", "application/x-www-form-urlencoded", strings.NewReader(pw(tc.v).Encode()))
			if tc.basic != nil {
				req.SetBasicAuth(tc.basic[0], tc.basic[1])
			}
			wantError(t, h.do(nil, req), 401, "access_denied", "Unauthorized")
		})
	}
	t.Run("invalid_client option", func(t *testing.T) {
		t.Parallel()
		h2 := newHarness(t, WithInvalidClientErrors())
		wantError(t, h2.postForm(h2.s.URL(), "/oauth/token", pw(url.Values{"client_id": {testClientID}, "client_secret": {"x"}})),
			401, "invalid_client", "Unauthorized")
	})
	t.Run("basic succeeds", func(t *testing.T) {
		t.Parallel()
		req := h.newReq(http.MethodPost, base+"/oauth/token", "application/x-www-form-urlencoded", strings.NewReader(pw(nil).Encode()))
		req.SetBasicAuth(testClientID, testSecret)
		if r := h.do(nil, req); r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
}

func TestPromptAndMaxAge(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	c := h.browser()
	callbackCode(t, h.login(c, base, nil, "bob@example.com", bobPass))

	redirect := func(q url.Values) *url.URL { return location(t, base, h.browserGet(c, authorizeURL(base, q))) }

	// SSO: a second /authorize goes straight to the callback.
	code := callbackCode(t, redirect(nil))
	id := h.claims(base, h.exchange(base, code, "").json(t)["id_token"].(string))
	if id["auth_time"] != float64(t0.Unix()) {
		t.Fatalf("auth_time %v", id["auth_time"])
	}
	callbackCode(t, redirect(url.Values{"prompt": {"none"}}))
	if u := redirect(url.Values{"prompt": {"login"}}); u.Path != "/u/login" {
		t.Fatalf("prompt=login went to %s", u)
	}
	if u := redirect(url.Values{"max_age": {"0"}}); u.Path != "/u/login" {
		t.Fatalf("max_age=0 went to %s", u)
	}
	h.s.Advance(2 * time.Minute)
	callbackCode(t, redirect(url.Values{"max_age": {"300"}}))
	if u := redirect(url.Values{"max_age": {"60"}}); u.Path != "/u/login" {
		t.Fatalf("max_age=60 after 2 min went to %s", u)
	}
	if q := redirect(url.Values{"prompt": {"none"}, "max_age": {"60"}}).Query(); q.Get("error") != "login_required" {
		t.Fatalf("prompt=none with old session: %v", q)
	}
	// The session is per host: the custom domain has none.
	if q := location(t, h.s.CustomURL(), h.browserGet(c, authorizeURL(h.s.CustomURL(), url.Values{"prompt": {"none"}}))).Query(); q.Get("error") != "login_required" || q.Get("state") != "st-123" {
		t.Fatalf("prompt=none on the custom domain: %v", q)
	}
	// A fresh browser has no session.
	if q := location(t, base, h.browserGet(h.browser(), authorizeURL(base, url.Values{"prompt": {"none"}}))).Query(); q.Get("error") != "login_required" {
		t.Fatalf("prompt=none without session: %v", q)
	}
	// MFA would be needed: interaction_required.
	if _, err := h.s.SeedAuthenticator(bobID, FactorOTP, SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	if q := redirect(url.Values{"prompt": {"none"}, "audience": {h.s.MFAAudience()}}).Query(); q.Get("error") != "interaction_required" {
		t.Fatalf("prompt=none needing MFA: %v", q)
	}
	// Logout ends the session.
	r := h.browserGet(c, base+"/v2/logout?client_id="+testClientID+"&returnTo="+url.QueryEscape("http://app.test/"))
	if u := location(t, base, r); u.String() != "http://app.test/" {
		t.Fatalf("logout redirect %s", u)
	}
	if q := redirect(url.Values{"prompt": {"none"}}).Query(); q.Get("error") != "login_required" {
		t.Fatalf("after logout: %v", q)
	}
}

func TestLogoutReturnTo(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithClient("other", "s", "http://other.test/cb"), WithLogoutURLs("other", "http://other.test/bye"))
	for _, tc := range []struct {
		name, query string
		redirect    string
	}{
		{"callback origin", "client_id=" + testClientID + "&returnTo=http%3A%2F%2Fapp.test", "http://app.test"},
		{"explicit list", "client_id=other&returnTo=http%3A%2F%2Fother.test%2Fbye", "http://other.test/bye"},
		{"no client id, any client", "returnTo=http%3A%2F%2Fother.test%2Fbye", "http://other.test/bye"},
		{"origin not allowed when a list is set", "client_id=other&returnTo=http%3A%2F%2Fother.test%2F", ""},
		{"foreign URL", "client_id=" + testClientID + "&returnTo=https%3A%2F%2Fevil.test%2F", ""},
		{"no returnTo", "client_id=" + testClientID, "page"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := h.browserGet(h.browser(), h.s.URL()+"/v2/logout?"+tc.query)
			switch tc.redirect {
			case "":
				if r.status != http.StatusBadRequest || r.header.Get("Location") != "" {
					t.Fatalf("want error page, got %d %v", r.status, r.header.Get("Location"))
				}
			case "page":
				if r.status != http.StatusOK || !strings.Contains(string(r.body), "signed out") {
					t.Fatalf("%d %s", r.status, r.body)
				}
			default:
				if r.status != http.StatusFound || r.header.Get("Location") != tc.redirect {
					t.Fatalf("%d %q", r.status, r.header.Get("Location"))
				}
			}
		})
	}
}

func TestSSOCookieAttributes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.s.QueueLogin(bobID)
	r := h.browserGet(h.noRedirect(), authorizeURL(h.s.URL(), nil))
	var found bool
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if !strings.HasPrefix(c.Name, "auth0emu_") {
			t.Errorf("cookie %q not auth0emu_*", c.Name)
		}
		if c.Name == SSOCookieName {
			found = true
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
				t.Fatalf("cookie %+v", c)
			}
		}
	}
	if !found {
		t.Fatal("no SSO cookie")
	}
	callbackCode(t, location(t, h.s.URL(), r))
}

// TestPagesSaySignIn: the hosted pages use the example app's "Sign in"
// wording, never "Log in".
func TestPagesSaySignIn(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithSettings(Settings{Factors: map[Factor]bool{FactorOTP: true}, Policy: PolicyChallengeIfEnrolled}))
	base := h.s.URL()
	h.seed(bobID, FactorOTP, SeedOptions{})
	c := h.browser()
	u := location(t, base, h.browserGet(c, authorizeURL(base, nil)))
	login := h.browserGet(c, u.String())
	challenge := h.browserGet(c, h.login(c, base, nil, "bob@example.com", bobPass).String())
	logout := h.browserGet(c, base+"/v2/logout")
	for name, page := range map[string]resp{"login": login, "challenge": challenge, "logout": logout} {
		body := strings.ToLower(string(page.body))
		if page.status != http.StatusOK || strings.Contains(body, "log in") || strings.Contains(body, "logged") {
			t.Errorf("%s page (%d) says log in: %s", name, page.status, page.body)
		}
	}
	if !strings.Contains(string(login.body), "<title>Sign in") || !strings.Contains(string(login.body), ">Sign in</button>") {
		t.Errorf("login page: %s", login.body)
	}
}
