package myaccount

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// TestVerifyIDFromLocation: the id Verify uses is the Location's last segment, percent-encoded
// exactly as sent, and it goes on the wire unchanged.
func TestVerifyIDFromLocation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		location string
		bodyID   string
		typ      Type
		verifyID string // "" means Enroll must fail with ErrMalformedResponse
	}{
		{"OAS passkey example", oasLocationPasskeyNew, "", TypePasskey, "passkey%7Cnew"},
		{"lower-case escape kept as sent", "https://t.auth0.com/me/v1/authentication-methods/passkey%7cnew", "", TypePasskey, "passkey%7cnew"},
		{"escaped slash kept", "/me/v1/authentication-methods/totp%7Cdev%2Fx", "totp|dev/x", TypeTOTP, "totp%7Cdev%2Fx"},
		{"relative Location", "/me/v1/authentication-methods/totp%7Cdev_X", "totp|dev_X", TypeTOTP, "totp%7Cdev_X"},
		{"query and fragment ignored", "/me/v1/authentication-methods/totp%7Cdev_X?a=1#f", "totp|dev_X", TypeTOTP, "totp%7Cdev_X"},
		{"Location disagreeing with the body wins", "/me/v1/authentication-methods/totp%7Cdev_L", "totp|dev_B", TypeTOTP, "totp%7Cdev_L"},
		{"no Location: the body id, escaped", "", "totp|dev_X", TypeTOTP, "totp%7Cdev_X"},
		{"no Location and no id (passkey)", "", "", TypePasskey, ""},
		{"Location of another resource", "/me/v1/factors/totp", "totp|dev_X", TypeTOTP, ""},
		{"Location ending in a slash", "/me/v1/authentication-methods/", "totp|dev_X", TypeTOTP, ""},
		{"Location of the verify URL", "/me/v1/authentication-methods/x/verify", "totp|dev_X", TypeTOTP, ""},
		{"Location with a broken escape", "/me/v1/authentication-methods/a%zz", "totp|dev_X", TypeTOTP, ""},
		{"Location with a dot segment", "/me/v1/authentication-methods/..", "totp|dev_X", TypeTOTP, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := `{"auth_session":"s","barcode_uri":"otpauth://totp/x?secret=A"}`
			if tt.bodyID != "" {
				body = `{"id":"` + tt.bodyID + `","auth_session":"s","barcode_uri":"otpauth://totp/x?secret=A"}`
			}
			if tt.typ == TypePasskey {
				body = oasEnrollPasskey
			}
			h := map[string]string{}
			if tt.location != "" {
				h["Location"] = tt.location
			}
			c, _ := serveStub(t, stub{status: 202, body: body, header: h})
			e, err := c.Enroll(t.Context(), testToken, EnrollRequest{Type: tt.typ})
			if tt.verifyID == "" {
				if !errors.Is(err, ErrMalformedResponse) {
					t.Fatalf("err = %v, want ErrMalformedResponse", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if e.VerifyID != tt.verifyID {
				t.Fatalf("VerifyID = %q, want %q", e.VerifyID, tt.verifyID)
			}
			v, rec := serveStub(t, stub{status: 201, body: oasVerifiedTOTP})
			if _, err := v.Verify(t.Context(), testToken, e.Verification()); err != nil {
				t.Fatal(err)
			}
			if got, want := rec.all()[0].RequestURI, "/me/v1/authentication-methods/"+tt.verifyID+"/verify"; got != want {
				t.Errorf("verify sent to %s, want %s", got, want)
			}
		})
	}
}

// TestLocationNeverFollowed: a Location naming another host gets no request: the token stays
// with the Client's host.
func TestLocationNeverFollowed(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	t.Cleanup(other.Close)
	var own atomic.Int32
	c := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		own.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/me/v1/authentication-methods" {
			w.Header().Set("Location", other.URL+"/me/v1/authentication-methods/totp%7Cdev_X")
			w.WriteHeader(202)
			_, _ = w.Write([]byte(oasEnrollTOTP))
			return
		}
		w.WriteHeader(201)
		_, _ = w.Write([]byte(oasVerifiedTOTP))
	})
	e, err := c.Enroll(t.Context(), testToken, EnrollRequest{Type: TypeTOTP})
	if err != nil {
		t.Fatal(err)
	}
	v := e.Verification()
	v.OTPCode = testOTP
	if _, err := c.Verify(t.Context(), testToken, v); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 0 || own.Load() != 2 {
		t.Fatalf("other host got %d requests, own %d", hits.Load(), own.Load())
	}
}

// TestEnrollmentAnswerChecked: a 202 that lacks what its type needs is malformed, never an
// enrollment the user cannot finish.
func TestEnrollmentAnswerChecked(t *testing.T) {
	t.Parallel()
	loc := map[string]string{"Location": "/me/v1/authentication-methods/x%7Cdev_1"}
	tests := []struct {
		name string
		typ  Type
		body string
	}{
		{"no auth_session", TypeEmail, `{"id":"email|dev_1"}`},
		{"totp without barcode_uri", TypeTOTP, `{"id":"totp|dev_1","auth_session":"s","manual_input_code":"A"}`},
		{"push without barcode_uri", TypePush, `{"id":"p|dev_1","auth_session":"s"}`},
		{"recovery code without the code", TypeRecoveryCode, `{"id":"r|dev_1","auth_session":"s"}`},
		{"passkey without options", TypePasskey, `{"auth_session":"s"}`},
		{"passkey options not an object", TypePasskey, `{"auth_session":"s","authn_params_public_key":"x"}`},
		{"not JSON", TypeTOTP, `<html>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := serveStub(t, stub{status: 202, body: tt.body, header: loc})
			req := EnrollRequest{Type: tt.typ}
			if tt.typ == TypeEmail {
				req.Email = "user@example.com"
			}
			if _, err := c.Enroll(t.Context(), testToken, req); !errors.Is(err, ErrMalformedResponse) {
				t.Fatalf("err = %v, want ErrMalformedResponse", err)
			}
		})
	}
}
