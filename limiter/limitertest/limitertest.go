// Package limitertest is a conformance suite for [limiter.Limiter] implementations, with a
// controllable clock.
//
// The suite owns the clock: for every subtest it makes a [Clock], builds a fresh limiter with
// newLimiter(t, clock.Now), and moves time with [Clock.Advance]. An implementation therefore
// has to read time only through the function it is given; a shared server (Redis, PostgreSQL)
// must then take "now" from the client, as redislimit's and pglimit's WithClock options make
// them do. No test sleeps.
//
//	func TestMemory(t *testing.T) {
//		limitertest.TestLimiter(t, func(t *testing.T, now func() time.Time) limiter.Limiter {
//			return limiter.NewMemory(limiter.WithClock(now))
//		})
//	}
//
// Keys are unique per subtest, so limiters built by newLimiter may share a backing server.
//
// Covered: a burst is allowed then denied with the exact RetryAfter; denied takes consume
// nothing; refill, partial refill to the millisecond, and the Burst cap; keys, rules and
// separator look-alikes are independent; Reset; invalid rules, keys and ttls are errors;
// cancelled contexts; locks are exclusive, expire after their ttl (not a millisecond
// earlier), unlock is idempotent and releases only its own holder's lock; and, under -race,
// 100 concurrent takes on Burst 10 allow exactly 10 and 50 concurrent locks admit exactly one;
// Peek reports what Take would decide and spends nothing; flags: SetOnce keeps the first value and never prolongs it, expires at its ttl (not a
// millisecond earlier), Delete allows a new one, flags are independent of buckets and locks,
// invalid keys, ttls and oversized values are errors, and 50 concurrent SetOnce store exactly
// one value that all of them see.
package limitertest

import (
	"context"
	"crypto/rand"
	"errors"

	"sync"

	"testing"
	"time"

	"github.com/selfmfa/selfmfa/limiter"
)

// NewLimiterFunc builds a fresh limiter that reads the time only from now.
type NewLimiterFunc func(t *testing.T, now func() time.Time) limiter.Limiter

// Start is the instant every suite clock starts at (whole milliseconds, so implementations
// that work in milliseconds are exact).
var Start = time.Date(2030, time.January, 2, 3, 4, 5, 0, time.UTC)

// Clock is a fake clock, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock reading start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is one subtest's limiter, clock and key namespace.
type env struct {
	t     *testing.T
	l     limiter.Limiter
	clock *Clock
	ctx   context.Context
	ns    string
}

func setup(t *testing.T, newLimiter NewLimiterFunc) *env {
	t.Helper()
	c := NewClock(Start)
	l := newLimiter(t, c.Now)
	if l == nil {
		t.Fatal("limitertest: newLimiter returned nil")
	}
	return &env{t: t, l: l, clock: c, ctx: t.Context(), ns: t.Name() + "/" + rand.Text()[:8] + "/"}
}

func (e *env) key(name string) string { return e.ns + name }

func (e *env) take(key string, rule limiter.Rule, want limiter.Decision) {
	e.t.Helper()
	got, err := e.l.Take(e.ctx, key, rule)
	if err != nil {
		e.t.Fatalf("Take(%q, %s): %v", key, rule.Name, err)
	}
	if got != want {
		e.t.Fatalf("Take(%q, %s) = %+v, want %+v", key, rule.Name, got, want)
	}
}

func (e *env) allow(key string, rule limiter.Rule, remaining int) {
	e.t.Helper()
	e.take(key, rule, limiter.Decision{Allowed: true, Remaining: remaining})
}

func (e *env) deny(key string, rule limiter.Rule, retryAfter time.Duration) {
	e.t.Helper()
	e.take(key, rule, limiter.Decision{RetryAfter: retryAfter})
}

// drain takes the full burst from a fresh bucket.
func (e *env) drain(key string, rule limiter.Rule) {
	e.t.Helper()
	for i := rule.Burst - 1; i >= 0; i-- {
		e.allow(key, rule, i)
	}
}

func (e *env) lock(key string, ttl time.Duration) func() {
	e.t.Helper()
	unlock, err := e.l.Lock(e.ctx, key, ttl)
	if err != nil {
		e.t.Fatalf("Lock(%q): %v", key, err)
	}
	if unlock == nil {
		e.t.Fatalf("Lock(%q) returned a nil unlock", key)
	}
	return unlock
}

func (e *env) locked(key string, ttl time.Duration) {
	e.t.Helper()
	unlock, err := e.l.Lock(e.ctx, key, ttl)
	if !errors.Is(err, limiter.ErrLocked) {
		e.t.Fatalf("Lock(%q) on a held lock: err = %v, want ErrLocked", key, err)
	}
	if unlock != nil {
		e.t.Fatalf("Lock(%q) returned an unlock with ErrLocked", key)
	}
}

// codes is the rule Auth0 uses for failed codes: 10 at once, one more every 6 minutes.
var codes = limiter.Rule{Name: "mfa.code", Burst: 10, Refill: 6 * time.Minute}

