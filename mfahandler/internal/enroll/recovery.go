package enroll

import "errors"

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
