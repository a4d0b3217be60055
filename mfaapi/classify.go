package mfaapi

import (
	"errors"
	"net/http"
	"strings"
)

// Error codes Auth0 (and the emulator, auth0test) put in the "error" member.
const (
	CodeInvalidGrant             = "invalid_grant"
	CodeInvalidRequest           = "invalid_request"
	CodeInvalidClient            = "invalid_client"
	CodeInvalidToken             = "invalid_token"
	CodeAccessDenied             = "access_denied"
	CodeUnauthorizedClient       = "unauthorized_client"
	CodeExpiredToken             = "expired_token"
	CodeAuthorizationPending     = "authorization_pending"
	CodeSlowDown                 = "slow_down"
	CodeTooManyAttempts          = "too_many_attempts"
	CodeTooManyRequests          = "too_many_requests"
	CodeInsufficientScope        = "insufficient_scope"
	CodeNotFound                 = "not_found"
	CodeMFARequired              = "mfa_required"
	CodeUnsupportedChallengeType = "unsupported_challenge_type"
	CodeAssociationRequired      = "association_required"
)

// The classifiers below take any error and use errors.As, so wrapped errors classify. Each
// matches the code and/or description forms Auth0 is known (or, for facts the reference marks
// unknown, the project's contract chose) to send, tolerant of the known variants: matching of
// descriptions is case-insensitive and ignores a trailing period.

func asError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e, true
	}
	return nil, false
}

func classify(err error, f func(*Error) bool) bool {
	e, ok := asError(err)
	return ok && f(e)
}

// desc is the lower-cased description without a trailing period.
func desc(e *Error) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(e.Description)), ".")
}

func descHas(e *Error, parts ...string) bool {
	d := desc(e)
	for _, p := range parts {
		if strings.Contains(d, p) {
			return true
		}
	}
	return false
}

// IsInvalidCode reports a wrong one-time code: invalid_grant with "Invalid otp_code.",
// "Invalid binding_code." or "Invalid recovery_code." The user may try again (within the
// attempt limit, see IsTooManyAttempts).
func IsInvalidCode(err error) bool { return classify(err, isInvalidCode) }

func isInvalidCode(e *Error) bool {
	if e.Code != CodeInvalidGrant {
		return false
	}
	d := desc(e)
	for _, p := range []string{"invalid otp", "invalid binding", "invalid recovery"} {
		if strings.HasPrefix(d, p) {
			return true
		}
	}
	return false
}

// IsTokenExpired reports an expired token: expired_token / "mfa_token is expired" at the MFA
// grants, or invalid_token / "Expired token." for the bearer on /mfa/*. Get a new token.
func IsTokenExpired(err error) bool { return classify(err, isTokenExpired) }

func isTokenExpired(e *Error) bool {
	return e.Code == CodeExpiredToken || descHas(e, "mfa_token is expired") ||
		(e.Code == CodeInvalidToken && descHas(e, "expired"))
}

// IsTokenMalformed reports "Malformed mfa_token": the mfa_token is garbage, or is the /mfa/
// access token sent to /mfa/challenge, which only takes the opaque mfa_token of an
// mfa_required answer.
func IsTokenMalformed(err error) bool { return classify(err, isTokenMalformed) }

func isTokenMalformed(e *Error) bool { return descHas(e, "malformed mfa_token") }

// IsWrongAudience reports "invalid audience" (any case): at the MFA grants it is the
// custom-domain trap (the token's audience was https://{custom domain}/mfa/); on /mfa/* the
// token is not for this tenant's MFA audience. Error.Fix names the fix.
func IsWrongAudience(err error) bool { return classify(err, isWrongAudience) }

func isWrongAudience(e *Error) bool { return descHas(e, "invalid audience") }

// IsGrantNotAllowed reports unauthorized_client ("Grant type '…' not allowed for the
// client."): the MFA grant types are not enabled on the application. Error.Fix names the fix.
func IsGrantNotAllowed(err error) bool { return classify(err, isGrantNotAllowed) }

func isGrantNotAllowed(e *Error) bool {
	return e.Code == CodeUnauthorizedClient || descHas(e, "not allowed for the client")
}

// IsAuthorizationPending reports authorization_pending: the push notification has not been
// answered yet. Poll again (no faster than every 5 seconds).
func IsAuthorizationPending(err error) bool {
	return classify(err, func(e *Error) bool { return e.Code == CodeAuthorizationPending })
}

// IsSlowDown reports slow_down: polling too fast. Wait longer before the next poll.
func IsSlowDown(err error) bool {
	return classify(err, func(e *Error) bool { return e.Code == CodeSlowDown })
}

// IsRejected reports a push notification the user rejected: "MFA Authorization rejected."
// with access_denied (recorded from a real tenant) or invalid_grant (docs and SDKs). Stop
// polling.
func IsRejected(err error) bool {
	return classify(err, func(e *Error) bool {
		return (e.Code == CodeAccessDenied || e.Code == CodeInvalidGrant) && descHas(e, "mfa authorization rejected")
	})
}

// IsRateLimited reports a rate limit: HTTP 429 (which includes too_many_attempts) or
// too_many_requests. Error.RetryAfter says how long to wait when Auth0 said so.
func IsRateLimited(err error) bool {
	return classify(err, func(e *Error) bool {
		return e.StatusCode == http.StatusTooManyRequests || e.Code == CodeTooManyRequests
	})
}

