package enroll

// Resend sends a new code for the SMS, voice or email enrollment named enrollmentID. The MFA
// API refuses its own token at /mfa/challenge, so a resend is a new start; the previous pending
// pair is deleted first. The failure count carries over.
func (t *Tx) Resend(enrollmentID string) Result {
	p, err := t.fresh()
	if err != nil {
		return failed(err, Place{})
	}
	if p == nil || enrollmentID != p.ID || spec(p.Factor).Confirmation != BySentCode {
		return t.notInProgress()
	}
	if p.Sends >= MaxSendsPerEnrollment {
		return Result{Outcome: NoMoreSends, Factor: p.Factor, Pending: p}
	}
	codePage := setupPlace(p)
	token, err := t.token(EnrollTokenLife, codePage)
	if err != nil {
		return failed(err, codePage)
	}
	if err := t.lockUser(); err != nil {
		return LockResult(err)
	}
	// A copy of the session written back by a concurrent request may hold an enrollment that
	// has ended: it must not get a new code (and ten more minutes).
	ended, err := t.s.Ledger.IsEnded(t.ctx, p.ID)
	if err != nil {
		return Result{Outcome: Unavailable, Reason: "check", Err: err}
	}
	if ended {
		return t.over(p)
	}
	if res, ok := t.spendAll(p.Factor, t.sendBudgets(p.Destination)...); !ok {
		return res
	}
	inv, err := t.list(token)
	if err != nil {
		return failed(err, codePage)
	}
	stale := inv.PendingOf(p.Factor)
	if res, ok := t.spendWrites(p.Factor, len(stale)+1); !ok { // the deletes and the new start
		return res
	}
	if err := t.deletePending(token, stale); err != nil {
		return failed(err, codePage)
	}
	req := StartRequest{Factor: p.Factor}
	if spec(p.Factor).Destination == EmailAddress {
		req.Email = p.Destination
	} else {
		req.Phone = p.Destination
	}
	started, err := t.s.Backend.Start(t.ctx, token, req)
	if err != nil {
		// The old code's authenticator is gone: end the enrollment, keeping its recovery code.
		if ferr := t.forget(p); ferr != nil {
			return failed(ferr, Place{})
		}
		return failed(err, Place{Kind: AtList})
	}
	// The new start is what the code refers to now: on the My Account API a new method id
	// and auth_session (the deleted one's are dead).
	p.OOBCode, p.MethodID, p.AuthSession = started.OOBCode, started.MethodID, started.AuthSession
	p.Sends++
	p.Started = t.now()
	if started.RecoveryCode != "" {
		p.RecoveryCode = started.RecoveryCode
	}
	if err := t.rec.SavePending(p); err != nil {
		return failed(err, Place{})
	}
	return Result{Outcome: Sent, Factor: p.Factor, Pending: p}
}

// Cancel abandons the enrollment named enrollmentID.
func (t *Tx) Cancel(enrollmentID string) Result {
	p, err := t.fresh()
	if err != nil {
		return failed(err, Place{})
	}
	if p == nil || enrollmentID != p.ID {
		return Result{Outcome: NotInProgress, Reason: "quiet"}
	}
	// Under the user lock, so a cancel never interleaves with this enrollment's confirmation
	// or poll; the claim tells whether the enrollment was still open.
	unlock, err := t.s.Ledger.LockUserWait(t.ctx, t.sub)
	if err != nil {
		return LockResult(err)
	}
	t.held = append(t.held, unlock)
	release, claimed, err := t.s.Ledger.Claim(t.ctx, p.ID)
	if err != nil {
		return Result{Outcome: Unavailable, Reason: "check", Err: err}
	}
	if !claimed {
		return t.over(p)
	}
	p.ended = true // keep the claim: this enrollment is over
	release(true)
	t.abandon(p)
	return Result{Outcome: Cancelled, Factor: p.Factor}
}
