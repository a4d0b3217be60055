package myaccount

import "strings"

// Type is an authentication method type (the OAS FactorTypeEnum), as in the "type" member of a
// method and the prefix of its id ("totp|dev_…").
type Type string

// The types the My Account API documents. Methods of any other type still decode (see Method).
const (
	TypePassword         Type = "password"
	TypePasskey          Type = "passkey"
	TypeWebAuthnPlatform Type = "webauthn-platform" // listed, read-only: not enrollable through the API
	TypeWebAuthnRoaming  Type = "webauthn-roaming"  // listed, read-only: not enrollable through the API
	TypeTOTP             Type = "totp"
	TypePhone            Type = "phone" // one method for SMS and voice; see PhoneChannel
	TypeEmail            Type = "email"
	TypePush             Type = "push-notification"
	TypeRecoveryCode     Type = "recovery-code"
)

// Known reports whether t is one of the documented types.
func (t Type) Known() bool {
	switch t {
	case TypePassword, TypePasskey, TypeWebAuthnPlatform, TypeWebAuthnRoaming, TypeTOTP,
		TypePhone, TypeEmail, TypePush, TypeRecoveryCode:
		return true
	}
	return false
}

// Enrollable reports whether this client can enroll t with Enroll: TOTP, phone, email, push,
// recovery code and passkey. (Password changes are also a create/verify pair in the API but are
// not an MFA factor; this client does not implement them.)
func (t Type) Enrollable() bool {
	switch t {
	case TypeTOTP, TypePhone, TypeEmail, TypePush, TypeRecoveryCode, TypePasskey:
		return true
	}
	return false
}

// validTypeFilter accepts what can be a type name on the wire (lower-case letters, digits and
// '-'): documented types and future ones alike, nothing that needs escaping.
func validTypeFilter(t Type) bool {
	if len(t) == 0 || len(t) > 64 {
		return false
	}
	return !strings.ContainsFunc(string(t), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	})
}

// Usage says whether a method is a primary (first) or secondary (MFA) factor.
type Usage string

// The documented usages (OAS UsageEnum).
const (
	UsagePrimary   Usage = "primary"
	UsageSecondary Usage = "secondary"
)

// PhoneChannel is how a phone method delivers codes (the OAS PhoneAuthenticationMethodEnum,
// member preferred_authentication_method). One phone method serves both channels; the
// preference picks the default.
type PhoneChannel string

// The documented channels.
const (
	ChannelSMS   PhoneChannel = "sms"
	ChannelVoice PhoneChannel = "voice"
)

// Valid reports whether c is ChannelSMS or ChannelVoice.
func (c PhoneChannel) Valid() bool { return c == ChannelSMS || c == ChannelVoice }

// Factor is one element of GET /factors: a factor the tenant enables and the user may enroll.
type Factor struct {
	Type  Type    `json:"type"`
	Usage []Usage `json:"usage,omitempty"`
}

// The scopes of the My Account API's authentication-method endpoints, each required by the
// calls named (OAS security). The token's audience is https://{domain}/me/ (Client.Audience).
const (
	ScopeCreate      = "create:me:authentication_methods" // Enroll and Verify
	ScopeRead        = "read:me:authentication_methods"   // Methods and Method
	ScopeUpdate      = "update:me:authentication_methods" // UpdateMethod
	ScopeDelete      = "delete:me:authentication_methods" // DeleteMethod
	ScopeReadFactors = "read:me:factors"                  // Factors
	// AllScopes is every scope above, space-separated, as requested at /authorize.
	AllScopes = ScopeCreate + " " + ScopeRead + " " + ScopeUpdate + " " + ScopeDelete + " " + ScopeReadFactors
)

// Op names a call of the Client; it is in every Error and Observation.
type Op string

// The calls.
const (
	OpMethods      Op = "Methods"      // GET /authentication-methods[?type=]
	OpMethod       Op = "Method"       // GET /authentication-methods/{id}
	OpEnroll       Op = "Enroll"       // POST /authentication-methods
	OpVerify       Op = "Verify"       // POST /authentication-methods/{id}/verify
	OpUpdateMethod Op = "UpdateMethod" // PATCH /authentication-methods/{id}
	OpDeleteMethod Op = "DeleteMethod" // DELETE /authentication-methods/{id}
	OpFactors      Op = "Factors"      // GET /factors
)

// Write reports whether the call counts against Auth0's per-user write limit (POST, PATCH,
// DELETE) rather than the read limit (reference §5.4).
func (o Op) Write() bool {
	switch o {
	case OpEnroll, OpVerify, OpUpdateMethod, OpDeleteMethod:
		return true
	}
	return false
}

// Scope returns the scope the call needs (OAS security), or "" for an unknown Op.
func (o Op) Scope() string {
	switch o {
	case OpMethods, OpMethod:
		return ScopeRead
	case OpEnroll, OpVerify:
		return ScopeCreate
	case OpUpdateMethod:
		return ScopeUpdate
	case OpDeleteMethod:
		return ScopeDelete
	case OpFactors:
		return ScopeReadFactors
	}
	return ""
}

// onMethodPath reports whether the call's path names one method (a 404 there can mean "no
// such method"); the others address collections that exist whenever the API is active.
func (o Op) onMethodPath() bool {
	switch o {
	case OpMethod, OpVerify, OpUpdateMethod, OpDeleteMethod:
		return true
	}
	return false
}
