package myaccount

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
)

// The classifiers take any error and use errors.As, so wrapped errors classify. They go by
// Error.Status (the only stable signal: the A0E-… suffixes of Error.Type are not a closed set)
// and, where a status alone cannot tell, by the call (Error.Op) and the problem's text. Where
// the reference marks the answer unknown, the choice is one named constant below.

// invalidCodeField is the request member a wrong one-time code is reported against.
//
// [UNK] in the reference: chosen because Auth0 documents no answer for a wrong otp_code at
// POST …/verify. Its OAS declares 400 (schema validation, which names the member in
// validation_errors) and 403 for that endpoint, and the MFA API answers a wrong code with 403
// invalid_grant "Invalid otp_code.". So a 400 or 403 from Verify that names otp_code (in a
// validation error's field or pointer, or in the title or detail), or says "invalid code" /
// "invalid_code" (the key Auth0's own UI components translate), is read as a wrong code.
const invalidCodeField = "otp_code"

// authSessionField is the request member an expired or unknown enrollment session is reported
// against.
//
// [UNK] in the reference: chosen because the lifetime of auth_session and the answer to a
// stale one are undocumented; an answer from Verify with status 400, 403 or 404 that names
// auth_session (and not otp_code) can only be fixed by starting the enrollment again.
const authSessionField = "auth_session"

// notActivatedStatus is the status of a tenant whose My Account API is not activated.
//
// [UNK] in the reference: chosen because the only recorded answer (reference §6 row 13) is
// 404 "The requested resource POST /me/authentication-methods was not found." on a collection
// path. A 404 there cannot mean a missing method, so a 404 problem on a path without a method
// id (Methods, Enroll, Factors) is read as "not activated" (or a wrong base path). A 404 on one
// method's path stays IsNotFound.
const notActivatedStatus = http.StatusNotFound

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

// text is the lower-cased title and detail.
func (e *Error) text() string { return strings.ToLower(e.Title + " " + e.Detail) }

// names reports whether the problem names the request member field: in a validation error or
// in its text.
func (e *Error) names(field string) bool {
	for _, v := range e.ValidationErrors {
		if strings.EqualFold(v.Field, field) || strings.EqualFold(strings.TrimPrefix(v.Pointer, "/"), field) ||
			strings.Contains(strings.ToLower(v.Detail), field) {
			return true
		}
	}
	return strings.Contains(e.text(), field)
}

// isProblem reports a JSON problem body (a proxy's page or an empty body has none).
func (e *Error) isProblem() bool { return e.Type != "" || e.Title != "" }

// IsInvalidCode reports a wrong one-time code at Verify (see invalidCodeField for how that is
// recognised). The user may type the code again; each try is a write against the per-user
// limit.
func IsInvalidCode(err error) bool { return classify(err, isInvalidCode) }

func isInvalidCode(e *Error) bool {
	if e.Op != OpVerify || (e.Status != http.StatusBadRequest && e.Status != http.StatusForbidden) {
		return false
	}
	t := e.text()
	return e.names(invalidCodeField) || strings.Contains(t, "invalid_code") || strings.Contains(t, "invalid code")
}

// IsAuthSessionInvalid reports an enrollment session (auth_session) that Verify no longer
// accepts (see authSessionField). Start the enrollment again with Enroll.
func IsAuthSessionInvalid(err error) bool {
	return classify(err, func(e *Error) bool {
		switch e.Status {
		case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound:
		default:
			return false
		}
		return e.Op == OpVerify && e.names(authSessionField) && !isInvalidCode(e)
	})
}

// IsInvalidRequest reports a 400 that is not a wrong code: the request broke the API's schema
// (see Error.ValidationErrors), for example a phone number Auth0 refuses.
func IsInvalidRequest(err error) bool {
	return classify(err, func(e *Error) bool { return e.Status == http.StatusBadRequest && !isInvalidCode(e) })
}

