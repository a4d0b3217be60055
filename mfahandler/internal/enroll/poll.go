package enroll

// Poll asks Auth0 whether the push enrollment in progress was approved. It is paced in the
// ledger, not the session, so a poll that changes nothing changes nothing in the session.
func (t *Tx) Poll() Result {
	p, err := t.fresh()
	if err != nil {
		return failed(err, Place{})
	}
	if p == nil {
		if old := t.raw(); old != nil && old.Factor == Push {
			// Its time ran out here before Auth0 said so (the My Account API's shorter
			// lifetime): the same answer as Auth0's expiry. Forgotten, not deleted at Auth0:
			// without the user lock, a push another tab started since may be the pending one.
			if err := t.forget(old); err != nil {
				return failed(err, Place{})
			}
			return Result{Outcome: Expired, Factor: Push, Pending: old}.with(Event{Kind: "confirm_failed", Factor: Push, Reason: "push_expired"})
		}
	}
	if p == nil || p.Factor != Push {
		return Result{Outcome: NotInProgress, Reason: "quiet"}
	}
	page := setupPlace(p)
	token, err := t.token(MinTokenLife, page)
	if err != nil {
		return failed(err, page)
	}
	waiting := Result{Outcome: Waiting, Factor: Push, Pending: p}
	if err := t.lockUser(); err != nil {
		if err == ErrBusy {
			return waiting // another tab is polling or changing factors
		}
		return LockResult(err)
	}
	// Under the lock: the back-off check cannot interleave with another tab's back-off.
	due, err := t.s.Ledger.PollDue(t.ctx, p.ID)
	if err != nil {
		return Result{Outcome: Unavailable, Reason: "check", Err: err}
	}
	if !due {
		return waiting
	}
	// The same single-use claim as a code confirmation: of two tabs polling the approved
	// request, one finishes the enrollment and the other is told it has ended.
	release, claimed, err := t.s.Ledger.Claim(t.ctx, p.ID)
	if err != nil {
		return Result{Outcome: Unavailable, Reason: "check", Err: err}
	}
	if !claimed {
		return t.over(p)
	}
	added := false
	defer func() { release(added || p.ended) }()
	err = t.s.Backend.Poll(t.ctx, token, p)
	switch ClassOf(err) {
	case ClassPending:
		return waiting
	case ClassSlowDown:
		// Auth0 asks for fewer polls: skip the next few.
		if err := t.s.Ledger.BackOff(t.ctx, p.ID); err != nil {
			return Result{Outcome: Unavailable, Reason: "check", Err: err}
		}
		return waiting
	case ClassRejected:
		t.abandon(p)
		return Result{Outcome: Rejected, Factor: Push, Pending: p}.with(Event{Kind: "confirm_failed", Factor: Push, Reason: "push_rejected"})
	case ClassCodeExpired, ClassInvalidCode:
		t.abandon(p)
		return Result{Outcome: Expired, Factor: Push, Pending: p}.with(Event{Kind: "confirm_failed", Factor: Push, Reason: "push_expired"})
	}
	if err == nil {
		if res, ok := t.checkActivated(token, p); !ok {
			return res
		}
	} else if res, ok := t.confirmFault(token, p, err, page); !ok {
		return res
	}
	added = true
	return t.finish(p)
}

// Open returns the enrollment of f in progress, for its setup page. The session may hold a
// copy that a concurrent request wrote back, or that a failed save left behind after its
// authenticators were deleted at Auth0: its QR code must not be shown (Over). The check runs
// under the user lock, so it cannot interleave with a confirmation; when the lock or the
// ledger is unavailable the page is shown, since every action on it is checked again.
// NotInProgress: no enrollment in progress, or one that accept refuses.
func (t *Tx) Open(accept func(Spec) bool) Result {
	p, err := t.fresh()
	if err != nil {
		return failed(err, Place{})
	}
	if p == nil || !accept(spec(p.Factor)) {
		return Result{Outcome: NotInProgress, Reason: "quiet"}
	}
	if !t.stillOpen(p) {
		return t.over(p)
	}
	return Result{Outcome: Open, Factor: p.Factor, Pending: p}
}

func (t *Tx) stillOpen(p *Pending) bool {
	unlock, err := t.s.Ledger.LockUser(t.ctx, t.sub)
	if err != nil {
		return true
	}
	defer unlock()
	ended, err := t.s.Ledger.IsEnded(t.ctx, p.ID)
	return err != nil || !ended
}
