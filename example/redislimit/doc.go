// Package redislimit is a [limiter.Limiter] on Redis, for selfmfa hosts that run more than one
// instance: attempt budgets and enrollment locks are shared by every instance, so a user
// cannot spread guesses across instances or enroll twice at once through two of them.
//
//	pool := &redis.Pool{
//		DialContext: func(ctx context.Context) (redis.Conn, error) {
//			return redis.DialContext(ctx, "tcp", "redis:6379")
//		},
//		MaxIdle: 16, MaxActive: 64, Wait: true,
//	}
//	lim := redislimit.New(pool) // pass lim to the handler's limiter option
//
//	d, err := lim.Take(ctx, userID, limiter.Rule{Name: "mfa.code", Burst: 10, Refill: 6 * time.Minute})
//	if err != nil { ... }          // fail closed: Redis is unreachable
//	if !d.Allowed { ... }          // 429, Retry-After: d.RetryAfter
//
//	unlock, err := lim.Lock(ctx, userID, 2*time.Minute)
//	if errors.Is(err, limiter.ErrLocked) { ... } // another request is enrolling this user
//	defer unlock()
//
// # How it works
//
// Every operation is one Lua script, so it is atomic on the server however many instances
// call it:
//
//   - A bucket is one string key holding the bucket's theoretical arrival time (the generic
//     cell rate algorithm, the same arithmetic as [limiter.Memory]) in Unix milliseconds. Take
//     reads it, decides, and writes it back with PX set to the time the bucket takes to refill,
//     so idle buckets vanish on their own. Reset deletes it.
//   - A lock is one hash key with the holder's random token and its deadline, written with
//     PEXPIRE ttl. Lock takes it when the key is absent or its deadline has passed; unlock
//     deletes it only if the token is still the caller's (compare-and-delete), so a holder
//     whose ttl ran out can never release the next holder's lock.
//
// The scripts never read the server's clock: the client passes "now" in milliseconds. That
// makes the clock injectable ([WithClock]) and the package testable with a fake clock against
// a real server, at the price of trusting the instances' clocks: keep them NTP-synchronised
// (a skew of s shifts a refill or a lock deadline by up to s). A lock's key still carries a
// server-side PEXPIRE of its ttl, so a lock is gone on the server no later than its ttl even
// if the clocks disagree. This is why Lock is a script rather than a plain SET NX PX, which
// would leave the deadline to the server's clock alone.
//
// Keys live under a prefix (default "selfmfa:limiter:"; see [WithPrefix]): buckets at
// prefix+"b:"+len(rule)+":"+rule+":"+key, locks at prefix+"l:"+key. Each script touches a
// single key, so Redis Cluster needs nothing special.
package redislimit