// IsUnauthorized reports 401: the access token is missing, expired, or not for this API
// (audience https://{domain}/me/ on the domain the Client calls). Get a new token.
func IsUnauthorized(err error) bool {
	return classify(err, func(e *Error) bool { return e.Status == http.StatusUnauthorized })
}

// IsInsufficientScope reports a 403 for a missing scope: the A0E-403-0002 type, or a title or
// detail that speaks of the scope. MissingScope names it; Error.Fix says where to grant it.
func IsInsufficientScope(err error) bool { return classify(err, isInsufficientScope) }

func isInsufficientScope(e *Error) bool {
	return e.Status == http.StatusForbidden && !isInvalidCode(e) &&
		(strings.HasSuffix(e.Code(), "403-0002") || strings.Contains(e.text(), "scope"))
}

var scopePattern = regexp.MustCompile(`\b[a-z_]+:me:[a-z_]+\b`)

// MissingScope returns the scope an insufficient-scope error is about: the one its detail
// states when it states one, else the scope the call needs (Op.Scope). It returns "" for
// other errors.
func MissingScope(err error) string {
	e, ok := asError(err)
	if !ok || !isInsufficientScope(e) {
		return ""
	}
	return e.missingScope()
}

func (e *Error) missingScope() string {
	if s := scopePattern.FindString(e.Title + " " + e.Detail); s != "" {
		return s
	}
	return e.Op.Scope()
}

// IsNotFound reports a 404 problem on one method's path (Method, UpdateMethod, DeleteMethod,
// Verify): no such method for this user, or a pending one that is gone. A 404 without a JSON
// problem body (a proxy's page) is not classified.
func IsNotFound(err error) bool {
	return classify(err, func(e *Error) bool {
		return e.Status == http.StatusNotFound && e.isProblem() && e.Op.onMethodPath()
	})
}

// IsNotActivated reports that the tenant's My Account API is (most likely) not activated: a
// 404 on a collection path (see notActivatedStatus). Error.Fix says how to activate it.
func IsNotActivated(err error) bool { return classify(err, isNotActivated) }

func isNotActivated(e *Error) bool {
	return e.Status == notActivatedStatus && e.isProblem() && !e.Op.onMethodPath()
}

// IsConflict reports 409, which the OAS declares for DELETE without saying when Auth0 sends it:
// the cause is unknown (perhaps the method cannot be removed in its current state). Show the
// user a plain failure; do not retry blindly.
func IsConflict(err error) bool {
	return classify(err, func(e *Error) bool { return e.Status == http.StatusConflict })
}

// IsRateLimited reports 429. Error.RetryAfter says how long to wait, Error.GlobalRateLimit
// whether the tenant-wide limit (not this user's) was hit.
func IsRateLimited(err error) bool {
	return classify(err, func(e *Error) bool { return e.Status == http.StatusTooManyRequests })
}

// Fix returns what the operator (not the end user) must change when the error has a known
// configuration cause, or "" otherwise:
//
//   - the API not activated on the tenant (IsNotActivated);
//   - a scope missing from the application's client grant or from the login (IsInsufficientScope);
//   - a 401 whose text speaks of the audience or issuer: the token is for another domain.
func (e *Error) Fix() string {
	if e == nil {
		return ""
	}
	audience := e.audience
	if audience == "" {
		audience = "https://{domain}/me/"
	}
	switch {
	case isNotActivated(e):
		return "activate the My Account API on the tenant (Dashboard > Applications > APIs > the MyAccount API banner > Activate) " +
			"and call it under /me/v1 on the domain the token was issued for"
	case isInsufficientScope(e):
		return "add the scope " + e.missingScope() + " to the application's client grant for the My Account API " +
			"(Dashboard > Applications > your app > APIs > Auth0 My Account API > User-delegated Access) " +
			"and request it at login with audience " + audience
	case e.Status == http.StatusUnauthorized && (strings.Contains(e.text(), "audience") || strings.Contains(e.text(), "issuer")):
		return "request the token with audience " + audience + " through the same domain the Client calls " +
			"(canonical or custom, one used throughout)"
	}
	return ""
}
