package enroll

// List lists the user's factors for the list page. On the way it finishes an enrollment of
// this session that the list shows active although its confirmation never completed here
// (Auth0's answer was lost and the list could not be read then): the user still gets the
// recovery code, the event and the session rotation (Added). It also drops an expired
// enrollment from the session.
func (t *Tx) List() Result {
	list := Place{Kind: AtList}
	token, err := t.token(MinTokenLife, list)
	if err != nil {
		return failed(err, list)
	}
	inv, err := t.list(token)
	if err != nil {
		return failed(err, list)
	}
	if res, done := t.finishActivated(inv); done {
		return res
	}
	if err := t.dropExpired(); err != nil {
		return failed(err, list)
	}
	if t.RecoveryWaiting() {
		// A recovery code waits for its display (its page was never reached: a lost redirect,
		// a session renewed away): the user sees it before anything else.
		return Result{Outcome: RecoveryPending}
	}
	return Result{Outcome: Listed, Inventory: inv}
}

// finishActivated completes, once (under the user lock and the enrollment's claim), an
// enrollment the list shows active.
func (t *Tx) finishActivated(inv *Inventory) (Result, bool) {
	// Any age within the claim's life: an enrollment confirmed (at Auth0) near the end of its
	// 10 minutes may be looked at again only after them.
	p := t.raw()
	if p == nil || t.now().Sub(p.Started) > endedTTL {
		return Result{}, false
	}
	if !inv.NewlyActive(p.Factor, p.Before) && !(p.RecoveryCode != "" && inv.RecoveryActive) {
		return Result{}, false
	}
	if err := t.lockUser(); err != nil {
		return Result{}, false // busy: the next visit finishes it
	}
	release, claimed, err := t.s.Ledger.Claim(t.ctx, p.ID)
	if err != nil || !claimed {
		return Result{}, false
	}
	release(true)
	t.s.Log.Info("mfahandler: finishing an enrollment whose confirmation answer was lost", "factor", string(p.Factor))
	return t.finish(p), true
}

// TenantFactors is what the tenant enables, when the backend can tell (the My Account API's
// GET /factors); ok false otherwise, or when the token or the call fails (the caller then
// offers what it is configured to offer; Auth0 still refuses a factor it does not enable).
func (t *Tx) TenantFactors() (factors []Factor, ok bool) {
	fl, can := t.s.Backend.(FactorLister)
	if !can {
		return nil, false
	}
	token, err := t.token(MinTokenLife, Place{Kind: AtList})
	if err != nil {
		return nil, false
	}
	fs, ok, err := fl.Factors(t.ctx, token)
	if err != nil {
		t.s.Log.Warn("mfahandler: could not list the tenant's factors", "error", err.Error())
		return nil, false
	}
	return fs, ok
}
