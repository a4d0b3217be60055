package mfaapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/internal/wire"
)

// Kind is a kind of authenticator, as in the prefix of its id ("totp|dev_…").
type Kind string

// The kinds of authenticator. KindRecoveryCode is listed but cannot be associated.
const (
	KindTOTP         Kind = "totp"
	KindSMS          Kind = "sms"
	KindVoice        Kind = "voice"
	KindEmail        Kind = "email"
	KindPush         Kind = "push"
	KindRecoveryCode Kind = "recovery-code"
)

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool {
	switch k {
	case KindTOTP, KindSMS, KindVoice, KindEmail, KindPush, KindRecoveryCode:
		return true
	}
	return false
}

// Authenticator is one element of GET /mfa/authenticators. Name is already masked by Auth0
// ("XXXXXXXXX9167", "****@exam*******") and may be shown. Pending (unconfirmed)
// authenticators are listed with Active false; UIs should ignore them.
type Authenticator struct {
	ID                string     `json:"id"`                    // "totp|dev_…": contains '|'
	AuthenticatorType string     `json:"authenticator_type"`    // "otp", "oob" or "recovery-code"
	Active            bool       `json:"active"`                // false: not confirmed yet
	OOBChannel        string     `json:"oob_channel,omitempty"` // "sms", "voice", "auth0" (push) or "email"
	Name              string     `json:"name,omitempty"`        // masked phone or email, or push device name
	Type              string     `json:"type,omitempty"`        // newer, some tenants: "otp", "phone", "email", "push-notification", "recovery-code"
	CreatedAt         *time.Time `json:"created_at,omitempty"`  // not seen in recordings
	LastAuth          *time.Time `json:"last_auth,omitempty"`   // not seen in recordings
}

// UnmarshalJSON decodes the wire form. Unparsable created_at / last_auth values are ignored
// instead of failing the whole list.
func (a *Authenticator) UnmarshalJSON(b []byte) error {
	var w authenticatorWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*a = w.authenticator()
	return nil
}

// authenticatorWire is an Authenticator as Auth0 sends it. Authenticators decodes the list into
// a slice of these in one pass: through Authenticator's UnmarshalJSON, encoding/json would scan
// each element a second time.
type authenticatorWire struct {
	ID                string          `json:"id"`
	AuthenticatorType string          `json:"authenticator_type"`
	Active            bool            `json:"active"`
	OOBChannel        string          `json:"oob_channel"`
	Name              string          `json:"name"`
	Type              string          `json:"type"`
	CreatedAt         json.RawMessage `json:"created_at"`
	LastAuth          json.RawMessage `json:"last_auth"`
}

func (w *authenticatorWire) authenticator() Authenticator {
	return Authenticator{
		ID: w.ID, AuthenticatorType: w.AuthenticatorType, Active: w.Active,
		OOBChannel: w.OOBChannel, Name: w.Name, Type: w.Type,
		CreatedAt: lenientTime(w.CreatedAt), LastAuth: lenientTime(w.LastAuth),
	}
}

// lenientTime parses an RFC 3339 string, and returns nil for anything else (null, a number, a
// string that is not a time).
func lenientTime(raw json.RawMessage) *time.Time {
	var s string
	switch {
	case len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && bytes.IndexByte(raw, '\\') < 0:
		s = string(raw[1 : len(raw)-1]) // no escapes: the common case, without a second scan
	case len(raw) == 0 || json.Unmarshal(raw, &s) != nil:
		return nil
	}
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return &t
}

// Kind returns the authenticator's kind, from the id prefix or, failing that, from
// authenticator_type and oob_channel (or type). It returns "" when neither says.
func (a Authenticator) Kind() Kind {
	if i := strings.IndexByte(a.ID, '|'); i > 0 {
		if k := Kind(a.ID[:i]); k.Valid() {
			return k
		}
	}
	switch a.AuthenticatorType {
	case "otp":
		return KindTOTP
	case "recovery-code":
		return KindRecoveryCode
	case "oob":
		switch a.OOBChannel {
		case "sms":
			return KindSMS
		case "voice":
			return KindVoice
		case "email":
			return KindEmail
		case "auth0":
			return KindPush
		}
	}
	switch a.Type {
	case "otp", "totp":
		return KindTOTP
	case "push-notification":
		return KindPush
	case "email":
		return KindEmail
	case "recovery-code":
		return KindRecoveryCode
	}
	return ""
}

