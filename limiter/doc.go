// Package limiter holds per-user attempt budgets and per-user locks for selfmfa's handler.
//
// The limits live here, keyed by the user (for example the ID token's sub), and not in the
// session: deleting the session cookie or opening a second browser then resets nothing, and
// two sessions of one user cannot enroll twice at the same time.
//
// # Attempt budgets
//
// A [Rule] is a token bucket: Burst attempts at once, one more every Refill. [Limiter.Take]
// spends one attempt if there is one and otherwise says how long to wait:
//
//	codes := limiter.Rule{Name: "mfa.code", Burst: 10, Refill: 6 * time.Minute}
//
//	d, err := lim.Take(ctx, userID, codes)
//	if err != nil {
//		return err // fail closed: no decision is no attempt
//	}
//	if !d.Allowed {
//		w.Header().Set("Retry-After", strconv.Itoa(d.RetryAfterSeconds()))
//		... // 429: "Too many attempts. Try again in 6 minutes."
//	}
//
// A denied Take spends nothing, so hammering does not extend the wait. [Limiter.Reset] refills a
// bucket, for rules where a success should forgive earlier failures. Buckets are named by
// (rule name, key): the same user has independent budgets for codes and for SMS sends.
//
// # Locks
//
// [Limiter.Lock] takes a lock on a name for at most a ttl, so a request that crashes cannot
// hold it forever. Another holder gets [ErrLocked]:
//
//	unlock, err := lim.Lock(ctx, "enroll:"+userID, 2*time.Minute)
//	if errors.Is(err, limiter.ErrLocked) {
//		... // "Another enrollment is in progress in another window."
//	}
//	if err != nil {
//		return err
//	}
//	defer unlock()
//
// unlock may be called any number of times and only ever releases its own holder's lock: once
// the ttl has passed and someone else has taken the lock, the old unlock does nothing.
//
// # Single-use flags
//
// [Limiter.SetOnce] stores a small value under a key for a ttl unless a live one is there, and
// says which value is live. Nothing extends or replaces a live flag, and no implementation drops
// one before its ttl, so it is the primitive for steps that must happen once whatever copy of a
// session comes back ("this enrollment is over", "this recovery code was shown") and for values
// that must never be stretched (a grace-period deadline):
//
//	live, created, err := lim.SetOnce(ctx, "ended:"+enrollmentID, nil, 20*time.Minute)
//	if err != nil {
//		return err // fail closed
//	}
//	if !created {
//		... // someone ended it first
//	}
//
// [Limiter.Get] reads a live flag and [Limiter.Delete] removes one.
//
// # Implementations
//
// [Memory] ([NewMemory]) is in-process and bounded: refilled buckets and expired locks and
// flags leave a few per call (no periodic sweep stalls callers), and at the key bound the least
// recently used bucket is evicted; live locks and flags never are (a full Memory answers
// [ErrFull] instead). It fits a single instance. Several instances need a shared
// implementation, each its own module so that its driver stays out of other hosts' builds:
//
//   - [github.com/selfmfa/selfmfa/redislimit] on Redis (redigo), each operation one Lua script;
//   - [github.com/selfmfa/selfmfa/pglimit] on PostgreSQL (pgx), each operation one statement.
//
// Implementations take the time from an injectable clock and are checked by the conformance
// suite in [github.com/selfmfa/selfmfa/limiter/limitertest], which drives that clock:
//
//	limitertest.TestLimiter(t, func(t *testing.T, now func() time.Time) limiter.Limiter {
//		return limiter.NewMemory(limiter.WithClock(now))
//	})
package limiter
