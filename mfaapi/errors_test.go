package mfaapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// classifierTable lists every classifier, so each row can assert the exact set that matches.
func classifierTable() []struct {
	name string
	f    func(error) bool
} {
	return []struct {
		name string
		f    func(error) bool
	}{
		{"IsInvalidCode", IsInvalidCode},
		{"IsTokenExpired", IsTokenExpired},
		{"IsTokenMalformed", IsTokenMalformed},
		{"IsWrongAudience", IsWrongAudience},
		{"IsGrantNotAllowed", IsGrantNotAllowed},
		{"IsAuthorizationPending", IsAuthorizationPending},
		{"IsSlowDown", IsSlowDown},
		{"IsRejected", IsRejected},
		{"IsRateLimited", IsRateLimited},
		{"IsTooManyAttempts", IsTooManyAttempts},
		{"IsAlreadyEnrolled", IsAlreadyEnrolled},
		{"IsInsufficientScope", IsInsufficientScope},
		{"IsInvalidToken", IsInvalidToken},
		{"IsNotFound", IsNotFound},
		{"IsOOBCodeExpired", IsOOBCodeExpired},
		{"IsMaxAuthenticators", IsMaxAuthenticators},
		{"IsMFARequired", IsMFARequired},
		{"IsInvalidClient", IsInvalidClient},
		{"IsFactorDisabled", IsFactorDisabled},
		{"IsNotEnrolled", IsNotEnrolled},
		{"IsNotDeletable", IsNotDeletable},
		{"IsInvalidRequest", IsInvalidRequest},
	}
}

type endpointCall func(ctx context.Context, c *Client) error

func callToken(ctx context.Context, c *Client) error {
	_, err := c.VerifyOTP(ctx, testMFAToken, testOTP)
	return err
}
func callList(ctx context.Context, c *Client) error {
	_, err := c.Authenticators(ctx, testAccessToken)
	return err
}
func callAssociate(ctx context.Context, c *Client) error {
	_, err := c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindSMS, PhoneNumber: "+14155550123"})
	return err
}
func callDelete(ctx context.Context, c *Client) error {
	return c.DeleteAuthenticator(ctx, testAccessToken, "recovery-code|dev_i1kgKoFSZLbPt6G1")
}
func callChallenge(ctx context.Context, c *Client) error {
	_, err := c.Challenge(ctx, ChallengeRequest{MFAToken: testMFAToken})
	return err
}