// PairKey groups authenticators whose ids show that Auth0 creates and deletes them together:
// an SMS and a voice authenticator for one phone number share "phone|{suffix}". A push
// authenticator and its companion OTP are also deleted together, but their ids do not show it
// (Auth0's examples give them different suffixes: push|dev_ZUla9SQ6tAIHSz6y beside
// totp|dev_gJ6Y6vpSrjnKeT67), so each gets a key of its own; a caller that saw the pair
// created must remember it. Other authenticators get "{kind}|{suffix}", and an id without '|'
// is its own key.
func (a Authenticator) PairKey() string {
	i := strings.IndexByte(a.ID, '|')
	if i < 0 {
		return a.ID
	}
	suffix := a.ID[i+1:]
	switch k := a.Kind(); k {
	case KindSMS, KindVoice:
		return "phone|" + suffix
	case "":
		return a.ID
	default:
		return string(k) + "|" + suffix
	}
}

// AssociateRequest says what to enroll. Kind is KindTOTP, KindSMS, KindVoice, KindEmail or
// KindPush; PhoneNumber (E.164, "+14155550123") is required for SMS and voice; Email is
// optional for KindEmail (Auth0 reportedly uses the user's email when absent). It is sent as
// {"authenticator_types":["otp"|"oob"],"oob_channels":[…],…}.
//
// String, Format and LogValue mask the phone number (last 4 digits kept) and the email.
type AssociateRequest struct {
	Kind        Kind
	PhoneNumber string
	Email       string
}

func (r AssociateRequest) fields() []field {
	return []field{
		{"Kind", "kind", string(r.Kind)},
		{"PhoneNumber", "phone_number", maskPhone(r.PhoneNumber)},
		{"Email", "email", maskEmail(r.Email)},
	}
}

// String describes r with the phone number and email masked.
func (r AssociateRequest) String() string { return viewString("mfaapi.AssociateRequest", r.fields()) }

// GoString is String in Go syntax.
func (r AssociateRequest) GoString() string {
	return viewGoString("mfaapi.AssociateRequest", r.fields())
}

// Format makes every fmt verb mask the phone number and email.
func (r AssociateRequest) Format(f fmt.State, verb rune) {
	formatValue(f, verb, r.String(), r.GoString())
}

// LogValue implements slog.LogValuer with the phone number and email masked.
func (r AssociateRequest) LogValue() slog.Value { return viewLog(r.fields()) }

// associateBody is the JSON body of POST /mfa/associate.
type associateBody struct {
	// ClientID is sent when the Client has one configured: the API reference lists client_id
	// as required and go-auth0's recordings against a real tenant send it, while Auth0.swift,
	// Auth0.Android and auth0-auth-js omit it and rely on the bearer, so both work (reference
	// §2.2). The client_secret is never sent here: the bearer authenticates the call, and a
	// secret in more request bodies is more exposure for no gain.
	ClientID           string   `json:"client_id,omitempty"`
	AuthenticatorTypes []string `json:"authenticator_types"`
	OOBChannels        []string `json:"oob_channels,omitempty"`
	PhoneNumber        string   `json:"phone_number,omitempty"`
	Email              string   `json:"email,omitempty"`
}

