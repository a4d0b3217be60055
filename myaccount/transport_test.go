package myaccount

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestBodyLimit: a body over the limit is an error, never a partial success; on an error
// answer the *Error keeps the status.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	big := `{"authentication_methods":[` + strings.Repeat(`{"id":"totp|dev_1","type":"totp","confirmed":true},`, 100) + `{"id":"x","type":"totp"}]}`
	c, _ := serveStub(t, stub{body: big}, WithMaxResponseBytes(1024))
	_, err := c.Methods(t.Context(), testToken, "")
	if !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("2xx over the limit: err = %v, want ErrResponseTooLarge", err)
	}
	if _, ok := asError(err); ok {
		t.Errorf("a 2xx over the limit must not be an *Error: %v", err)
	}

	c, _ = serveStub(t, stub{status: 403, body: `{"title":"` + strings.Repeat("x", 4096) + `"}`}, WithMaxResponseBytes(1024))
	_, err = c.Methods(t.Context(), testToken, "")
	e, ok := asError(err)
	if !ok || e.Status != 403 || !errors.Is(err, ErrResponseTooLarge) || len(err.Error()) > 200 {
		t.Fatalf("error over the limit: %v", err)
	}

	// At exactly the limit the body is whole.
	exact := `{"authentication_methods":[]}`
	c, _ = serveStub(t, stub{body: exact}, WithMaxResponseBytes(int64(len(exact))))
	if _, err := c.Methods(t.Context(), testToken, ""); err != nil {
		t.Errorf("body of exactly the limit: %v", err)
	}
}

// TestRedirectNotFollowed: a 3xx is an *Error wrapping ErrRedirect and the target never sees a
// request (so the bearer token never goes there), for reads and writes, whatever the
// caller's own *http.Client would do.
func TestRedirectNotFollowed(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	t.Cleanup(target.Close)
	follow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
	for _, status := range []int{301, 302, 303, 307, 308} {
		c, _ := serveStub(t, stub{status: status, header: map[string]string{"Location": target.URL + "/me/v1/authentication-methods"}},
			WithHTTPClient(follow))
		_, errGet := c.Methods(t.Context(), testToken, "")
		_, errPost := c.Enroll(t.Context(), testToken, EnrollRequest{Type: TypeTOTP})
		for _, err := range []error{errGet, errPost} {
			e, ok := asError(err)
			if !ok || e.Status != status || !errors.Is(err, ErrRedirect) {
				t.Errorf("%d: err = %v, want an *Error wrapping ErrRedirect", status, err)
			}
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the redirect target got %d requests", n)
	}
	if follow.CheckRedirect == nil {
		t.Error("the caller's *http.Client was modified")
	}
}

// TestNoRetry: a POST whose connection dies, or that gets a 5xx, is sent exactly once.
func TestNoRetry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		h    func(w http.ResponseWriter, r *http.Request)
	}{
		{"connection closed without an answer", func(w http.ResponseWriter, _ *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		}},
		{"503", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int32
			c := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				tt.h(w, r)
			})
			_, errEnroll := c.Enroll(t.Context(), testToken, EnrollRequest{Type: TypeTOTP})
			_, errVerify := c.Verify(t.Context(), testToken, VerifyRequest{ID: "totp%7Cdev_1", AuthSession: testAuthSession, OTPCode: testOTP})
			if errEnroll == nil || errVerify == nil {
				t.Fatalf("errors %v, %v", errEnroll, errVerify)
			}
			if got := n.Load(); got != 2 {
				t.Fatalf("%d requests for two POSTs, want 2", got)
			}
			for _, err := range []error{errEnroll, errVerify} {
				if s := err.Error(); strings.Contains(s, testToken) || strings.Contains(s, testAuthSession) || strings.Contains(s, testOTP) {
					t.Errorf("error reveals a secret: %s", s)
				}
			}
		})
	}
}

// TestContextCancellation: a call in flight returns as soon as its context is cancelled, with
// an error that errors.Is finds context.Canceled in.
func TestContextCancellation(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{})
	release := make(chan struct{})
	c := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // lets the server notice the client going away
		close(arrived)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server's Close (cleanups are LIFO)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := c.Verify(ctx, testToken, VerifyRequest{ID: "totp%7Cdev_1", AuthSession: testAuthSession, OTPCode: testOTP})
		done <- err
	}()
	<-arrived
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if !strings.HasPrefix(err.Error(), "myaccount: POST /me/v1/authentication-methods/totp%7Cdev_1/verify: ") {
			t.Errorf("err = %q", err)
		}
	case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
		t.Fatal("Verify did not return after its context was cancelled")
	}

	// A context cancelled before the call sends nothing.
	var n atomic.Int32
	c2 := serveFunc(t, func(http.ResponseWriter, *http.Request) { n.Add(1) })
	dead, stop := context.WithCancel(t.Context())
	stop()
	if _, err := c2.Methods(dead, testToken, ""); !errors.Is(err, context.Canceled) || n.Load() != 0 {
		t.Fatalf("err = %v, %d requests", err, n.Load())
	}
}

