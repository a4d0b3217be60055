package session_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/selfmfa/selfmfa/session"
)

// TestErrorFunc: a session-store failure answers 503 with the security headers and a plain
// message; the error (which may name the store's address) is logged, never shown, and headers
// the handler had prepared (a redirect, a cookie) are dropped.
func TestErrorFunc(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	fn := session.ErrorFunc(slog.New(slog.NewTextHandler(&log, nil)))
	w := httptest.NewRecorder()
	w.Header().Set("Location", "/account/mfa/enroll/totp")
	w.Header().Set("Set-Cookie", "session=x")
	fn(w, httptest.NewRequest(http.MethodGet, "/account/mfa/", nil), errors.New("dial tcp 10.0.0.7:6379: connection refused"))
	res := w.Result()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", res.StatusCode)
	}
	for k, want := range map[string]string{
		"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
		"Referrer-Policy": "no-referrer", "Location": "", "Set-Cookie": "",
	} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("CSP %q", res.Header.Get("Content-Security-Policy"))
	}
	if body := w.Body.String(); strings.Contains(body, "10.0.0.7") || !strings.Contains(body, "try again") {
		t.Errorf("body %q", body)
	}
	if !strings.Contains(log.String(), "10.0.0.7") {
		t.Errorf("the error was not logged: %s", log.String())
	}
	if session.ErrorFunc(nil) == nil {
		t.Fatal("ErrorFunc(nil) is nil")
	}
}
