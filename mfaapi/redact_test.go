package mfaapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestRedaction formats every secret-bearing value with every common verb and through slog's
// JSON and text handlers, directly, by pointer, nested in a struct and in a slice, and checks
// that no secret appears while the safe fields do.
func TestRedaction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		v       any
		secrets []string
		visible []string // must appear in %v output
	}{
		{
			name: "Token",
			v: Token{AccessToken: "AT-secret-1", IDToken: "IDT-secret-2", RefreshToken: "RT-secret-3", TokenType: "Bearer",
				Scope: "openid enroll", ExpiresIn: 600, Expiry: testNow().Add(10 * time.Minute), RecoveryCode: "RC17EQHNZC2SZDYG7X4QXVX9SW"},
			secrets: []string{"AT-secret-1", "IDT-secret-2", "RT-secret-3", "RC17EQHNZC2SZDYG7X4QXVX9SW"},
			visible: []string{"Bearer", "openid enroll", "600", redacted},
		},
		{
			name: "Association otp",
			v: Association{AuthenticatorType: "otp", Secret: "HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF",
				BarcodeURI:    "otpauth://totp/My%20Test%20Tenant:user%40example.com?secret=HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF",
				RecoveryCodes: []string{"N3BGPZZWJ85JLCNPZBDW6QXC"}},
			secrets: []string{"HJ6XM2DNERXDAVCUONGWKRTCMNTU6VDF", "otpauth", "N3BGPZZWJ85JLCNPZBDW6QXC", "user%40example.com"},
			visible: []string{"otp", redacted},
		},
		{
			name: "Association oob",
			v: Association{AuthenticatorType: "oob", OOBChannel: "sms", BindingMethod: "prompt",
				OOBCode: "Fe26.2*SERVER_1726721698*abc", RecoveryCodes: []string{"MZCRK3YX5V3AKNNYY6JEBQCL"}},
			secrets: []string{"Fe26.2", "SERVER_1726721698", "MZCRK3YX5V3AKNNYY6JEBQCL"},
			visible: []string{"oob", "sms", "prompt"},
		},
		{
			name: "Error",
			v: &Error{StatusCode: 403, Code: "mfa_required", Description: "Multifactor authentication required",
				MFAToken: "Fe26.2*mfa-token-SECRET", Method: "POST", Path: "/oauth/token", RetryAfter: time.Second,
				RateLimit: RateLimit{Limit: 10, Remaining: 0, Reset: testNow()}},
			secrets: []string{"Fe26.2*mfa-token-SECRET", "mfa-token-SECRET"},
			visible: []string{"403", "mfa_required", "/oauth/token"},
		},
		{
			name:    "Challenge",
			v:       Challenge{ChallengeType: "oob", OOBCode: "Fe26.2*challenge-oob-SECRET", BindingMethod: "prompt"},
			secrets: []string{"challenge-oob-SECRET"},
			visible: []string{"oob", "prompt"},
		},
		{
			name:    "ChallengeRequest",
			v:       ChallengeRequest{MFAToken: "Fe26.2*req-mfa-SECRET", ChallengeTypes: []string{"otp", "oob"}, AuthenticatorID: "sms|dev_1"},
			secrets: []string{"req-mfa-SECRET"},
			visible: []string{"otp oob", "sms|dev_1"},
		},
		{
			name:    "AssociateRequest",
			v:       AssociateRequest{Kind: KindSMS, PhoneNumber: "+14155559167"},
			secrets: []string{"+14155559167", "4155559167", "1415555"},
			visible: []string{"sms", "XXXXXXXX9167"},
		},
		{
			name:    "AssociateRequest email",
			v:       AssociateRequest{Kind: KindEmail, Email: "alice.private@example.com"},
			secrets: []string{"alice.private", "example.com"},
			visible: []string{"email", "a****@e****"},
		},
		{
			name:    "PasswordRequest",
			v:       PasswordRequest{Username: "user@example.com", Password: "hunter2-SECRET", Realm: "Username-Password-Authentication"},
			secrets: []string{"hunter2-SECRET"},
			visible: []string{"user@example.com", "Username-Password-Authentication"},
		},
		{
			name:    "client secret post",
			v:       clientSecretPost{id: "client-abc", secret: "csecret-S3CR3T"},
			secrets: []string{"csecret-S3CR3T"},
			visible: []string{"client-abc"},
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

// TestRedactionPointers: pointers to the redacting types are safe too (fmt and slog both see
// the value methods through the pointer).
func TestRedactionPointers(t *testing.T) {
	t.Parallel()
	tok := &Token{AccessToken: "ptr-AT-SECRET"}
	assoc := &Association{Secret: "ptr-SECRET-TOTP"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "tok", tok, "assoc", assoc)
	out := fmt.Sprintf("%v %+v %#v %s", tok, assoc, tok, assoc) + buf.String()
	for _, s := range []string{"ptr-AT-SECRET", "ptr-SECRET-TOTP"} {
		if strings.Contains(out, s) {
			t.Errorf("output reveals %q: %s", s, out)
		}
	}
}

func TestGoStringShape(t *testing.T) {
	t.Parallel()
	got := fmt.Sprintf("%#v", Token{AccessToken: "x", TokenType: "Bearer", ExpiresIn: 600})
	want := `mfaapi.Token{AccessToken:"[REDACTED]", IDToken:"", RefreshToken:"", TokenType:"Bearer", Scope:"", ExpiresIn:600, Expiry:time.Time{}, RecoveryCode:""}`
	if got != want {
		t.Errorf("GoString = %s\nwant       %s", got, want)
	}
	e := Error{StatusCode: 403, Code: "mfa_required", MFAToken: "tok", Method: "POST", Path: "/oauth/token"}
	if got := fmt.Sprintf("%+v", &e); got != "mfaapi: POST /oauth/token: 403 mfa_required (mfa_token=[REDACTED])" {
		t.Errorf("%%+v = %s", got)
	}
}