// TestContractErrorRows sends every error row of the contract's wire table (plus the
// reference's recorded variants) through a real HTTP round trip and checks the exact set of
// classifiers that match, the Fix, and the header hints.
func TestContractErrorRows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		call   endpointCall
		status int
		code   string
		desc   string
		header map[string]string
		want   []string // classifiers that must be true; all others false
		fix    string   // substring of Fix(); "" means no fix
	}{
		{"wrong OTP", callToken, 403, "invalid_grant", "Invalid otp_code.", nil, []string{"IsInvalidCode"}, ""},
		{"wrong binding code", callToken, 403, "invalid_grant", "Invalid binding_code.", nil, []string{"IsInvalidCode"}, ""},
		{"wrong recovery code", callToken, 403, "invalid_grant", "Invalid recovery_code.", nil, []string{"IsInvalidCode"}, ""},
		{"push rejected (recorded)", callToken, 400, "access_denied", "MFA Authorization rejected.", nil, []string{"IsRejected"}, ""},
		{"push rejected (docs/SDK)", callToken, 400, "invalid_grant", "MFA Authorization rejected.", nil, []string{"IsRejected"}, ""},
		{"push pending", callToken, 400, "authorization_pending", "Authorization pending: please repeat the request in a few seconds.", nil, []string{"IsAuthorizationPending"}, ""},
		{"slow down", callToken, 400, "slow_down", "You are polling faster than allowed. Try again in 5 seconds.", nil, []string{"IsSlowDown"}, ""},
		{"mfa_token expired", callToken, 401, "expired_token", "mfa_token is expired", nil, []string{"IsTokenExpired"}, ""},
		{"malformed mfa_token at the grant", callToken, 401, "invalid_grant", "Malformed mfa_token", nil, []string{"IsTokenMalformed"}, ""},
		{"JWT at /mfa/challenge", callChallenge, 401, "invalid_grant", "Malformed mfa_token", nil, []string{"IsTokenMalformed"}, "opaque mfa_token"},
		{"custom-domain audience at the grant", callToken, 403, "invalid_grant", "invalid audience", nil, []string{"IsWrongAudience"}, "canonical tenant domain"},
		{"oob_code expired", callToken, 403, "invalid_grant", "oob_code is expired", nil, []string{"IsOOBCodeExpired"}, ""},
		{"oob_code unknown", callToken, 403, "invalid_grant", "Invalid oob_code.", nil, []string{"IsOOBCodeExpired"}, ""},
		{"grant not enabled", callToken, 403, "unauthorized_client", "Grant type 'http://auth0.com/oauth/grant-type/mfa-otp' not allowed for the client.", nil, []string{"IsGrantNotAllowed"}, "Grant Types > MFA"},
		{"bad client secret", callToken, 401, "access_denied", "Unauthorized", nil, []string{"IsInvalidClient"}, "client secret"},
		{"bad client secret (invalid_client)", callToken, 401, "invalid_client", "Unauthorized", nil, []string{"IsInvalidClient"}, "client secret"},
		{"too many failed codes", callToken, 429, "too_many_attempts", "Too many failed codes. Wait for some minutes before retrying.", map[string]string{"Retry-After": "360"}, []string{"IsTooManyAttempts", "IsRateLimited"}, ""},
		{"send limit", callAssociate, 429, "too_many_requests", "Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers.", map[string]string{"Retry-After": "3600"}, []string{"IsRateLimited"}, ""},
		{"already enrolled", callAssociate, 403, "access_denied", "User is already enrolled.", nil, []string{"IsAlreadyEnrolled"}, ""},
		{"already enrolled (docs, no period)", callAssociate, 403, "access_denied", "User is already enrolled", nil, []string{"IsAlreadyEnrolled"}, ""},
		{"max authenticators", callAssociate, 403, "access_denied", "Guardian - User has created the maximum amount of authenticators", nil, []string{"IsMaxAuthenticators"}, ""},
		{"bad phone", callAssociate, 400, "invalid_request", "phone_number must be in E.164 format.", nil, []string{"IsInvalidRequest"}, ""},
		{"factor disabled", callAssociate, 403, "unsupported_challenge_type", "The sms factor is not enabled for this tenant.", nil, []string{"IsFactorDisabled"}, "Multi-factor Auth"},
		{"bearer invalid", callList, 401, "invalid_token", "Invalid token.", nil, []string{"IsInvalidToken"}, ""},
		{"bearer missing", callList, 401, "invalid_token", "Missing authentication.", nil, []string{"IsInvalidToken"}, ""},
		{"bearer expired", callList, 401, "invalid_token", "Expired token.", nil, []string{"IsInvalidToken", "IsTokenExpired"}, ""},
		{"bearer without JSON body", callList, 401, "", "", nil, []string{"IsInvalidToken"}, ""},
		{"insufficient scope", callList, 403, "insufficient_scope", "Insufficient scope, expected: read:authenticators", nil, []string{"IsInsufficientScope"}, "enroll read:authenticators remove:authenticators"},
		{"audience not MFA", callAssociate, 401, "invalid_token", "Invalid audience.", nil, []string{"IsInvalidToken", "IsWrongAudience"}, "canonical tenant domain"},
		{"delete unknown", callDelete, 404, "not_found", "Authenticator not found.", nil, []string{"IsNotFound"}, ""},
		{"delete with opaque mfa_token", callDelete, 401, "invalid_token", "Invalid token.", nil, []string{"IsInvalidToken"}, ""},
		{"delete recovery code", callDelete, 403, "access_denied", "Recovery code authenticators cannot be deleted with the MFA API.", nil, []string{"IsNotDeletable"}, ""},
		{"delete verified email", callDelete, 403, "access_denied", "Verified email authenticators cannot be deleted.", nil, []string{"IsNotDeletable"}, ""},
		{"global rate limit", callList, 429, "too_many_requests", "Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers.",
			map[string]string{"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": fmt.Sprint(testNow().Add(42 * time.Second).Unix())}, []string{"IsRateLimited"}, ""},
		{"bad JSON", callAssociate, 400, "invalid_request", "Invalid JSON body.", nil, []string{"IsInvalidRequest"}, ""},
		{"body too large", callAssociate, 413, "invalid_request", "Request body too large.", nil, []string{"IsInvalidRequest"}, ""},
		{"mfa_required", callToken, 403, "mfa_required", "Multifactor authentication required", nil, []string{"IsMFARequired"}, ""},
		{"not enrolled at challenge", callChallenge, 400, "unsupported_challenge_type", "User is not enrolled with any of the requested challenge types.", nil, []string{"IsNotEnrolled"}, ""},
		{"association required", callChallenge, 400, "association_required", "User is not enrolled.", nil, []string{"IsNotEnrolled"}, ""},
		{"404 HTML is not not-found", callDelete, 404, "", "", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := ""
			if tt.code != "" {
				body = fmt.Sprintf(`{"error":%q,"error_description":%q}`, tt.code, tt.desc)
			}
			s := stub{status: tt.status, body: body, header: tt.header}
			if body == "" && tt.status == 404 {
				s.contentType, s.body = "text/html", "<html><body>Not Found</body></html>"
			}
			c, _ := serveStub(t, s)
			err := tt.call(t.Context(), c)
			e, ok := asError(err)
			if !ok {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.StatusCode != tt.status || e.Code != tt.code || (tt.code != "" && e.Description != tt.desc) {
				t.Errorf("Error = %d %q %q", e.StatusCode, e.Code, e.Description)
			}
			wrapped := fmt.Errorf("handler: %w", err)
			for _, cl := range classifierTable() {
				want := slices.Contains(tt.want, cl.name)
				if got := cl.f(wrapped); got != want {
					t.Errorf("%s = %v, want %v", cl.name, got, want)
				}
			}
			fix := e.Fix()
			switch {
			case tt.fix == "" && fix != "":
				t.Errorf("Fix() = %q, want none", fix)
			case tt.fix != "" && !strings.Contains(fix, tt.fix):
				t.Errorf("Fix() = %q, want it to mention %q", fix, tt.fix)
			case tt.fix != "" && !strings.HasSuffix(e.Error(), "; fix: "+fix):
				t.Errorf("Error() = %q does not end with the fix", e.Error())
			}
			if ra := tt.header["Retry-After"]; ra != "" && e.RetryAfter != mustSeconds(t, ra) {
				t.Errorf("RetryAfter = %v, want %ss", e.RetryAfter, ra)
			}
			if tt.header["X-RateLimit-Limit"] != "" {
				if e.RateLimit.Limit != 300 || e.RateLimit.Remaining != 0 || !e.RateLimit.Reset.Equal(testNow().Add(42*time.Second)) || e.RetryAfter != 42*time.Second {
					t.Errorf("RateLimit = %+v, RetryAfter %v", e.RateLimit, e.RetryAfter)
				}
			}
		})
	}
}

