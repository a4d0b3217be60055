package mfaapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestRequestShapes replays the recorded real-tenant bodies and asserts, on the server side,
// exactly what each call sends.
func TestRequestShapes(t *testing.T) {
	t.Parallel()
	type result = any
	tests := []struct {
		name   string
		resp   stub
		call   func(ctx context.Context, c *Client) (result, error)
		method string
		uri    string
		bearer bool           // Authorization: Bearer testAccessToken
		form   url.Values     // exact form body (form-encoded)
		json   map[string]any // exact JSON body
		check  func(t *testing.T, got result, err error)
	}{
		{
			name: "list authenticators",
			resp: stub{contentType: "application/json; charset=utf-8", body: fixtureList},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.Authenticators(ctx, testAccessToken)
			},
			method: "GET", uri: "/mfa/authenticators", bearer: true,
			check: func(t *testing.T, got result, err error) {
				list := mustOK[[]Authenticator](t, got, err)
				want := []Authenticator{
					{ID: "sms|dev_klnv5yshzzoosSUm", AuthenticatorType: "oob", OOBChannel: "sms", Name: "XXXXXXXXX9167"},
					{ID: "recovery-code|dev_i1kgKoFSZLbPt6G1", AuthenticatorType: "recovery-code"},
					{ID: "push|dev_BBTKYpxKHOXVBnql", AuthenticatorType: "oob", OOBChannel: "auth0"},
					{ID: "totp|dev_WzMZ2sZbUw1wbC2F", AuthenticatorType: "otp"},
					{ID: "totp|dev_wLdxko6pjg6ziKL9", AuthenticatorType: "otp"},
					{ID: "email|dev_hdkmORJuqOmjRRQU", AuthenticatorType: "oob", Active: true, OOBChannel: "email", Name: "****@exam*******"},
				}
				if !reflect.DeepEqual(list, want) {
					t.Fatalf("list = %+v\nwant %+v", list, want)
				}
				kinds := []Kind{KindSMS, KindRecoveryCode, KindPush, KindTOTP, KindTOTP, KindEmail}
				for i, a := range list {
					if a.Kind() != kinds[i] {
						t.Errorf("%s: Kind() = %q, want %q", a.ID, a.Kind(), kinds[i])
					}
				}
			},
		},
		{
			name: "list empty",
			resp: stub{body: `[]`},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.Authenticators(ctx, testAccessToken)
			},
			method: "GET", uri: "/mfa/authenticators", bearer: true,
			check: func(t *testing.T, got result, err error) {
				if list := mustOK[[]Authenticator](t, got, err); list == nil || len(list) != 0 {
					t.Fatalf("list = %#v, want empty non-nil", list)
				}
			},
		},
		{
			name: "associate otp",
			resp: stub{contentType: "application/json; charset=utf-8", body: fixtureAssociateOTP},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindTOTP})
			},
			method: "POST", uri: "/mfa/associate", bearer: true,
			json: map[string]any{"client_id": testClientID, "authenticator_types": []any{"otp"}},
			check: func(t *testing.T, got result, err error) {
				a := mustOK[*Association](t, got, err)
				want := Association{
					AuthenticatorType: "otp",
					Secret:            "HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF",
					BarcodeURI:        "otpauth://totp/My%20Test%20Tenant:user%40example.com?secret=HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF&issuer=My%20Test%20Tenant&algorithm=SHA1&digits=6&period=30",
				}
				if !reflect.DeepEqual(*a, want) {
					t.Fatalf("association = %#v", a) // redacted, but shows which fields are set
				}
			},
		},
		{
			name: "associate sms",
			resp: stub{body: fixtureAssociateSMS},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindSMS, PhoneNumber: "+14155550123"})
			},
			method: "POST", uri: "/mfa/associate", bearer: true,
			json: map[string]any{"client_id": testClientID, "authenticator_types": []any{"oob"}, "oob_channels": []any{"sms"}, "phone_number": "+14155550123"},
			check: func(t *testing.T, got result, err error) {
				a := mustOK[*Association](t, got, err)
				want := Association{
					AuthenticatorType: "oob", BindingMethod: "prompt", OOBChannel: "sms",
					RecoveryCodes: []string{"MZCRK3YX5V3AKNNYY6JEBQCL"},
					OOBCode:       "Fe26.2*SERVER_1726721698*…*1726830032592*…",
				}
				if !reflect.DeepEqual(*a, want) {
					t.Fatalf("association = %#v", a)
				}
			},
		},
		{
			name: "associate voice",
			resp: stub{body: fixtureAssociateVoice},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindVoice, PhoneNumber: "+4915112345678"})
			},
			method: "POST", uri: "/mfa/associate", bearer: true,
			json: map[string]any{"client_id": testClientID, "authenticator_types": []any{"oob"}, "oob_channels": []any{"voice"}, "phone_number": "+4915112345678"},
			check: func(t *testing.T, got result, err error) {
				a := mustOK[*Association](t, got, err)
				if a.OOBChannel != "voice" || a.BindingMethod != "prompt" || a.OOBCode == "" || a.RecoveryCodes != nil {
					t.Fatalf("association = %#v", a)
				}
			},
		},
		{
			name: "associate email",
			resp: stub{body: fixtureAssociateEmail},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindEmail, Email: "user@example.com"})
			},
			method: "POST", uri: "/mfa/associate", bearer: true,
			json: map[string]any{"client_id": testClientID, "authenticator_types": []any{"oob"}, "oob_channels": []any{"email"}, "email": "user@example.com"},
			check: func(t *testing.T, got result, err error) {
				a := mustOK[*Association](t, got, err)
				want := Association{AuthenticatorType: "oob", BindingMethod: "prompt", OOBCode: "Fe26..nWE", OOBChannel: "email", RecoveryCodes: []string{"N3BGPZZWJ85JLCNPZBDW6QXC"}}
				if !reflect.DeepEqual(*a, want) {
					t.Fatalf("association = %#v", a)
				}
			},
		},
		{
			name: "associate email without address",
			resp: stub{body: fixtureAssociateEmail},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindEmail})
			},
			method: "POST", uri: "/mfa/associate", bearer: true,
			json:  map[string]any{"client_id": testClientID, "authenticator_types": []any{"oob"}, "oob_channels": []any{"email"}},
			check: func(t *testing.T, got result, err error) { mustOK[*Association](t, got, err) },
		},
		{
			name: "associate push",
			resp: stub{body: fixtureAssociatePush},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindPush})
			},
			method: "POST", uri: "/mfa/associate", bearer: true,
			json: map[string]any{"client_id": testClientID, "authenticator_types": []any{"oob"}, "oob_channels": []any{"auth0"}},
			check: func(t *testing.T, got result, err error) {
				a := mustOK[*Association](t, got, err)
				if a.OOBChannel != "auth0" || a.BindingMethod != "" || a.OOBCode != "Fe26.2*SERVER_1726721698*…" ||
					!strings.HasPrefix(a.BarcodeURI, "otpauth://totp/My%20Test%20Tenant:user%40example.com?enrollment_tx_id=") {
					t.Fatalf("association = %#v", a)
				}
			},
		},
		{
			name: "delete escapes the id",
			resp: stub{status: http.StatusNoContent}, // recorded: 204, empty body, Content-Type application/json
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.DeleteAuthenticator(ctx, testAccessToken, "totp|dev_x")
			},
			method: "DELETE", uri: "/mfa/authenticators/totp%7Cdev_x", bearer: true,
			check: func(t *testing.T, _ result, err error) {
				if err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			name: "delete recorded push id, 200 with a body",
			resp: stub{status: http.StatusOK, contentType: "text/plain", body: "OK"},
			call: func(ctx context.Context, c *Client) (result, error) {
				return nil, c.DeleteAuthenticator(ctx, testAccessToken, "push|dev_BBTKYpxKHOXVBnql")
			},
			method: "DELETE", uri: "/mfa/authenticators/push%7Cdev_BBTKYpxKHOXVBnql", bearer: true,
			check: func(t *testing.T, _ result, err error) {
				if err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			name: "challenge otp",
			resp: stub{body: fixtureChallengeOTP},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.Challenge(ctx, ChallengeRequest{MFAToken: testMFAToken, ChallengeTypes: []string{"otp"}})
			},
			method: "POST", uri: "/mfa/challenge",
			json: map[string]any{"mfa_token": testMFAToken, "client_id": testClientID, "client_secret": testClientSecret, "challenge_type": "otp"},
			check: func(t *testing.T, got result, err error) {
				ch := mustOK[*Challenge](t, got, err)
				if *ch != (Challenge{ChallengeType: "otp"}) {
					t.Fatalf("challenge = %#v", ch)
				}
			},
		},
		{
			name: "challenge oob with authenticator",
			resp: stub{body: `{"challenge_type":"oob","oob_code":"Fe26.2*oob","binding_method":"prompt"}`},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.Challenge(ctx, ChallengeRequest{MFAToken: testMFAToken, ChallengeTypes: []string{"oob", "otp"}, AuthenticatorID: "sms|dev_NU1Ofuw3Cw0XCt5x"})
			},
			method: "POST", uri: "/mfa/challenge",
			json: map[string]any{"mfa_token": testMFAToken, "client_id": testClientID, "client_secret": testClientSecret,
				"challenge_type": "oob otp", "authenticator_id": "sms|dev_NU1Ofuw3Cw0XCt5x"},
			check: func(t *testing.T, got result, err error) {
				ch := mustOK[*Challenge](t, got, err)
				if *ch != (Challenge{ChallengeType: "oob", OOBCode: "Fe26.2*oob", BindingMethod: "prompt"}) {
					t.Fatalf("challenge = %#v", ch)
				}
			},
		},
		{
			name: "verify otp",
			resp: stub{body: fixtureTokenOTP},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.VerifyOTP(ctx, testMFAToken, testOTP)
			},
			method: "POST", uri: "/oauth/token",
			form: url.Values{"grant_type": {GrantMFAOTP}, "client_id": {testClientID}, "client_secret": {testClientSecret},
				"mfa_token": {testMFAToken}, "otp": {testOTP}},
			check: func(t *testing.T, got result, err error) {
				tok := mustOK[*Token](t, got, err)
				want := Token{AccessToken: "test-access-token", ExpiresIn: 86400, Scope: "openid profile", TokenType: "Bearer",
					Expiry: testNow().Add(86400 * time.Second)}
				if *tok != want {
					t.Fatalf("token = %#v", tok)
				}
			},
		},
		{
			name: "verify otp, docs example with id_token",
			resp: stub{body: fixtureTokenDocs},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.VerifyOTP(ctx, testAccessToken, "000000")
			},
			method: "POST", uri: "/oauth/token",
			form: url.Values{"grant_type": {GrantMFAOTP}, "client_id": {testClientID}, "client_secret": {testClientSecret},
				"mfa_token": {testAccessToken}, "otp": {"000000"}},
			check: func(t *testing.T, got result, err error) {
				tok := mustOK[*Token](t, got, err)
				if tok.IDToken != "eyJ...i" || tok.ExpiresIn != 600 || !tok.Expiry.Equal(testNow().Add(10*time.Minute)) {
					t.Fatalf("token = %#v", tok)
				}
			},
		},
		{
			name: "verify oob with binding code",
			resp: stub{body: fixtureTokenOTP},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.VerifyOOB(ctx, testMFAToken, "Fe26.2*oob", "654321")
			},
			method: "POST", uri: "/oauth/token",
			form: url.Values{"grant_type": {GrantMFAOOB}, "client_id": {testClientID}, "client_secret": {testClientSecret},
				"mfa_token": {testMFAToken}, "oob_code": {"Fe26.2*oob"}, "binding_code": {"654321"}},
			check: func(t *testing.T, got result, err error) { mustOK[*Token](t, got, err) },
		},
		{
			name: "push poll pending",
			resp: stub{status: http.StatusBadRequest, body: fixturePending},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.VerifyOOB(ctx, testMFAToken, "Fe26.2*oob", "")
			},
			method: "POST", uri: "/oauth/token",
			form: url.Values{"grant_type": {GrantMFAOOB}, "client_id": {testClientID}, "client_secret": {testClientSecret},
				"mfa_token": {testMFAToken}, "oob_code": {"Fe26.2*oob"}},
			check: func(t *testing.T, _ result, err error) {
				if !IsAuthorizationPending(err) || IsRejected(err) {
					t.Fatalf("err = %v, want pending", err)
				}
				wantErrorString(t, err, "mfaapi: POST /oauth/token: 400 authorization_pending: Authorization pending: please repeat the request in a few seconds.")
			},
		},
		{
			name: "push poll rejected",
			resp: stub{status: http.StatusBadRequest, body: fixtureRejected},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.VerifyOOB(ctx, testMFAToken, "Fe26.2*oob", "")
			},
			method: "POST", uri: "/oauth/token",
			form: url.Values{"grant_type": {GrantMFAOOB}, "client_id": {testClientID}, "client_secret": {testClientSecret},
				"mfa_token": {testMFAToken}, "oob_code": {"Fe26.2*oob"}},
			check: func(t *testing.T, _ result, err error) {
				if !IsRejected(err) || IsAuthorizationPending(err) || IsInvalidClient(err) {
					t.Fatalf("err = %v, want rejected only", err)
				}
			},
		},
		{
			name: "push poll approved",
			resp: stub{body: `{"access_token":"at2","refresh_token":"rt2","expires_in":600,"token_type":"Bearer"}`},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.VerifyOOB(ctx, testMFAToken, "Fe26.2*oob", "")
			},
			method: "POST", uri: "/oauth/token",
			form: url.Values{"grant_type": {GrantMFAOOB}, "client_id": {testClientID}, "client_secret": {testClientSecret},
				"mfa_token": {testMFAToken}, "oob_code": {"Fe26.2*oob"}},
			check: func(t *testing.T, got result, err error) {
				if tok := mustOK[*Token](t, got, err); tok.RefreshToken != "rt2" {
					t.Fatalf("token = %#v", tok)
				}
			},
		},
		{
			name: "verify recovery code",
			resp: stub{body: fixtureTokenRecovery},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.VerifyRecoveryCode(ctx, testMFAToken, "M67LWV6ZJGNDUGH43BADW46N")
			},
			method: "POST", uri: "/oauth/token",
			form: url.Values{"grant_type": {GrantMFARecoveryCode}, "client_id": {testClientID}, "client_secret": {testClientSecret},
				"mfa_token": {testMFAToken}, "recovery_code": {"M67LWV6ZJGNDUGH43BADW46N"}},
			check: func(t *testing.T, got result, err error) {
				if tok := mustOK[*Token](t, got, err); tok.RecoveryCode != "17EQHNZC2SZDYG7X4QXVX9SW" {
					t.Fatalf("token = %#v", tok)
				}
			},
		},
		{
			name: "password grant yields mfa_required",
			resp: stub{status: http.StatusForbidden, body: fixtureMFARequired},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.LoginPassword(ctx, PasswordRequest{Username: "user@example.com", Password: "pw-SECRET",
					Audience: "https://tenant.example.auth0.com/mfa/", Scope: "openid enroll"})
			},
			method: "POST", uri: "/oauth/token",
			form: url.Values{"grant_type": {"password"}, "client_id": {testClientID}, "client_secret": {testClientSecret},
				"username": {"user@example.com"}, "password": {"pw-SECRET"},
				"audience": {"https://tenant.example.auth0.com/mfa/"}, "scope": {"openid enroll"}},
			check: func(t *testing.T, _ result, err error) {
				e, ok := asError(err)
				if !ok || !IsMFARequired(err) || e.MFAToken != "Fe26...Ha" || e.StatusCode != http.StatusForbidden {
					t.Fatalf("err = %#v", err)
				}
				wantErrorString(t, err, "mfaapi: POST /oauth/token: 403 mfa_required: Multifactor authentication required")
			},
		},
		{
			name: "password-realm grant",
			resp: stub{body: fixtureTokenOTP},
			call: func(ctx context.Context, c *Client) (result, error) {
				return c.LoginPassword(ctx, PasswordRequest{Username: "user@example.com", Password: "pw-SECRET", Realm: "Username-Password-Authentication"})
			},
			method: "POST", uri: "/oauth/token",
			form: url.Values{"grant_type": {GrantPasswordRealm}, "client_id": {testClientID}, "client_secret": {testClientSecret},
				"username": {"user@example.com"}, "password": {"pw-SECRET"}, "realm": {"Username-Password-Authentication"}},
			check: func(t *testing.T, got result, err error) { mustOK[*Token](t, got, err) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := serveStub(t, tt.resp)
			got, err := tt.call(t.Context(), c)
			tt.check(t, got, err)
			reqs := rec.all()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != tt.method || r.RequestURI != tt.uri || r.RawQuery != "" {
				t.Errorf("request %s %s (query %q), want %s %s", r.Method, r.RequestURI, r.RawQuery, tt.method, tt.uri)
			}
			for _, secret := range []string{testClientSecret, testAccessToken, testMFAToken, testOTP, "pw-SECRET"} {
				if strings.Contains(r.RequestURI, secret) {
					t.Errorf("secret %q in the URL %q", secret, r.RequestURI)
				}
			}
			if r.Accept != "application/json" {
				t.Errorf("Accept = %q", r.Accept)
			}
			wantAuth := ""
			if tt.bearer {
				wantAuth = "Bearer " + testAccessToken
			}
			if r.Authorization != wantAuth {
				t.Errorf("Authorization = %q, want %q", r.Authorization, wantAuth)
			}
			switch {
			case tt.form != nil:
				if r.ContentType != "application/x-www-form-urlencoded" {
					t.Errorf("Content-Type = %q, want form", r.ContentType)
				}
				if got := r.form(t); !reflect.DeepEqual(got, tt.form) {
					t.Errorf("form = %v\nwant   %v", got, tt.form)
				}
			case tt.json != nil:
				if r.ContentType != "application/json" {
					t.Errorf("Content-Type = %q, want JSON", r.ContentType)
				}
				if got := r.json(t); !reflect.DeepEqual(got, tt.json) {
					t.Errorf("JSON = %v\nwant   %v", got, tt.json)
				}
			default:
				if len(r.Body) != 0 || r.ContentType != "" {
					t.Errorf("unexpected body %q (Content-Type %q)", r.Body, r.ContentType)
				}
			}
		})
	}
}

