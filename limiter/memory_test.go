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

	// Idle buckets disappear once refilled; expired locks once past their ttl.
	if _, err := m.Lock(ctx, "lock", time.Second); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * r.Window())
	if _, err := m.Take(ctx, "trigger", r); err != nil {
		t.Fatal(err)
	}
	if n := m.Len(); n != 1 {
		t.Fatalf("Len = %d after every bucket refilled and the lock expired, want 1", n)
	}
}

func TestMemoryFullOfLocks(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clock := limitertest.NewClock(limitertest.Start)
	m := limiter.NewMemory(limiter.WithClock(clock.Now), limiter.WithMaxKeys(3))
	for i := range 3 {
		if _, err := m.Lock(ctx, fmt.Sprint("l", i), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	// Live locks are never evicted: a new entry fails closed rather than breaking a lock.
	if _, err := m.Lock(ctx, "l3", time.Minute); err == nil || errors.Is(err, limiter.ErrLocked) {
		t.Fatalf("Lock past the bound with only live locks: err = %v, want a capacity error", err)
	}
	if d, err := m.Take(ctx, "k", limiter.Rule{Name: "r", Burst: 1, Refill: time.Second}); err == nil {
		t.Fatalf("Take past the bound with only live locks = %+v, want a capacity error", d)
	}
	clock.Advance(time.Minute)
	if _, err := m.Lock(ctx, "l3", time.Minute); err != nil {
		t.Fatalf("Lock after the others expired: %v", err)
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
