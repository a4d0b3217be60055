package auth0test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMFAChallengeEndpoint(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	if _, err := h.s.SeedAuthenticator(aliceID, FactorOTP, SeedOptions{}); err != nil {
		t.Fatal(err)
	}
	sms, err := h.s.SeedAuthenticator(aliceID, FactorSMS, SeedOptions{Phone: "+14155550100"})
	if err != nil {
		t.Fatal(err)
	}
	opaque := h.s.IssueMFAToken(aliceID, testClientID)
	jwt, _ := h.s.IssueAccessToken(aliceID, TokenOptions{})
	body := func(tok string, extra map[string]string) map[string]string {
		m := map[string]string{"client_id": testClientID, "client_secret": testSecret, "mfa_token": tok}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	t.Run("otp", func(t *testing.T) {
		r := h.postJSON(base, "/mfa/challenge", "", body(opaque, map[string]string{"challenge_type": "otp"}))
		if r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
		m := r.json(t)
		wantKeys(t, m, "challenge_type")
		if m["challenge_type"] != "otp" {
			t.Fatalf("%v", m)
		}
	})
	t.Run("oob by form sends an SMS", func(t *testing.T) {
		v := url.Values{"client_id": {testClientID}, "client_secret": {testSecret}, "mfa_token": {opaque},
			"challenge_type": {"oob"}, "authenticator_id": {sms.ID}}
		r := h.postForm(base, "/mfa/challenge", v)
		m := r.json(t)
		wantKeys(t, m, "challenge_type", "oob_code", "binding_method")
		code, ok := h.s.LastCode("+14155550100")
		if !ok {
			t.Fatal("no SMS")
		}
		if r := h.mfaGrant(base, GrantMFAOOB, url.Values{"mfa_token": {opaque}, "oob_code": {m["oob_code"].(string)}, "binding_code": {code}}); r.status != http.StatusOK {
			t.Fatalf("verify %d %s", r.status, r.body)
		}
	})
	for _, tc := range []struct {
		name       string
		b          map[string]string
		status     int
		code, desc string
	}{
		{"MFA JWT is malformed here", body(jwt, nil), 401, "invalid_grant", "Malformed mfa_token"},
		{"garbage", body("garbage", nil), 401, "invalid_grant", "Malformed mfa_token"},
		{"wrong secret", map[string]string{"client_id": testClientID, "client_secret": "x", "mfa_token": opaque}, 401, "access_denied", "Unauthorized"},
		{"no mfa_token", map[string]string{"client_id": testClientID, "client_secret": testSecret}, 400, "invalid_request", "Missing required parameter: mfa_token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, h.postJSON(base, "/mfa/challenge", "", tc.b), tc.status, tc.code, tc.desc)
		})
	}
}

func TestAssociateBodies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	tok, _ := h.s.IssueAccessToken(bobID, TokenOptions{})
	for _, tc := range []struct {
		name, ct, body string
		status         int
		code, desc     string
	}{
		{"form body", "application/x-www-form-urlencoded", "authenticator_types=otp", 400, "invalid_request", "Content-Type must be application/json."},
		{"no content type", "", `{"authenticator_types":["otp"]}`, 400, "invalid_request", "Content-Type must be application/json."},
		{"bad JSON", "application/json", `{"authenticator_types":`, 400, "invalid_request", "Invalid JSON body."},
		{"trailing data", "application/json", `{"authenticator_types":["otp"]} {}`, 400, "invalid_request", "Invalid JSON body."},
		{"string instead of array", "application/json", `{"authenticator_types":["oob"],"oob_channels":"sms"}`, 400, "invalid_request", "oob_channels has the wrong type."},
		{"too large", "application/json", `{"email":"` + strings.Repeat("a", MaxBodyBytes) + `"}`, 413, "invalid_request", "Request body too large."},
		{"bad phone", "application/json", `{"authenticator_types":["oob"],"oob_channels":["sms"],"phone_number":"0123"}`, 400, "invalid_request", ""},
		{"unknown client_id", "application/json", `{"authenticator_types":["otp"],"client_id":"nope"}`, 401, "access_denied", "Unauthorized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := h.newReq(http.MethodPost, base+"/mfa/associate", tc.ct, strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer "+tok)
			r := h.do(nil, req)
			if tc.desc == "" {
				if r.status != tc.status || r.json(t)["error"] != tc.code {
					t.Fatalf("%d %s", r.status, r.body)
				}
				return
			}
			wantError(t, r, tc.status, tc.code, tc.desc)
		})
	}
	t.Run("factor disabled", func(t *testing.T) {
		t.Parallel()
		h2 := newHarness(t, WithSettings(Settings{Factors: map[Factor]bool{FactorOTP: true}}))
		tok, _ := h2.s.IssueAccessToken(bobID, TokenOptions{})
		wantError(t, h2.postJSON(h2.s.URL(), "/mfa/associate", tok, map[string]any{"authenticator_types": []string{"oob"}, "oob_channels": []string{"sms"}, "phone_number": "+14155550100"}),
			403, "unsupported_challenge_type", "The sms factor is not enabled for this tenant.")
	})
}

func TestFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	base := h.s.URL()
	disc := "/.well-known/openid-configuration"
	t.Run("status with Retry-After, once", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.s.InjectFault(disc, Fault{Status: 429, RetryAfter: 1500 * time.Millisecond, Times: 1})
		r := h.get(h.s.URL(), disc, "")
		wantError(t, r, 429, "too_many_requests", descRateLimited)
		if r.header.Get("Retry-After") != "2" {
			t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
		}
		if r := h.get(h.s.URL(), disc, ""); r.status != http.StatusOK {
			t.Fatalf("fault did not clear: %d", r.status)
		}
	})
	t.Run("500 until cleared, method filter, prefix", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		tok, _ := h.s.IssueAccessToken(bobID, TokenOptions{})
		h.s.InjectFault("/mfa/authenticators/", Fault{Method: http.MethodDelete, Status: 503, Code: "temporarily_unavailable", Description: "try later"})
		for range 2 {
			wantError(t, h.del(h.s.URL(), "/mfa/authenticators/x", tok), 503, "temporarily_unavailable", "try later")
		}
		if r := h.get(h.s.URL(), "/mfa/authenticators", tok); r.status != http.StatusOK {
			t.Fatalf("GET hit the fault: %d", r.status)
		}
		h.s.ClearFaults()
		wantError(t, h.del(h.s.URL(), "/mfa/authenticators/x", tok), 404, "not_found", "Authenticator not found.")
	})
	t.Run("malformed", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.s.InjectFault("/oauth/token", Fault{MalformedBody: true})
		r := h.postForm(h.s.URL(), "/oauth/token", url.Values{})
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" || strings.HasSuffix(string(r.body), "}") {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	t.Run("oversized", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.s.InjectFault("/mfa/authenticators", Fault{OversizedBody: 2 << 20, Status: 500})
		r := h.get(h.s.URL(), "/mfa/authenticators", "")
		if r.status != 500 || len(r.body) != 2<<20 {
			t.Fatalf("%d len %d", r.status, len(r.body))
		}
		r.json(t) // valid JSON, just big
	})
	t.Run("short real latency", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.s.InjectFault(disc, Fault{Latency: 30 * time.Millisecond, Times: 1})
		start := time.Now()
		if r := h.get(h.s.URL(), disc, ""); r.status != http.StatusOK {
			t.Fatalf("%d", r.status)
		}
		if d := time.Since(start); d < 30*time.Millisecond {
			t.Fatalf("no latency: %v", d)
		}
	})
	t.Run("hang released by the client's timeout", func(t *testing.T) {
		t.Parallel()
		h.s.InjectFault("/userinfo", Fault{Hang: true, Times: 1})
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/userinfo", nil)
		_, err := h.noRedirect().Do(req)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestHangReleasedByClose(t *testing.T) {
	t.Parallel()
	s, err := NewServer(WithSigningKey(testKey()))
	if err != nil {
		t.Fatal(err)
	}
	s.InjectFault("/userinfo", Fault{Hang: true})
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		req := httptest.NewRequest(http.MethodGet, s.URL()+"/userinfo", nil)
		s.ServeHTTP(httptest.NewRecorder(), req)
	}()
	s.Close() // whether the request is hanging already or arrives later, it is aborted
	if v := <-done; v != http.ErrAbortHandler {
		t.Fatalf("recovered %v, want http.ErrAbortHandler", v)
	}
	s.Close() // twice is fine
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithRateLimit(2, time.Minute))
	base := h.s.URL()
	disc := "/.well-known/openid-configuration"
	r1, r2, r3 := h.get(base, disc, ""), h.get(base, disc, ""), h.get(base, disc, "")
	if r1.header.Get("X-RateLimit-Limit") != "2" || r1.header.Get("X-RateLimit-Remaining") != "1" || r2.header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("headers %v / %v", r1.header, r2.header)
	}
	reset, err := strconv.ParseInt(r2.header.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil || reset != t0.Add(time.Minute).Unix() {
		t.Fatalf("reset %q, want %d", r2.header.Get("X-RateLimit-Reset"), t0.Add(time.Minute).Unix())
	}
	wantError(t, r3, 429, "too_many_requests", descRateLimited)
	if r3.header.Get("Retry-After") != "30" {
		t.Fatalf("Retry-After %q", r3.header.Get("Retry-After"))
	}
	h.s.Advance(30 * time.Second)
	if r := h.get(base, disc, ""); r.status != http.StatusOK {
		t.Fatalf("after refill %d", r.status)
	}
	// The dev pages are outside the bucket (and off by default).
	if r := h.get(base, "/_dev/inbox", ""); r.status != http.StatusNotFound || r.header.Get("X-RateLimit-Limit") != "" {
		t.Fatalf("dev page %d %v", r.status, r.header)
	}
}

// TestWithoutRateLimit: the server-wide limit is lifted (no 429, no X-RateLimit headers).
func TestWithoutRateLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, WithoutRateLimit())
	base := h.s.URL()
	for i := range RateLimit + 20 {
		r := h.get(base, "/.well-known/openid-configuration", "")
		if r.status != http.StatusOK || r.header.Get("X-RateLimit-Limit") != "" {
			t.Fatalf("request %d: %d, X-RateLimit-Limit %q", i+1, r.status, r.header.Get("X-RateLimit-Limit"))
		}
	}
	if d := newHarness(t); d.get(d.s.URL(), "/.well-known/openid-configuration", "").header.Get("X-RateLimit-Limit") != strconv.Itoa(RateLimit) {
		t.Errorf("a default tenant has no X-RateLimit-Limit %d", RateLimit)
	}
}

func TestPanicAnswers500(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	handler := h.s.recovered(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"error":"server_error"`) {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

func TestNotFoundAndSecurityHeaders(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	wantError(t, h.get(h.s.URL(), "/nope", ""), 404, "not_found", "Not Found")
	r := h.browserGet(h.browser(), authorizeURL(h.s.URL(), nil))
	for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
		if r.header.Get(k) != want {
			t.Errorf("%s = %q", k, r.header.Get(k))
		}
	}
	if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP %q", r.header.Get("Content-Security-Policy"))
	}
}

func TestCrossOriginFormPost(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	req := h.newReq(http.MethodPost, h.s.URL()+"/u/login", "application/x-www-form-urlencoded", strings.NewReader("state=x"))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := h.do(nil, req); r.status != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", r.status)
	}
}
