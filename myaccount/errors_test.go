package myaccount

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// classifiers lists every classifier, so each row can assert the exact set that matches.
var classifiers = []struct {
	name string
	f    func(error) bool
}{
	{"IsInvalidCode", IsInvalidCode},
	{"IsAuthSessionInvalid", IsAuthSessionInvalid},
	{"IsInvalidRequest", IsInvalidRequest},
	{"IsUnauthorized", IsUnauthorized},
	{"IsInsufficientScope", IsInsufficientScope},
	{"IsNotFound", IsNotFound},
	{"IsNotActivated", IsNotActivated},
	{"IsConflict", IsConflict},
	{"IsRateLimited", IsRateLimited},
}

// calls maps each Op to a call that makes it, so an error row runs through the real request
// path of that call.
var calls = map[Op]func(ctx context.Context, c *Client) error{
	OpMethods: func(ctx context.Context, c *Client) error { _, err := c.Methods(ctx, testToken, ""); return err },
	OpMethod: func(ctx context.Context, c *Client) error {
		_, err := c.Method(ctx, testToken, "totp|dev_1")
		return err
	},
	OpEnroll: func(ctx context.Context, c *Client) error {
		_, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypePhone, PhoneNumber: "+15551234567"})
		return err
	},
	OpVerify: func(ctx context.Context, c *Client) error {
		_, err := c.Verify(ctx, testToken, VerifyRequest{ID: "totp%7Cdev_1", AuthSession: testAuthSession, OTPCode: testOTP})
		return err
	},
	OpUpdateMethod: func(ctx context.Context, c *Client) error {
		_, err := c.UpdateMethod(ctx, testToken, "totp|dev_1", MethodUpdate{Name: ptr("n")})
		return err
	},
	OpDeleteMethod: func(ctx context.Context, c *Client) error { return c.DeleteMethod(ctx, testToken, "totp|dev_1") },
	OpFactors:      func(ctx context.Context, c *Client) error { _, err := c.Factors(ctx, testToken); return err },
}

