package myaccount

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// TestWire replays the OAS example bodies and asserts, on the server side, exactly what each
// call sends (method, request URI as on the wire, headers, JSON body byte for byte), and what
// the caller gets back.
func TestWire(t *testing.T) {
	t.Parallel()
	phoneMethod := Method{ID: "phone|dev_XXXXXXXXXXXXXXXX", Type: TypePhone, Confirmed: true, PhoneNumber: "+15551234567",
		PreferredChannel: ChannelSMS, Usage: []Usage{UsageSecondary}, CreatedAt: ts("2025-01-15T10:30:00Z")}
	totpMethod := Method{ID: "totp|dev_XXXXXXXXXXXXXXXX", Type: TypeTOTP, Confirmed: true, Usage: []Usage{UsageSecondary},
		CreatedAt: ts("2025-01-15T10:30:00Z")}
	tests := []struct {
		name   string
		resp   stub
		call   func(ctx context.Context, c *Client) (any, error)
		method string
		uri    string
		body   string // exact request body; "" means none
		want   any
	}{
		{
			name: "list", resp: stub{body: oasList},
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Methods(ctx, testToken, "") },
			method: "GET", uri: "/me/v1/authentication-methods",
			want: []Method{
				{ID: "email|dev_XXXXXXXXXXXXXXXX", Type: TypeEmail, Confirmed: true, Email: "user@example.com",
					Usage: []Usage{UsageSecondary}, CreatedAt: ts("2025-01-15T10:30:00Z")},
				{ID: "phone|dev_YYYYYYYYYYYYYYYY", Type: TypePhone, Confirmed: true, PhoneNumber: "+15551234567",
					PreferredChannel: ChannelSMS, Usage: []Usage{UsageSecondary}, CreatedAt: ts("2025-01-16T14:00:00Z")},
				{ID: "totp|dev_ZZZZZZZZZZZZZZZZ", Type: TypeTOTP, Confirmed: true, Usage: []Usage{UsageSecondary},
					CreatedAt: ts("2025-02-01T09:15:00Z")},
				{ID: "passkey|dev_AAAAAAAAAAAAAAAA", Type: TypePasskey, Confirmed: true, CredentialDeviceType: "multi_device",
					CredentialBackedUp: true, IdentityUserID: "auth0|507f1f77bcf86cd799439011", KeyID: "dGVzdC1rZXktaWQ",
					PublicKey: "pQECAyYgASFYI...", Transports: []string{"internal"}, UserAgent: "Chrome 131.0.0 / Mac OS X 10.15.7",
					UserHandle: "YXV0aDB8NTA3ZjFmNzdiY2Y4NmNkNzk5NDM5MDEx", RelyingPartyID: "example.auth0.com",
					Usage: []Usage{UsagePrimary}, CreatedAt: ts("2025-03-10T08:00:00Z")},
				{ID: "password|dXNlci0xMjM", Type: TypePassword, Confirmed: true, IdentityUserID: "auth0|507f1f77bcf86cd799439011",
					Usage: []Usage{UsagePrimary}, CreatedAt: ts("2024-06-01T12:00:00Z")},
				{ID: "webauthn-platform|dev_BBBBBBBBBBBBBBBB", Type: TypeWebAuthnPlatform, Confirmed: true,
					KeyID: "dGVzdC1wbGF0Zm9ybS1rZXk", PublicKey: "pQECAyYgASFYI...", Usage: []Usage{UsageSecondary},
					CreatedAt: ts("2025-02-20T11:00:00Z")},
				{ID: "webauthn-roaming|dev_CCCCCCCCCCCCCCCC", Type: TypeWebAuthnRoaming, Confirmed: true,
					KeyID: "dGVzdC1yb2FtaW5nLWtleQ", PublicKey: "pQECAyYgASFYI...", Usage: []Usage{UsageSecondary},
					CreatedAt: ts("2025-02-25T16:45:00Z")},
			},
		},
		{
			name: "list empty", resp: stub{body: `{"authentication_methods":[]}`},
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Methods(ctx, testToken, "") },
			method: "GET", uri: "/me/v1/authentication-methods", want: []Method{},
		},
		{
			name: "list filtered by type", resp: stub{body: `{"authentication_methods":[]}`},
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Methods(ctx, testToken, TypePush) },
			method: "GET", uri: "/me/v1/authentication-methods?type=push-notification", want: []Method{},
		},
		{
			name: "get escapes the id", resp: stub{body: oasGetPhone},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Method(ctx, testToken, "phone|dev_XXXXXXXXXXXXXXXX")
			},
			method: "GET", uri: "/me/v1/authentication-methods/phone%7Cdev_XXXXXXXXXXXXXXXX", want: &phoneMethod,
		},
		{
			name: "enroll totp",
			resp: stub{status: 202, body: oasEnrollTOTP,
				header: map[string]string{"Location": "https://auth0.auth0.com/me/v1/authentication-methods/totp%7Cdev_XXXXXXXXXXXXXXXX"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Enroll(ctx, testToken, EnrollRequest{Type: TypeTOTP})
			},
			method: "POST", uri: "/me/v1/authentication-methods", body: `{"type":"totp"}`,
			want: &Enrollment{Type: TypeTOTP, ID: "totp|dev_XXXXXXXXXXXXXXXX", VerifyID: "totp%7Cdev_XXXXXXXXXXXXXXXX",
				Location:    "https://auth0.auth0.com/me/v1/authentication-methods/totp%7Cdev_XXXXXXXXXXXXXXXX",
				AuthSession: "Fe26.2**05c400ed...", ManualInputCode: "JBSWY3DPEHPK3PXP",
				BarcodeURI: "otpauth://totp/my-tenant:auth0%7C507f1f77bcf86cd799439011?secret=JBSWY3DPEHPK3PXP&issuer=my-tenant&algorithm=SHA1&digits=6&period=30"},
		},
		{
			name: "enroll phone with a preferred channel",
			resp: stub{status: 202, body: oasEnrollPhone, header: map[string]string{"Location": "/me/v1/authentication-methods/phone%7Cdev_XXXXXXXXXXXXXXXX"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Enroll(ctx, testToken, EnrollRequest{Type: TypePhone, PhoneNumber: "+15551234567", PreferredChannel: ChannelSMS})
			},
			method: "POST", uri: "/me/v1/authentication-methods",
			body: `{"type":"phone","phone_number":"+15551234567","preferred_authentication_method":"sms"}`,
			want: &Enrollment{Type: TypePhone, ID: "phone|dev_XXXXXXXXXXXXXXXX", VerifyID: "phone%7Cdev_XXXXXXXXXXXXXXXX",
				Location: "/me/v1/authentication-methods/phone%7Cdev_XXXXXXXXXXXXXXXX", AuthSession: "Fe26.2**05c400ed..."},
		},
		{
			name: "enroll phone without a preferred channel",
			resp: stub{status: 202, body: oasEnrollPhone, header: map[string]string{"Location": "/me/v1/authentication-methods/phone%7Cdev_XXXXXXXXXXXXXXXX"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				e, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypePhone, PhoneNumber: "+15551234567"})
				return e != nil, err
			},
			method: "POST", uri: "/me/v1/authentication-methods", body: `{"type":"phone","phone_number":"+15551234567"}`, want: true,
		},
		{
			name: "enroll email",
			resp: stub{status: 202, body: oasEnrollEmail, header: map[string]string{"Location": "/me/v1/authentication-methods/email%7Cdev_XXXXXXXXXXXXXXXX"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				e, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypeEmail, Email: "user@example.com"})
				return e.VerifyID, err
			},
			method: "POST", uri: "/me/v1/authentication-methods", body: `{"type":"email","email":"user@example.com"}`,
			want: "email%7Cdev_XXXXXXXXXXXXXXXX",
		},
		{
			name: "enroll push",
			resp: stub{status: 202, body: oasEnrollPush, header: map[string]string{"Location": "/me/v1/authentication-methods/push-notification%7Cdev_XXXXXXXXXXXXXXXX"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				e, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypePush})
				return e.BarcodeURI != "" && e.ManualInputCode == "", err
			},
			method: "POST", uri: "/me/v1/authentication-methods", body: `{"type":"push-notification"}`, want: true,
		},
		{
			name: "enroll recovery code",
			resp: stub{status: 202, body: oasEnrollRecovery, header: map[string]string{"Location": "/me/v1/authentication-methods/recovery-code%7Cdev_XXXXXXXXXXXXXXXX"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				e, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypeRecoveryCode})
				return e.RecoveryCode, err
			},
			method: "POST", uri: "/me/v1/authentication-methods", body: `{"type":"recovery-code"}`, want: "ABCDEFGHIJKLMNOPQRSTUVWX",
		},
		{
			name: "enroll passkey: no id, Location passkey%7Cnew",
			resp: stub{status: 202, body: oasEnrollPasskey, header: map[string]string{"Location": oasLocationPasskeyNew}},
			call: func(ctx context.Context, c *Client) (any, error) {
				e, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypePasskey})
				if err != nil {
					return nil, err
				}
				var opts bytes.Buffer
				_ = json.Compact(&opts, e.AuthnParamsPublicKey)
				return []string{e.ID, e.VerifyID, e.AuthSession, opts.String()}, nil
			},
			method: "POST", uri: "/me/v1/authentication-methods", body: `{"type":"passkey"}`,
			want: []string{"", "passkey%7Cnew", "Fe26.2**05c400ed...", oasPasskeyOptions},
		},
		{
			name: "enroll passkey for a connection and a linked identity",
			resp: stub{status: 202, body: oasEnrollPasskey, header: map[string]string{"Location": oasLocationPasskeyNew}},
			call: func(ctx context.Context, c *Client) (any, error) {
				e, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypePasskey,
					Connection: "Username-Password-Authentication", IdentityUserID: "auth0|507f1f77bcf86cd799439011"})
				return e != nil, err
			},
			method: "POST", uri: "/me/v1/authentication-methods",
			body: `{"type":"passkey","connection":"Username-Password-Authentication","identity_user_id":"auth0|507f1f77bcf86cd799439011"}`,
			want: true,
		},
		{
			name: "verify totp",
			resp: stub{status: 201, body: oasVerifiedTOTP, header: map[string]string{"Location": "/me/v1/authentication-methods/totp%7Cdev_XXXXXXXXXXXXXXXX"}},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Verify(ctx, testToken, VerifyRequest{ID: "totp%7Cdev_XXXXXXXXXXXXXXXX", AuthSession: "Fe26.2**05c400ed...", OTPCode: "123456"})
			},
			method: "POST", uri: "/me/v1/authentication-methods/totp%7Cdev_XXXXXXXXXXXXXXXX/verify",
			body: `{"auth_session":"Fe26.2**05c400ed...","otp_code":"123456"}`, want: &totpMethod,
		},
		{
			name: "verify push sends the session alone",
			resp: stub{status: 201, body: oasVerifiedPush},
			call: func(ctx context.Context, c *Client) (any, error) {
				m, err := c.Verify(ctx, testToken, VerifyRequest{ID: "push-notification%7Cdev_XXXXXXXXXXXXXXXX", AuthSession: "Fe26.2**05c400ed..."})
				return m.Type, err
			},
			method: "POST", uri: "/me/v1/authentication-methods/push-notification%7Cdev_XXXXXXXXXXXXXXXX/verify",
			body: `{"auth_session":"Fe26.2**05c400ed..."}`, want: TypePush,
		},
		{
			name: "verify passkey uses passkey%7Cnew as given",
			resp: stub{status: 201, body: oasVerifiedPasskey, header: map[string]string{"Location": oasLocationPasskey}},
			call: func(ctx context.Context, c *Client) (any, error) {
				m, err := c.Verify(ctx, testToken, VerifyRequest{ID: "passkey%7Cnew", AuthSession: "Fe26.2**05c400ed...",
					AuthnResponse: json.RawMessage(oasAuthnResponse)})
				return m.ID, err
			},
			method: "POST", uri: "/me/v1/authentication-methods/passkey%7Cnew/verify",
			body: `{"auth_session":"Fe26.2**05c400ed...","authn_response":` + oasAuthnResponse + `}`,
			want: "passkey|dev_XXXXXXXXXXXXXXXX",
		},
		{
			name: "rename",
			resp: stub{body: oasGetPhone},
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateMethod(ctx, testToken, "phone|dev_XXXXXXXXXXXXXXXX", MethodUpdate{Name: ptr("Work phone")})
			},
			method: "PATCH", uri: "/me/v1/authentication-methods/phone%7Cdev_XXXXXXXXXXXXXXXX",
			body: `{"name":"Work phone"}`, want: &phoneMethod,
		},
		{
			name: "preferred channel only",
			resp: stub{body: oasGetPhone},
			call: func(ctx context.Context, c *Client) (any, error) {
				m, err := c.UpdateMethod(ctx, testToken, "phone|dev_XXXXXXXXXXXXXXXX", MethodUpdate{PreferredChannel: ptr(ChannelVoice)})
				return m != nil, err
			},
			method: "PATCH", uri: "/me/v1/authentication-methods/phone%7Cdev_XXXXXXXXXXXXXXXX",
			body: `{"preferred_authentication_method":"voice"}`, want: true,
		},
		{
			name: "rename to empty and change channel",
			resp: stub{body: oasGetPhone},
			call: func(ctx context.Context, c *Client) (any, error) {
				m, err := c.UpdateMethod(ctx, testToken, "phone|dev_XXXXXXXXXXXXXXXX",
					MethodUpdate{Name: ptr(""), PreferredChannel: ptr(ChannelSMS)})
				return m != nil, err
			},
			method: "PATCH", uri: "/me/v1/authentication-methods/phone%7Cdev_XXXXXXXXXXXXXXXX",
			body: `{"name":"","preferred_authentication_method":"sms"}`, want: true,
		},
		{
			name: "delete",
			resp: stub{status: 204},
			call: func(ctx context.Context, c *Client) (any, error) {
				return true, c.DeleteMethod(ctx, testToken, "totp|dev_ZZZZZZZZZZZZZZZZ")
			},
			method: "DELETE", uri: "/me/v1/authentication-methods/totp%7Cdev_ZZZZZZZZZZZZZZZZ", want: true,
		},
		{
			name:   "factors",
			resp:   stub{body: oasFactors},
			call:   func(ctx context.Context, c *Client) (any, error) { return c.Factors(ctx, testToken) },
			method: "GET", uri: "/me/v1/factors",
			want: []Factor{{Type: TypeTOTP, Usage: []Usage{UsageSecondary}}, {Type: TypePhone, Usage: []Usage{UsageSecondary}},
				{Type: TypePasskey, Usage: []Usage{UsagePrimary}}, {Type: TypeRecoveryCode, Usage: []Usage{UsageSecondary}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := serveStub(t, tt.resp)
			got, err := tt.call(t.Context(), c)
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("result\n got %#v\nwant %#v", got, tt.want)
			}
			reqs := rec.all()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tt.method || r.RequestURI != tt.uri {
				t.Errorf("request %s %s, want %s %s", r.Method, r.RequestURI, tt.method, tt.uri)
			}
			if r.Authorization != "Bearer "+testToken || r.Accept != "application/json" || r.UserAgent != userAgent {
				t.Errorf("headers Authorization=%q Accept=%q User-Agent=%q", r.Authorization, r.Accept, r.UserAgent)
			}
			if r.Body != tt.body {
				t.Errorf("body\n got %s\nwant %s", r.Body, tt.body)
			}
			wantCT := ""
			if tt.body != "" {
				wantCT = "application/json"
			}
			if r.ContentType != wantCT {
				t.Errorf("Content-Type %q, want %q", r.ContentType, wantCT)
			}
		})
	}
}