func mustOK[T any](t *testing.T, got any, err error) T {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	v, ok := got.(T)
	if !ok {
		t.Fatalf("result %T, want %T", got, v)
	}
	return v
}

func wantErrorString(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant    %s", err, want)
	}
}

// TestDeleteEscaping checks the escaped form is what goes on the wire. For "totp|dev_x",
// %7C is also Go's default encoding of '|', so the server's URL.RawPath is "" and the check is
// on RequestURI and EscapedPath; an id with '/' needs RawPath, and the server sees it.
func TestDeleteEscaping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id, uri, path, rawPath string
	}{
		{"totp|dev_x", "/mfa/authenticators/totp%7Cdev_x", "/mfa/authenticators/totp|dev_x", ""},
		{"sms|dev_NU1Ofuw3Cw0XCt5x", "/mfa/authenticators/sms%7Cdev_NU1Ofuw3Cw0XCt5x", "/mfa/authenticators/sms|dev_NU1Ofuw3Cw0XCt5x", ""},
		{"recovery-code|dev_i1kgKoFSZLbPt6G1", "/mfa/authenticators/recovery-code%7Cdev_i1kgKoFSZLbPt6G1", "/mfa/authenticators/recovery-code|dev_i1kgKoFSZLbPt6G1", ""},
		{"a/b|c", "/mfa/authenticators/a%2Fb%7Cc", "/mfa/authenticators/a/b|c", "/mfa/authenticators/a%2Fb%7Cc"},
		{"x?y#z", "/mfa/authenticators/x%3Fy%23z", "/mfa/authenticators/x?y#z", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			c, rec := serveStub(t, stub{status: http.StatusNotFound, body: `{"error":"not_found","error_description":"Authenticator not found."}`})
			err := c.DeleteAuthenticator(t.Context(), testAccessToken, tt.id)
			if !IsNotFound(err) {
				t.Fatalf("err = %v, want not found", err)
			}
			if e, _ := asError(err); e.Path != tt.uri || e.Method != "DELETE" {
				t.Errorf("Error.Method/Path = %s %s, want DELETE %s", e.Method, e.Path, tt.uri)
			}
			r := rec.all()[0]
			if r.RequestURI != tt.uri || r.EscapedPath != tt.uri || r.Path != tt.path || r.RawPath != tt.rawPath || r.RawQuery != "" {
				t.Errorf("server saw RequestURI %q EscapedPath %q Path %q RawPath %q RawQuery %q", r.RequestURI, r.EscapedPath, r.Path, r.RawPath, r.RawQuery)
			}
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		domain  string
		opts    []Option
		wantErr string // substring; "" means success
		base    string
	}{
		{name: "tenant", domain: "tenant.eu.auth0.com", base: "https://tenant.eu.auth0.com"},
		{name: "custom domain with port", domain: "login.example.com:8443", base: "https://login.example.com:8443"},
		{name: "ipv6", domain: "[::1]:443", base: "https://[::1]:443"},
		{name: "empty", domain: "", wantErr: "empty domain"},
		{name: "scheme", domain: "https://tenant.eu.auth0.com", wantErr: "without scheme"},
		{name: "path", domain: "tenant.eu.auth0.com/", wantErr: "without path"},
		{name: "query", domain: "tenant.eu.auth0.com?x=1", wantErr: "without path"},
		{name: "user info", domain: "u@tenant.eu.auth0.com", wantErr: "without path"},
		{name: "space", domain: "tenant .com", wantErr: "without path"},
		{name: "bad port", domain: "tenant.com:abc", wantErr: "not a valid host"},
		{name: "empty port", domain: "tenant.com:", wantErr: "empty port"},
		{name: "insecure loopback", domain: "127.0.0.1:1", opts: []Option{WithInsecureBaseURL("http://127.0.0.1:1234")}, base: "http://127.0.0.1:1234"},
		{name: "insecure localhost", domain: "localhost:1", opts: []Option{WithInsecureBaseURL("http://localhost:1234/")}, base: "http://localhost:1234"},
		{name: "insecure ipv6 loopback", domain: "x.com", opts: []Option{WithInsecureBaseURL("http://[::1]:99")}, base: "http://[::1]:99"},
		{name: "insecure 127/8", domain: "x.com", opts: []Option{WithInsecureBaseURL("http://127.1.2.3:99")}, base: "http://127.1.2.3:99"},
		{name: "https override", domain: "x.com", opts: []Option{WithInsecureBaseURL("https://proxy.example:8443")}, base: "https://proxy.example:8443"},
		{name: "http not loopback", domain: "x.com", opts: []Option{WithInsecureBaseURL("http://example.com")}, wantErr: "loopback"},
		{name: "http private ip", domain: "x.com", opts: []Option{WithInsecureBaseURL("http://10.0.0.1:80")}, wantErr: "loopback"},
		{name: "http localhost lookalike", domain: "x.com", opts: []Option{WithInsecureBaseURL("http://localhost.evil.com")}, wantErr: "loopback"},
		{name: "base with path", domain: "x.com", opts: []Option{WithInsecureBaseURL("http://127.0.0.1:1/api")}, wantErr: "path"},
		{name: "base with query", domain: "x.com", opts: []Option{WithInsecureBaseURL("http://127.0.0.1:1?a=b")}, wantErr: "query"},
		{name: "base with user", domain: "x.com", opts: []Option{WithInsecureBaseURL("http://u:p@127.0.0.1:1")}, wantErr: "user info"},
		{name: "base scheme", domain: "x.com", opts: []Option{WithInsecureBaseURL("ftp://127.0.0.1")}, wantErr: "scheme"},
		{name: "base no host", domain: "x.com", opts: []Option{WithInsecureBaseURL("http:///x")}, wantErr: "host"},
		{name: "empty client secret", domain: "x.com", opts: []Option{WithClientSecret("id", "")}, wantErr: "WithPublicClient"},
		{name: "empty client id", domain: "x.com", opts: []Option{WithClientSecret("", "s")}, wantErr: "must not be empty"},
		{name: "empty public id", domain: "x.com", opts: []Option{WithPublicClient("")}, wantErr: "must not be empty"},
		{name: "nil authenticator", domain: "x.com", opts: []Option{WithClientAuthenticator(nil)}, wantErr: "nil authenticator"},
		{name: "zero limit", domain: "x.com", opts: []Option{WithMaxResponseBytes(0)}, wantErr: "positive"},
		{name: "nil option ignored", domain: "x.com", opts: []Option{nil}, base: "https://x.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.domain, tt.opts...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "mfaapi: ") {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				if c != nil {
					t.Fatal("client returned with an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := c.base.String(); got != tt.base {
				t.Errorf("base = %q, want %q", got, tt.base)
			}
		})
	}
}