// TestLimiter runs the conformance suite.
func TestLimiter(t *testing.T, newLimiter NewLimiterFunc) {
	t.Helper()

	t.Run("BurstThenDenied", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		k := e.key("user")
		e.drain(k, codes)
		e.deny(k, codes, 6*time.Minute)
		e.clock.Advance(2 * time.Minute)
		e.deny(k, codes, 4*time.Minute)
		// Denied takes consume nothing: hammering does not push the retry time back.
		for range 20 {
			e.deny(k, codes, 4*time.Minute)
		}
		e.clock.Advance(4 * time.Minute)
		e.allow(k, codes, 0)
	})

	t.Run("Refill", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		k := e.key("user")
		e.drain(k, codes)
		e.clock.Advance(6 * time.Minute)
		e.allow(k, codes, 0)
		e.deny(k, codes, 6*time.Minute)

		e.clock.Advance(3 * 6 * time.Minute)
		e.allow(k, codes, 2)
		e.allow(k, codes, 1)
		e.allow(k, codes, 0)
		e.deny(k, codes, 6*time.Minute)

		// A long idle time refills to Burst and no further.
		e.clock.Advance(1000 * 6 * time.Minute)
		e.drain(k, codes)
		e.deny(k, codes, 6*time.Minute)
	})

	t.Run("PartialRefill", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		r := limiter.Rule{Name: "five", Burst: 5, Refill: 10 * time.Second}
		k := e.key("user")
		e.drain(k, r)
		e.clock.Advance(25 * time.Second) // two tokens earned, the third due in 5 s
		e.allow(k, r, 1)
		e.allow(k, r, 0)
		e.deny(k, r, 5*time.Second)

		one := limiter.Rule{Name: "one", Burst: 1, Refill: time.Second}
		e.allow(k, one, 0)
		e.clock.Advance(999 * time.Millisecond)
		e.deny(k, one, time.Millisecond)
		e.clock.Advance(time.Millisecond)
		e.allow(k, one, 0)
	})

	t.Run("Independent", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		a, b := e.key("alice"), e.key("bob")
		e.drain(a, codes)
		e.deny(a, codes, 6*time.Minute)
		e.allow(b, codes, 9)

		sends := limiter.Rule{Name: "mfa.send.sms", Burst: 10, Refill: time.Hour}
		e.allow(a, sends, 9) // same key, other rule

		// Rule and key must not be joined ambiguously: ("x:y", "z") is not ("x", "y:z").
		r1 := limiter.Rule{Name: "x:y", Burst: 1, Refill: time.Hour}
		r2 := limiter.Rule{Name: "x", Burst: 1, Refill: time.Hour}
		e.allow(e.ns+"z", r1, 0)
		e.allow(e.ns+"y:z", r2, 0)
		e.allow(e.ns+"y", limiter.Rule{Name: "x:", Burst: 1, Refill: time.Hour}, 0)
		e.allow(e.ns+":y", r2, 0)

		// The bucket belongs to the name, not to Burst or Refill: a changed rule keeps the spend.
		e.deny(a, limiter.Rule{Name: codes.Name, Burst: 10, Refill: 6 * time.Minute}, 6*time.Minute)
	})

	t.Run("Reset", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		a, b := e.key("alice"), e.key("bob")
		e.drain(a, codes)
		e.drain(b, codes)
		other := limiter.Rule{Name: "other", Burst: 1, Refill: time.Hour}
		e.allow(a, other, 0)
		if err := e.l.Reset(e.ctx, a, codes); err != nil {
			t.Fatalf("Reset: %v", err)
		}
		e.drain(a, codes)
		e.deny(b, codes, 6*time.Minute) // other key untouched
		e.deny(a, other, time.Hour)     // other rule untouched
		if err := e.l.Reset(e.ctx, e.key("nobody"), codes); err != nil {
			t.Fatalf("Reset of an unknown key: %v", err)
		}
	})

	t.Run("InvalidInput", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		k := e.key("user")
		bad := []limiter.Rule{
			{Name: "", Burst: 1, Refill: time.Second},
			{Name: "r", Burst: 0, Refill: time.Second},
			{Name: "r", Burst: -1, Refill: time.Second},
			{Name: "r", Burst: 1, Refill: 0},
			{Name: "r", Burst: 1, Refill: time.Microsecond},
			{Name: "r", Burst: 1 << 62, Refill: time.Hour},
		}
		for _, r := range bad {
			if d, err := e.l.Take(e.ctx, k, r); err == nil {
				t.Errorf("Take with rule %+v = %+v, want an error", r, d)
			}
			if err := e.l.Reset(e.ctx, k, r); err == nil {
				t.Errorf("Reset with rule %+v: no error", r)
			}
		}
		if d, err := e.l.Take(e.ctx, "", codes); err == nil {
			t.Errorf("Take with an empty key = %+v, want an error", d)
		}
		if err := e.l.Reset(e.ctx, "", codes); err == nil {
			t.Error("Reset with an empty key: no error")
		}
		for _, ttl := range []time.Duration{0, -time.Second, time.Microsecond} {
			if _, err := e.l.Lock(e.ctx, k, ttl); err == nil || errors.Is(err, limiter.ErrLocked) {
				t.Errorf("Lock with ttl %v: err = %v, want a validation error", ttl, err)
			}
		}
		if _, err := e.l.Lock(e.ctx, "", time.Second); err == nil || errors.Is(err, limiter.ErrLocked) {
			t.Errorf("Lock with an empty key: err = %v, want a validation error", err)
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		k := e.key("user")
		if _, err := e.l.Take(ctx, k, codes); !errors.Is(err, context.Canceled) {
			t.Errorf("Take with a cancelled context: err = %v, want context.Canceled", err)
		}
		if err := e.l.Reset(ctx, k, codes); !errors.Is(err, context.Canceled) {
			t.Errorf("Reset with a cancelled context: err = %v, want context.Canceled", err)
		}
		if _, err := e.l.Lock(ctx, k, time.Second); !errors.Is(err, context.Canceled) {
			t.Errorf("Lock with a cancelled context: err = %v, want context.Canceled", err)
		}
		// Nothing was consumed or held.
		e.drain(k, codes)
		e.lock(k, time.Second)()
	})

	testLocks(t, newLimiter)
	testFlags(t, newLimiter)
	testPeek(t, newLimiter)
}