// TestErrorClasses sends each error shape through a real round trip of the call named and
// checks the exact set of classifiers that match, the Fix, and the hints.
func TestErrorClasses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		op          Op
		resp        stub
		want        []string // classifiers that must match; all others must not
		fix         string   // substring of Fix; "" means Fix must be empty
		scope       string   // MissingScope
		retryAfter  time.Duration
		global      bool
		errContains string
	}{
		{name: "401 invalid token", op: OpMethods, resp: stub{status: 401, body: problemInvalidToken},
			want: []string{"IsUnauthorized"}, errContains: "401 Invalid Token: Invalid Token (A0E-401-0003)"},
		{name: "401 wrong audience", op: OpMethods,
			resp: stub{status: 401, body: `{"type":"https://auth0.com/api-errors/A0E-401-0001","status":401,"title":"Unauthorized","detail":"Invalid audience."}`},
			want: []string{"IsUnauthorized"}, fix: "request the token with audience https://tenant.example.auth0.com/me/"},
		{name: "403 insufficient scope names the call's scope", op: OpDeleteMethod, resp: stub{status: 403, body: problemScope},
			want: []string{"IsInsufficientScope"}, scope: ScopeDelete,
			fix: "add the scope delete:me:authentication_methods to the application's client grant for the My Account API " +
				"(Dashboard > Applications > your app > APIs > Auth0 My Account API"},
		{name: "403 whose detail states the scope", op: OpFactors,
			resp: stub{status: 403, body: `{"type":"https://auth0.com/api-errors/A0E-403-0099","status":403,"title":"Forbidden","detail":"Insufficient scope, expected any of: read:me:factors"}`},
			want: []string{"IsInsufficientScope"}, scope: ScopeReadFactors, fix: "add the scope read:me:factors"},
		{name: "403 wrong code at verify", op: OpVerify,
			resp: stub{status: 403, body: `{"type":"https://auth0.com/api-errors/A0E-403-0001","status":403,"title":"Forbidden","detail":"Invalid otp_code."}`},
			want: []string{"IsInvalidCode"}},
		{name: "400 validation error on otp_code at verify", op: OpVerify,
			resp: stub{status: 400, body: `{"type":"https://auth0.com/api-errors/A0E-400-0003","status":400,"title":"validation_error","detail":"Invalid request payload","validation_errors":[{"detail":"must match pattern","pointer":"/otp_code"}]}`},
			want: []string{"IsInvalidCode"}, errContains: "/otp_code: must match pattern"},
		{name: "400 invalid_code at verify", op: OpVerify,
			resp: stub{status: 400, body: `{"type":"https://auth0.com/api-errors/A0E-400-0010","status":400,"title":"Bad Request","detail":"invalid_code"}`},
			want: []string{"IsInvalidCode"}},
		{name: "400 stale auth_session at verify", op: OpVerify,
			resp: stub{status: 400, body: `{"type":"https://auth0.com/api-errors/A0E-400-0011","status":400,"title":"Bad Request","detail":"The auth_session is invalid or has expired."}`},
			want: []string{"IsAuthSessionInvalid", "IsInvalidRequest"}},
		{name: "400 at enroll is a bad request, never a wrong code", op: OpEnroll,
			resp: stub{status: 400, body: `{"type":"https://auth0.com/api-errors/A0E-400-0003","status":400,"title":"validation_error","detail":"otp_code is not allowed","validation_errors":[{"detail":"invalid phone number","field":"phone_number"}]}`},
			want: []string{"IsInvalidRequest"}, errContains: "phone_number: invalid phone number"},
		{name: "404 on a collection: not activated", op: OpEnroll, resp: stub{status: 404, body: problemNotActivated},
			want: []string{"IsNotActivated"}, fix: "activate the My Account API on the tenant"},
		{name: "404 on factors: not activated", op: OpFactors, resp: stub{status: 404, body: problemNotActivated},
			want: []string{"IsNotActivated"}, fix: "activate the My Account API"},
		{name: "404 on a method: not found", op: OpMethod,
			resp: stub{status: 404, body: `{"type":"https://auth0.com/api-errors/A0E-404-0002","status":404,"title":"Not Found","detail":"Authentication method not found."}`},
			want: []string{"IsNotFound"}},
		{name: "404 on verify: not found", op: OpVerify,
			resp: stub{status: 404, body: `{"type":"https://auth0.com/api-errors/A0E-404-0002","status":404,"title":"Not Found","detail":"Not found"}`},
			want: []string{"IsNotFound"}},
		{name: "404 HTML page is neither", op: OpMethod, resp: stub{status: 404, contentType: "text/html", body: "<html>nope</html>"},
			want: nil, errContains: "non-JSON response body (text/html, 17 bytes)"},
		{name: "409 on delete, cause unknown", op: OpDeleteMethod,
			resp: stub{status: 409, body: `{"type":"https://auth0.com/api-errors/A0E-409-0001","status":409,"title":"Conflict","detail":"Conflict"}`},
			want: []string{"IsConflict"}},
		{name: "429 with Retry-After", op: OpEnroll,
			resp: stub{status: 429, body: `{"type":"https://auth0.com/api-errors/A0E-429-0001","status":429,"title":"Too Many Requests","detail":"Rate limit exceeded"}`,
				header: map[string]string{"Retry-After": "7", "X-RateLimit-Limit": "2", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1790000000"}},
			want: []string{"IsRateLimited"}, retryAfter: 7 * time.Second},
		{name: "429 without Retry-After waits until x-ratelimit-reset", op: OpVerify,
			resp: stub{status: 429, body: `{"type":"t","status":429,"title":"Too Many Requests","detail":"slow down"}`,
				header: map[string]string{"X-RateLimit-Limit": "2", "X-RateLimit-Remaining": "0",
					"X-RateLimit-Reset": itoa(testNow().Add(42 * time.Second).Unix())}},
			want: []string{"IsRateLimited"}, retryAfter: 42 * time.Second},
		{name: "429 tenant-wide", op: OpMethods,
			resp: stub{status: 429, body: `{"type":"t","status":429,"title":"Too Many Requests","detail":"global"}`,
				header: map[string]string{"x-auth0-error-kind": "global-rate-limit", "Retry-After": "1"}},
			want: []string{"IsRateLimited"}, retryAfter: time.Second, global: true},
		{name: "415", op: OpUpdateMethod,
			resp: stub{status: 415, body: `{"type":"t","status":415,"title":"Unsupported Media Type","detail":"x"}`}, want: nil},
		{name: "502 plain text", op: OpMethods, resp: stub{status: 502, contentType: "text/plain", body: "Bad Gateway"},
			want: nil, errContains: "502: Bad Gateway"},
		{name: "empty body", op: OpMethods, resp: stub{status: 500, noCT: true}, want: nil, errContains: "500: empty response body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := serveStub(t, tt.resp)
			err := calls[tt.op](t.Context(), c)
			e, ok := asError(err)
			if !ok {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if e.Status != tt.resp.status || e.Op != tt.op {
				t.Errorf("Status %d Op %s, want %d %s", e.Status, e.Op, tt.resp.status, tt.op)
			}
			var got []string
			for _, cl := range classifiers {
				if cl.f(err) {
					got = append(got, cl.name)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("classifiers %v, want %v (error: %v)", got, tt.want, err)
			}
			if fix := e.Fix(); (tt.fix == "") != (fix == "") || !strings.Contains(fix, tt.fix) {
				t.Errorf("Fix = %q, want it to contain %q", fix, tt.fix)
			}
			if tt.fix != "" && !strings.HasSuffix(err.Error(), "; fix: "+e.Fix()) {
				t.Errorf("Error() does not end with the fix: %s", err)
			}
			if got := MissingScope(err); got != tt.scope {
				t.Errorf("MissingScope = %q, want %q", got, tt.scope)
			}
			if e.RetryAfter != tt.retryAfter || e.GlobalRateLimit != tt.global {
				t.Errorf("RetryAfter %v Global %v, want %v %v", e.RetryAfter, e.GlobalRateLimit, tt.retryAfter, tt.global)
			}
			if !strings.Contains(err.Error(), tt.errContains) || strings.Contains(err.Error(), testToken) {
				t.Errorf("Error() = %q, want it to contain %q", err.Error(), tt.errContains)
			}
			// Wrapped errors classify the same.
			wrapped := errors.Join(errors.New("handler"), err)
			for _, cl := range classifiers {
				if cl.f(wrapped) != cl.f(err) {
					t.Errorf("%s differs on a wrapped error", cl.name)
				}
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestErrorScrubsEchoedSecrets: a server that quotes the request's secrets back in its error
// text does not get them into logs.
func TestErrorScrubsEchoedSecrets(t *testing.T) {
	t.Parallel()
	const phone = "+15551234567"
	c, _ := serveStub(t, stub{status: 400, body: `{"type":"t","status":400,"title":"Bad Request for ` + testToken + `",` +
		`"detail":"number ` + phone + ` rejected","validation_errors":[{"detail":"` + phone + ` is not valid","field":"phone_number"}]}`})
	_, err := c.Enroll(t.Context(), testToken, EnrollRequest{Type: TypePhone, PhoneNumber: phone})
	if !IsInvalidRequest(err) {
		t.Fatalf("err = %v", err)
	}
	for _, s := range []string{testToken, phone, "5551234567"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("Error() reveals %q: %s", s, err)
		}
	}
	if !strings.Contains(err.Error(), "number [REDACTED] rejected") {
		t.Errorf("Error() = %s", err)
	}

	c2, _ := serveStub(t, stub{status: 403, body: `{"type":"t","status":403,"title":"Forbidden","detail":"code ` + testOTP + ` for ` + testAuthSession + ` is wrong"}`})
	_, err = c2.Verify(t.Context(), testToken, VerifyRequest{ID: "totp%7Cdev_1", AuthSession: testAuthSession, OTPCode: testOTP})
	if strings.Contains(err.Error(), testAuthSession) || strings.Contains(err.Error(), "code "+testOTP) {
		t.Errorf("Error() reveals the session or the code: %s", err)
	}
}

// TestErrorCaps: long or hostile text is cut and cleaned; many validation errors are bounded.
func TestErrorCaps(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 400)
	var ve []string
	for range 50 {
		ve = append(ve, `{"detail":"d","field":"f"}`)
	}
	body := `{"type":"` + long + `","status":400,"title":"` + long + `","detail":"a\u202eb\u0000c ` + long + `","validation_errors":[` + strings.Join(ve, ",") + `]}`
	e := parseError(errorInput{op: OpEnroll, method: "POST", path: "/me/v1/authentication-methods", status: 400,
		header: http.Header{}, body: []byte(body), now: testNow()})
	for _, f := range []struct {
		s   string
		max int
	}{{e.Type, maxTypeBytes}, {e.Title, maxTitleBytes}, {e.Detail, maxDetailBytes}} {
		if len(f.s) > f.max || !utf8.ValidString(f.s) {
			t.Errorf("%d bytes (max %d), valid UTF-8 %v", len(f.s), f.max, utf8.ValidString(f.s))
		}
	}
	if strings.ContainsAny(e.Detail, "\u202e\x00") {
		t.Errorf("control characters kept: %q", e.Detail[:10])
	}
	if len(e.ValidationErrors) != maxValidationErrors || !strings.Contains(e.Error(), "; 7 more validation errors") {
		t.Errorf("%d validation errors kept; Error() = %.300s", len(e.ValidationErrors), e.Error())
	}
}

// TestErrorBodyOddShapes: members of the wrong JSON type are ignored, not fatal.
func TestErrorBodyOddShapes(t *testing.T) {
	t.Parallel()
	tests := []struct{ body, title, detail string }{
		{`{"type":1,"status":"400","title":["x"],"detail":"ok"}`, "", "ok"},
		{`{"title":"T","validation_errors":"nope"}`, "T", ""},
		{`{"title":"T","validation_errors":[1,{"detail":"d"}]}`, "T", ""},
		{`{}`, "", "JSON error body without title or detail"},
		{`[1,2]`, "", "[1,2]"},
	}
	for _, tt := range tests {
		e := parseError(errorInput{status: 400, header: http.Header{}, body: []byte(tt.body), now: testNow()})
		if e.Title != tt.title || e.Detail != tt.detail {
			t.Errorf("%s: Title %q Detail %q, want %q %q", tt.body, e.Title, e.Detail, tt.title, tt.detail)
		}
	}
}

// FuzzParseError: whatever the body and headers, parseError does not panic, keeps every text
// capped and valid, never returns a large raw body, and keeps RetryAfter in bounds.
func FuzzParseError(f *testing.F) {
	for _, s := range []string{problemNotActivated, problemInvalidToken, problemScope, `{"validation_errors":[{"detail":"x","pointer":"/otp_code"}]}`,
		"", "<html>", `{"title":"` + strings.Repeat("x", 500) + `"}`, "\xff\xfe", `{"detail":"` + testToken + `"}`} {
		f.Add(400, s, "7", "1790000000")
	}
	f.Add(429, `{}`, "Wed, 21 Oct 2015 07:28:00 GMT", "99999999999")
	f.Fuzz(func(t *testing.T, status int, body, retryAfter, reset string) {
		h := http.Header{"Retry-After": {retryAfter}, "X-Ratelimit-Reset": {reset}}
		e := parseError(errorInput{op: OpVerify, status: status, header: h, body: []byte(body), now: testNow(),
			secrets: []string{testToken}})
		for _, f := range []struct {
			s   string
			max int
		}{{e.Type, maxTypeBytes}, {e.Title, maxTitleBytes}, {e.Detail, maxDetailBytes}} {
			if len(f.s) > f.max || !utf8.ValidString(f.s) {
				t.Fatalf("text of %d bytes (max %d) or invalid UTF-8", len(f.s), f.max)
			}
		}
		if len(e.ValidationErrors) > maxValidationErrors {
			t.Fatalf("%d validation errors", len(e.ValidationErrors))
		}
		if strings.Contains(e.Error(), testToken) {
			t.Fatalf("Error() reveals the token: %s", e.Error())
		}
		if e.RetryAfter < 0 || e.RetryAfter > 24*time.Hour {
			t.Fatalf("RetryAfter %v", e.RetryAfter)
		}
		_ = e.Fix()
		_ = IsInvalidCode(e) || IsNotActivated(e) || IsInsufficientScope(e)
	})
}