func TestNewSecretNotInError(t *testing.T) {
	t.Parallel()
	_, err := New("x.com", WithClientSecret("id", testClientSecret), WithInsecureBaseURL("http://example.com"))
	if err == nil || strings.Contains(err.Error(), testClientSecret) {
		t.Fatalf("err = %v", err)
	}
}

func TestClientID(t *testing.T) {
	t.Parallel()
	c, _ := New("x.com")
	if c.ClientID() != "" {
		t.Errorf("ClientID() = %q without auth", c.ClientID())
	}
	c, _ = New("x.com", WithClientSecret("id-1", "s"))
	if c.ClientID() != "id-1" {
		t.Errorf("ClientID() = %q", c.ClientID())
	}
}

// TestInvalidInputSendsNothing: every argument error is reported before any request.
func TestInvalidInputSendsNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(ctx context.Context, c *Client) error
		want error
	}{
		{"list empty token", func(ctx context.Context, c *Client) error { _, err := c.Authenticators(ctx, ""); return err }, ErrInvalidInput},
		{"list token with newline", func(ctx context.Context, c *Client) error {
			_, err := c.Authenticators(ctx, "abc\r\nX-Evil: 1")
			return err
		}, ErrInvalidInput},
		{"list token with space", func(ctx context.Context, c *Client) error { _, err := c.Authenticators(ctx, "a b"); return err }, ErrInvalidInput},
		{"list huge token", func(ctx context.Context, c *Client) error {
			_, err := c.Authenticators(ctx, strings.Repeat("a", maxParamBytes+1))
			return err
		}, ErrInvalidInput},
		{"associate empty token", func(ctx context.Context, c *Client) error {
			_, err := c.Associate(ctx, "", AssociateRequest{Kind: KindTOTP})
			return err
		}, ErrInvalidInput},
		{"associate unknown kind", func(ctx context.Context, c *Client) error {
			_, err := c.Associate(ctx, testAccessToken, AssociateRequest{Kind: "webauthn"})
			return err
		}, ErrInvalidInput},
		{"associate empty kind", func(ctx context.Context, c *Client) error {
			_, err := c.Associate(ctx, testAccessToken, AssociateRequest{})
			return err
		}, ErrInvalidInput},
		{"associate recovery code", func(ctx context.Context, c *Client) error {
			_, err := c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindRecoveryCode})
			return err
		}, ErrInvalidInput},
		{"associate sms without phone", func(ctx context.Context, c *Client) error {
			_, err := c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindSMS})
			return err
		}, ErrInvalidInput},
		{"associate sms not e164", func(ctx context.Context, c *Client) error {
			_, err := c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindSMS, PhoneNumber: "0151 1234567"})
			return err
		}, ErrInvalidInput},
		{"associate voice leading zero", func(ctx context.Context, c *Client) error {
			_, err := c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindVoice, PhoneNumber: "+0151234567"})
			return err
		}, ErrInvalidInput},
		{"associate phone too long", func(ctx context.Context, c *Client) error {
			_, err := c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindSMS, PhoneNumber: "+1234567890123456"})
			return err
		}, ErrInvalidInput},
		{"associate totp with phone", func(ctx context.Context, c *Client) error {
			_, err := c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindTOTP, PhoneNumber: "+14155550123"})
			return err
		}, ErrInvalidInput},
		{"associate sms with email", func(ctx context.Context, c *Client) error {
			_, err := c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindSMS, PhoneNumber: "+14155550123", Email: "a@b.c"})
			return err
		}, ErrInvalidInput},
		{"associate bad email", func(ctx context.Context, c *Client) error {
			_, err := c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindEmail, Email: "Bob <bob@example.com>"})
			return err
		}, ErrInvalidInput},
		{"delete empty id", func(ctx context.Context, c *Client) error { return c.DeleteAuthenticator(ctx, testAccessToken, "") }, ErrInvalidInput},
		{"delete dot-dot id", func(ctx context.Context, c *Client) error { return c.DeleteAuthenticator(ctx, testAccessToken, "..") }, ErrInvalidInput},
		{"delete empty token", func(ctx context.Context, c *Client) error { return c.DeleteAuthenticator(ctx, "", "totp|dev_x") }, ErrInvalidInput},
		{"challenge empty token", func(ctx context.Context, c *Client) error { _, err := c.Challenge(ctx, ChallengeRequest{}); return err }, ErrInvalidInput},
		{"challenge bad type", func(ctx context.Context, c *Client) error {
			_, err := c.Challenge(ctx, ChallengeRequest{MFAToken: testMFAToken, ChallengeTypes: []string{"sms"}})
			return err
		}, ErrInvalidInput},
		{"otp empty token", func(ctx context.Context, c *Client) error { _, err := c.VerifyOTP(ctx, "", testOTP); return err }, ErrInvalidInput},
		{"otp empty code", func(ctx context.Context, c *Client) error { _, err := c.VerifyOTP(ctx, testMFAToken, ""); return err }, ErrInvalidInput},
		{"oob empty code", func(ctx context.Context, c *Client) error {
			_, err := c.VerifyOOB(ctx, testMFAToken, "", "1")
			return err
		}, ErrInvalidInput},
		{"oob binding with space", func(ctx context.Context, c *Client) error {
			_, err := c.VerifyOOB(ctx, testMFAToken, "oob", "12 34")
			return err
		}, ErrInvalidInput},
		{"recovery empty", func(ctx context.Context, c *Client) error {
			_, err := c.VerifyRecoveryCode(ctx, testMFAToken, "")
			return err
		}, ErrInvalidInput},
		{"password empty", func(ctx context.Context, c *Client) error {
			_, err := c.LoginPassword(ctx, PasswordRequest{Username: "u"})
			return err
		}, ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := serveStub(t, stub{body: `{}`})
			err := tt.call(t.Context(), c)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "mfaapi: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			for _, s := range []string{testAccessToken, testMFAToken, "X-Evil"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q reveals %q", err, s)
				}
			}
			if n := rec.count(); n != 0 {
				t.Fatalf("%d requests sent", n)
			}
		})
	}
}