func mustSeconds(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s + "s")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestClassifiersOnOtherErrors(t *testing.T) {
	t.Parallel()
	for _, err := range []error{nil, errors.New("x"), context.Canceled, ErrInvalidInput, (*Error)(nil)} {
		for _, cl := range classifierTable() {
			if cl.f(err) {
				t.Errorf("%s(%v) = true", cl.name, err)
			}
		}
	}
	var nilErr *Error
	if nilErr.Fix() != "" {
		t.Error("nil Fix")
	}
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    *Error
		want string
	}{
		{&Error{StatusCode: 403, Code: "invalid_grant", Description: "Invalid otp_code.", Method: "POST", Path: "/oauth/token"},
			"mfaapi: POST /oauth/token: 403 invalid_grant: Invalid otp_code."},
		{&Error{StatusCode: 502, Description: "empty response body", Method: "GET", Path: "/mfa/authenticators"},
			"mfaapi: GET /mfa/authenticators: 502: empty response body"},
		{&Error{StatusCode: 403, Code: "mfa_required", MFAToken: testMFAToken, Method: "POST", Path: "/oauth/token"},
			"mfaapi: POST /oauth/token: 403 mfa_required"},
		{&Error{StatusCode: 500}, "mfaapi: 500"},
		{&Error{StatusCode: 403, Code: "unauthorized_client", Description: "Grant type 'x' not allowed for the client.", Method: "POST", Path: "/oauth/token"},
			"mfaapi: POST /oauth/token: 403 unauthorized_client: Grant type 'x' not allowed for the client.; fix: enable Grant Types > MFA on the application " +
				"(Applications > the app > Advanced Settings > Grant Types); it turns on the mfa-otp, mfa-oob and mfa-recovery-code grants; third-party applications cannot use them"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q\nwant      %q", got, tt.want)
		}
	}
}

