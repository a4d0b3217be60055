package enroll

import (
	"context"
	"strconv"
	"time"
)

// The policy toolkit's marks (package mfahandler: Status, Policy, Nudge): per user, in the
// limiter, so that every instance and every session of the user sees the same.

// RecordStatus keeps value as the user's status for ttl. A value equal to the one kept is
// written again only when that one is older than half of ttl, so a list page seldom writes.
func (l *Ledger) RecordStatus(ctx context.Context, sub string, value []byte, seen time.Time, ttl time.Duration) error {
	key := "status:" + sub
	if old, ok, err := l.lim.Get(ctx, key); err == nil && ok {
		if at, rest, ok := cutUnix(old); ok && rest == string(value) && seen.Sub(at) < ttl/2 {
			return nil
		}
	}
	if err := l.lim.Delete(ctx, key); err != nil {
		return err
	}
	_, _, err := l.lim.SetOnce(ctx, key, append([]byte(strconv.FormatInt(seen.Unix(), 10)+"|"), value...), ttl)
	return err
}

// ForgetStatus drops the user's kept status (their methods changed: the next list records it).
func (l *Ledger) ForgetStatus(ctx context.Context, sub string) error {
	return l.lim.Delete(context.WithoutCancel(ctx), "status:"+sub)
}

// Status returns the user's kept status and when it was recorded (ok false: none).
func (l *Ledger) Status(ctx context.Context, sub string) (value []byte, seen time.Time, ok bool, err error) {
	raw, ok, err := l.lim.Get(ctx, "status:"+sub)
	if err != nil || !ok {
		return nil, time.Time{}, false, err
	}
	at, rest, ok := cutUnix(raw)
	if !ok {
		return nil, time.Time{}, false, nil
	}
	return []byte(rest), at, true, nil
}

// Deadline sets the user's deadline to proposed unless one is set already, and returns the
// one that holds: set once, never moved or prolonged (limiter.SetOnce), whatever the
// sessions, cookies or roles do. It is kept for keep after it.
func (l *Ledger) Deadline(ctx context.Context, sub string, now, proposed time.Time, keep time.Duration) (time.Time, error) {
	live, _, err := l.lim.SetOnce(ctx, "deadline:"+sub, []byte(strconv.FormatInt(proposed.Unix(), 10)), proposed.Sub(now)+keep)
	if err != nil {
		return time.Time{}, err
	}
	n, err := strconv.ParseInt(string(live), 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(n, 0).UTC(), nil
}

// PeekDeadline returns the user's deadline without setting one (ok false: none).
func (l *Ledger) PeekDeadline(ctx context.Context, sub string) (time.Time, bool, error) {
	live, ok, err := l.lim.Get(ctx, "deadline:"+sub)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	n, err := strconv.ParseInt(string(live), 10, 64)
	if err != nil {
		return time.Time{}, false, err
	}
	return time.Unix(n, 0).UTC(), true, nil
}

// ActionOnce marks the held host action id as done: first is true for the one request that
// may complete it.
func (l *Ledger) ActionOnce(ctx context.Context, id string, ttl time.Duration) (first bool, err error) {
	_, first, err = l.lim.SetOnce(ctx, "action-done:"+id, nil, ttl)
	return first, err
}

// SnoozeNudge puts the user's reminder off for ttl; NudgeSnoozed reports it.
func (l *Ledger) SnoozeNudge(ctx context.Context, sub string, ttl time.Duration) error {
	_, _, err := l.lim.SetOnce(ctx, "nudge-snoozed:"+sub, nil, ttl)
	return err
}

// NudgeSnoozed reports whether the user put the reminder off a moment ago.
func (l *Ledger) NudgeSnoozed(ctx context.Context, sub string) (bool, error) {
	_, ok, err := l.lim.Get(ctx, "nudge-snoozed:"+sub)
	return ok, err
}

func cutUnix(raw []byte) (time.Time, string, bool) {
	s := string(raw)
	for i := range len(s) {
		if s[i] == '|' {
			n, err := strconv.ParseInt(s[:i], 10, 64)
			if err != nil {
				return time.Time{}, "", false
			}
			return time.Unix(n, 0).UTC(), s[i+1:], true
		}
	}
	return time.Time{}, "", false
}
