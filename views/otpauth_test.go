package views

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestOTPAuthLink: the setup page links to the otpauth:// URI (to open the key on the same
// phone), and to nothing else, whatever the QR content is.
func TestOTPAuthLink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		content string
		linked  bool
	}{
		{"otpauth://totp/Example:jane@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example", true},
		{"javascript:alert(1)", false},
		{"https://evil.example/otpauth://totp/x", false},
		{`otpauth://totp/x"><script>alert(1)</script>`, false},
		{"", false},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		page := TOTPPage{QR: QR{Content: tt.content}, Secret: "JBSWY3DPEHPK3PXP", Confirm: Form{Action: "/account/mfa/enroll/confirm"}}
		if err := TOTP(page).Render(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		got := strings.Contains(buf.String(), "mfa-otpauth-link")
		if got != tt.linked {
			t.Errorf("QR content %q: link shown %v, want %v", tt.content, got, tt.linked)
		}
		if tt.linked && !strings.Contains(buf.String(), `href="otpauth://totp/Example:jane@example.com?secret=JBSWY3DPEHPK3PXP&amp;issuer=Example"`) {
			t.Errorf("the link does not carry the URI:\n%s", buf.String())
		}
	}
}
