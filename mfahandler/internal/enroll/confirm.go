package enroll

import (
	"errors"
	"regexp"
	"time"
)

// codePattern is the only code shape forwarded to Auth0: six ASCII digits.
var codePattern = regexp.MustCompile(`^[0-9]{6}$`)

// Confirm checks a code for the enrollment in progress named enrollmentID.
func (t *Tx) Confirm(enrollmentID, code string) Result {
	p, err := t.fresh()
	if err != nil {
		return failed(err, Place{})
	}
	if p == nil || enrollmentID != p.ID || spec(p.Factor).Confirmation == ByApproval {
		return t.notInProgress()
	}
	back := setupPlace(p)
	token, err := t.token(MinTokenLife, back)
	if err != nil {
		return failed(err, back)
	}
	if err := t.lockUser(); err != nil {
		return LockResult(err)
	}
	if res, ok := t.spend(t.s.Limits.Codes, p.Factor); !ok {
		return res
	}
	// The enrollment's own budget lives in the ledger, not the session: a request that sends
	// its body late cannot bring back an older count.
	left, err := t.s.Ledger.SpendEnrollmentCode(t.ctx, p.ID, t.s.Limits.CodesPerEnrollment)
	if err != nil {
		return Result{Outcome: Unavailable, Reason: "check", Err: err}
	}
	if left < 0 {
		t.abandon(p)
		return Result{Outcome: TooManyWrongCodes, Factor: p.Factor}.
			with(Event{Kind: "limit_hit", Factor: p.Factor, Reason: "codes_per_enrollment"})
	}
	if !codePattern.MatchString(code) {
		return t.codeFailed(p, Malformed, "malformed_code", left)
	}
	release, claimed, err := t.s.Ledger.Claim(t.ctx, p.ID)
	if err != nil {
		return Result{Outcome: Unavailable, Reason: "check", Err: err}
	}
	if !claimed {
		return t.over(p)
	}
	added := false
	defer func() { release(added || p.ended) }()
	if res, ok := t.spendWrite(p.Factor); !ok {
		return res
	}
	err = t.s.Backend.Confirm(t.ctx, token, p, code)
	switch {
	case err == nil:
		if res, ok := t.checkActivated(token, p); !ok {
			return res
		}
	case ClassOf(err) == ClassInvalidCode:
		return t.codeFailed(p, WrongCode, "invalid_code", left)
	case ClassOf(err) == ClassCodeExpired && !spec(p.Factor).Sends:
		// Nothing to send anew (an app's setup): the enrollment itself is over at Auth0, and
		// what is pending now may be another tab's setup: forgotten here, nothing deleted.
		if err := t.forget(p); err != nil {
			return failed(err, Place{})
		}
		return Result{Outcome: NotInProgress}.with(Event{Kind: "confirm_failed", Factor: p.Factor, Reason: "enrollment_expired"})
	case ClassOf(err) == ClassNotFound:
		// The method this setup verifies is gone (a newer setup in another tab replaced it):
		// forgotten here, and nothing deleted, since what is pending now is that other setup.
		if err := t.forget(p); err != nil {
			return failed(err, Place{})
		}
		return Result{Outcome: NotInProgress}.with(Event{Kind: "confirm_failed", Factor: p.Factor, Reason: "enrollment_gone"})
	case ClassOf(err) == ClassCodeExpired:
		return t.codeFailed(p, CodeExpired, "code_expired", left)
	default:
		if res, ok := t.confirmFault(token, p, err, back); !ok {
			return res
		}
	}
	added = true
	return t.finish(p)
}

// activation is what a fresh list says about an enrollment after a confirmation attempt.
type activation int

const (
	activationUnknown activation = iota // the list could not be read
	activationNone                      // no new active factor of the kind
	activationDone                      // a new active factor, or the setup's recovery code turned active
)

func (t *Tx) activationOf(token string, p *Pending) (activation, error) {
	inv, err := t.list(token)
	if err != nil {
		return activationUnknown, err
	}
	if inv.NewlyActive(p.Factor, p.Before) {
		return activationDone, nil
	}
	if p.RecoveryCode != "" && inv.RecoveryActive {
		// The recovery code that was pending with this enrollment is active now: Auth0 activates
		// it only with a confirmed factor, so a confirmation did activate one (the list may lag,
		// or show it under an id seen before). Losing the code's display would be worse.
		t.s.Log.Warn("mfahandler: the new factor is not listed yet but its recovery code is active", "factor", string(p.Factor))
		return activationDone, nil
	}
	return activationNone, nil
}

