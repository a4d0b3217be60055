// Package redislimit is a [limiter.Limiter] on Redis, for selfmfa hosts that run more than one
// instance: attempt budgets, enrollment locks and single-use flags are shared by every
// instance, so a user cannot spread guesses across instances, enroll twice at once through two
// of them, or replay a finished step on another one. It is its own module
// (github.com/selfmfa/selfmfa/redislimit), so only hosts that use it build the Redis driver.
//
//	pool := &redis.Pool{
//		DialContext: func(ctx context.Context) (redis.Conn, error) {
//			return redis.DialContext(ctx, "tcp", "redis:6379")
//		},
//		MaxIdle: 16, MaxActive: 64, Wait: true,
//	}
//	lim := redislimit.New(pool) // pass lim to mfahandler.WithLimiter
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
//   - A flag ([limiter.Limiter.SetOnce]) is one hash key with its value and deadline, written
//     with PEXPIRE ttl only when no live one is there. Run the server with maxmemory-policy
//     noeviction (the default): under an allkeys-* or volatile-* policy Redis may evict keys
//     before their ttl under memory pressure, and an evicted flag (a claim that a step is
//     over) reopens that step.
//
// # Time
//
// By default the scripts read the Redis server's clock (TIME), so every instance computes
// refills, lock deadlines and flag expiries on one clock and instances never disagree, however
// far their own clocks drift. (On Redis Cluster each key's scripts run on the node that owns
// it, so one key always sees one clock; after a failover the replica's clock takes over, which
// moves that key's deadlines by the two nodes' skew.) Redis 5.0 or newer is needed: it
// replicates a script's effects, which allows reading TIME before a write.
//
// [WithClock] sends the client's "now" instead. The conformance suite needs it to drive a fake
// clock against a real server; in production it makes the package trust the instances' clocks,
// so keep them NTP-synchronised: a skew of s between two instances shifts a refill or a
// deadline by up to s. Every lock and flag also carries a server-side PEXPIRE of its ttl, so
// it is gone from the server no later than its ttl whichever clock is used. Lock is a script
// rather than a plain SET NX PX so that one code path serves both clocks.
//
// Keys live under a prefix (default "selfmfa:limiter:"; see [WithPrefix]): buckets at
// prefix+"b:"+len(rule)+":"+rule+":"+key, locks at prefix+"l:"+key, flags at
// prefix+"f:"+key. Each script touches a single key, so Redis Cluster needs nothing special.
//
// Package [github.com/selfmfa/selfmfa/redislimit/redistest] starts a real redis-server for
// tests.
package redislimit
