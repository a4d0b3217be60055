package limiter

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Rule is a token bucket: a key may make Burst attempts at once, and earns one more attempt
// every Refill, never holding more than Burst. Name namespaces the buckets of one rule, so the
// same key (a user id) has independent buckets under different rules.
//
// For example, Auth0's limit on failed codes is Rule{Name: "mfa.code", Burst: 10, Refill: 6 *
// time.Minute}: ten tries, then one more every six minutes.
type Rule struct {
	Name   string
	Burst  int
	Refill time.Duration
}

// maxWindow bounds Burst*Refill (the time a bucket takes to fill from empty), so that the
// arithmetic of every implementation stays exact (Redis scripts compute in float64
// milliseconds, exact up to 2^53).
const maxWindow = 100 * 365 * 24 * time.Hour

// Validate reports whether r is usable: a non-empty Name, Burst at least 1, Refill at least one
// millisecond (implementations may work in milliseconds), and Burst*Refill at most 100 years.
func (r Rule) Validate() error {
	switch {
	case r.Name == "":
		return errors.New("limiter: rule has no Name")
	case r.Burst < 1:
		return fmt.Errorf("limiter: rule %q: Burst %d, want at least 1", r.Name, r.Burst)
	case r.Refill < time.Millisecond:
		return fmt.Errorf("limiter: rule %q: Refill %v, want at least 1ms", r.Name, r.Refill)
	case r.Burst > int(maxWindow/r.Refill):
		return fmt.Errorf("limiter: rule %q: Burst*Refill exceeds %v", r.Name, maxWindow)
	}
	return nil
}

// Window is the time an empty bucket of r takes to fill again: Burst*Refill.
func (r Rule) Window() time.Duration { return time.Duration(r.Burst) * r.Refill }

// Decision is the outcome of [Limiter.Take].
type Decision struct {
	// Allowed reports whether a token was taken.
	Allowed bool
	// Remaining is the number of tokens left after this take (0 when denied).
	Remaining int
	// RetryAfter is, when denied, how long until the next token is available; 0 when allowed.
	RetryAfter time.Duration
}

// RetryAfterSeconds is RetryAfter in whole seconds, rounded up (so a client that waits that
// long is never early), for an HTTP Retry-After header. It is 0 when the take was allowed and
// at least 1 when it was denied.
func (d Decision) RetryAfterSeconds() int {
	if d.Allowed {
		return 0
	}
	return max(1, int((d.RetryAfter+time.Second-1)/time.Second))
}

// Limiter holds per-key attempt budgets and per-key locks. Implementations must be safe for
// concurrent use and, when several app instances share one, consistent across them.
type Limiter interface {
	// Take consumes one token from the bucket of (rule.Name, key) if one is available. A
	// denied Take consumes nothing, so hammering a denied key does not push RetryAfter back.
	Take(ctx context.Context, key string, rule Rule) (Decision, error)
	// Peek reports what Take would decide now, without taking anything: a caller that must
	// pass several budgets checks them all first, so that a refusal by one does not spend
	// another (and does not lengthen the wait it announces).
	Peek(ctx context.Context, key string, rule Rule) (Decision, error)
	// Reset refills the bucket of (rule.Name, key), for example after a success where the
	// caller's policy says so. Resetting a bucket that does not exist is not an error.
	Reset(ctx context.Context, key string, rule Rule) error
	// Lock takes the lock named key for at most ttl. It returns [ErrLocked] (possibly wrapped)
	// when another holder has it and the ttl has not run out. unlock releases the lock only if
	// this holder still has it; calling it again, or after the ttl, does nothing. Lock names
	// are a namespace of their own, separate from bucket keys.
	Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(), err error)
	// SetOnce stores value under key for ttl unless key already holds a live value. It returns
	// the live value (the one stored by this call, or the earlier one) and whether this call
	// stored it. It is the primitive for single-use steps ("this enrollment is over", "this
	// recovery code was shown") and for values that must never be extended (a deadline):
	// a second SetOnce never replaces or prolongs the first. Flags are a namespace of their
	// own, separate from bucket keys and lock names, and an implementation must never drop a
	// live flag before its ttl (no eviction).
	SetOnce(ctx context.Context, key string, value []byte, ttl time.Duration) (live []byte, created bool, err error)
	// Get returns the live value of the flag key; ok is false when there is none (never set,
	// expired or deleted).
	Get(ctx context.Context, key string) (value []byte, ok bool, err error)
	// Delete removes the flag key, so that a later SetOnce stores again. Deleting a flag that
	// does not exist is not an error.
	Delete(ctx context.Context, key string) error
}

// ErrLocked is returned by [Limiter.Lock] when another holder has the lock.
var ErrLocked = errors.New("limiter: locked by another request")

// CheckKey reports whether key is usable as a bucket key or lock name (non-empty).
// Implementations call it so that they all reject the same input.
func CheckKey(key string) error {
	if key == "" {
		return errors.New("limiter: empty key")
	}
	return nil
}

// MaxFlagBytes bounds the value of a flag ([Limiter.SetOnce]); implementations refuse larger
// values with an error.
const MaxFlagBytes = 4 << 10

// CheckFlag reports whether key, value and ttl are usable for [Limiter.SetOnce].
func CheckFlag(key string, value []byte, ttl time.Duration) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if len(value) > MaxFlagBytes {
		return fmt.Errorf("limiter: flag value of %d bytes, want at most %d", len(value), MaxFlagBytes)
	}
	return CheckTTL(ttl)
}

// CheckTTL reports whether ttl is usable for [Limiter.Lock] and [Limiter.SetOnce]: at least one millisecond.
func CheckTTL(ttl time.Duration) error {
	if ttl < time.Millisecond {
		return fmt.Errorf("limiter: lock ttl %v, want at least 1ms", ttl)
	}
	return nil
}

// gcra is the token-bucket arithmetic, written as the generic cell rate algorithm over one
// stored instant, the theoretical arrival time tat. A bucket with no stored state (or with
// tat <= now) is full. Given the stored tat (zero when absent) it returns the decision and the
// tat to store. The stored state may be dropped as soon as now >= tat: the bucket is full again.
//
// All arguments are in one unit (nanoseconds here; the Lua script in redislimit is a
// line-by-line copy in milliseconds).
func gcra(now, tat, refill int64, burst int) (allowed bool, remaining int, retryAfter, newTAT int64) {
	if tat < now {
		tat = now
	}
	newTAT = tat + refill
	allowAt := newTAT - int64(burst)*refill
	if now < allowAt {
		return false, 0, allowAt - now, tat
	}
	return true, int((now - allowAt) / refill), 0, newTAT
}
