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

// UnmarshalJSON decodes one method; see Method for the leniency rules.
func (m *Method) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d := memberDecoder{raw: raw}
	out := Method{ID: d.str("id"), Type: Type(d.str("type"))}
	if d.err != nil || out.ID == "" || out.Type == "" {
		return errors.New("method without id or type")
	}
	d.strict = out.Type.Known()
	out.CreatedAt = d.time("created_at")
	out.LastAuthAt = d.time("last_auth_at")
	for _, u := range d.strs("usage") {
		out.Usage = append(out.Usage, Usage(u))
	}
	out.Name = d.str("name")
	switch c, ok := d.boolean("confirmed"); {
	case ok:
		out.Confirmed = c
	case out.Type == TypePasskey || out.Type == TypePassword:
		out.Confirmed = true
	}
	switch out.Type {
	case TypePhone:
		out.PhoneNumber = d.str("phone_number")
		out.PreferredChannel = PhoneChannel(d.str("preferred_authentication_method"))
	case TypeEmail:
		out.Email = d.str("email")
	case TypePasskey:
		out.CredentialDeviceType = d.str("credential_device_type")
		out.CredentialBackedUp, _ = d.boolean("credential_backed_up")
		out.IdentityUserID = d.str("identity_user_id")
		out.KeyID, out.PublicKey = d.str("key_id"), d.str("public_key")
		out.Transports = d.strs("transports")
		out.UserAgent, out.UserHandle = d.str("user_agent"), d.str("user_handle")
		out.RelyingPartyID, out.AAGUID = d.str("relying_party_id"), d.str("aaguid")
	case TypeWebAuthnPlatform, TypeWebAuthnRoaming:
		out.KeyID, out.PublicKey = d.str("key_id"), d.str("public_key")
	case TypePassword:
		out.IdentityUserID = d.str("identity_user_id")
		out.LastPasswordReset = d.time("last_password_reset")
	}
	if d.err != nil {
		return d.err
	}
	*m = out
	return nil
}

// memberDecoder reads members of one JSON object. In strict mode a member of the wrong JSON
// type is an error; otherwise it reads as absent. null always reads as absent.
type memberDecoder struct {
	raw    map[string]json.RawMessage
	strict bool
	err    error
}

func (d *memberDecoder) get(key string, v any) bool {
	r, ok := d.raw[key]
	if !ok || string(r) == "null" {
		return false
	}
	if err := json.Unmarshal(r, v); err != nil {
		if d.strict && d.err == nil {
			d.err = fmt.Errorf("member %s has the wrong JSON type", key)
		}
		return false
	}
	return true
}

func (d *memberDecoder) str(key string) string {
	var s string
	d.get(key, &s)
	return s
}

func (d *memberDecoder) strs(key string) []string {
	var l []string
	d.get(key, &l)
	return l
}

func (d *memberDecoder) boolean(key string) (bool, bool) {
	var b bool
	ok := d.get(key, &b)
	return b, ok
}

// time reads an RFC 3339 time; one that does not parse is zero, never an error.
func (d *memberDecoder) time(key string) time.Time {
	var s string
	if !d.get(key, &s) {
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