// TestAudienceAndBaseURL: the audience is built from the domain given to New, even when the
// calls go to a local emulator.
func TestAudienceAndBaseURL(t *testing.T) {
	t.Parallel()
	c, err := New("login.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if c.Audience() != "https://login.example.com/me/" || c.BaseURL() != "https://login.example.com/me/v1" {
		t.Errorf("Audience %q BaseURL %q", c.Audience(), c.BaseURL())
	}
	e, err := New("login.example.com", WithInsecureBaseURL("http://127.0.0.1:8080"))
	if err != nil {
		t.Fatal(err)
	}
	if e.Audience() != "https://login.example.com/me/" || e.BaseURL() != "http://127.0.0.1:8080/me/v1" {
		t.Errorf("emulator: Audience %q BaseURL %q", e.Audience(), e.BaseURL())
	}
	if AllScopes != "create:me:authentication_methods read:me:authentication_methods update:me:authentication_methods "+
		"delete:me:authentication_methods read:me:factors" {
		t.Errorf("AllScopes = %q", AllScopes)
	}
}

// TestNewRefuses: New explains what is wrong instead of building a Client.
func TestNewRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		domain string
		opts   []Option
	}{
		{"empty domain", "", nil},
		{"scheme", "https://tenant.auth0.com", nil},
		{"path", "tenant.auth0.com/me", nil},
		{"plain http to another host", "t.auth0.com", []Option{WithInsecureBaseURL("http://10.0.0.1:8080")}},
		{"base URL with a path", "t.auth0.com", []Option{WithInsecureBaseURL("http://127.0.0.1:8080/me/v1")}},
		{"zero body limit", "t.auth0.com", []Option{WithMaxResponseBytes(0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.domain, tt.opts...)
			if err == nil || c != nil {
				t.Fatalf("New = %v, %v; want an error", c, err)
			}
			if got := err.Error(); len(got) < len("myaccount: ") || got[:len("myaccount: ")] != "myaccount: " {
				t.Errorf("error %q lacks the package prefix", got)
			}
		})
	}
}

