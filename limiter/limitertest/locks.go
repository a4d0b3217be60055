package limitertest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/limiter"
)

// testLocks is the part of the suite about [limiter.Limiter.Lock].
func testLocks(t *testing.T, newLimiter NewLimiterFunc) {
	t.Helper()

	t.Run("LockExclusive", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		k := e.key("enroll")
		unlock := e.lock(k, time.Minute)
		e.locked(k, time.Minute)
		e.lock(e.key("other"), time.Minute)() // other names are free
		e.allow(k, codes, 9)                  // locks and buckets do not share names
		unlock()
		e.lock(k, time.Minute)()
	})

	t.Run("LockTTL", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		k := e.key("enroll")
		first := e.lock(k, 30*time.Second)
		e.clock.Advance(30*time.Second - time.Millisecond)
		e.locked(k, 30*time.Second)
		e.clock.Advance(time.Millisecond)
		second := e.lock(k, 30*time.Second) // the crashed first holder no longer blocks

		first() // the old holder's unlock must not release the new holder's lock
		e.locked(k, 30*time.Second)
		second()
		e.lock(k, 30*time.Second)()
	})

	t.Run("UnlockIdempotent", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		k := e.key("enroll")
		first := e.lock(k, time.Minute)
		first()
		first()
		second := e.lock(k, time.Minute)
		first() // again, while someone else holds it
		e.locked(k, time.Minute)
		second()
		second()
		e.lock(k, time.Minute)()
	})

	t.Run("ConcurrentTake", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		k := e.key("user")
		r := limiter.Rule{Name: "conc", Burst: 10, Refill: time.Hour}
		var allowed, denied atomic.Int64
		errs := make(chan error, 100)
		var wg sync.WaitGroup
		for range 100 {
			wg.Go(func() {
				d, err := e.l.Take(e.ctx, k, r)
				switch {
				case err != nil:
					errs <- err
				case d.Allowed:
					allowed.Add(1)
				default:
					denied.Add(1)
					if d.RetryAfter != time.Hour {
						errs <- fmt.Errorf("denied with RetryAfter %v, want 1h", d.RetryAfter)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if allowed.Load() != 10 || denied.Load() != 90 {
			t.Fatalf("100 concurrent takes on Burst 10: %d allowed, %d denied; want 10 and 90", allowed.Load(), denied.Load())
		}
	})

	t.Run("ConcurrentLock", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		k := e.key("enroll")
		var won, lost atomic.Int64
		errs := make(chan error, 50)
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				_, err := e.l.Lock(e.ctx, k, time.Minute)
				switch {
				case err == nil:
					won.Add(1)
				case errors.Is(err, limiter.ErrLocked):
					lost.Add(1)
				default:
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if won.Load() != 1 || lost.Load() != 49 {
			t.Fatalf("50 concurrent locks: %d won, %d got ErrLocked; want 1 and 49", won.Load(), lost.Load())
		}
	})
}
