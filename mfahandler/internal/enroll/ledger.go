package enroll

import (
	"context"
	"errors"
	"time"

	"github.com/selfmfa/selfmfa/limiter"
)

// Ledger is the one place for single-use and "already ended" state, and for attempt budgets:
// every limiter key the handler uses is built here. It lives in the limiter, not the session,
// because concurrent requests of one session write the session back last-writer-wins (scs):
// a copy of the session that comes back late must not confirm, poll or show anything twice.
type Ledger struct {
	lim   limiter.Limiter
	vault *vault
}

// NewLedger returns a ledger on lim; secret keys the sealing of the recovery codes it holds.
func NewLedger(lim limiter.Limiter, secret []byte) (*Ledger, error) {
	v, err := newVault(secret)
	if err != nil {
		return nil, err
	}
	return &Ledger{lim: lim, vault: v}, nil
}

// Lifetimes of the ledger's marks.
const (
	// userLockTTL bounds how long one request holds a user's lock.
	userLockTTL = 30 * time.Second
	// endedTTL: an enrollment's "ended" mark lasts as long as any copy of it could still be
	// submitted (two enrollment lifetimes).
	endedTTL = 2 * PendingTTL
	// shownTTL: a recovery code's "shown" mark lasts as long as a copy of the session holding
	// its display record could come back.
	shownTTL = 24 * time.Hour
	// removedTTL: a removal is remembered for a while, so a double submit or a second tab is
	// told "already removed" instead of raising an access_denied event for the user's own id.
	removedTTL = 30 * time.Minute
	// companionTTL: which OTP authenticator came with a push enrollment (and which email
	// Auth0 refused to delete) is remembered for as
	// long as a device plausibly stays enrolled. Auth0's lists carry no created_at and give the
	// companion an id of its own, so this record is the only way to tell it apart; after it
	// (or with a limiter that lost it) the push is shown alone (Inventory.AdoptCompanions).
	companionTTL = 400 * 24 * time.Hour
	// pushSlowDownPause is how long polling pauses after a slow_down answer: three intervals.
	pushSlowDownPause = 3 * PushPollInterval
)

// ErrBusy is returned by LockUser when another request holds the user's lock.
var ErrBusy = errors.New("enroll: another change to this user's factors is in progress")

// LockUser serialises changes of one user's factors across sessions, tabs and instances. The
// error is ErrBusy, or the limiter's failure.
func (l *Ledger) LockUser(ctx context.Context, sub string) (unlock func(), err error) {
	unlock, err = l.lim.Lock(ctx, "lock:"+sub, userLockTTL)
	if errors.Is(err, limiter.ErrLocked) {
		return nil, ErrBusy
	}
	return unlock, err
}

// Lock waiting: LockUserWait tries lockWaitTries times, lockWaitStep apart (about 3 s).
const (
	lockWaitTries = 30
	lockWaitStep  = 100 * time.Millisecond
)

// LockUserWait is LockUser for a step the user expects to just work (cancel): it waits a
// little for a concurrent poll or confirmation of the same user to finish.
func (l *Ledger) LockUserWait(ctx context.Context, sub string) (func(), error) {
	for i := 0; ; i++ {
		unlock, err := l.LockUser(ctx, sub)
		if err == nil || i == lockWaitTries || !errors.Is(err, ErrBusy) {
			return unlock, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(lockWaitStep):
		}
	}
}

func endedKey(enrollmentID string) string { return "enrollment:" + enrollmentID }

// Claim takes the single-use claim on finishing enrollment id (confirming, polling it to
// success, cancelling it). claimed is false when the enrollment already ended. release(keep)
// gives the claim back unless keep: keep it when the enrollment ended here, so that it stays
// the mark that it is over.
func (l *Ledger) Claim(ctx context.Context, id string) (release func(keep bool), claimed bool, err error) {
	_, created, err := l.lim.SetOnce(ctx, endedKey(id), nil, endedTTL)
	if err != nil || !created {
		return nil, false, err
	}
	return func(keep bool) {
		if !keep {
			_ = l.lim.Delete(context.WithoutCancel(ctx), endedKey(id))
		}
	}, true, nil
}

