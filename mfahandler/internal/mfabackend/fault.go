package mfabackend

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/selfmfa/selfmfa/mfaapi"
	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
)

// fault classifies an mfaapi error for the core. Auth0's description of an /mfa/associate
// error may echo what the user typed (a phone number, an email address): it is removed here,
// so no log line or host error handler above ever sees it.
func (b *Backend) fault(err error) error {
	f := &enroll.Fault{Err: err, Class: classOf(err, b.circuitOpen), Ambiguous: ambiguous(err, b.circuitOpen)}
	if ae, ok := associateError(err); ok {
		f.Err = withoutDescription(ae) // classified first: the description names some errors
	}
	if f.Class == enroll.ClassRateLimited {
		var ae *mfaapi.Error
		if errors.As(f.Err, &ae) {
			f.RetryAfter = ae.RetryAfter
		}
	}
	return f
}

func classOf(err error, circuitOpen func(error) bool) enroll.FaultClass {
	var ae *mfaapi.Error
	switch {
	case circuitOpen != nil && circuitOpen(err):
		return enroll.ClassUnavailable
	case isTimeout(err) || errors.Is(err, context.Canceled):
		return enroll.ClassTimeout
	case mfaapi.IsInvalidCode(err):
		return enroll.ClassInvalidCode
	case mfaapi.IsOOBCodeExpired(err):
		return enroll.ClassCodeExpired
	case mfaapi.IsAuthorizationPending(err):
		return enroll.ClassPending
	case mfaapi.IsSlowDown(err):
		return enroll.ClassSlowDown
	case mfaapi.IsRejected(err):
		return enroll.ClassRejected
	case mfaapi.IsNotFound(err):
		return enroll.ClassNotFound
	case mfaapi.IsInvalidToken(err) || mfaapi.IsTokenExpired(err) || mfaapi.IsTokenMalformed(err) || mfaapi.IsAlreadyEnrolled(err):
		return enroll.ClassTokenRefused
	case mfaapi.IsWrongAudience(err) || mfaapi.IsGrantNotAllowed(err) || mfaapi.IsInvalidClient(err) || mfaapi.IsInsufficientScope(err):
		return enroll.ClassConfig
	case mfaapi.IsFactorDisabled(err):
		return enroll.ClassFactorDisabled
	case mfaapi.IsMaxAuthenticators(err):
		return enroll.ClassMaxAuthenticators
	case mfaapi.IsRateLimited(err) || mfaapi.IsTooManyAttempts(err):
		return enroll.ClassRateLimited
	case errors.As(err, &ae) && strings.HasSuffix(ae.Path, "/mfa/associate") && mfaapi.IsInvalidRequest(err):
		return enroll.ClassInvalidDestination
	case errors.As(err, &ae) && ae.StatusCode == http.StatusForbidden && ae.Method == http.MethodDelete:
		return enroll.ClassForbidden
	}
	return enroll.ClassOther
}

// ambiguous reports an upstream failure after which Auth0 may have processed the request: no
// answer in time, a 5xx, or an answer that could not be read.
func ambiguous(err error, circuitOpen func(error) bool) bool {
	if errors.Is(err, mfaapi.ErrInvalidInput) || errors.Is(err, mfaapi.ErrNoClientAuth) || (circuitOpen != nil && circuitOpen(err)) {
		return false // nothing was sent
	}
	var ae *mfaapi.Error
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500 || errors.Is(err, mfaapi.ErrResponseTooLarge)
	}
	return true // timeouts, connection errors, malformed 2xx bodies
}

// isTimeout reports a deadline or a client timeout on the way to Auth0.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// associateError finds an *mfaapi.Error of /mfa/associate that carries a description.
func associateError(err error) (*mfaapi.Error, bool) {
	var ae *mfaapi.Error
	if errors.As(err, &ae) && strings.HasSuffix(ae.Path, "/mfa/associate") && ae.Description != "" {
		return ae, true
	}
	return nil, false
}

func withoutDescription(ae *mfaapi.Error) *mfaapi.Error {
	c := *ae
	c.Description = "[description omitted: it may contain the phone number or email address]"
	return &c
}