// TestInvalidInputSendsNothing: every argument error is ErrInvalidInput, found before any
// request, and its text never holds the offending secret.
func TestInvalidInputSendsNothing(t *testing.T) {
	t.Parallel()
	c, rec := serveStub(t, stub{status: 500})
	ctx := t.Context()
	tests := []struct {
		name string
		call func() error
	}{
		{"empty token", func() error { _, err := c.Methods(ctx, "", ""); return err }},
		{"token with a newline", func() error { _, err := c.Methods(ctx, "abc\r\nX-Evil: 1", ""); return err }},
		{"filter with a query", func() error { _, err := c.Methods(ctx, testToken, "totp&x=1"); return err }},
		{"empty id", func() error { _, err := c.Method(ctx, testToken, ""); return err }},
		{"dot-dot id", func() error { return c.DeleteMethod(ctx, testToken, "..") }},
		{"nil context", func() error {
			var nilCtx context.Context
			_, err := c.Factors(nilCtx, testToken)
			return err
		}},
		{"enroll password", func() error { _, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypePassword}); return err }},
		{"enroll webauthn", func() error {
			_, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypeWebAuthnRoaming})
			return err
		}},
		{"enroll unknown type", func() error { _, err := c.Enroll(ctx, testToken, EnrollRequest{Type: "sms"}); return err }},
		{"phone not E.164", func() error {
			_, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypePhone, PhoneNumber: "5551234567"})
			return err
		}},
		{"phone with a bad channel", func() error {
			_, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypePhone, PhoneNumber: "+15551234567", PreferredChannel: "fax"})
			return err
		}},
		{"phone number on totp", func() error {
			_, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypeTOTP, PhoneNumber: "+15551234567"})
			return err
		}},
		{"email missing", func() error { _, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypeEmail}); return err }},
		{"email with a display name", func() error {
			_, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypeEmail, Email: "Eve <eve@example.com>"})
			return err
		}},
		{"connection on phone", func() error {
			_, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypePhone, PhoneNumber: "+15551234567", Connection: "db"})
			return err
		}},
		{"passkey connection outside the OAS pattern", func() error {
			_, err := c.Enroll(ctx, testToken, EnrollRequest{Type: TypePasskey, Connection: "db/../x"})
			return err
		}},
		{"verify id decoded instead of as given", func() error {
			_, err := c.Verify(ctx, testToken, VerifyRequest{ID: "passkey|new", AuthSession: testAuthSession})
			return err
		}},
		{"verify id with a slash", func() error {
			_, err := c.Verify(ctx, testToken, VerifyRequest{ID: "a/b", AuthSession: testAuthSession})
			return err
		}},
		{"verify id with a broken escape", func() error {
			_, err := c.Verify(ctx, testToken, VerifyRequest{ID: "a%7", AuthSession: testAuthSession})
			return err
		}},
		{"verify without session", func() error {
			_, err := c.Verify(ctx, testToken, VerifyRequest{ID: "totp%7Cdev_1", OTPCode: testOTP})
			return err
		}},
		{"verify code with spaces", func() error {
			_, err := c.Verify(ctx, testToken, VerifyRequest{ID: "totp%7Cdev_1", AuthSession: testAuthSession, OTPCode: "123 456"})
			return err
		}},
		{"verify code and attestation", func() error {
			_, err := c.Verify(ctx, testToken, VerifyRequest{ID: "x", AuthSession: testAuthSession, OTPCode: testOTP, AuthnResponse: []byte(`{}`)})
			return err
		}},
		{"verify attestation not an object", func() error {
			_, err := c.Verify(ctx, testToken, VerifyRequest{ID: "x", AuthSession: testAuthSession, AuthnResponse: []byte(`"x"`)})
			return err
		}},
		{"update nothing", func() error { _, err := c.UpdateMethod(ctx, testToken, "totp|dev_1", MethodUpdate{}); return err }},
		{"update bad channel", func() error {
			_, err := c.UpdateMethod(ctx, testToken, "phone|dev_1", MethodUpdate{PreferredChannel: ptr(PhoneChannel("fax"))})
			return err
		}},
		{"update name with a control character", func() error {
			_, err := c.UpdateMethod(ctx, testToken, "phone|dev_1", MethodUpdate{Name: ptr("a\x1bb")})
			return err
		}},
	}
	for _, tt := range tests {
		err := tt.call()
		if !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: err = %v, want ErrInvalidInput", tt.name, err)
			continue
		}
		if s := err.Error(); strings.Contains(s, "+15551234567") || strings.Contains(s, testAuthSession) || strings.Contains(s, "X-Evil") {
			t.Errorf("%s: error reveals input: %s", tt.name, s)
		}
	}
	if n := rec.count(); n != 0 {
		t.Fatalf("%d requests were sent", n)
	}
}