func TestParseErrorBodies(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ab", 300)
	tests := []struct {
		name        string
		contentType string
		body        string
		tooLarge    bool
		status      int
		code        string
		desc        string // exact
		mfaToken    string
		cause       error
	}{
		{name: "auth0 shape", body: `{"error":"invalid_grant","error_description":"Invalid otp_code."}`, code: "invalid_grant", desc: "Invalid otp_code."},
		{name: "mfa_required", body: fixtureMFARequired, code: "mfa_required", desc: "Multifactor authentication required", mfaToken: "Fe26...Ha"},
		{name: "legacy shape", body: `{"name":"ValidationError","code":"invalid_body","description":"Bad body","statusCode":400}`, code: "invalid_body", desc: "Bad body"},
		{name: "rfc 7807", contentType: "application/problem+json", body: `{"type":"https://auth0.com/api-errors/A0E-404-0001","title":"Not Found","detail":"nope","status":404}`, code: "Not Found", desc: "nope"},
		{name: "wrong member types", body: `{"error":42,"error_description":["x"],"mfa_token":{}}`, desc: "JSON error body without error code"},
		{name: "empty", body: "", desc: "empty response body"},
		{name: "blank", body: " \n\t ", desc: "empty response body"},
		{name: "small text", contentType: "text/plain", body: "Bad Gateway\n", desc: "Bad Gateway"},
		{name: "small text with controls", contentType: "text/plain", body: "Bad\x1b[31m\x00 Gate\u202eway\r\n", desc: "Bad[31m Gateway"},
		{name: "html", contentType: "text/html", body: "<html><body>secret=abc</body></html>", desc: "non-JSON response body (text/html, 36 bytes)"},
		{name: "html without type", body: "<!doctype html><p>x</p>", desc: "non-JSON response body (application/json, 23 bytes)"},
		{name: "large text", contentType: "text/plain", body: long, desc: "non-JSON response body (text/plain, 600 bytes)"},
		{name: "invalid utf8", contentType: "text/plain", body: "a\xffb", desc: "non-JSON response body (text/plain, 3 bytes)"},
		{name: "JSON array", body: `["x"]`, desc: `["x"]`},
		{name: "broken JSON object", body: `{"error":"x"`, desc: `{"error":"x"`},
		{name: "too large", body: `{"error":"x"}`, tooLarge: true, desc: "response body too large", cause: ErrResponseTooLarge},
		{name: "redirect", status: 302, body: "", desc: "redirect refused (not followed)", cause: ErrRedirect},
		{name: "long description capped", body: `{"error":"server_error","error_description":"` + long + `"}`, code: "server_error", desc: long[:maxDescriptionBytes-len("…")] + "…"},
		{name: "description controls", body: `{"error":"bad\u0000code","error_description":"line1\nline2\u0007\u200b"}`, code: "badcode", desc: "line1 line2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			ct := tt.contentType
			if ct == "" {
				ct = "application/json"
			}
			h.Set("Content-Type", ct)
			status := tt.status
			if status == 0 {
				status = 400
			}
			e := parseError("POST", "/oauth/token", status, h, []byte(tt.body), tt.tooLarge, testNow())
			if e.StatusCode != status || e.Code != tt.code || e.Description != tt.desc || e.MFAToken != tt.mfaToken {
				t.Errorf("got %d code %q desc %q token %q\nwant code %q desc %q", e.StatusCode, e.Code, e.Description, e.MFAToken, tt.code, tt.desc)
			}
			if !errors.Is(e, tt.cause) && tt.cause != nil || tt.cause == nil && e.Unwrap() != nil {
				t.Errorf("cause = %v, want %v", e.Unwrap(), tt.cause)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := testNow()
	tests := []struct {
		v    string
		want time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{"0", 0},
		{"-3", 0},
		{"soon", 0},
		{"99999999999", maxRetryAfter},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{now.Add(48 * time.Hour).Format(http.TimeFormat), maxRetryAfter},
		{now.Add(30 * time.Second).Format(time.RFC850), 30 * time.Second},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.v, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestRateLimitHeaders(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "10")
	h.Set("X-RateLimit-Remaining", "3")
	h.Set("X-RateLimit-Reset", "1790000000")
	if rl := parseRateLimit(h); rl.Limit != 10 || rl.Remaining != 3 || !rl.Reset.Equal(time.Unix(1790000000, 0)) {
		t.Errorf("rate limit = %+v", rl)
	}
	h.Set("X-RateLimit-Limit", "x")
	h.Set("X-RateLimit-Remaining", "-1")
	h.Set("X-RateLimit-Reset", "1e9")
	if rl := parseRateLimit(h); rl != (RateLimit{}) {
		t.Errorf("garbage rate limit = %+v", rl)
	}
	// A 429 with both: Retry-After wins.
	h = http.Header{"Retry-After": {"7"}, "X-Ratelimit-Reset": {fmt.Sprint(testNow().Add(time.Hour).Unix())}}
	if e := parseError("GET", "/x", 429, h, nil, false, testNow()); e.RetryAfter != 7*time.Second {
		t.Errorf("RetryAfter = %v", e.RetryAfter)
	}
	// A non-429 does not turn the reset into a retry hint.
	h = http.Header{"X-Ratelimit-Reset": {fmt.Sprint(testNow().Add(time.Hour).Unix())}}
	if e := parseError("GET", "/x", 400, h, nil, false, testNow()); e.RetryAfter != 0 {
		t.Errorf("RetryAfter = %v", e.RetryAfter)
	}
}

// FuzzParseError: whatever the body and headers, parseError does not panic, keeps Code and
// Description short, valid UTF-8 and free of control characters, never quotes a large body,
// and Error() never contains the mfa_token.
func FuzzParseError(f *testing.F) {
	f.Add(400, "application/json", []byte(fixturePending), "")
	f.Add(403, "application/json", []byte(fixtureMFARequired), "")
	f.Add(400, "application/json", []byte(fixtureRejected), "5")
	f.Add(429, "application/json", []byte(`{"error":"too_many_attempts","error_description":"Too many failed codes. Wait for some minutes before retrying."}`), "360")
	f.Add(502, "text/html", []byte("<html><body>Bad Gateway</body></html>"), "")
	f.Add(500, "text/plain", []byte("a\x00b\x1b[0m\u202e"), "Wed, 26 Nov 2026 12:01:00 GMT")
	f.Add(401, "", []byte(""), "")
	f.Add(400, "application/json", []byte(`{"error":"x","error_description":"`+strings.Repeat("é", 300)+`"}`), "")
	f.Add(418, "application/json", []byte(`{"error":{"nested":true},"mfa_token":"Fe26.2*fuzz-token-value"}`), "-1")
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte, retryAfter string) {
		h := http.Header{}
		h.Set("Content-Type", contentType)
		h.Set("Retry-After", retryAfter)
		e := parseError("POST", "/oauth/token", status, h, body, false, testNow())
		if e.StatusCode != status {
			t.Fatalf("status %d, want %d", e.StatusCode, status)
		}
		for _, s := range []struct {
			v   string
			max int
		}{{e.Code, maxCodeBytes}, {e.Description, maxDescriptionBytes}} {
			if len(s.v) > s.max || !utf8.ValidString(s.v) {
				t.Fatalf("field %q too long or invalid UTF-8", s.v)
			}
			if strings.ContainsFunc(s.v, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) {
				t.Fatalf("field %q has control characters", s.v)
			}
		}
		if trimmed := bytes.TrimSpace(body); len(trimmed) > maxDescriptionBytes && strings.Contains(e.Error(), string(trimmed)) {
			t.Fatal("Error() quotes a large body")
		}
		if e.RetryAfter < 0 || e.RetryAfter > maxRetryAfter {
			t.Fatalf("RetryAfter %v", e.RetryAfter)
		}
		if tok := e.MFAToken; len(tok) >= 8 && !strings.Contains(e.Description, tok) && !strings.Contains(e.Code, tok) {
			for _, out := range []string{e.Error(), fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e), fmt.Sprint(*e)} {
				if strings.Contains(out, tok) {
					t.Fatalf("output reveals the mfa_token: %s", out)
				}
			}
		}
	})
}
