package wire

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The clients' own tests (mfaapi, myaccount) exercise this package through real round trips;
// these cover what a client passes through without looking.

func TestCheckParam(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    string
		want ParamProblem
		text string
	}{
		{"abc", ParamOK, ""},
		{"", ParamEmpty, "empty access token"},
		{strings.Repeat("a", 9), ParamTooLong, "access token too long"},
		{"a b", ParamHasSpace, "access token contains white space or control characters"},
		{"a\x00b", ParamHasSpace, "access token contains white space or control characters"},
		{"a\u2028b", ParamHasSpace, "access token contains white space or control characters"},
	}
	for _, tt := range tests {
		p := CheckParam(tt.v, 8)
		if p != tt.want || p.Describe("access token") != tt.text {
			t.Errorf("CheckParam(%q) = %v %q, want %v %q", tt.v, p, p.Describe("access token"), tt.want, tt.text)
		}
	}
}

func TestUntilReset(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		reset string
		want  time.Duration
	}{
		{"", 0},
		{"not a number", 0},
		{itoa(now.Add(-time.Second).Unix()), 0},
		{itoa(now.Add(42 * time.Second).Unix()), 42 * time.Second},
		{itoa(now.Add(48 * time.Hour).Unix()), MaxRetryAfter},
	}
	for _, tt := range tests {
		h := http.Header{"X-Ratelimit-Reset": {tt.reset}}
		if got := UntilReset(ParseRateLimit(h), now); got != tt.want {
			t.Errorf("reset %q: UntilReset = %v, want %v", tt.reset, got, tt.want)
		}
	}
}

func itoa(n int64) string {
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestMaskEmailAndValidEmail(t *testing.T) {
	t.Parallel()
	if got := MaskEmail("alice@example.com"); got != "a****@e****" {
		t.Errorf("MaskEmail = %q", got)
	}
	for _, s := range []string{"", "@x", "x@"} {
		if got := MaskEmail(s); strings.Contains(got, "x") {
			t.Errorf("MaskEmail(%q) = %q reveals input", s, got)
		}
	}
	for s, ok := range map[string]bool{"user@example.com": true, "Eve <eve@example.com>": false, "no-at": false,
		strings.Repeat("a", 250) + "@b.co": false} {
		if ValidEmail(s) != ok {
			t.Errorf("ValidEmail(%.20q) = %v", s, !ok)
		}
	}
}
