package auth0test

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// logTester is a Tester that keeps what the server logs.
type logTester struct {
	*testing.T
	mu    sync.Mutex
	lines []string
}

func (l *logTester) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logTester) logged() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// TestRequestLog: RunT is quiet about the requests it serves unless
// WithRequestLog asks for one line each, and those lines carry no query
// string, token or code.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	for _, verbose := range []bool{false, true} {
		t.Run(fmt.Sprintf("WithRequestLog(%v)", verbose), func(t *testing.T) {
			t.Parallel()
			lt := &logTester{T: t}
			s := RunT(lt, WithSigningKey(testKey()), WithRequestLog(verbose),
				WithUsers(User{ID: bobID, Email: "bob@example.com", Password: bobPass}))
			h := &harness{t: t, s: s}
			tok, err := s.IssueAccessToken(bobID, TokenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			h.get(s.URL(), "/mfa/authenticators", tok)
			h.get(s.URL(), "/.well-known/openid-configuration?secret-query=1", "")
			h.postForm(s.URL(), "/oauth/token", url.Values{"grant_type": {GrantMFAOTP}, "otp": {"123456"}})
			lines := lt.logged()
			if !verbose {
				if len(lines) != 0 {
					t.Fatalf("a quiet server logged %d lines: %q", len(lines), lines)
				}
				return
			}
			if len(lines) != 3 {
				t.Fatalf("%d request lines, want 3: %q", len(lines), lines)
			}
			all := strings.Join(lines, "\n")
			for _, secret := range []string{tok, "secret-query", "123456"} {
				if strings.Contains(all, secret) {
					t.Errorf("the request log shows %q: %s", secret, all)
				}
			}
			if !strings.Contains(lines[0], "path=/mfa/authenticators") || !strings.Contains(lines[0], "status=200") {
				t.Errorf("request line %q", lines[0])
			}
		})
	}
}
