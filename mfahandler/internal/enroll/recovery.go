package enroll

import (
	"errors"
	"time"
)

// TakeRecoveryCode uses up the single display of the recovery code waiting for the user.
// render prepares the page first: a failing (or panicking) view leaves the code for the next
// try. The display is final in the ledger (per user, not per session): a copy of the session
// that comes back cannot show it again, and one that is lost cannot lose it. NoRecovery:
// nothing to show.
func (t *Tx) TakeRecoveryCode(render func(RecoveryDisplay) error) Result {
	d, err := t.s.Ledger.Display(t.ctx, t.sub)
	if errors.Is(err, ErrUnreadable) {
		t.s.Log.Error("mfahandler: a recovery code waiting for its display was lost", "error", err.Error())
		return Result{Outcome: NoRecovery}
	}
	if err != nil {
		return Result{Outcome: Unavailable, Reason: "recovery", Err: err}
	}
	if d == nil || d.Sub != t.sub {
		return Result{Outcome: NoRecovery}
	}
	if err := render(*d); err != nil {
		return failed(err, Place{})
	}
	first, err := t.s.Ledger.ShowOnce(t.ctx, d.ID)
	if err != nil {
		return Result{Outcome: Unavailable, Reason: "recovery", Err: err}
	}
	if !first {
		_ = t.s.Ledger.DropDisplay(t.ctx, t.sub)
		return Result{Outcome: NoRecovery}
	}
	if err := t.s.Ledger.DropDisplay(t.ctx, t.sub); err != nil {
		t.s.Log.Warn("mfahandler: could not drop a shown recovery display", "error", err.Error())
	}
	return Result{Outcome: RecoveryShown, Recovery: d}
}

// GiveBackRecoveryCode undoes TakeRecoveryCode when its page could not be sent after all (the
// session could not be saved, and the store's 503 went out instead): the display waits again.
func (t *Tx) GiveBackRecoveryCode(d *RecoveryDisplay) {
	if d == nil {
		return
	}
	if err := t.s.Ledger.HoldDisplay(t.ctx, t.sub, *d); err != nil {
		t.s.Log.Warn("mfahandler: could not give back a recovery display", "error", err.Error())
	}
	_ = t.s.Ledger.Unshow(t.ctx, d.ID)
}

// RecoveryWaiting reports whether a recovery code waits for its display.
func (t *Tx) RecoveryWaiting() bool {
	d, err := t.s.Ledger.Display(t.ctx, t.sub)
	return err == nil && d != nil
}

// NoCodeLater is the RecoveryDisplay reason when the backend issues recovery codes on request
// but Auth0's per-user write limit (or the budget the core keeps for it) refused one just now:
// the first factor's enrollment spent the minute's writes on a Free tenant. The list then
// offers CreateRecoveryCode.
const NoCodeLater = "later"

// CanCreateRecoveryCode reports whether the user can create a recovery code from the list: the
// backend issues them on request, the user has a real factor, and no active code.
func (s *Service) CanCreateRecoveryCode(inv *Inventory) bool {
	_, ok := s.Backend.(RecoveryIssuer)
	if off := s.recoveryOff.Load(); off != 0 && s.Now().Sub(time.Unix(0, off)) < recoveryOffMemory {
		return false
	}
	return ok && inv != nil && !inv.RecoveryActive && inv.RealFactors() > 0
}

// recoveryOffMemory is how long a tenant's "recovery codes are off" is believed: settings of a
// tenant change seldom, and an hour lets a change show the same day.
const recoveryOffMemory = time.Hour

// learnRecoveryOff records a refusal that says the tenant has recovery codes off.
func (s *Service) learnRecoveryOff(err error) bool {
	if ClassOf(err) != ClassFactorDisabled {
		return false
	}
	s.recoveryOff.Store(s.Now().UnixNano())
	return true
}

// CreateRecoveryCode issues the recovery code of a user who has a factor but no code (on the
// My Account API, one whose first setup met the write limit): RecoveryPending when it waits
// for its single display, LimitHit (or Auth0's 429) with the wait when the limit refuses it
// again.
func (t *Tx) CreateRecoveryCode() Result {
	list := Place{Kind: AtList}
	token, err := t.token(MinTokenLife, list)
	if err != nil {
		return failed(err, list)
	}
	if err := t.lockUser(); err != nil {
		return LockResult(err)
	}
	if t.RecoveryWaiting() {
		return Result{Outcome: RecoveryPending} // a double submit: the first one's code waits
	}
	inv, err := t.list(token)
	if err != nil {
		return failed(err, list)
	}
	if !t.s.CanCreateRecoveryCode(inv) {
		return Result{Outcome: NoRecovery}
	}
	ri, _ := t.s.Backend.(RecoveryIssuer)
	if res, ok := t.spendWrites("", recoveryCodeWrites); !ok {
		return res
	}
	code, err := ri.IssueRecoveryCode(t.ctx, token)
	if t.s.learnRecoveryOff(err) {
		return Result{Outcome: NoRecovery, Reason: "disabled"}
	}
	if err != nil {
		return failed(err, list) // Auth0's 429 becomes "try again in N seconds" there
	}
	d := RecoveryDisplay{ID: newID(), Sub: t.sub, Code: code, Issued: true}
	if err := t.s.Ledger.HoldDisplay(t.ctx, t.sub, d); err != nil {
		// Auth0 has the code and the page cannot show it: say so, never pretend.
		return Result{Outcome: Unavailable, Reason: "recovery", Err: err}
	}
	return Result{Outcome: RecoveryPending}.with(Event{Kind: "recovery_code_set"})
}

// recoveryCodeWrites: a recovery code is created and then verified, two writes.
const recoveryCodeWrites = 2

// NoCodeFailed is the RecoveryDisplay reason when the backend issues recovery codes on request
// and the request failed (not a limit, not a tenant without codes): the code can be created
// later from the list; the page never says the site uses none.
const NoCodeFailed = "failed"

// issueRecoveryCode asks a RecoveryIssuer backend for the user's recovery code after their
// first factor (the factor is added either way; failures are logged). Without a code, why says
// what the page tells: NoCodeLater with the wait (a write limit), "disabled" (the tenant has
// none), NoCodeFailed (anything else), or "" (the backend issues none on request).
func (t *Tx) issueRecoveryCode() (code string, wait time.Duration, why string) {
	ri, ok := t.s.Backend.(RecoveryIssuer)
	if !ok {
		return "", 0, ""
	}
	token := t.anyToken()
	if token == "" {
		return "", 0, NoCodeFailed
	}
	if res, ok := t.spendWrites("", recoveryCodeWrites); !ok {
		t.s.Log.Warn("mfahandler: no recovery code issued after the first factor: write budget spent", "retry_after", res.RetryAfter.String())
		return "", max(res.RetryAfter, time.Second), NoCodeLater
	}
	code, err := ri.IssueRecoveryCode(t.ctx, token)
	switch {
	case err == nil:
		return code, 0, ""
	case t.s.learnRecoveryOff(err):
		return "", 0, "disabled"
	case ClassOf(err) == ClassRateLimited:
		t.s.Log.Warn("mfahandler: no recovery code issued after the first factor", "error", err.Error())
		return "", max(RetryAfterOf(err), time.Second), NoCodeLater
	}
	t.s.Log.Warn("mfahandler: no recovery code issued after the first factor", "error", err.Error())
	return "", 0, NoCodeFailed
}