func TestNoClientAuthSendsNothing(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	srvClient := serveFunc(t, func(w http.ResponseWriter, r *http.Request) { rec.add(r) })
	c, err := New("x.com", WithInsecureBaseURL(srvClient.base.String()))
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"otp":      func() error { _, err := c.VerifyOTP(t.Context(), testMFAToken, testOTP); return err },
		"oob":      func() error { _, err := c.VerifyOOB(t.Context(), testMFAToken, "oob", ""); return err },
		"recovery": func() error { _, err := c.VerifyRecoveryCode(t.Context(), testMFAToken, "X"); return err },
		"password": func() error {
			_, err := c.LoginPassword(t.Context(), PasswordRequest{Username: "u", Password: "p"})
			return err
		},
		"challenge": func() error { _, err := c.Challenge(t.Context(), ChallengeRequest{MFAToken: testMFAToken}); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrNoClientAuth) {
			t.Errorf("%s: err = %v, want ErrNoClientAuth", name, err)
		}
	}
	if rec.count() != 0 {
		t.Fatalf("%d requests sent", rec.count())
	}
}

// fakeAssertion stands for a private-key-JWT authenticator.
type fakeAssertion struct {
	endpoints *[]string
	fail      bool
}

func (fakeAssertion) ClientID() string { return "pkjwt-client" }