// IsTooManyAttempts reports too_many_attempts ("Too many failed codes. …"): the per-user
// bucket of failed codes is empty. Error.RetryAfter says how long to wait.
func IsTooManyAttempts(err error) bool {
	return classify(err, func(e *Error) bool {
		return e.Code == CodeTooManyAttempts || descHas(e, "too many failed")
	})
}

// IsAlreadyEnrolled reports "User is already enrolled": an opaque mfa_token was used to
// associate while the user has an active factor. Associate with an enroll-scoped /mfa/
// access token instead (obtained by passing MFA).
func IsAlreadyEnrolled(err error) bool {
	return classify(err, func(e *Error) bool { return descHas(e, "already enrolled") })
}

// IsInsufficientScope reports a token without the needed scope (insufficient_scope). Error.Fix
// names the scopes to request.
func IsInsufficientScope(err error) bool { return classify(err, isInsufficientScope) }

func isInsufficientScope(e *Error) bool {
	return e.Code == CodeInsufficientScope || descHas(e, "insufficient scope")
}

// IsInvalidToken reports a bearer token refused by /mfa/* (401 invalid_token: missing,
// invalid, expired, wrong audience or issuer host; or an opaque mfa_token used to DELETE).
// Get a new /mfa/ access token.
func IsInvalidToken(err error) bool {
	return classify(err, func(e *Error) bool {
		return e.Code == CodeInvalidToken ||
			(e.StatusCode == http.StatusUnauthorized && e.Code == "" &&
				strings.HasPrefix(e.Path, "/mfa/") && e.Path != pathChallenge)
	})
}

// IsNotFound reports 404 not_found (DELETE of an unknown id, or of another user's). A 404
// without a JSON error body (a proxy's page, a wrong base URL) is not classified as not found.
func IsNotFound(err error) bool {
	return classify(err, func(e *Error) bool {
		return e.Code == CodeNotFound || (e.StatusCode == http.StatusNotFound && e.Code != "")
	})
}

// IsOOBCodeExpired reports an oob_code that can no longer be used: "oob_code is expired"
// (codes live 5 minutes) or "Invalid oob_code." (unknown to the tenant, or issued for another
// user or client). Either way the user cannot fix it by retyping: start a new association or
// challenge.
func IsOOBCodeExpired(err error) bool {
	return classify(err, func(e *Error) bool { return descHas(e, "oob_code is expired", "invalid oob_code") })
}

// IsMaxAuthenticators reports "Guardian - User has created the maximum amount of
// authenticators": 50 failed or abandoned enrollments. Pending authenticators expire after
// 24 h; an admin can reset the user's MFA.
func IsMaxAuthenticators(err error) bool {
	return classify(err, func(e *Error) bool { return descHas(e, "maximum amount of authenticators") })
}

// IsMFARequired reports mfa_required (403 from the password grants). Error.MFAToken carries
// the opaque mfa_token to use with Challenge and the Verify methods; Auth0 may omit it (known
// limitation with Actions-driven MFA).
func IsMFARequired(err error) bool {
	return classify(err, func(e *Error) bool { return e.Code == CodeMFARequired })
}

// IsInvalidClient reports failed client authentication: 401 access_denied "Unauthorized"
// (historical) or invalid_client. Error.Fix names the fix.
func IsInvalidClient(err error) bool { return classify(err, isInvalidClient) }

func isInvalidClient(e *Error) bool {
	return e.Code == CodeInvalidClient || (e.Code == CodeAccessDenied && desc(e) == "unauthorized")
}

// IsFactorDisabled reports a factor that is not enabled on the tenant (403
// unsupported_challenge_type "The sms factor is not enabled for this tenant.", or Guardian's
// enrollment_method_disabled / feature_disabled_by_admin). Error.Fix names the fix.
func IsFactorDisabled(err error) bool { return classify(err, isFactorDisabled) }

func isFactorDisabled(e *Error) bool {
	switch e.Code {
	case "enrollment_method_disabled", "feature_disabled_by_admin":
		return true
	case CodeUnsupportedChallengeType:
		return e.StatusCode == http.StatusForbidden || descHas(e, "not enabled")
	}
	return descHas(e, "factor is not enabled")
}

// IsNotEnrolled reports that the user has no authenticator the challenge could use
// (association_required, or 400 unsupported_challenge_type at /mfa/challenge).
func IsNotEnrolled(err error) bool {
	return classify(err, func(e *Error) bool {
		return e.Code == CodeAssociationRequired || (e.Code == CodeUnsupportedChallengeType && !isFactorDisabled(e))
	})
}

// IsNotDeletable reports an authenticator the MFA API refuses to delete: recovery codes and
// verified (implicit) email authenticators ("… cannot be deleted …").
func IsNotDeletable(err error) bool {
	return classify(err, func(e *Error) bool { return descHas(e, "cannot be deleted") })
}

// IsInvalidRequest reports invalid_request: bad parameters (missing authenticator types, bad
// channel, phone number not in E.164, bad email), bad JSON or a body too large.
func IsInvalidRequest(err error) bool {
	return classify(err, func(e *Error) bool { return e.Code == CodeInvalidRequest })
}
