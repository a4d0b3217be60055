package mebackend

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
	"github.com/selfmfa/selfmfa/myaccount"
)

// fault classifies a myaccount error for the core. The My Account API's error codes are not a
// closed set: the classes go by status, as the client's classifiers do.
func (b *Backend) fault(err error) error {
	f := &enroll.Fault{Err: err, Class: b.classOf(err), Ambiguous: ambiguous(err, b.circuitOpen)}
	var me *myaccount.Error
	if f.Class == enroll.ClassRateLimited && errors.As(err, &me) {
		f.RetryAfter = me.RetryAfter
	}
	return f
}

// pollFault classifies a failed push verify. [UNK] in the reference: what Auth0 answers to a
// push verify before the user approved; chosen: a 400 or 403 that is not about the token
// means "not yet" (pendingOnRefusedPushVerify), so polling goes on until the enrollment's own
// time runs out.
func (b *Backend) pollFault(err error) error {
	var me *myaccount.Error
	if pendingOnRefusedPushVerify && errors.As(err, &me) && (me.Status == http.StatusBadRequest || me.Status == http.StatusForbidden) &&
		!myaccount.IsInsufficientScope(err) && !myaccount.IsAuthSessionInvalid(err) {
		return &enroll.Fault{Class: enroll.ClassPending, Err: err}
	}
	if myaccount.IsAuthSessionInvalid(err) {
		return &enroll.Fault{Class: enroll.ClassCodeExpired, Err: err}
	}
	return b.fault(err)
}

// pendingOnRefusedPushVerify: see pollFault.
const pendingOnRefusedPushVerify = true

func (b *Backend) classOf(err error) enroll.FaultClass {
	var me *myaccount.Error
	switch {
	case b.circuitOpen != nil && b.circuitOpen(err):
		return enroll.ClassUnavailable
	case isTimeout(err) || errors.Is(err, context.Canceled):
		return enroll.ClassTimeout
	case myaccount.IsInvalidCode(err):
		return enroll.ClassInvalidCode
	case myaccount.IsAuthSessionInvalid(err):
		return enroll.ClassCodeExpired
	case myaccount.IsRateLimited(err):
		return enroll.ClassRateLimited
	case myaccount.IsUnauthorized(err):
		return enroll.ClassTokenRefused
	case myaccount.IsInsufficientScope(err) || myaccount.IsNotActivated(err):
		return enroll.ClassConfig
	case myaccount.IsNotFound(err):
		return enroll.ClassNotFound
	case errors.As(err, &me) && me.Op == myaccount.OpEnroll && myaccount.IsInvalidRequest(err) && mentionsDestination(me):
		return enroll.ClassInvalidDestination
	case myaccount.IsConflict(err):
		return enroll.ClassForbidden // 409 on delete: cause unknown (reference §5.2)
	}
	return enroll.ClassOther
}

// mentionsDestination reports a validation error about the phone number or the email.
func mentionsDestination(e *myaccount.Error) bool {
	for _, v := range e.ValidationErrors {
		f := strings.ToLower(v.Field + v.Pointer)
		if strings.Contains(f, "phone") || strings.Contains(f, "email") {
			return true
		}
	}
	d := strings.ToLower(e.Detail)
	return strings.Contains(d, "phone") || strings.Contains(d, "email")
}

// ambiguous reports a failure after which Auth0 may have processed the request.
func ambiguous(err error, circuitOpen func(error) bool) bool {
	if errors.Is(err, myaccount.ErrInvalidInput) || (circuitOpen != nil && circuitOpen(err)) {
		return false
	}
	var me *myaccount.Error
	if errors.As(err, &me) {
		return me.Status >= 500
	}
	return true
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
