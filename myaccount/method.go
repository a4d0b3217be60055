package myaccount

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/internal/phone"
	"github.com/selfmfa/selfmfa/internal/wire"
)

// Method is one authentication method of the user, as GET /authentication-methods lists it
// and Method, Verify and UpdateMethod return it. The common members come first; the others are
// set only for the types named beside them.
//
// A method whose Type is not one of the documented ones decodes too, with its common members
// only, so that a type Auth0 adds later never breaks the list. A documented type whose members
// have the wrong JSON type is a malformed answer (ErrMalformedResponse); times that do not parse
// are left zero.
//
// PhoneNumber is the full number and Email the full address: String, GoString, Format and
// LogValue mask both.
type Method struct {
	ID         string    // "totp|dev_…"; pass it as is to Method, UpdateMethod and DeleteMethod
	Type       Type      // see Type; may be one this package does not know
	CreatedAt  time.Time // created_at
	LastAuthAt time.Time // last_auth_at: last used; zero when never or not reported
	Usage      []Usage   // primary and/or secondary
	// Confirmed is the confirmed member: false for a pending enrollment. Passkeys and passwords
	// have no such member (they exist only once verified) and are always Confirmed.
	Confirmed bool
	Name      string // friendly name (totp, push, phone, email, webauthn-*), settable with UpdateMethod

	PhoneNumber      string       // phone: full E.164 number (masked in all output)
	PreferredChannel PhoneChannel // phone: preferred_authentication_method
	Email            string       // email: the address codes go to (masked in all output)

	KeyID     string // passkey, webauthn-*: the credential id (key_id)
	PublicKey string // passkey, webauthn-*: public_key

	CredentialDeviceType string   // passkey: "multi_device" (synced) or "single_device"
	CredentialBackedUp   bool     // passkey
	IdentityUserID       string   // passkey, password: the linked identity ("auth0|…")
	Transports           []string // passkey: "internal", "hybrid", "usb", …
	UserAgent            string   // passkey: the browser that created it
	UserHandle           string   // passkey
	RelyingPartyID       string   // passkey
	AAGUID               string   // passkey: the authenticator model

	LastPasswordReset time.Time // password
}

// methodWire is a method as sent; times are parsed leniently after decoding.
type methodWire struct {
	ID                   string       `json:"id"`
	Type                 Type         `json:"type"`
	CreatedAt            string       `json:"created_at"`
	LastAuthAt           string       `json:"last_auth_at"`
	Usage                []Usage      `json:"usage"`
	Confirmed            *bool        `json:"confirmed"`
	Name                 string       `json:"name"`
	PhoneNumber          string       `json:"phone_number"`
	PreferredChannel     PhoneChannel `json:"preferred_authentication_method"`
	Email                string       `json:"email"`
	KeyID                string       `json:"key_id"`
	PublicKey            string       `json:"public_key"`
	CredentialDeviceType string       `json:"credential_device_type"`
	CredentialBackedUp   bool         `json:"credential_backed_up"`
	IdentityUserID       string       `json:"identity_user_id"`
	Transports           []string     `json:"transports"`
	UserAgent            string       `json:"user_agent"`
	UserHandle           string       `json:"user_handle"`
	RelyingPartyID       string       `json:"relying_party_id"`
	AAGUID               string       `json:"aaguid"`
	LastPasswordReset    string       `json:"last_password_reset"`
}