func (a fakeAssertion) AuthenticateClient(_ context.Context, endpoint string, form url.Values) error {
	if a.fail {
		return errors.New("signer unavailable")
	}
	*a.endpoints = append(*a.endpoints, endpoint)
	form.Set("client_id", "pkjwt-client")
	form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
	form.Set("client_assertion", "signed.jwt.here")
	return nil
}

func TestClientAuthenticator(t *testing.T) {
	t.Parallel()
	var endpoints []string
	c, rec := serveStub(t, stub{body: fixtureTokenOTP}, WithClientAuthenticator(fakeAssertion{endpoints: &endpoints}))
	if c.ClientID() != "pkjwt-client" {
		t.Fatalf("ClientID() = %q", c.ClientID())
	}
	if _, err := c.VerifyOTP(t.Context(), testMFAToken, testOTP); err != nil {
		t.Fatal(err)
	}
	form := rec.all()[0].form(t)
	want := url.Values{"grant_type": {GrantMFAOTP}, "mfa_token": {testMFAToken}, "otp": {testOTP}, "client_id": {"pkjwt-client"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {"signed.jwt.here"}}
	if !reflect.DeepEqual(form, want) {
		t.Errorf("form = %v", form)
	}
	if len(endpoints) != 1 || endpoints[0] != c.base.String()+"/oauth/token" {
		t.Errorf("endpoints = %v", endpoints)
	}
	// associate carries the id, never the assertion
	_, _ = c.Associate(t.Context(), testAccessToken, AssociateRequest{Kind: KindTOTP})
	if body := rec.all()[1].json(t); body["client_id"] != "pkjwt-client" || body["client_assertion"] != nil {
		t.Errorf("associate body = %v", body)
	}

	failing, rec2 := serveStub(t, stub{body: fixtureTokenOTP}, WithClientAuthenticator(fakeAssertion{fail: true}))
	if _, err := failing.VerifyOTP(t.Context(), testMFAToken, testOTP); err == nil || !strings.Contains(err.Error(), "signer unavailable") {
		t.Fatalf("err = %v", err)
	}
	if rec2.count() != 0 {
		t.Fatal("request sent although client authentication failed")
	}
}

func TestPublicClient(t *testing.T) {
	t.Parallel()
	c, rec := serveStub(t, stub{body: fixtureTokenOTP}, WithPublicClient("spa-client"))
	if _, err := c.VerifyOTP(t.Context(), testMFAToken, testOTP); err != nil {
		t.Fatal(err)
	}
	form := rec.all()[0].form(t)
	if form.Get("client_id") != "spa-client" || form.Has("client_secret") {
		t.Errorf("form = %v", form)
	}
}

func TestAssociateNeverSendsSecret(t *testing.T) {
	t.Parallel()
	c, rec := serveStub(t, stub{body: fixtureAssociateOTP})
	if _, err := c.Associate(t.Context(), testAccessToken, AssociateRequest{Kind: KindTOTP}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(rec.all()[0].Body), testClientSecret) {
		t.Fatal("client secret sent to /mfa/associate")
	}
}

func TestRedirectRefused(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	c := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		if r.URL.Path == "/elsewhere" {
			_, _ = w.Write([]byte(`[]`))
			return
		}
		http.Redirect(w, r, "/elsewhere?leak=LOCATION-SECRET", http.StatusFound)
	})
	_, err := c.Authenticators(t.Context(), testAccessToken)
	e, ok := asError(err)
	if !ok || e.StatusCode != http.StatusFound || !errors.Is(err, ErrRedirect) {
		t.Fatalf("err = %v, want *Error 302 wrapping ErrRedirect", err)
	}
	if strings.Contains(err.Error(), "LOCATION-SECRET") || strings.Contains(err.Error(), "elsewhere") {
		t.Errorf("error reveals the Location: %v", err)
	}
	if rec.count() != 1 {
		t.Fatalf("%d requests: the redirect was followed", rec.count())
	}
}