// MarkEnded records that enrollment id is over, so a stale copy of the session that brings
// it back can neither confirm nor poll it to success.
func (l *Ledger) MarkEnded(ctx context.Context, id string) error {
	_, _, err := l.lim.SetOnce(ctx, endedKey(id), nil, endedTTL)
	return err
}

// IsEnded reports whether enrollment id was confirmed, cancelled or replaced.
func (l *Ledger) IsEnded(ctx context.Context, id string) (bool, error) {
	_, ok, err := l.lim.Get(ctx, endedKey(id))
	return ok, err
}

func shownKey(displayID string) string { return "recovery:" + displayID }

// ShowOnce takes the single display of recovery display id; first is false when it was
// already shown.
func (l *Ledger) ShowOnce(ctx context.Context, displayID string) (first bool, err error) {
	_, first, err = l.lim.SetOnce(ctx, shownKey(displayID), nil, shownTTL)
	return first, err
}

// Unshow gives the display back (the page could not be sent after all).
func (l *Ledger) Unshow(ctx context.Context, displayID string) error {
	return l.lim.Delete(context.WithoutCancel(ctx), shownKey(displayID))
}

func removedKey(sub, id string) string { return "removed:" + sub + ":" + id }

// MarkRemoved remembers that sub removed authenticator id.
func (l *Ledger) MarkRemoved(ctx context.Context, sub, id string) error {
	_, _, err := l.lim.SetOnce(context.WithoutCancel(ctx), removedKey(sub, id), nil, removedTTL)
	return err
}

// WasRemoved reports whether sub removed authenticator id in the last removedTTL.
func (l *Ledger) WasRemoved(ctx context.Context, sub, id string) (bool, error) {
	_, ok, err := l.lim.Get(ctx, removedKey(sub, id))
	return ok, err
}

func fixedKey(sub, id string) string { return "fixed:" + sub + ":" + id }

// MarkFixed remembers that Auth0 refused to delete sub's email authenticator id (the
// account's verified email), so that it is not offered for removal again.
func (l *Ledger) MarkFixed(ctx context.Context, sub, id string) error {
	_, _, err := l.lim.SetOnce(context.WithoutCancel(ctx), fixedKey(sub, id), nil, companionTTL)
	return err
}

// IsFixed reports whether Auth0 refused to delete sub's authenticator id before.
func (l *Ledger) IsFixed(ctx context.Context, sub, id string) (bool, error) {
	_, ok, err := l.lim.Get(ctx, fixedKey(sub, id))
	return ok, err
}

func companionKey(sub, pushID string) string { return "companion:" + sub + ":" + pushID }

// RecordCompanion remembers that OTP authenticator totpID came with sub's push pushID.
func (l *Ledger) RecordCompanion(ctx context.Context, sub, pushID, totpID string) error {
	_, _, err := l.lim.SetOnce(context.WithoutCancel(ctx), companionKey(sub, pushID), []byte(totpID), companionTTL)
	return err
}

// Companion returns the OTP authenticator recorded for sub's push pushID ("" when unknown).
func (l *Ledger) Companion(ctx context.Context, sub, pushID string) (string, error) {
	v, ok, err := l.lim.Get(ctx, companionKey(sub, pushID))
	if err != nil || !ok {
		return "", err
	}
	return string(v), nil
}

func pushKey(enrollmentID string) string { return "push:" + enrollmentID }

// pushPollRule allows one poll of a push enrollment per PushPollInterval.
func pushPollRule() limiter.Rule {
	return limiter.Rule{Name: "push_poll", Burst: 1, Refill: PushPollInterval}
}

// PollDue reports whether push enrollment id may be polled now: not within PushPollInterval
// of the last poll, and not during a back-off after slow_down. A poll that is due spends the
// interval.
func (l *Ledger) PollDue(ctx context.Context, id string) (bool, error) {
	if _, backingOff, err := l.lim.Get(ctx, "push_slow_down:"+id); err != nil || backingOff {
		return false, err
	}
	d, err := l.lim.Take(ctx, pushKey(id), pushPollRule())
	return d.Allowed, err
}

