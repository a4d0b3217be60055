package auth0test_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/selfmfa/selfmfa/auth0test"
)

// FuzzRequests: whatever method, path, content type and body a client sends to the emulated
// tenant's parsing endpoints (/oauth/token, /mfa/associate, /mfa/challenge, /u/mfa), it
// answers a 2xx, 3xx or 4xx, never a 5xx or a panic: a host's test suite driving it with bad
// input sees Auth0-shaped refusals.
func FuzzRequests(f *testing.F) {
	emu, err := auth0test.NewServer(auth0test.WithLogger(slog.New(slog.DiscardHandler)), auth0test.WithRateLimit(0, 0),
		auth0test.WithUsers(auth0test.User{ID: "auth0|fuzz", Email: "fuzz@example.com", Password: "pw"}))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(emu.Close)
	tok, err := emu.IssueAccessToken("auth0|fuzz", auth0test.TokenOptions{})
	if err != nil {
		f.Fatal(err)
	}
	form := "application/x-www-form-urlencoded"
	json := "application/json"
	seeds := []struct{ path, ct, body string }{
		{"/oauth/token", form, "grant_type=http%3A%2F%2Fauth0.com%2Foauth%2Fgrant-type%2Fmfa-otp&mfa_token=x&otp=123456"},
		{"/oauth/token", json, `{"grant_type":"password","username":"a","password":"b"}`},
		{"/oauth/token", form, "grant_type=authorization_code&code=%zz"},
		{"/mfa/associate", json, `{"authenticator_types":["oob"],"oob_channels":["sms"],"phone_number":"+1"}`},
		{"/mfa/associate", json, `{"authenticator_types":"otp"}`},
		{"/mfa/associate", json, `[`},
		{"/mfa/challenge", json, `{"mfa_token":"Fe26.2**","challenge_type":"otp oob"}`},
		{"/u/mfa", form, "state=x&code=1&action=verify"},
	}
	for _, s := range seeds {
		f.Add(s.path, s.ct, s.body, true)
	}
	f.Fuzz(func(t *testing.T, path, contentType, body string, bearer bool) {
		switch path {
		case "/oauth/token", "/mfa/associate", "/mfa/challenge", "/u/mfa":
		default:
			path = "/oauth/token"
		}
		req := httptest.NewRequest(http.MethodPost, emu.URL()+path, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		if bearer {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			b, _ := io.ReadAll(rec.Body)
			t.Fatalf("POST %s (%q, %q): %d %s", path, contentType, body, rec.Code, b)
		}
	})
}
