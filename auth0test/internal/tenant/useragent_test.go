package tenant

import (
	"strings"
	"testing"
)

// TestDescribeUserAgent: the recorded form for Chrome on macOS, the same form for the other
// common browsers, anything else as sent (bounded).
func TestDescribeUserAgent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ ua, want string }{
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/137.0.0.0 Safari/537.36",
			"Chrome 137.0.0 / Mac OS X 10.15.7"}, // the recorded one
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.3485.54",
			"Edge 140.0.3485 / Windows 10"},
		{"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128.0.0 / Linux"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
			"Mobile Safari 17.5.0 / iOS 17.5.0"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36",
			"Chrome Mobile 140.0.0 / Android 14.0.0"},
		{"Go-http-client/1.1", "Go-http-client/1.1"},
		{"", ""},
		{strings.Repeat("x", 600), strings.Repeat("x", maxUserAgent)},
	} {
		if got := describeUserAgent(tc.ua); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.ua, got, tc.want)
		}
	}
}
