package enroll

import (
	"context"
	"errors"
	"time"

	"github.com/selfmfa/selfmfa/limiter"
)

// Backend is the Auth0 API the core manages factors through: today's MFA API, or the My
// Account API beside it. Every error it returns should be (or wrap) a *Fault, so the core and
// the handler can tell what happened without knowing the API.
type Backend interface {
	// List returns the user's authenticators.
	List(ctx context.Context, token string) (*Inventory, error)
	// Start begins an enrollment and returns what the setup page and the confirmation need. It
	// must refuse (with a ClassUnexpected fault) an answer that is not of the requested factor
	// or lacks what the next page shows: a QR code or secret is never rendered from an
	// unexpected answer.
	Start(ctx context.Context, token string, req StartRequest) (*Enrollment, error)
	// Confirm checks the code of an enrollment confirmed by code.
	Confirm(ctx context.Context, token string, p *Pending, code string) error
	// Poll asks whether a push enrollment was approved: nil when it was; a ClassPending,
	// ClassSlowDown, ClassRejected or ClassCodeExpired fault otherwise.
	Poll(ctx context.Context, token string, p *Pending) error
	// Delete removes an authenticator (and its pair).
	Delete(ctx context.Context, token, id string) error
}

// StartRequest is what to enroll.
type StartRequest struct {
	Factor Factor
	Phone  string // E.164, for SMS and voice
	Email  string // for email
}

// Enrollment is the backend's answer to a started enrollment.
type Enrollment struct {
	MethodID     string // the backend's id of the pending method, when it has one
	AuthSession  string // the backend's proof of this enrollment, when it has one
	Secret       string // TOTP: the base32 key
	BarcodeURI   string // TOTP and push: the otpauth:// URI of the QR code
	OOBCode      string // SMS, voice, email, push: what the confirmation refers to
	RecoveryCode string // the recovery code, when this is the user's first association
}

// FaultClass says what an upstream failure means for the user.
type FaultClass int

// Fault classes. ClassOther is an upstream problem without a better name (502).
const (
	ClassOther FaultClass = iota
	ClassInvalidCode
	ClassCodeExpired
	ClassPending
	ClassSlowDown
	ClassRejected
	ClassNotFound
	// ClassTokenRefused: the token was refused (invalid, expired, malformed, or of the wrong
	// kind): a new step-up fixes it.
	ClassTokenRefused
	// ClassConfig: the tenant or application is set up wrongly (audience, grant, client
	// secret, scopes): the user can do nothing about it.
	ClassConfig
	ClassFactorDisabled
	ClassMaxAuthenticators
	ClassRateLimited
	// ClassInvalidDestination: the phone number or email address was refused.
	ClassInvalidDestination
	// ClassForbidden: the backend refuses to delete this authenticator (a verified email).
	ClassForbidden
	// ClassUnavailable: the circuit breaker is open; nothing was sent.
	ClassUnavailable
	ClassTimeout
	// ClassUnexpected: the answer did not have the shape the next page needs.
	ClassUnexpected
)

// Fault is an upstream failure, classified by the backend. Err is the cause, for the log.
type Fault struct {
	Class      FaultClass
	RetryAfter time.Duration // ClassRateLimited: how long to wait, when known
	// Ambiguous: the request may have been processed anyway (no answer in time, a 5xx, an
	// answer that could not be read).
	Ambiguous bool
	Err       error
}

func (f *Fault) Error() string {
	if f.Err == nil {
		return "enroll: upstream failure"
	}
	return f.Err.Error()
}

func (f *Fault) Unwrap() error { return f.Err }

// ClassOf is the class of err's *Fault (ClassOther when it carries none).
func ClassOf(err error) FaultClass {
	var f *Fault
	if errors.As(err, &f) {
		return f.Class
	}
	return ClassOther
}

// IsAmbiguous reports whether Auth0 may have processed the request that failed with err.
// Errors that are not faults (a bug, a context error) count as ambiguous: nothing proves
// otherwise.
func IsAmbiguous(err error) bool {
	var f *Fault
	if errors.As(err, &f) {
		return f.Ambiguous
	}
	return true
}

// RetryAfterOf is the wait a rate-limited fault announced (0 when unknown).
func RetryAfterOf(err error) time.Duration {
	var f *Fault
	if errors.As(err, &f) {
		return f.RetryAfter
	}
	return 0
}

// Optional capabilities of a Backend. The core uses them when the backend has them (the My
// Account API does; the MFA API does not).

// Renamer renames a method.
type Renamer interface {
	Rename(ctx context.Context, token, id, name string) error
}

// ChannelSwitcher sets which channel a phone method prefers ("sms" or "voice").
type ChannelSwitcher interface {
	SetChannel(ctx context.Context, token, id, channel string) error
}

// RecoveryIssuer creates (and activates) a recovery code on request: the My Account API
// issues one as a method of its own, where the MFA API hands one out with the first
// association.
type RecoveryIssuer interface {
	IssueRecoveryCode(ctx context.Context, token string) (string, error)
}

// FactorLister lists the factors the tenant enables (ok false: the backend cannot tell).
type FactorLister interface {
	Factors(ctx context.Context, token string) (factors []Factor, ok bool, err error)
}

// EnrollmentLifetime is a backend whose enrollments live shorter than PendingTTL (the My
// Account API's auth_session): the core ends one after that long since its last code was
// sent, before a confirmation Auth0 would refuse.
type EnrollmentLifetime interface {
	EnrollmentTTL() time.Duration
}

// ListForgetter is a backend that reuses a list read through a token for a while (the My
// Account API's per-user read limit): Forget makes the next list through token a fresh read,
// for a decision a stale list must not make (the last-factor guard).
type ListForgetter interface {
	Forget(token string)
}

// WriteBudget is a backend whose writes Auth0 limits per user (the My Account API: 2 a
// minute on a free tenant): the core spends one of the rule's tokens before every write, so
// no call is wasted on a request sure to be refused. ok false: this tenant's writes are not
// budgeted.
type WriteBudget interface {
	WriteRule() (rule limiter.Rule, ok bool)
}