// TestCallerHTTPClientNotMutated: the caller's client is copied, its CheckRedirect left alone
// and bypassed, its Timeout kept.
func TestCallerHTTPClientNotMutated(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	srv := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	})
	called := 0
	theirs := &http.Client{Timeout: 3 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		called++
		return nil // would follow
	}}
	c := newTestClient(t, srv.base.String(), WithHTTPClient(theirs))
	if c.hc == theirs || c.hc.Timeout != 3*time.Second {
		t.Fatalf("client not copied or timeout changed: %+v", c.hc)
	}
	_, err := c.Authenticators(t.Context(), testAccessToken)
	if !errors.Is(err, ErrRedirect) || rec.count() != 1 || called != 0 {
		t.Fatalf("err = %v, requests %d, their CheckRedirect called %d times", err, rec.count(), called)
	}
	if err := theirs.CheckRedirect(nil, nil); err != nil || called != 1 {
		t.Fatal("the caller's CheckRedirect was replaced")
	}
	nilRedirect := &http.Client{}
	_ = newTestClient(t, srv.base.String(), WithHTTPClient(nilRedirect))
	if nilRedirect.CheckRedirect != nil {
		t.Fatal("the caller's client was mutated")
	}
}

func TestDefaultHTTPClient(t *testing.T) {
	t.Parallel()
	for _, opts := range [][]Option{nil, {WithHTTPClient(nil)}} {
		c, err := New("x.com", opts...)
		if err != nil {
			t.Fatal(err)
		}
		if c.hc == http.DefaultClient || c.hc.Timeout != DefaultTimeout || c.hc.CheckRedirect == nil || c.hc.Transport == nil ||
			c.hc.Transport == http.DefaultTransport {
			t.Fatalf("default client = %+v", c.hc)
		}
		if c.maxBytes != DefaultMaxResponseBytes {
			t.Fatalf("maxBytes = %d", c.maxBytes)
		}
	}
}