// BackOff pauses polling of push enrollment id after Auth0 answered slow_down.
func (l *Ledger) BackOff(ctx context.Context, id string) error {
	_, _, err := l.lim.SetOnce(ctx, "push_slow_down:"+id, nil, pushSlowDownPause)
	return err
}

// enrollmentCodesRefill: an enrollment's code budget does not come back while the enrollment
// can live (three sends of ten minutes each).
const enrollmentCodesRefill = 4 * PendingTTL

// SpendEnrollmentCode spends one of the codes enrollment id may try (limit in all). left is
// how many remain after this one; -1 when none was left (this code must not reach Auth0).
func (l *Ledger) SpendEnrollmentCode(ctx context.Context, id string, limit int) (left int, err error) {
	d, err := l.lim.Take(ctx, "enrollment-codes:"+id, limiter.Rule{Name: "enrollment_codes", Burst: limit, Refill: enrollmentCodesRefill})
	if err != nil {
		return 0, err
	}
	if !d.Allowed {
		return -1, nil
	}
	return d.Remaining, nil
}

// Budget is one attempt budget: a rule and whose bucket of it.
type Budget struct {
	Rule limiter.Rule
	key  string
}

// UserBudget is sub's bucket of rule.
func (l *Ledger) UserBudget(rule limiter.Rule, sub string) Budget {
	return Budget{Rule: rule, key: rule.Name + ":" + sub}
}

// DestinationBudget is the bucket of rule for one phone number or email address. The limiter
// holds a keyed hash of it, never the number.
func (l *Ledger) DestinationBudget(rule limiter.Rule, destination string) Budget {
	return Budget{Rule: rule, key: rule.Name + ":" + l.vault.fingerprint(destination)}
}

// TenantBudget is the app's one bucket of rule.
func (l *Ledger) TenantBudget(rule limiter.Rule) Budget {
	return Budget{Rule: rule, key: rule.Name + ":app"}
}

// SpendAll takes one attempt of every budget, or none when one of them is spent: it names
// that one (its rule's Name) and its decision (the longest wait among those refused). Every
// budget is checked before any is spent. Two requests racing for the last attempt of a shared
// budget may both pass the check; the take that follows decides, and then the budgets taken
// before it stay spent (a rare, bounded overshoot of one attempt).
func (l *Ledger) SpendAll(ctx context.Context, budgets ...Budget) (denied string, d limiter.Decision, err error) {
	for _, b := range budgets {
		pd, err := l.lim.Peek(ctx, b.key, b.Rule)
		if err != nil {
			return "", limiter.Decision{}, err
		}
		if !pd.Allowed && (denied == "" || pd.RetryAfter > d.RetryAfter) {
			denied, d = b.Rule.Name, pd
		}
	}
	if denied != "" {
		return denied, d, nil
	}
	for _, b := range budgets {
		td, err := l.lim.Take(ctx, b.key, b.Rule)
		if err != nil {
			return "", limiter.Decision{}, err
		}
		if !td.Allowed {
			return b.Rule.Name, td, nil
		}
	}
	return "", limiter.Decision{Allowed: true}, nil
}

// PeekBudget reports what a take from b would decide, taking nothing.
func (l *Ledger) PeekBudget(ctx context.Context, b Budget) (limiter.Decision, error) {
	return l.lim.Peek(ctx, b.key, b.Rule)
}

// Forgive refills sub's bucket of rule (a code that works starts the code budget afresh).
func (l *Ledger) Forgive(ctx context.Context, rule limiter.Rule, sub string) error {
	return l.lim.Reset(context.WithoutCancel(ctx), rule.Name+":"+sub, rule)
}

// crossOriginEventRule bounds access_denied events for refused cross-origin requests: 60 at
// once per user, then one a minute.
func crossOriginEventRule() limiter.Rule {
	return limiter.Rule{Name: "cross_origin_events", Burst: 60, Refill: time.Minute}
}

// CrossOriginEventDue reports whether a refused cross-origin request of sub may raise an
// event, so a hostile page cannot flood the host's audit trail (or the user's notifications).
func (l *Ledger) CrossOriginEventDue(ctx context.Context, sub string) bool {
	d, err := l.lim.Take(ctx, "xorigin:"+sub, crossOriginEventRule())
	return err == nil && d.Allowed
}
