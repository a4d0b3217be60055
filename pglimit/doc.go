// Package pglimit is a [limiter.Limiter] on PostgreSQL, for selfmfa hosts that run more than
// one instance and have PostgreSQL rather than Redis: attempt budgets, enrollment locks and
// single-use flags live in three tables shared by every instance, so a user cannot spread
// guesses across instances, enroll twice at once, or replay a finished step on another one.
// It is its own module (github.com/selfmfa/selfmfa/pglimit), so only hosts that use it build
// the pgx driver.
//
//	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
//	if err != nil { ... }
//	lim, err := pglimit.New(pool)
//	if err != nil { ... }
//	defer lim.Close()                                      // stops the background cleanup
//	if err := lim.CreateTables(ctx); err != nil { ... }    // idempotent; or apply lim.SchemaSQL()
//	// pass lim to mfahandler.WithLimiter
//
// # How it works
//
// Each operation is one SQL statement, atomic on its own, whatever the number of instances:
// INSERT … ON CONFLICT DO UPDATE … WHERE takes the row lock of an existing row and decides on
// its latest committed version, so concurrent callers on one key are serialised by
// PostgreSQL, and a denied take or a refused lock writes nothing. (A denied Take and a SetOnce
// that finds a live flag then read the row once more, for RetryAfter or the live value.)
//
//   - buckets (rule, key, tat_us): the generic cell rate algorithm of [limiter.Memory], in
//     microseconds. A missing or refilled row is a full bucket; Reset deletes the row.
//   - locks (name, token, expires_us): taken when absent or expired; unlock deletes the row
//     only if the token is still the caller's, so a holder whose ttl ran out can never release
//     the next holder's lock.
//   - flags (name, value, expires_us): stored when absent or expired, never replaced or
//     prolonged while live.
//
// Names and values are bytea (any bytes work); times are Unix microseconds in bigint. The
// tables are ordinary (logged) tables: a crash must not forget a flag, which is a claim that a
// single-use step is over. Table names share a prefix ([DefaultTablePrefix]; see
// [WithTablePrefix]).
//
// # Expired rows
//
// A background goroutine started by [New] deletes expired rows every
// [DefaultCleanupInterval] ([WithCleanupInterval]; [Limiter.Close] stops it): in batches of at
// most 1000, with FOR UPDATE SKIP LOCKED, so it never waits for a caller and a caller waits at
// most for one short batch; it never deletes a live lock or flag. Callers never do cleanup
// work. Several instances may all run it.
//
// # Time
//
// By default the statements read the database server's clock (now(), the transaction's start),
// so every instance computes refills, lock deadlines and flag expiries on one clock and
// instances never disagree, however far their own clocks drift. [WithClock] sends the client's
// "now" instead: the conformance suite needs it to drive a fake clock against a real server; in
// production it makes the package trust the instances' clocks (keep them NTP-synchronised: a
// skew of s between two instances shifts a refill or a deadline by up to s).
//
// Package [github.com/selfmfa/selfmfa/pglimit/pgtest] starts a throwaway PostgreSQL server
// for tests.
package pglimit
