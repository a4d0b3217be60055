package auth0test

import (
	"maps"
	"time"

	"github.com/selfmfa/selfmfa/auth0test/internal/tenant"
)

// Tester is the part of *testing.T that RunT needs, so that this package
// does not import testing.
type Tester interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
	Logf(format string, args ...any)
}

// User is a user of the tenant's database connection. ID must look like
// "auth0|…"; AddUser and WithUsers generate one when it is empty.
type User struct {
	ID            string
	Email         string
	Password      string
	Name          string
	EmailVerified bool // a verified email is listed as an (undeletable) email authenticator
	// Connection is "" for the database connection (ConnectionName). A social or enterprise
	// user ("google-oauth2") has an id "{Connection}|…" and no password: it signs in through
	// QueueLogin, and cannot enroll passkeys.
	Connection string
}

// Factor names an MFA factor of the tenant.
type Factor string

// Factors.
const (
	FactorOTP          Factor = "otp"
	FactorSMS          Factor = "sms"
	FactorVoice        Factor = "voice"
	FactorEmail        Factor = "email"
	FactorPush         Factor = "push"
	FactorRecoveryCode Factor = "recovery-code"
)

// Policy is the tenant's MFA policy for logins through /authorize and the
// password grants. Whatever the policy, requesting an MFA audience
// challenges a user who has an active non-email factor (reference §1.2).
type Policy string

// Policies.
const (
	// PolicyNever challenges only when an MFA audience is requested.
	PolicyNever Policy = "never"
	// PolicyAlways challenges every login (once per SSO session) and makes
	// users without a factor enroll one (TOTP) before the login completes.
	PolicyAlways Policy = "always"
	// PolicyChallengeIfEnrolled challenges every login (once per SSO
	// session) of users who have an active non-email factor.
	PolicyChallengeIfEnrolled Policy = "challenge-if-enrolled"
)

// Settings is the tenant's MFA configuration.
type Settings struct {
	// Factors enabled on the tenant; associate answers
	// unsupported_challenge_type for the others.
	Factors map[Factor]bool
	// RecoveryCodes makes the first association return a recovery code.
	RecoveryCodes bool
	Policy        Policy
	// FriendlyName is the tenant name in TOTP barcode URIs.
	FriendlyName string
	// CustomizeMFA is the tenant's Customizable MFA (Early Access): only
	// with it does an mfa_required answer carry mfa_requirements (docs-v2
	// enroll-and-challenge-push-authenticators.mdx, "Customize MFA"). Off by
	// default, as on a new tenant.
	CustomizeMFA bool
	// Passkeys is the database connection's passkey authentication method: with it the My
	// Account API enrolls passkeys. On in DefaultSettings.
	Passkeys bool
}

// DefaultSettings returns the emulator's defaults: otp, sms, voice, email
// and push enabled, recovery codes and passkeys on, policy
// challenge-if-enrolled. (A new real tenant has no factor and recovery codes
// off.)
func DefaultSettings() Settings {
	return settingsFromTenant(tenant.DefaultSettings())
}

func settingsFromTenant(t tenant.Settings) Settings {
	s := Settings{
		Factors:       map[Factor]bool{},
		RecoveryCodes: t.RecoveryCodes,
		Policy:        Policy(t.Policy),
		FriendlyName:  t.FriendlyName,
		CustomizeMFA:  t.CustomizeMFA,
		Passkeys:      t.Passkeys,
	}
	for k, v := range t.Factors {
		s.Factors[Factor(k)] = v
	}
	return s
}

func (s Settings) toTenant(guardianURL string) tenant.Settings {
	t := tenant.Settings{
		Factors:       map[tenant.Factor]bool{},
		RecoveryCodes: s.RecoveryCodes,
		Policy:        tenant.Policy(s.Policy),
		FriendlyName:  s.FriendlyName,
		GuardianURL:   guardianURL,
		CustomizeMFA:  s.CustomizeMFA,
		Passkeys:      s.Passkeys,
	}
	for k, v := range s.Factors {
		t.Factors[tenant.Factor(k)] = v
	}
	return t
}

func (s Settings) clone() Settings {
	s.Factors = maps.Clone(s.Factors)
	return s
}

// Authenticator is one authenticator as GET /mfa/authenticators lists it.
type Authenticator struct {
	ID                string
	AuthenticatorType string // "otp", "oob" or "recovery-code"
	OOBChannel        string // "sms", "voice", "email", "auth0" (push)
	Name              string // masked phone or email, device name
	Active            bool
	CreatedAt         time.Time
	LastAuth          *time.Time
}

func authenticatorFromTenant(a tenant.Authenticator) Authenticator {
	return Authenticator{
		ID: a.ID, AuthenticatorType: a.AuthenticatorType, OOBChannel: a.OOBChannel, Name: a.Name,
		Active: a.Active, CreatedAt: a.CreatedAt, LastAuth: a.LastAuth,
	}
}

// Message is one code delivered to the outbox by SMS, voice or email.
type Message struct {
	To      string // phone number or email address
	Channel string // "sms", "voice" or "email"
	Code    string
	UserID  string
	SentAt  time.Time
}

// PushRequest is a Guardian push notification waiting for the user.
type PushRequest struct {
	ID         string
	UserID     string
	Enrollment bool // the push of an enrollment rather than of a challenge
	CreatedAt  time.Time
	State      string
}

// SeedOptions parameterises SeedAuthenticator: Phone for sms/voice, Email
// for email, Secret to fix a TOTP secret, RecoveryCode to fix the code.
type SeedOptions struct {
	Phone, Email, Secret, RecoveryCode string
}
