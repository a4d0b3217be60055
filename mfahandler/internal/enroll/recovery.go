package enroll

// TakeRecoveryCode uses up the single display of the recovery code waiting in the session.
// render prepares the page first: a failing (or panicking) view leaves the code for the next
// try. Dropping the record from the session is not enough (a concurrent request of this
// session may write back a copy that still holds it): the ledger makes the display final. It
// is taken before the record is dropped; if the ledger fails, the record stays for the reload
// the page asks for. NoRecovery: nothing to show.
func (t *Tx) TakeRecoveryCode(render func(RecoveryDisplay) error) Result {
	d, err := t.rec.RecoveryDisplay()
	if err != nil {
		return failed(err, Place{})
	}
	if d == nil || d.Sub != t.sub {
		return Result{Outcome: NoRecovery}
	}
	if err := render(*d); err != nil {
		return failed(err, Place{})
	}
	if d.ID != "" {
		first, err := t.s.Ledger.ShowOnce(t.ctx, d.ID)
		if err != nil {
			return Result{Outcome: Unavailable, Reason: "recovery", Err: err}
		}
		if !first {
			_ = t.rec.DropRecoveryDisplay()
			return Result{Outcome: NoRecovery}
		}
	}
	if err := t.rec.DropRecoveryDisplay(); err != nil {
		return failed(err, Place{})
	}
	return Result{Outcome: RecoveryShown, Recovery: d}
}

// GiveBackRecoveryCode undoes TakeRecoveryCode when its page could not be sent after all (the
// session could not be saved, and the store's 503 went out instead): the display is not used
// up, and the record is still in the store.
func (t *Tx) GiveBackRecoveryCode(d *RecoveryDisplay) {
	if d != nil && d.ID != "" {
		_ = t.s.Ledger.Unshow(t.ctx, d.ID)
	}
}
