package mfaapi

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// ChallengeRequest asks /mfa/challenge to challenge the user of an mfa_required answer.
// MFAToken must be that opaque mfa_token (the /mfa/ access token is refused there with
// "Malformed mfa_token"). ChallengeTypes ("otp", "oob") is sent space-separated as
// challenge_type; empty means every type. AuthenticatorID selects one authenticator.
//
// Self-service enrollment does not need /mfa/challenge: the Association stands in for it.
type ChallengeRequest struct {
	MFAToken        string
	ChallengeTypes  []string
	AuthenticatorID string
}

func (r ChallengeRequest) fields() []field {
	return []field{
		{"MFAToken", "mfa_token", redact(r.MFAToken)},
		{"ChallengeTypes", "challenge_types", strings.Join(r.ChallengeTypes, " ")},
		{"AuthenticatorID", "authenticator_id", r.AuthenticatorID},
	}
}

// String describes r with MFAToken redacted.
func (r ChallengeRequest) String() string { return viewString("mfaapi.ChallengeRequest", r.fields()) }

// GoString is String in Go syntax.
func (r ChallengeRequest) GoString() string {
	return viewGoString("mfaapi.ChallengeRequest", r.fields())
}

// Format makes every fmt verb redact MFAToken.
func (r ChallengeRequest) Format(f fmt.State, verb rune) {
	formatValue(f, verb, r.String(), r.GoString())
}

// LogValue implements slog.LogValuer with MFAToken redacted.
func (r ChallengeRequest) LogValue() slog.Value { return viewLog(r.fields()) }

// Challenge is the answer of /mfa/challenge: ChallengeType "otp" (ask for a code, then
// VerifyOTP) or "oob" with OOBCode (then VerifyOOB; BindingMethod "prompt" means the user
// types the code sent; none means push). OOBCode is redacted in all output.
type Challenge struct {
	ChallengeType string
	OOBCode       string // secret
	BindingMethod string
}

func (c Challenge) fields() []field {
	return []field{
		{"ChallengeType", "challenge_type", c.ChallengeType},
		{"OOBCode", "oob_code", redact(c.OOBCode)},
		{"BindingMethod", "binding_method", c.BindingMethod},
	}
}

// String describes c with OOBCode redacted.
func (c Challenge) String() string { return viewString("mfaapi.Challenge", c.fields()) }

// GoString is String in Go syntax.
func (c Challenge) GoString() string { return viewGoString("mfaapi.Challenge", c.fields()) }

// Format makes every fmt verb redact OOBCode.
func (c Challenge) Format(f fmt.State, verb rune) { formatValue(f, verb, c.String(), c.GoString()) }

// LogValue implements slog.LogValuer with OOBCode redacted.
func (c Challenge) LogValue() slog.Value { return viewLog(c.fields()) }

// PasswordRequest is a resource-owner password login (LoginPassword). With Realm set it uses
// the grant http://auth0.com/oauth/grant-type/password-realm (Realm names the connection),
// otherwise the password grant (the tenant's default directory). Audience and Scope are
// optional. Password is redacted in all output.
type PasswordRequest struct {
	Username string
	Password string // secret
	Realm    string
	Audience string
	Scope    string
}

func (r PasswordRequest) fields() []field {
	return []field{
		{"Username", "username", r.Username},
		{"Password", "password", redact(r.Password)},
		{"Realm", "realm", r.Realm},
		{"Audience", "audience", r.Audience},
		{"Scope", "scope", r.Scope},
	}
}

// String describes r with Password redacted.
func (r PasswordRequest) String() string { return viewString("mfaapi.PasswordRequest", r.fields()) }

// GoString is String in Go syntax.
func (r PasswordRequest) GoString() string {
	return viewGoString("mfaapi.PasswordRequest", r.fields())
}

// Format makes every fmt verb redact Password.
func (r PasswordRequest) Format(f fmt.State, verb rune) {
	formatValue(f, verb, r.String(), r.GoString())
}

// LogValue implements slog.LogValuer with Password redacted.
func (r PasswordRequest) LogValue() slog.Value { return viewLog(r.fields()) }

// Token is the answer of /oauth/token. ExpiresIn is the server's expires_in (seconds);
// Expiry is computed from the Client's clock (WithClock) as the time the request was sent
// plus ExpiresIn, so it errs early; it is zero when ExpiresIn is not positive. RecoveryCode is
// the replacement recovery code returned by VerifyRecoveryCode: show it to the user once.
//
// AccessToken, IDToken, RefreshToken and RecoveryCode are secrets: String, GoString, Format
// and LogValue redact them.
type Token struct {
	AccessToken  string // secret
	IDToken      string // secret
	RefreshToken string // secret
	TokenType    string // "Bearer"
	Scope        string
	ExpiresIn    int
	Expiry       time.Time
	RecoveryCode string // secret
}

func (t Token) fields() []field {
	return []field{
		{"AccessToken", "access_token", redact(t.AccessToken)},
		{"IDToken", "id_token", redact(t.IDToken)},
		{"RefreshToken", "refresh_token", redact(t.RefreshToken)},
		{"TokenType", "token_type", t.TokenType},
		{"Scope", "scope", t.Scope},
		{"ExpiresIn", "expires_in", t.ExpiresIn},
		{"Expiry", "expiry", t.Expiry},
		{"RecoveryCode", "recovery_code", redact(t.RecoveryCode)},
	}
}

// String describes t with its secrets redacted.
func (t Token) String() string { return viewString("mfaapi.Token", t.fields()) }

// GoString is String in Go syntax.
func (t Token) GoString() string { return viewGoString("mfaapi.Token", t.fields()) }

// Format makes every fmt verb redact the secrets.
func (t Token) Format(f fmt.State, verb rune) { formatValue(f, verb, t.String(), t.GoString()) }

// LogValue implements slog.LogValuer with the secrets redacted.
func (t Token) LogValue() slog.Value { return viewLog(t.fields()) }

type tokenWire struct {
	AccessToken  string          `json:"access_token"`
	IDToken      string          `json:"id_token"`
	RefreshToken string          `json:"refresh_token"`
	TokenType    string          `json:"token_type"`
	Scope        string          `json:"scope"`
	ExpiresIn    json.RawMessage `json:"expires_in"`
	RecoveryCode string          `json:"recovery_code"`
}

// expiresIn reads expires_in as a JSON number or a numeric string (some servers quote it);
// anything else counts as absent.
func expiresIn(raw json.RawMessage) int {
	if len(raw) == 0 {
		return 0
	}
	var f float64
	if json.Unmarshal(raw, &f) != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0
		}
		f = n
	}
	if f <= 0 || f > 1<<31-1 {
		return 0
	}
	return int(f)
}