func (r AssociateRequest) body(clientID string) (associateBody, error) {
	b := associateBody{ClientID: clientID}
	phone := r.Kind == KindSMS || r.Kind == KindVoice
	switch {
	case r.PhoneNumber != "" && !phone:
		return b, fmt.Errorf("%w: Associate: phone number given for kind %q", ErrInvalidInput, sanitize(string(r.Kind), 32))
	case r.Email != "" && r.Kind != KindEmail:
		return b, fmt.Errorf("%w: Associate: email given for kind %q", ErrInvalidInput, sanitize(string(r.Kind), 32))
	}
	switch r.Kind {
	case KindTOTP:
		b.AuthenticatorTypes = []string{"otp"}
	case KindSMS, KindVoice:
		if !validE164(r.PhoneNumber) {
			return b, fmt.Errorf("%w: Associate: phone number must be in E.164 format (+ and up to 15 digits)", ErrInvalidInput)
		}
		b.AuthenticatorTypes, b.OOBChannels, b.PhoneNumber = []string{"oob"}, []string{string(r.Kind)}, r.PhoneNumber
	case KindEmail:
		if r.Email != "" && !validEmail(r.Email) {
			return b, fmt.Errorf("%w: Associate: invalid email address", ErrInvalidInput)
		}
		b.AuthenticatorTypes, b.OOBChannels, b.Email = []string{"oob"}, []string{"email"}, r.Email
	case KindPush:
		b.AuthenticatorTypes, b.OOBChannels = []string{"oob"}, []string{"auth0"}
	case KindRecoveryCode:
		return b, fmt.Errorf("%w: Associate: recovery codes cannot be associated; Auth0 issues one with the first factor", ErrInvalidInput)
	default:
		return b, fmt.Errorf("%w: Associate: unknown authenticator kind %q", ErrInvalidInput, sanitize(string(r.Kind), 32))
	}
	return b, nil
}

// validE164 accepts "+" followed by 2 to 15 digits, the first not 0.
func validE164(s string) bool {
	if len(s) < 3 || len(s) > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validEmail(s string) bool { return wire.ValidEmail(s) }

// maskPhone keeps the last 4 digits, as Auth0's masked names do.
func maskPhone(p string) string {
	if p == "" {
		return ""
	}
	if len(p) <= 4 {
		return strings.Repeat("X", len(p))
	}
	return strings.Repeat("X", len(p)-4) + sanitize(p[len(p)-4:], 8)
}

// maskEmail keeps the first character of the local part and of the domain.
func maskEmail(e string) string { return wire.MaskEmail(e) }

// Association is the answer of POST /mfa/associate. It has no authenticator id (Auth0 returns
// none): list the authenticators to find the new pending one.
//
//   - otp: Secret (base32) and BarcodeURI (otpauth://) to show as a QR code;
//   - sms, voice, email: OOBCode, BindingMethod "prompt" (the user types the code received);
//   - push: OOBCode and BarcodeURI (to scan with Guardian), no BindingMethod.
//
// RecoveryCodes is set only on the user's first association, when the tenant enables recovery
// codes: show it once.
//
// Every field but AuthenticatorType, OOBChannel and BindingMethod is a secret: String,
// GoString, Format and LogValue redact them.
type Association struct {
	AuthenticatorType string   // "otp" or "oob"
	Secret            string   // TOTP secret; secret
	BarcodeURI        string   // otpauth:// URI; secret
	OOBChannel        string   // "sms", "voice", "email", "auth0"
	OOBCode           string   // for VerifyOOB; secret
	BindingMethod     string   // "prompt" when the user must type a code
	RecoveryCodes     []string // first association only; secret
}

func (a Association) fields() []field {
	return []field{
		{"AuthenticatorType", "authenticator_type", a.AuthenticatorType},
		{"Secret", "secret", redact(a.Secret)},
		{"BarcodeURI", "barcode_uri", redact(a.BarcodeURI)},
		{"OOBChannel", "oob_channel", a.OOBChannel},
		{"OOBCode", "oob_code", redact(a.OOBCode)},
		{"BindingMethod", "binding_method", a.BindingMethod},
		{"RecoveryCodes", "recovery_codes", redactList(a.RecoveryCodes)},
	}
}

// String describes a with its secrets redacted.
func (a Association) String() string { return viewString("mfaapi.Association", a.fields()) }

// GoString is String in Go syntax.
func (a Association) GoString() string { return viewGoString("mfaapi.Association", a.fields()) }

// Format makes every fmt verb redact the secrets.
func (a Association) Format(f fmt.State, verb rune) { formatValue(f, verb, a.String(), a.GoString()) }

// LogValue implements slog.LogValuer with the secrets redacted.
func (a Association) LogValue() slog.Value { return viewLog(a.fields()) }

type associationWire struct {
	AuthenticatorType string   `json:"authenticator_type"`
	Secret            string   `json:"secret"`
	BarcodeURI        string   `json:"barcode_uri"`
	OOBChannel        string   `json:"oob_channel"`
	OOBCode           string   `json:"oob_code"`
	BindingMethod     string   `json:"binding_method"`
	RecoveryCodes     []string `json:"recovery_codes"`
}
