package tenant

import (
	"errors"
	"net/http"
	"time"
)

// Error codes and descriptions on the wire. Where the reference (the
// project's auth0-mfa-api.md, see package auth0test) marks the fact [UNK],
// the comment says why this answer was chosen; mfaapi/errors_test.go and the
// contract suite (mfaapi/contract_test.go) pin it.
const (
	descInvalidOTP     = "Invalid otp_code."
	descInvalidBinding = "Invalid binding_code."
	// descInvalidRecovery: [UNK] in the reference: chosen because it follows
	// the pattern of the two SDK-confirmed strings ("Invalid otp_code.",
	// "Invalid binding_code.") with the grant's parameter name.
	descInvalidRecovery = "Invalid recovery_code."
	descRejected        = "MFA Authorization rejected."
	descPending         = "Authorization pending: please repeat the request in a few seconds."
	// descSlowDown: [UNK] in the reference (only the code slow_down is
	// documented): chosen because it says what to do, in the form of the
	// documented authorization_pending sentence.
	descSlowDown          = "You are polling faster than allowed. Try again in 5 seconds."
	descMFATokenExpired   = "mfa_token is expired"
	descMalformedMFAToken = "Malformed mfa_token"
	descOOBExpired        = "oob_code is expired"
	descInvalidOOB        = "Invalid oob_code."
	// descTooManyAttempts: [UNK] in the reference as an API body: chosen
	// because Universal Login shows this sentence (support article
	// "Inconsistent Error Behaviors After Multiple SMS OTP MFA Failures").
	descTooManyAttempts = "Too many failed codes. Wait for some minutes before retrying."
	descTooManyRequests = "Too many requests. Check the X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers."
	// descAlreadyEnrolled: [UNK] in the reference (status, code and the final
	// period): chosen 403 access_denied with the docs' phrase plus a period,
	// the status and code the reference infers (§3.3).
	descAlreadyEnrolled = "User is already enrolled."
	// descMaxAuthenticators: [UNK] in the reference as an API body: chosen
	// because it is the text users saw (community 187705), with 403
	// access_denied as for the other refused associations.
	descMaxAuthenticators = "Guardian - User has created the maximum amount of authenticators"
	descNotFound          = "Authenticator not found."
	// descNoRecoveryDelete and descNoEmailDelete: [UNK] in the reference:
	// chosen because a sentence naming the rule (reference §4.3) tells the
	// caller why; 403 access_denied as for the other refusals.
	descNoRecoveryDelete = "Recovery code authenticators cannot be deleted with the MFA API."
	descNoEmailDelete    = "Verified email authenticators cannot be deleted."
	// descNotEnrolled: [UNK] in the reference (only a legacy mock wording
	// "User is not enrolled with google-authenticator"): chosen because it
	// names the cause without naming a factor the user may not have.
	descNotEnrolled = "User is not enrolled with any of the requested challenge types."
	// descInvalidToken: the tenant answers it when a token's subject is not a
	// user of the tenant (the HTTP layer checks everything else).
	descInvalidToken = "Invalid token."
)

// Error codes.
const (
	codeInvalidGrant         = "invalid_grant"
	codeAccessDenied         = "access_denied"
	codeAuthorizationPending = "authorization_pending"
	codeSlowDown             = "slow_down"
	codeExpiredToken         = "expired_token"
	codeTooManyAttempts      = "too_many_attempts"
	codeTooManyRequests      = "too_many_requests"
	codeInvalidRequest       = "invalid_request"
	codeUnsupportedChallenge = "unsupported_challenge_type"
	codeNotFound             = "not_found"
	codeInvalidToken         = "invalid_token"
)

func newErr(status int, code, desc string) *Error {
	return &Error{Status: status, Code: code, Description: desc}
}

// Statuses: [UNK] in the reference for several of these (invalid_grant 403
// is inferred from recordings, expired_token / Malformed 401 from SDK tests):
// chosen to follow those inferences (reference §3.1).
func errInvalidOTP() *Error { return newErr(http.StatusForbidden, codeInvalidGrant, descInvalidOTP) }
func errInvalidBinding() *Error {
	return newErr(http.StatusForbidden, codeInvalidGrant, descInvalidBinding)
}
func errInvalidRecovery() *Error {
	return newErr(http.StatusForbidden, codeInvalidGrant, descInvalidRecovery)
}
func errInvalidOOB() *Error { return newErr(http.StatusForbidden, codeInvalidGrant, descInvalidOOB) }
func errOOBExpired() *Error { return newErr(http.StatusForbidden, codeInvalidGrant, descOOBExpired) }
func errRejected() *Error   { return newErr(http.StatusBadRequest, codeAccessDenied, descRejected) }
func errPending() *Error    { return newErr(http.StatusBadRequest, codeAuthorizationPending, descPending) }
func errSlowDown() *Error   { return newErr(http.StatusBadRequest, codeSlowDown, descSlowDown) }
func errMFATokenExpired() *Error {
	return newErr(http.StatusUnauthorized, codeExpiredToken, descMFATokenExpired)
}
func errMalformedMFAToken() *Error {
	return newErr(http.StatusUnauthorized, codeInvalidGrant, descMalformedMFAToken)
}
func errAlreadyEnrolled() *Error {
	return newErr(http.StatusForbidden, codeAccessDenied, descAlreadyEnrolled)
}
func errMaxAuthenticators() *Error {
	return newErr(http.StatusForbidden, codeAccessDenied, descMaxAuthenticators)
}
func errNotFound() *Error { return newErr(http.StatusNotFound, codeNotFound, descNotFound) }
func errNoRecoveryDelete() *Error {
	return newErr(http.StatusForbidden, codeAccessDenied, descNoRecoveryDelete)
}
func errNoEmailDelete() *Error {
	return newErr(http.StatusForbidden, codeAccessDenied, descNoEmailDelete)
}
func errNotEnrolled() *Error {
	return newErr(http.StatusBadRequest, codeUnsupportedChallenge, descNotEnrolled)
}
func errUnknownUser() *Error {
	return newErr(http.StatusUnauthorized, codeInvalidToken, descInvalidToken)
}
func errInvalidRequest(desc string) *Error {
	return newErr(http.StatusBadRequest, codeInvalidRequest, desc)
}

// errFactorDisabled: [UNK] in the reference (status, code and text): chosen
// 403 unsupported_challenge_type, because Auth0.swift's docs guess that code
// (reference §3.3), with a sentence naming the factor.
func errFactorDisabled(f Factor) *Error {
	return newErr(http.StatusForbidden, codeUnsupportedChallenge, "The "+string(f)+" factor is not enabled for this tenant.")
}

func errTooManyAttempts(wait time.Duration) *Error {
	e := newErr(http.StatusTooManyRequests, codeTooManyAttempts, descTooManyAttempts)
	e.RetryAfter = wait
	return e
}

func errTooManyRequests(wait time.Duration) *Error {
	e := newErr(http.StatusTooManyRequests, codeTooManyRequests, descTooManyRequests)
	e.RetryAfter = wait
	return e
}

// Errors of the Go-side (non-wire) methods: AddUser, SeedAuthenticator,
// ApprovePush, RejectPush, TOTPCode. Match them with errors.Is.
var (
	ErrInvalidUser   = errors.New("tenant: invalid user")
	ErrDuplicateUser = errors.New("tenant: user already exists")
	ErrUnknownUser   = errors.New("tenant: unknown user")
	ErrNotFound      = errors.New("tenant: not found")
	ErrNotPending    = errors.New("tenant: push request is not pending")
	ErrInvalidSeed   = errors.New("tenant: invalid seed")
)
