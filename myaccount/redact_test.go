package myaccount

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestRedaction formats every value that holds a secret with every common verb and through
// slog's JSON and text handlers, directly, by pointer, nested in a struct and in a slice, and
// checks that no secret appears while the safe fields do.
func TestRedaction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		v       any
		secrets []string
		visible []string // must appear in %v output
	}{
		{
			name: "Enrollment totp",
			v: Enrollment{Type: TypeTOTP, ID: "totp|dev_1", VerifyID: "totp%7Cdev_1", Location: "/me/v1/authentication-methods/totp%7Cdev_1",
				AuthSession: "Fe26.2**SESSION-secret", ManualInputCode: "JBSWY3DPEHPK3PXP",
				BarcodeURI: "otpauth://totp/my-tenant:auth0%7C507f?secret=JBSWY3DPEHPK3PXP&issuer=my-tenant"},
			secrets: []string{"SESSION-secret", "JBSWY3DPEHPK3PXP", "otpauth", "507f"},
			visible: []string{"totp|dev_1", "totp%7Cdev_1", "[REDACTED]"},
		},
		{
			name:    "Enrollment recovery code",
			v:       &Enrollment{Type: TypeRecoveryCode, AuthSession: "sess-SECRET-2", RecoveryCode: "ABCDEFGHIJKLMNOPQRSTUVWX"},
			secrets: []string{"sess-SECRET-2", "ABCDEFGHIJKLMNOPQRSTUVWX"},
			visible: []string{"recovery-code"},
		},
		{
			name:    "Enrollment passkey",
			v:       Enrollment{Type: TypePasskey, VerifyID: "passkey%7Cnew", AuthSession: "sess-SECRET-3", AuthnParamsPublicKey: json.RawMessage(oasPasskeyOptions)},
			secrets: []string{"sess-SECRET-3", "dGVzdC1jaGFsbGVuZ2U", "user@example.com"},
			visible: []string{"passkey%7Cnew", fmt.Sprintf("[%d bytes]", len(oasPasskeyOptions))},
		},
		{
			name:    "VerifyRequest",
			v:       VerifyRequest{ID: "totp%7Cdev_1", AuthSession: "sess-SECRET-4", OTPCode: "987654"},
			secrets: []string{"sess-SECRET-4", "987654"},
			visible: []string{"totp%7Cdev_1"},
		},
		{
			name:    "VerifyRequest passkey",
			v:       VerifyRequest{ID: "passkey%7Cnew", AuthSession: "sess-SECRET-5", AuthnResponse: json.RawMessage(oasAuthnResponse)},
			secrets: []string{"sess-SECRET-5", "o2NmbXRk", "eyJ0eXBl"},
			visible: []string{"passkey%7Cnew"},
		},
		{
			name:    "EnrollRequest phone",
			v:       EnrollRequest{Type: TypePhone, PhoneNumber: "+15551239167", PreferredChannel: ChannelVoice},
			secrets: []string{"+15551239167", "5551239167", "1555123"},
			visible: []string{"phone", "XXXXXXXX9167", "voice"},
		},
		{
			name:    "EnrollRequest email",
			v:       EnrollRequest{Type: TypeEmail, Email: "alice.private@example.com"},
			secrets: []string{"alice.private", "example.com"},
			visible: []string{"email", "a****@e****"},
		},
		{
			name: "Method phone",
			v: Method{ID: "phone|dev_1", Type: TypePhone, Confirmed: true, PhoneNumber: "+15551239167", PreferredChannel: ChannelSMS,
				Name: "Work", CreatedAt: testNow(), Usage: []Usage{UsageSecondary}},
			secrets: []string{"+15551239167", "5551239167"},
			visible: []string{"phone|dev_1", "XXXXXXXX9167", "Work", "sms", "secondary"},
		},
		{
			name:    "Method email",
			v:       &Method{ID: "email|dev_1", Type: TypeEmail, Email: "alice.private@example.com", LastAuthAt: testNow().Add(-time.Hour)},
			secrets: []string{"alice.private", "example.com"},
			visible: []string{"email|dev_1", "a****@e****"},
		},
		{
			name: "Error",
			v: &Error{Status: 429, Title: "Too Many Requests", Detail: "slow", Op: OpVerify, Method: "POST",
				Path: "/me/v1/authentication-methods/totp%7Cdev_1/verify", RetryAfter: time.Second, GlobalRateLimit: true,
				RateLimit: RateLimit{Limit: 2, Remaining: 0, Reset: testNow()}},
			visible: []string{"429", "Too Many Requests", "/me/v1/authentication-methods/totp%7Cdev_1/verify"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			type holder struct {
				Name  string
				Value any
			}
			outputs := map[string]string{}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
				outputs[verb] = fmt.Sprintf(verb, tt.v)
				outputs["nested "+verb] = fmt.Sprintf(verb, holder{Name: "h", Value: tt.v})
				outputs["slice "+verb] = fmt.Sprintf(verb, []any{tt.v, tt.v})
			}
			outputs["Sprint"] = fmt.Sprint(tt.v)
			outputs["Sprintln"] = fmt.Sprintln(tt.v)
			if s, ok := tt.v.(fmt.Stringer); ok {
				outputs["String"] = s.String()
			}
			if s, ok := tt.v.(fmt.GoStringer); ok {
				outputs["GoString"] = s.GoString()
			}
			if e, ok := tt.v.(error); ok {
				outputs["Error"] = e.Error()
				outputs["wrapped"] = fmt.Errorf("outer: %w", e).Error()
			}
			var jsonBuf, textBuf bytes.Buffer
			slog.New(slog.NewJSONHandler(&jsonBuf, nil)).Info("msg", "value", tt.v, slog.Any("any", tt.v), slog.Group("g", "nested", tt.v))
			slog.New(slog.NewTextHandler(&textBuf, nil)).Info("msg", "value", tt.v)
			outputs["slog JSON"] = jsonBuf.String()
			outputs["slog text"] = textBuf.String()
			if !json.Valid(bytes.TrimSpace(jsonBuf.Bytes())) {
				t.Errorf("slog JSON output is not JSON: %s", jsonBuf.String())
			}
			for where, out := range outputs {
				for _, s := range tt.secrets {
					if strings.Contains(out, s) {
						t.Errorf("%s output reveals %q: %s", where, s, out)
					}
				}
			}
			for _, s := range tt.visible {
				if !strings.Contains(outputs["%v"], s) {
					t.Errorf("%%v output lacks %q: %s", s, outputs["%v"])
				}
			}
		})
	}
}

func TestGoStringShape(t *testing.T) {
	t.Parallel()
	got := fmt.Sprintf("%#v", VerifyRequest{ID: "totp%7Cdev_1", AuthSession: "s", OTPCode: "1"})
	want := `myaccount.VerifyRequest{ID:"totp%7Cdev_1", AuthSession:"[REDACTED]", OTPCode:"[REDACTED]", AuthnResponse:""}`
	if got != want {
		t.Errorf("GoString = %s\nwant       %s", got, want)
	}
	e := Error{Status: 429, Title: "Too Many Requests", Op: OpEnroll, Method: "POST", Path: "/me/v1/authentication-methods",
		RetryAfter: 7 * time.Second, RateLimit: RateLimit{Limit: 2}, GlobalRateLimit: true}
	if got := fmt.Sprintf("%+v", &e); got != "myaccount: POST /me/v1/authentication-methods: 429 Too Many Requests (retry_after=7s rate_limit=0/2 global_rate_limit)" {
		t.Errorf("%%+v = %s", got)
	}
}
