package enroll

import (
	"errors"
	"regexp"
)

// authenticatorIDPattern is the shape of Auth0 authenticator ids ("totp|dev_…"; the My Account
// API adds "phone|…" and "push-notification|…"). Anything
// else is refused before any upstream call.
var authenticatorIDPattern = regexp.MustCompile(`^(totp|sms|voice|push|email|recovery-code|phone|push-notification)\|[A-Za-z0-9_-]{1,64}$`)

// ValidID reports whether id has the shape of an authenticator id.
func ValidID(id string) bool { return authenticatorIDPattern.MatchString(id) }

func removePlace(id string) Place { return Place{Kind: AtRemove, ID: id} }

// ConfirmRemoval prepares the removal confirmation of authenticator id: Confirmable (Blocked
// when the last-factor guard refuses), or NotListed.
func (t *Tx) ConfirmRemoval(id string) Result {
	resume := removePlace(id)
	token, err := t.token(MinTokenLife, resume)
	if err != nil {
		return failed(err, resume)
	}
	inv, err := t.list(token)
	if err != nil {
		return failed(err, resume)
	}
	m, ok := inv.Find(id)
	if !ok {
		return t.notListed(id)
	}
	return Result{Outcome: Confirmable, Method: m, ID: id, Blocked: t.guardBlocks(inv, m), Inventory: inv}
}

// Remove deletes the method holding authenticator id. The id must be one of the user's freshly
// listed active authenticators.
func (t *Tx) Remove(id string) Result {
	resume := removePlace(id)
	token, err := t.token(MinTokenLife, resume)
	if err != nil {
		return failed(err, resume)
	}
	if err := t.lockUser(); err != nil {
		return LockResult(err)
	}
	if f, ok := t.s.Backend.(ListForgetter); ok && t.s.LastFactorGuard {
		// A list reused from a moment ago may still show a method removed since in another
		// tab: the guard counts what is there now.
		f.Forget(token)
	}
	inv, err := t.list(token)
	if err != nil {
		return failed(err, resume)
	}
	m, ok := inv.Find(id)
	if !ok {
		return t.notListed(id)
	}
	if m.Fixed {
		return Result{Outcome: NotDeletable, Method: m}
	}
	if t.guardBlocks(inv, m) {
		return Result{Outcome: Guarded, Method: m}
	}
	if res, ok := t.spendWrite(GroupFactor(m)); !ok {
		return res
	}
	if err := t.s.Backend.Delete(t.ctx, token, id); err != nil {
		switch {
		case ClassOf(err) == ClassNotFound:
			return Result{Outcome: AlreadyRemoved, Method: m}
		case ClassOf(err) == ClassForbidden && m.Group == "email":
			// The account's verified email: Auth0 lists it but does not delete it. Not offered
			// again.
			if err := t.s.Ledger.MarkFixed(t.ctx, t.sub, id); err != nil {
				t.s.Log.Warn("mfahandler: could not remember an email Auth0 does not delete", "error", err.Error())
			}
			return Result{Outcome: NotDeletable, Method: m, Err: err}
		}
		return failed(err, resume)
	}
	// A success answer to a delete is not proof: list again, so that an odd answer never
	// looks like a removal (and never notifies the user of one).
	res := Result{Outcome: Removed, Method: m, Factor: GroupFactor(m)}
	after, err := t.list(token)
	switch {
	case err != nil:
		// Auth0 said it was deleted and nothing says otherwise: report the removal, and say
		// that the list could not be checked.
		t.s.Log.Warn("mfahandler: authenticator deleted; the list could not be read to check it", "error", err.Error())
		res.Unchecked = true
	default:
		if _, still := after.Find(id); still {
			return Result{Outcome: StillListed, Method: m,
				Err: errors.New("mfahandler: DELETE answered success but the authenticator is still listed")}
		}
	}
	for _, x := range m.IDs {
		_ = t.s.Ledger.MarkRemoved(t.ctx, t.sub, x)
	}
	return res.with(Event{Kind: "factor_removed", Factor: GroupFactor(m)})
}

func (t *Tx) guardBlocks(inv *Inventory, m Method) bool {
	return t.s.LastFactorGuard && m.Group != "email" && inv.RealFactors() <= 1
}

// notListed answers a removal of an id that is not among the user's active authenticators:
// AlreadyRemoved when this user removed it moments ago, otherwise NotListed and an
// access_denied event (an id that is not the user's).
func (t *Tx) notListed(id string) Result {
	if removed, err := t.s.Ledger.WasRemoved(t.ctx, t.sub, id); err == nil && removed {
		return Result{Outcome: AlreadyRemoved}
	}
	return Result{Outcome: NotListed}.with(Event{Kind: "access_denied", Reason: "unknown_authenticator"})
}
