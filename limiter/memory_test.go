package limiter_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/limiter/limitertest"
)

func TestMemoryConformance(t *testing.T) {
	t.Parallel()
	limitertest.TestLimiter(t, func(t *testing.T, now func() time.Time) limiter.Limiter {
		return limiter.NewMemory(limiter.WithClock(now))
	})
}

func TestMemoryBounded(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clock := limitertest.NewClock(limitertest.Start)
	m := limiter.NewMemory(limiter.WithClock(clock.Now), limiter.WithMaxKeys(100))
	r := limiter.Rule{Name: "r", Burst: 2, Refill: time.Minute}

	// The oldest idle bucket is evicted at the bound; recently used ones survive.
	for i := range 100 {
		if _, err := m.Take(ctx, fmt.Sprint("k", i), r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Take(ctx, "k0", r); err != nil { // k0 is now the most recently used
		t.Fatal(err)
	}
	if _, err := m.Take(ctx, "new", r); err != nil {
		t.Fatal(err)
	}
	if n := m.Len(); n != 100 {
		t.Fatalf("Len = %d after inserting past the bound of 100", n)
	}
	if d, _ := m.Take(ctx, "k0", r); d.Allowed {
		t.Fatal("k0 (recently used, 2 of 2 spent) was evicted; want k1, the oldest idle")
	}
	if d, _ := m.Take(ctx, "k1", r); !d.Allowed || d.Remaining != 1 {
		t.Fatalf("k1 should have been evicted (fresh bucket), got %+v", d)
	}

	// Idle buckets disappear once refilled, expired locks once past their ttl: a few per
	// call, so some calls later only the live entry is left.
	if _, err := m.Lock(ctx, "lock", time.Second); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * r.Window())
	for range 20 {
		if _, err := m.Take(ctx, "trigger", r); err != nil {
			t.Fatal(err)
		}
	}
	if n := m.Len(); n != 1 {
		t.Fatalf("Len = %d after every bucket refilled and the lock expired, want 1", n)
	}
}

// A Memory full of live locks and flags refuses new entries with ErrFull: it never forgets a
// live one to make room, and the refused call stores nothing.
func TestMemoryFullOfLiveEntries(t *testing.T) {
	t.Parallel()
	fill := map[string]func(m *limiter.Memory, key string) error{
		"locks": func(m *limiter.Memory, key string) error { _, err := m.Lock(t.Context(), key, time.Minute); return err },
		"flags": func(m *limiter.Memory, key string) error {
			_, _, err := m.SetOnce(t.Context(), key, []byte("claimed"), time.Minute)
			return err
		},
	}
	for name, add := range fill {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			clock := limitertest.NewClock(limitertest.Start)
			m := limiter.NewMemory(limiter.WithClock(clock.Now), limiter.WithMaxKeys(3))
			for i := range 3 {
				if err := add(m, fmt.Sprint("k", i)); err != nil {
					t.Fatal(err)
				}
			}
			calls := map[string]func() error{
				"Lock": func() error { _, err := m.Lock(ctx, "new", time.Minute); return err },
				"SetOnce": func() error {
					_, _, err := m.SetOnce(ctx, "new", []byte("x"), time.Minute)
					return err
				},
				"Take": func() error {
					_, err := m.Take(ctx, "new", limiter.Rule{Name: "r", Burst: 1, Refill: time.Second})
					return err
				},
			}
			for call, f := range calls {
				if err := f(); !errors.Is(err, limiter.ErrFull) {
					t.Errorf("%s past the bound with only live %s: err = %v, want ErrFull", call, name, err)
				}
			}
			if n := m.Len(); n != 3 {
				t.Fatalf("Len = %d after refused calls, want the 3 live entries", n)
			}
			if name == "flags" {
				for i := range 3 {
					if v, ok, err := m.Get(ctx, fmt.Sprint("k", i)); err != nil || !ok || string(v) != "claimed" {
						t.Fatalf("flag k%d after refused calls: %q %v %v; want it kept", i, v, ok, err)
					}
				}
			}
			if _, ok, _ := m.Get(ctx, "new"); ok {
				t.Fatal("a refused SetOnce stored its flag")
			}
			clock.Advance(time.Minute) // all three expire: room again
			if _, err := m.Lock(ctx, "new", time.Minute); err != nil {
				t.Fatalf("Lock after the others expired: %v", err)
			}
		})
	}
}