// checkActivated lists the user's authenticators after Auth0 accepted a confirmation and
// requires a new active authenticator of p's kind: a success answer that activated nothing
// must never look like an added factor. When the list cannot be read, Auth0's success answer
// stands (it is the documented proof) and the gap is logged.
func (t *Tx) checkActivated(token string, p *Pending) (Result, bool) {
	switch state, err := t.activationOf(token, p); state {
	case activationUnknown:
		t.s.Log.Warn("mfahandler: confirmation accepted; the authenticator list could not be read to check it",
			"factor", string(p.Factor), "error", err.Error())
		return Result{}, true
	case activationDone:
		return Result{}, true
	}
	return Result{Outcome: NotActivated, Factor: p.Factor, Pending: p,
		Err: errors.New("mfahandler: confirmation answered success but no new active " + spec(p.Factor).Kind + " authenticator is listed")}.
		with(Event{Kind: "confirm_failed", Factor: p.Factor, Reason: "not_activated"}), false
}

// confirmFault handles a confirmation whose answer was lost or broken. Auth0 may have
// activated the factor anyway, so the list decides: added → ok; not added → the failure as
// usual; unknown → the user is told to check, never that nothing changed.
func (t *Tx) confirmFault(token string, p *Pending, err error, resume Place) (Result, bool) {
	if !IsAmbiguous(err) {
		return failed(err, resume), false
	}
	switch state, lerr := t.activationOf(token, p); state {
	case activationDone:
		t.s.Log.Warn("mfahandler: the confirmation's answer was lost, but the factor is active", "factor", string(p.Factor), "error", err.Error())
		return Result{}, true
	case activationUnknown:
		return Result{Outcome: Ambiguous, Factor: p.Factor, Pending: p, Err: errors.Join(err, lerr)}, false
	}
	if ClassOf(err) == ClassTimeout {
		// Auth0 may still finish the request after our list: no "nothing was changed".
		return Result{Outcome: Timeout, Factor: p.Factor, Pending: p, Err: err}, false
	}
	return failed(err, resume), false
}

// codeFailed answers a refused code: the user goes back to the form, or, when it was the
// last one the enrollment's budget allowed (left is what remains), the enrollment is
// cancelled.
func (t *Tx) codeFailed(p *Pending, outcome Outcome, reason string, left int) Result {
	res := Result{Outcome: outcome, Factor: p.Factor, Pending: p}.
		with(Event{Kind: "confirm_failed", Factor: p.Factor, Reason: reason})
	if left == 0 {
		t.abandon(p)
		res.Outcome = TooManyWrongCodes
		return res.with(Event{Kind: "limit_hit", Factor: p.Factor, Reason: "codes_per_enrollment"})
	}
	return res
}

// finish completes a confirmed enrollment: the recovery code (if any) is stored for its
// single display before anything else, and the enrollment is forgotten. From here on the
// factor is added: a later failure says so (AddedBut). The handler then rotates the session.
func (t *Tx) finish(p *Pending) Result {
	// The per-user code budget counts consecutive failures (NIST SP 800-63B §5.2.2): a code
	// that worked starts it afresh.
	if err := t.s.Ledger.Forgive(t.ctx, t.s.Limits.Codes, t.sub); err != nil {
		t.s.Log.Warn("mfahandler: could not reset the code budget after a success", "error", err.Error())
	}
	res := Result{Outcome: Added, Factor: p.Factor, Pending: p}
	code := p.RecoveryCode
	if code == "" && p.NoCodeReason == "earlier" {
		code = t.unshownRecoveryCode() // held by the ledger from an earlier session's setup
	}
	reason, wait := p.NoCodeReason, time.Duration(0)
	if code == "" && p.FirstFactor && reason != "" { // reason "": the user has an active code
		// A backend that issues codes on request (My Account). Refused by the per-user write
		// limit, the page says when the list's button can create it; failed, that it can.
		var why string
		if code, wait, why = t.issueRecoveryCode(); code == "" && why != "" {
			reason = why
		}
	}
	res.ShowRecovery = code != "" || (p.FirstFactor && reason != "")
	if res.ShowRecovery {
		d := RecoveryDisplay{ID: newID(), Sub: t.sub, Code: code, Issued: code != "", Reason: reason, Wait: wait, Factor: p.Factor}
		if err := t.s.Ledger.HoldDisplay(t.ctx, t.sub, d); err != nil {
			return Result{Outcome: AddedBut, Factor: p.Factor, Err: err}
		}
		if code != "" {
			// The display holds it now.
			if err := t.s.Ledger.DropHeldCode(t.ctx, t.sub); err != nil {
				t.s.Log.Warn("mfahandler: could not drop a held recovery code after its display was kept", "error", err.Error())
			}
		}
	}
	if err := t.rec.DropPending(); err != nil {
		return Result{Outcome: AddedBut, Factor: p.Factor, Err: err}
	}
	res = res.with(Event{Kind: "factor_added", Factor: p.Factor})
	if code != "" {
		res = res.with(Event{Kind: "recovery_code_set", Factor: p.Factor})
	}
	return res
}
