package limitertest

import (
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/limiter"
)

func (e *env) peek(key string, rule limiter.Rule, want limiter.Decision) {
	e.t.Helper()
	got, err := e.l.Peek(e.ctx, key, rule)
	if err != nil {
		e.t.Fatalf("Peek(%q, %s): %v", key, rule.Name, err)
	}
	if got != want {
		e.t.Fatalf("Peek(%q, %s) = %+v, want %+v", key, rule.Name, got, want)
	}
}

// testPeek is the part of the suite about Peek: it says what Take would decide and spends
// nothing.
func testPeek(t *testing.T, newLimiter NewLimiterFunc) {
	t.Helper()

	t.Run("PeekSpendsNothing", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		k := e.key("user")
		rule := limiter.Rule{Name: "sends", Burst: 3, Refill: 10 * time.Minute}
		for range 5 {
			e.peek(k, rule, limiter.Decision{Allowed: true, Remaining: 2})
		}
		e.allow(k, rule, 2)
		e.peek(k, rule, limiter.Decision{Allowed: true, Remaining: 1})
		e.allow(k, rule, 1)
		e.allow(k, rule, 0)
		e.peek(k, rule, limiter.Decision{RetryAfter: 10 * time.Minute})
		e.clock.Advance(4 * time.Minute)
		e.peek(k, rule, limiter.Decision{RetryAfter: 6 * time.Minute})
		e.deny(k, rule, 6*time.Minute) // Peek and Take agree
		e.clock.Advance(6 * time.Minute)
		e.peek(k, rule, limiter.Decision{Allowed: true, Remaining: 0})
		e.allow(k, rule, 0)
	})

	t.Run("PeekInvalid", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		if _, err := e.l.Peek(e.ctx, "", limiter.Rule{Name: "r", Burst: 1, Refill: time.Second}); err == nil {
			t.Error("Peek with an empty key: no error")
		}
		if _, err := e.l.Peek(e.ctx, e.key("k"), limiter.Rule{Name: "r"}); err == nil {
			t.Error("Peek with an invalid rule: no error")
		}
	})
}
