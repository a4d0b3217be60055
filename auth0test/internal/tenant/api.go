package tenant

import (
	"io"
	"strconv"
	"sync"
	"time"
)

// Factor names one MFA factor of the tenant, as in the Auth0 dashboard.
type Factor string

// Factors of an emulated tenant.
const (
	FactorOTP          Factor = "otp"
	FactorSMS          Factor = "sms"
	FactorVoice        Factor = "voice"
	FactorEmail        Factor = "email"
	FactorPush         Factor = "push"
	FactorRecoveryCode Factor = "recovery-code"
)

// Policy is the tenant's MFA policy. The tenant package only stores it; the
// HTTP layer decides when to challenge.
type Policy string

// Policies of an emulated tenant.
const (
	PolicyNever               Policy = "never"
	PolicyAlways              Policy = "always"
	PolicyChallengeIfEnrolled Policy = "challenge-if-enrolled"
)

// Settings is the tenant's MFA configuration.
//
// Factors says which factors are enabled; a nil map enables none.
// RecoveryCodes is the one switch for recovery codes (a Factors entry for
// them changes nothing). Empty FriendlyName and GuardianURL take defaults (see
// DefaultSettings).
type Settings struct {
	Factors       map[Factor]bool
	RecoveryCodes bool
	Policy        Policy
	FriendlyName  string
	GuardianURL   string
	// CustomizeMFA is stored for the HTTP layer (mfa_requirements).
	CustomizeMFA bool
	// Passkeys is the database connection's passkey authentication method: My Account
	// passkey enrollment is refused without it.
	Passkeys bool
}

// Error is an Auth0-shaped error: HTTP status, the "error" code, the
// "error_description" and, for 429 answers, how long to wait. It never
// carries a secret.
type Error struct {
	Status      int
	Code        string
	Description string
	RetryAfter  time.Duration
}

// Error implements error.
func (e *Error) Error() string {
	s := "tenant: " + strconv.Itoa(e.Status) + " " + e.Code + ": " + e.Description
	if e.RetryAfter > 0 {
		s += " (retry after " + e.RetryAfter.String() + ")"
	}
	return s
}

// User is a database-connection user of the tenant. ID has the form
// "auth0|…". Password is compared in constant time by CheckPassword.
type User struct {
	ID, Email, Password, Name string
	EmailVerified             bool
	// Connection is "" for the database connection; otherwise the social or enterprise
	// connection the user signs in with ("google-oauth2"), whose users have ids
	// "{Connection}|…" and no password.
	Connection string
}

// Authenticator is one MFA authenticator as listed by GET /mfa/authenticators.
// AuthenticatorType is "otp", "oob" or "recovery-code"; OOBChannel is "sms",
// "voice", "auth0" (push) or "email" for oob ones and empty otherwise; Name is
// masked (phone, email) and empty for totp and recovery-code.
type Authenticator struct {
	ID, AuthenticatorType, OOBChannel, Name string
	Active                                  bool
	CreatedAt                               time.Time
	LastAuth                                *time.Time
}

// AssociateRequest is the body of POST /mfa/associate.
type AssociateRequest struct {
	AuthenticatorTypes, OOBChannels []string
	PhoneNumber, Email              string
}

// AssociateResult is the response of POST /mfa/associate. It has no
// authenticator id, like Auth0's.
type AssociateResult struct {
	AuthenticatorType, Secret, BarcodeURI, OOBChannel, OOBCode, BindingMethod string
	RecoveryCodes                                                             []string
}

// String redacts the secrets.
func (r AssociateResult) String() string {
	return "tenant.AssociateResult{AuthenticatorType:" + r.AuthenticatorType + " OOBChannel:" + r.OOBChannel +
		" BindingMethod:" + r.BindingMethod + " secrets:[redacted]}"
}

// Message is one code delivered through the outbox: To is the full phone
// number or email address, Channel is "sms", "voice" or "email".
type Message struct {
	To, Channel, Code, UserID string
	SentAt                    time.Time
}

// String redacts the code and the address.
func (m Message) String() string {
	return "tenant.Message{Channel:" + m.Channel + " UserID:" + m.UserID + " To:[redacted] Code:[redacted]}"
}

// PushRequest is one Guardian push notification awaiting a decision. State is
// PushPending, PushApproved or PushRejected.
type PushRequest struct {
	ID, UserID, OOBCode string
	Enrollment          bool
	CreatedAt           time.Time
	State               string
}

// String redacts the oob_code.
func (p PushRequest) String() string {
	return "tenant.PushRequest{ID:" + p.ID + " UserID:" + p.UserID + " Enrollment:" + strconv.FormatBool(p.Enrollment) +
		" State:" + p.State + " OOBCode:[redacted]}"
}

// States of a PushRequest.
const (
	PushPending  = "pending"
	PushApproved = "approved"
	PushRejected = "rejected"
)

// ChallengeResult is the response of POST /mfa/challenge (and what the login
// challenge page needs): ChallengeType "otp", or "oob" with an OOBCode and,
// for sms, voice and email, BindingMethod "prompt".
type ChallengeResult struct {
	ChallengeType, OOBCode, BindingMethod string
}

// String redacts the oob_code.
func (c ChallengeResult) String() string {
	return "tenant.ChallengeResult{ChallengeType:" + c.ChallengeType + " BindingMethod:" + c.BindingMethod + " OOBCode:[redacted]}"
}

// SeedOptions parameterises SeedAuthenticator. Phone is required for sms and
// voice; Email defaults to the user's email; Secret (base32) and RecoveryCode
// are generated when empty.
type SeedOptions struct {
	Phone, Email, Secret, RecoveryCode string
}

// Tenant is an emulated Auth0 tenant's users and MFA state. All methods are
// safe for concurrent use; one mutex guards the whole tenant.
type Tenant struct {
	mu       sync.Mutex
	now      func() time.Time
	random   io.Reader
	settings Settings

	users     map[string]*userState // by user id
	byEmail   map[string]string     // lower-cased email -> user id
	oobCodes  map[[32]byte]*oobRecord
	mfaTokens map[[32]byte]*mfaTokenRecord
	pushes    map[string]*pushRecord // by PushRequest.ID
	pushOrder []string
	outbox    []Message
	// meSessions are the auth_sessions of My Account enrollments.
	meSessions map[[32]byte]*meSession
}