// 60k enrolling users' claims (live flags) survive any number of other users' buckets: buckets
// are evicted among themselves, flags never.
func TestMemoryKeepsLiveFlagsUnderBucketChurn(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clock := limitertest.NewClock(limitertest.Start)
	m := limiter.NewMemory(limiter.WithClock(clock.Now)) // the default bound, 100k
	const flags = 60_000
	for i := range flags {
		if _, _, err := m.SetOnce(ctx, fmt.Sprint("ended:", i), []byte{byte(i)}, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	r := limiter.Rule{Name: "mfa.code", Burst: 10, Refill: 6 * time.Minute}
	for i := range 2 * limiter.DefaultMaxKeys { // twice the bound in distinct users' buckets
		if _, err := m.Take(ctx, fmt.Sprint("user-", i), r); err != nil {
			t.Fatalf("take %d: %v", i, err)
		}
	}
	if n := m.Len(); n != limiter.DefaultMaxKeys {
		t.Fatalf("Len = %d, want the bound %d (flags plus the most recent buckets)", n, limiter.DefaultMaxKeys)
	}
	clock.Advance(time.Hour - time.Millisecond)
	for i := range flags {
		v, ok, err := m.Get(ctx, fmt.Sprint("ended:", i))
		if err != nil || !ok || len(v) != 1 || v[0] != byte(i) {
			t.Fatalf("flag %d after bucket churn: %v %v %v; want it kept until its ttl", i, v, ok, err)
		}
	}
}

// At the bound, an expired entry makes room before a live bucket is evicted.
func TestMemoryReusesExpiredBeforeEvicting(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clock := limitertest.NewClock(limitertest.Start)
	m := limiter.NewMemory(limiter.WithClock(clock.Now), limiter.WithMaxKeys(3))
	r := limiter.Rule{Name: "r", Burst: 1, Refill: time.Hour}
	for _, k := range []string{"a", "b"} {
		if d, err := m.Take(ctx, k, r); err != nil || !d.Allowed {
			t.Fatal(d, err)
		}
	}
	for i := range 9 { // more expired flags than one call drops on its own
		if _, _, err := m.SetOnce(ctx, fmt.Sprint("f", i), nil, time.Second); err != nil && !errors.Is(err, limiter.ErrFull) {
			t.Fatal(err)
		}
		clock.Advance(time.Second)
	}
	if _, err := m.Take(ctx, "c", r); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b"} {
		if d, err := m.Take(ctx, k, r); err != nil || d.Allowed {
			t.Fatalf("bucket %s was evicted (a fresh take was allowed: %+v, %v); an expired flag should have made room", k, d, err)
		}
	}
}

// Expired entries leave a few per call: after 100k entries expire at once, no single call
// drops them all (that would be the stop-the-world sweep), yet they are all gone after a
// bounded number of calls.
func TestMemoryExpiresIncrementally(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clock := limitertest.NewClock(limitertest.Start)
	m := limiter.NewMemory(limiter.WithClock(clock.Now))
	const n = 100_000
	for i := range n {
		if _, _, err := m.SetOnce(ctx, fmt.Sprint("k", i), nil, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(time.Minute)
	before := m.Len()
	if _, _, err := m.Get(ctx, "other"); err != nil {
		t.Fatal(err)
	}
	dropped := before - m.Len()
	if dropped == 0 || dropped > 64 {
		t.Fatalf("one call after a mass expiry dropped %d of %d entries; want a small bounded number", dropped, before)
	}
	for calls := 1; m.Len() > 0; calls++ {
		if calls > n {
			t.Fatalf("%d entries still held after %d calls", m.Len(), calls)
		}
		if _, _, err := m.Get(ctx, "other"); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRuleValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rule limiter.Rule
		ok   bool
	}{
		{"auth0 codes", limiter.Rule{Name: "c", Burst: 10, Refill: 6 * time.Minute}, true},
		{"one ms", limiter.Rule{Name: "c", Burst: 1, Refill: time.Millisecond}, true},
		{"100 years", limiter.Rule{Name: "c", Burst: 100, Refill: 365 * 24 * time.Hour}, true},
		{"no name", limiter.Rule{Burst: 1, Refill: time.Second}, false},
		{"zero burst", limiter.Rule{Name: "c", Refill: time.Second}, false},
		{"sub-ms refill", limiter.Rule{Name: "c", Burst: 1, Refill: time.Millisecond - 1}, false},
		{"overflow", limiter.Rule{Name: "c", Burst: 1 << 62, Refill: 1 << 40}, false},
		{"over 100 years", limiter.Rule{Name: "c", Burst: 101, Refill: 365 * 24 * time.Hour}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.rule.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate(%+v) = %v, want ok=%v", tt.rule, err, tt.ok)
			}
		})
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    limiter.Decision
		want int
	}{
		{limiter.Decision{Allowed: true, Remaining: 3}, 0},
		{limiter.Decision{RetryAfter: 0}, 1},
		{limiter.Decision{RetryAfter: time.Millisecond}, 1},
		{limiter.Decision{RetryAfter: time.Second}, 1},
		{limiter.Decision{RetryAfter: time.Second + time.Millisecond}, 2},
		{limiter.Decision{RetryAfter: 6 * time.Minute}, 360},
	}
	for _, tt := range tests {
		if got := tt.d.RetryAfterSeconds(); got != tt.want {
			t.Errorf("%+v.RetryAfterSeconds() = %d, want %d", tt.d, got, tt.want)
		}
	}
}