func TestOversizedBody(t *testing.T) {
	t.Parallel()
	big := `[` + strings.Repeat(`{"id":"totp|dev_x","authenticator_type":"otp","active":true},`, 40) + `{}]`
	t.Run("2xx over the option", func(t *testing.T) {
		t.Parallel()
		c, _ := serveStub(t, stub{body: big}, WithMaxResponseBytes(1024))
		_, err := c.Authenticators(t.Context(), testAccessToken)
		if !errors.Is(err, ErrResponseTooLarge) {
			t.Fatalf("err = %v", err)
		}
		if _, ok := asError(err); ok {
			t.Fatal("a 2xx must not be an *Error")
		}
	})
	t.Run("2xx under the option", func(t *testing.T) {
		t.Parallel()
		c, _ := serveStub(t, stub{body: big}, WithMaxResponseBytes(int64(len(big))))
		if list, err := c.Authenticators(t.Context(), testAccessToken); err != nil || len(list) != 41 {
			t.Fatalf("list %d, err %v", len(list), err)
		}
	})
	t.Run("2xx over the default", func(t *testing.T) {
		t.Parallel()
		huge := `[` + strings.Repeat(" ", int(DefaultMaxResponseBytes)) + `]`
		c, _ := serveStub(t, stub{body: huge})
		if _, err := c.Authenticators(t.Context(), testAccessToken); !errors.Is(err, ErrResponseTooLarge) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("error body", func(t *testing.T) {
		t.Parallel()
		body := `{"error":"server_error","error_description":"` + strings.Repeat("x", 5000) + `"}`
		c, _ := serveStub(t, stub{status: http.StatusInternalServerError, body: body}, WithMaxResponseBytes(1024))
		_, err := c.VerifyOTP(t.Context(), testMFAToken, testOTP)
		e, ok := asError(err)
		if !ok || e.StatusCode != 500 || !errors.Is(err, ErrResponseTooLarge) || strings.Contains(err.Error(), "xxxx") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestContextCancel(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{})
	release := make(chan struct{})
	c := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // lets the server notice the client hanging up
		close(arrived)
		select { // hold the answer until the client gives up
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server's Close
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := c.VerifyOTP(ctx, testMFAToken, testOTP)
		done <- err
	}()
	<-arrived
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if !strings.HasPrefix(err.Error(), "mfaapi: POST /oauth/token: ") || strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("error = %q: want method and path, not the URL", err)
	}
}

func TestContextAlreadyCanceled(t *testing.T) {
	t.Parallel()
	c, rec := serveStub(t, stub{body: `[]`})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Authenticators(ctx, testAccessToken); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if rec.count() != 0 {
		t.Fatal("request sent with a canceled context")
	}
}

// TestNothingRetried: a 503 is returned as is, after exactly one request, for every call.
func TestNothingRetried(t *testing.T) {
	t.Parallel()
	calls := []struct {
		name string
		call func(ctx context.Context, c *Client) error
	}{
		{"list", func(ctx context.Context, c *Client) error {
			_, err := c.Authenticators(ctx, testAccessToken)
			return err
		}},
		{"associate", func(ctx context.Context, c *Client) error {
			_, err := c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindPush})
			return err
		}},
		{"delete", func(ctx context.Context, c *Client) error {
			return c.DeleteAuthenticator(ctx, testAccessToken, "totp|dev_x")
		}},
		{"challenge", func(ctx context.Context, c *Client) error {
			_, err := c.Challenge(ctx, ChallengeRequest{MFAToken: testMFAToken})
			return err
		}},
		{"otp", func(ctx context.Context, c *Client) error {
			_, err := c.VerifyOTP(ctx, testMFAToken, testOTP)
			return err
		}},
		{"oob", func(ctx context.Context, c *Client) error {
			_, err := c.VerifyOOB(ctx, testMFAToken, "oob", "1")
			return err
		}},
		{"recovery", func(ctx context.Context, c *Client) error {
			_, err := c.VerifyRecoveryCode(ctx, testMFAToken, "RC")
			return err
		}},
		{"password", func(ctx context.Context, c *Client) error {
			_, err := c.LoginPassword(ctx, PasswordRequest{Username: "u", Password: "p"})
			return err
		}},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, rec := serveStub(t, stub{status: http.StatusServiceUnavailable, contentType: "text/plain", body: "Service Unavailable",
				header: map[string]string{"Retry-After": "1"}})
			err := tt.call(t.Context(), c)
			e, ok := asError(err)
			if !ok || e.StatusCode != http.StatusServiceUnavailable || e.RetryAfter != time.Second || e.Description != "Service Unavailable" {
				t.Fatalf("err = %#v", err)
			}
			if n := rec.count(); n != 1 {
				t.Fatalf("%d requests, want exactly 1", n)
			}
		})
	}
}

func TestMalformedSuccess(t *testing.T) {
	t.Parallel()
	list := func(ctx context.Context, c *Client) error {
		_, err := c.Authenticators(ctx, testAccessToken)
		return err
	}
	assoc := func(ctx context.Context, c *Client) error {
		_, err := c.Associate(ctx, testAccessToken, AssociateRequest{Kind: KindTOTP})
		return err
	}
	token := func(ctx context.Context, c *Client) error {
		_, err := c.VerifyOTP(ctx, testMFAToken, testOTP)
		return err
	}
	challenge := func(ctx context.Context, c *Client) error {
		_, err := c.Challenge(ctx, ChallengeRequest{MFAToken: testMFAToken})
		return err
	}
	tests := []struct {
		name string
		resp stub
		call func(ctx context.Context, c *Client) error
	}{
		{"not JSON", stub{body: "SECRET-BODY not json"}, list},
		{"HTML content type", stub{contentType: "text/html", body: `[]`}, list},
		{"bad content type", stub{contentType: "%%%", body: `[]`}, list},
		{"empty body", stub{body: ""}, list},
		{"object for list", stub{body: `{"SECRET-BODY":1}`}, list},
		{"trailing data", stub{body: `[] SECRET-BODY`}, list},
		{"truncated", stub{body: `[{"id":"SECRET-BODY`}, list},
		{"otp without secret", stub{body: `{"authenticator_type":"otp"}`}, assoc},
		{"oob without code", stub{body: `{"authenticator_type":"oob","oob_channel":"sms"}`}, assoc},
		{"unknown type", stub{body: `{"authenticator_type":"SECRET-BODY"}`}, assoc},
		{"token without access_token", stub{body: `{"token_type":"Bearer","expires_in":600}`}, token},
		{"token null", stub{body: `null`}, token},
		{"token wrong type", stub{body: `{"access_token":42}`}, token},
		{"challenge empty", stub{body: `{}`}, challenge},
		{"challenge oob without code", stub{body: `{"challenge_type":"oob"}`}, challenge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := serveStub(t, tt.resp)
			err := tt.call(t.Context(), c)
			if !errors.Is(err, ErrMalformedResponse) {
				t.Fatalf("err = %v, want ErrMalformedResponse", err)
			}
			if strings.Contains(err.Error(), "SECRET-BODY") {
				t.Errorf("error quotes the body: %v", err)
			}
		})
	}
}