// TestRateLimitObserver: the x-ratelimit-* headers of a success reach the observer with the
// call, so a host's limiter can count writes before Auth0 refuses one.
func TestRateLimitObserver(t *testing.T) {
	t.Parallel()
	var got []Observation
	c, _ := serveStub(t, stub{status: 204, header: map[string]string{
		"X-RateLimit-Limit": "2", "X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "1790000000"}},
		WithRateLimitObserver(func(_ context.Context, o Observation) { got = append(got, o) }))
	if err := c.DeleteMethod(t.Context(), testToken, "totp|dev_1"); err != nil {
		t.Fatal(err)
	}
	want := []Observation{{Op: OpDeleteMethod, Status: 204, RateLimit: RateLimit{Limit: 2, Remaining: 1, Reset: time.Unix(1790000000, 0)}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("observations %+v, want %+v", got, want)
	}
	if !got[0].Op.Write() || OpMethods.Write() {
		t.Error("Op.Write: DeleteMethod must count as a write and Methods as a read")
	}
}

// TestRateLimitObserverOnErrors: a refused call is observed too.
func TestRateLimitObserverOnErrors(t *testing.T) {
	t.Parallel()
	var got []Observation
	c, _ := serveStub(t, stub{status: 429, body: `{"type":"t","status":429,"title":"Too Many Requests","detail":"x"}`,
		header: map[string]string{"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0"}},
		WithRateLimitObserver(func(_ context.Context, o Observation) { got = append(got, o) }))
	_, err := c.Methods(t.Context(), testToken, "")
	if !IsRateLimited(err) || len(got) != 1 || got[0].Status != 429 || got[0].Op != OpMethods || got[0].RateLimit.Limit != 5 {
		t.Fatalf("err %v, observations %+v", err, got)
	}
}

func TestDeleteAcceptsOnlyNoContentOrJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		resp stub
		ok   bool
	}{
		{"204", stub{status: 204}, true},
		{"200 empty", stub{status: 200}, true},
		{"200 JSON", stub{status: 200, body: `{}`}, true},
		{"200 HTML page", stub{status: 200, contentType: "text/html", body: "<html>sign in to the wifi</html>"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := serveStub(t, tt.resp)
			err := c.DeleteMethod(t.Context(), testToken, "totp|dev_1")
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if !tt.ok && !errorsIs(err, ErrMalformedResponse) {
				t.Errorf("err = %v, want ErrMalformedResponse", err)
			}
		})
	}
}