// UnmarshalJSON decodes one method; see Method for the leniency rules.
func (m *Method) UnmarshalJSON(b []byte) error {
	var w methodWire
	if err := json.Unmarshal(b, &w); err != nil {
		// json.Unmarshal fills what it can before reporting a member of the wrong JSON type:
		// for a type this package does not know, read the common members one by one instead.
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || w.Type == "" || w.Type.Known() {
			return err
		}
		w = lenientCommon(b)
	}
	if w.ID == "" || w.Type == "" {
		return errors.New("method without id or type")
	}
	out := Method{ID: w.ID, Type: w.Type, CreatedAt: lenientTime(w.CreatedAt), LastAuthAt: lenientTime(w.LastAuthAt),
		Usage: w.Usage, Name: w.Name}
	switch {
	case w.Confirmed != nil:
		out.Confirmed = *w.Confirmed
	case w.Type == TypePasskey || w.Type == TypePassword:
		out.Confirmed = true // their schema has no pending state
	}
	switch w.Type {
	case TypePhone:
		out.PhoneNumber, out.PreferredChannel = w.PhoneNumber, w.PreferredChannel
	case TypeEmail:
		out.Email = w.Email
	case TypePasskey:
		out.KeyID, out.PublicKey = w.KeyID, w.PublicKey
		out.CredentialDeviceType, out.CredentialBackedUp = w.CredentialDeviceType, w.CredentialBackedUp
		out.IdentityUserID, out.Transports = w.IdentityUserID, w.Transports
		out.UserAgent, out.UserHandle = w.UserAgent, w.UserHandle
		out.RelyingPartyID, out.AAGUID = w.RelyingPartyID, w.AAGUID
	case TypeWebAuthnPlatform, TypeWebAuthnRoaming:
		out.KeyID, out.PublicKey = w.KeyID, w.PublicKey
	case TypePassword:
		out.IdentityUserID = w.IdentityUserID
		out.LastPasswordReset = lenientTime(w.LastPasswordReset)
	}
	*m = out
	return nil
}

// lenientCommon reads the common members of a method of an unknown type one by one; a member
// of the wrong JSON type reads as absent.
func lenientCommon(b []byte) methodWire {
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(b, &raw) // b is an object: the strict decode got as far as a member
	get := func(key string, v any) { _ = json.Unmarshal(raw[key], v) }
	var w methodWire
	get("id", &w.ID)
	get("type", &w.Type)
	get("created_at", &w.CreatedAt)
	get("last_auth_at", &w.LastAuthAt)
	get("name", &w.Name)
	var usage []Usage
	if json.Unmarshal(raw["usage"], &usage) == nil {
		w.Usage = usage
	}
	var confirmed bool
	if json.Unmarshal(raw["confirmed"], &confirmed) == nil {
		w.Confirmed = &confirmed
	}
	return w
}

// lenientTime parses an RFC 3339 time; one that does not parse is zero, never an error.
func lenientTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (m Method) fields() []wire.Field {
	usage := make([]string, len(m.Usage))
	for i, u := range m.Usage {
		usage[i] = string(u)
	}
	fs := []wire.Field{
		{Name: "ID", Key: "id", Val: m.ID},
		{Name: "Type", Key: "type", Val: string(m.Type)},
		{Name: "Confirmed", Key: "confirmed", Val: m.Confirmed},
		{Name: "Name", Key: "name", Val: m.Name},
		{Name: "Usage", Key: "usage", Val: strings.Join(usage, " ")},
		{Name: "CreatedAt", Key: "created_at", Val: m.CreatedAt},
		{Name: "LastAuthAt", Key: "last_auth_at", Val: m.LastAuthAt},
	}
	switch {
	case m.PhoneNumber != "" || m.PreferredChannel != "":
		fs = append(fs, wire.Field{Name: "PhoneNumber", Key: "phone_number", Val: maskPhone(m.PhoneNumber)},
			wire.Field{Name: "PreferredChannel", Key: "preferred_channel", Val: string(m.PreferredChannel)})
	case m.Email != "":
		fs = append(fs, wire.Field{Name: "Email", Key: "email", Val: wire.MaskEmail(m.Email)})
	case m.KeyID != "":
		fs = append(fs, wire.Field{Name: "KeyID", Key: "key_id", Val: m.KeyID},
			wire.Field{Name: "CredentialDeviceType", Key: "credential_device_type", Val: m.CredentialDeviceType},
			wire.Field{Name: "UserAgent", Key: "user_agent", Val: m.UserAgent})
	}
	return fs
}

// maskPhone keeps the last four digits, as Auth0's masked names do; anything that is not an
// E.164 number is fully masked.
func maskPhone(p string) string {
	if p == "" {
		return ""
	}
	return phone.Mask(p)
}

// String describes m with the phone number and email masked.
func (m Method) String() string { return wire.ViewString("myaccount.Method", m.fields()) }

// GoString is String in Go syntax.
func (m Method) GoString() string { return wire.ViewGoString("myaccount.Method", m.fields()) }

// Format makes every fmt verb mask the phone number and email.
func (m Method) Format(f fmt.State, verb rune) {
	wire.FormatValue(f, verb, m.String(), m.GoString())
}

// LogValue implements slog.LogValuer with the phone number and email masked.
func (m Method) LogValue() slog.Value { return wire.ViewLog(m.fields()) }