func TestContentTypeLoose(t *testing.T) {
	t.Parallel()
	for _, s := range []stub{
		{contentType: "application/json; charset=utf-8", body: `[]`},
		{contentType: "APPLICATION/JSON", body: `[]`},
		{contentType: "application/vnd.auth0+json", body: `[]`},
		{noCT: true, body: `[]`},
	} {
		c, _ := serveStub(t, s)
		if _, err := c.Authenticators(t.Context(), testAccessToken); err != nil {
			t.Errorf("Content-Type %q: %v", s.contentType, err)
		}
	}
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body   string
		in     int
		expiry time.Time
	}{
		{`{"access_token":"a","expires_in":600}`, 600, testNow().Add(10 * time.Minute)},
		{`{"access_token":"a","expires_in":"600"}`, 600, testNow().Add(10 * time.Minute)},
		{`{"access_token":"a","expires_in":599.9}`, 599, testNow().Add(599 * time.Second)},
		{`{"access_token":"a"}`, 0, time.Time{}},
		{`{"access_token":"a","expires_in":-5}`, 0, time.Time{}},
		{`{"access_token":"a","expires_in":"soon"}`, 0, time.Time{}},
		{`{"access_token":"a","expires_in":1e30}`, 0, time.Time{}},
	}
	for _, tt := range tests {
		c, _ := serveStub(t, stub{body: tt.body})
		tok, err := c.VerifyOTP(t.Context(), testMFAToken, testOTP)
		if err != nil {
			t.Fatalf("%s: %v", tt.body, err)
		}
		if tok.ExpiresIn != tt.in || !tok.Expiry.Equal(tt.expiry) {
			t.Errorf("%s: ExpiresIn %d Expiry %v, want %d %v", tt.body, tok.ExpiresIn, tok.Expiry, tt.in, tt.expiry)
		}
	}
}

func TestAuthenticatorKindAndPairKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a    Authenticator
		kind Kind
		pair string
	}{
		{Authenticator{ID: "sms|dev_NU1Ofuw3Cw0XCt5x"}, KindSMS, "phone|dev_NU1Ofuw3Cw0XCt5x"},
		{Authenticator{ID: "voice|dev_NU1Ofuw3Cw0XCt5x"}, KindVoice, "phone|dev_NU1Ofuw3Cw0XCt5x"},
		{Authenticator{ID: "push|dev_BBTKYpxKHOXVBnql"}, KindPush, "push|dev_BBTKYpxKHOXVBnql"},
		{Authenticator{ID: "totp|dev_BBTKYpxKHOXVBnql"}, KindTOTP, "totp|dev_BBTKYpxKHOXVBnql"},
		{Authenticator{ID: "email|dev_hdkmORJuqOmjRRQU"}, KindEmail, "email|dev_hdkmORJuqOmjRRQU"},
		{Authenticator{ID: "recovery-code|dev_i1kgKoFSZLbPt6G1"}, KindRecoveryCode, "recovery-code|dev_i1kgKoFSZLbPt6G1"},
		{Authenticator{ID: "phone|dev_1", AuthenticatorType: "oob", OOBChannel: "voice"}, KindVoice, "phone|dev_1"},
		{Authenticator{ID: "x|1", AuthenticatorType: "oob", OOBChannel: "auth0"}, KindPush, "push|1"},
		{Authenticator{ID: "x|1", AuthenticatorType: "otp"}, KindTOTP, "totp|1"},
		{Authenticator{ID: "x|1", Type: "push-notification"}, KindPush, "push|1"},
		{Authenticator{ID: "x|1", Type: "recovery-code"}, KindRecoveryCode, "recovery-code|1"},
		{Authenticator{ID: "webauthn|1"}, "", "webauthn|1"},
		{Authenticator{ID: "noseparator"}, "", "noseparator"},
	}
	for _, tt := range tests {
		if got := tt.a.Kind(); got != tt.kind {
			t.Errorf("%+v: Kind() = %q, want %q", tt.a, got, tt.kind)
		}
		if got := tt.a.PairKey(); got != tt.pair {
			t.Errorf("%+v: PairKey() = %q, want %q", tt.a, got, tt.pair)
		}
	}
}

func TestAuthenticatorTimes(t *testing.T) {
	t.Parallel()
	body := `[{"id":"totp|dev_1","authenticator_type":"otp","active":true,"created_at":"2026-01-02T03:04:05.000Z","last_auth":"yesterday"},
		{"id":"sms|dev_2","authenticator_type":"oob","active":true,"created_at":42,"type":"phone"},
		{"id":"email|dev_3","authenticator_type":"oob","active":true,"created_at":"2026-01-02T03:04:05\u002e5Z","last_auth":null},
		{"id":"push|dev_4","authenticator_type":"oob","active":true,"created_at":"","last_auth":"2026-02-03T04:05:06+01:00"}]`
	c, _ := serveStub(t, stub{body: body})
	list, err := c.Authenticators(t.Context(), testAccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 4 {
		t.Fatalf("got %d authenticators, want 4", len(list))
	}
	if list[0].CreatedAt == nil || !list[0].CreatedAt.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) || list[0].LastAuth != nil {
		t.Errorf("times = %v %v", list[0].CreatedAt, list[0].LastAuth)
	}
	if list[1].CreatedAt != nil || list[1].Type != "phone" {
		t.Errorf("second = %+v", list[1])
	}
	// An escaped string is still a time; null and "" are none.
	if list[2].CreatedAt == nil || !list[2].CreatedAt.Equal(time.Date(2026, 1, 2, 3, 4, 5, 5e8, time.UTC)) || list[2].LastAuth != nil {
		t.Errorf("third = %v %v", list[2].CreatedAt, list[2].LastAuth)
	}
	if list[3].CreatedAt != nil || list[3].LastAuth == nil || !list[3].LastAuth.Equal(time.Date(2026, 2, 3, 3, 5, 6, 0, time.UTC)) {
		t.Errorf("fourth = %v %v", list[3].CreatedAt, list[3].LastAuth)
	}
	// The list's one-pass decoding gives what Authenticator's own UnmarshalJSON gives.
	var each []Authenticator
	if err := json.Unmarshal([]byte(body), &each); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(each, list) {
		t.Errorf("UnmarshalJSON = %+v,\nthe list = %+v", each, list)
	}
}

func TestDeleteRefusesANon204BodyThatIsNotJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		ct     string
		body   string
		ok     bool
	}{
		{"204 empty", http.StatusNoContent, "application/json", "", true},
		{"200 empty", http.StatusOK, "application/json", "", true},
		{"200 json", http.StatusOK, "application/json", "{}", true},
		{"200 text", http.StatusOK, "text/plain", "OK", true},
		{"200 truncated json", http.StatusOK, "application/json", `{"error":`, false},
		{"200 html", http.StatusOK, "text/html", "<html>proxy</html>", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ct)
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c, err := New("tenant.example.auth0.com", WithInsecureBaseURL(srv.URL), WithClientSecret("id", "secret"))
			if err != nil {
				t.Fatal(err)
			}
			err = c.DeleteAuthenticator(context.Background(), "token", "totp|dev_x")
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, ErrMalformedResponse) {
				t.Fatalf("err = %v, want ErrMalformedResponse", err)
			}
		})
	}
}
