package limitertest

import (
	"bytes"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/limiter"
)

func (e *env) setOnce(key, value string, ttl time.Duration, wantLive string, wantCreated bool) {
	e.t.Helper()
	live, created, err := e.l.SetOnce(e.ctx, key, []byte(value), ttl)
	if err != nil {
		e.t.Fatalf("SetOnce(%q, %q): %v", key, value, err)
	}
	if string(live) != wantLive || created != wantCreated {
		e.t.Fatalf("SetOnce(%q, %q) = %q, %v; want %q, %v", key, value, live, created, wantLive, wantCreated)
	}
}

func (e *env) get(key, want string, wantOK bool) {
	e.t.Helper()
	v, ok, err := e.l.Get(e.ctx, key)
	if err != nil {
		e.t.Fatalf("Get(%q): %v", key, err)
	}
	if ok != wantOK || string(v) != want {
		e.t.Fatalf("Get(%q) = %q, %v; want %q, %v", key, v, ok, want, wantOK)
	}
}

// testFlags is the part of the suite about SetOnce, Get and Delete.
func testFlags(t *testing.T, newLimiter NewLimiterFunc) {
	t.Helper()

	t.Run("SetOnceKeepsTheFirstValue", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		k := e.key("deadline")
		e.get(k, "", false)
		e.setOnce(k, "first", time.Hour, "first", true)
		// A second SetOnce neither replaces nor prolongs the first.
		e.clock.Advance(59 * time.Minute)
		e.setOnce(k, "second", time.Hour, "first", false)
		e.get(k, "first", true)
		e.clock.Advance(time.Minute - time.Millisecond)
		e.get(k, "first", true) // not a millisecond early
		e.clock.Advance(time.Millisecond)
		e.get(k, "", false)
		e.setOnce(k, "third", time.Hour, "third", true)
	})

	t.Run("EmptyAndBinaryValues", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		e.setOnce(e.key("empty"), "", time.Minute, "", true)
		e.get(e.key("empty"), "", true) // set, with an empty value
		bin := string([]byte{0, 255, 10, 'x', 0})
		e.setOnce(e.key("bin"), bin, time.Minute, bin, true)
		e.get(e.key("bin"), bin, true)
	})

	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		k := e.key("claim")
		if err := e.l.Delete(e.ctx, k); err != nil {
			t.Fatalf("Delete of an absent flag: %v", err)
		}
		e.setOnce(k, "a", time.Hour, "a", true)
		if err := e.l.Delete(e.ctx, k); err != nil {
			t.Fatal(err)
		}
		e.get(k, "", false)
		e.setOnce(k, "b", time.Hour, "b", true)
	})

	t.Run("FlagsAreTheirOwnNamespace", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		k := e.key("shared")
		e.setOnce(k, "v", time.Hour, "v", true)
		unlock := e.lock(k, time.Minute) // a lock of the same name is independent
		unlock()
		rule := limiter.Rule{Name: "r", Burst: 1, Refill: time.Hour}
		e.allow(k, rule, 0)
		if err := e.l.Reset(e.ctx, k, rule); err != nil { // resets the bucket, not the flag
			t.Fatal(err)
		}
		e.get(k, "v", true)
		if err := e.l.Delete(e.ctx, k); err != nil { // deletes the flag, not the bucket
			t.Fatal(err)
		}
		e.allow(k, rule, 0)
		e.deny(k, rule, time.Hour)
	})

	t.Run("InvalidFlags", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		if _, _, err := e.l.SetOnce(e.ctx, "", nil, time.Minute); err == nil {
			t.Error("SetOnce with an empty key: no error")
		}
		if _, _, err := e.l.SetOnce(e.ctx, e.key("k"), nil, 0); err == nil {
			t.Error("SetOnce with ttl 0: no error")
		}
		if _, _, err := e.l.SetOnce(e.ctx, e.key("k"), bytes.Repeat([]byte("x"), limiter.MaxFlagBytes+1), time.Minute); err == nil {
			t.Error("SetOnce with a value over MaxFlagBytes: no error")
		}
		if _, _, err := e.l.Get(e.ctx, ""); err == nil {
			t.Error("Get with an empty key: no error")
		}
		if err := e.l.Delete(e.ctx, ""); err == nil {
			t.Error("Delete with an empty key: no error")
		}
		e.get(e.key("k"), "", false) // nothing was stored by the refused calls
	})

	t.Run("ConcurrentSetOnce", func(t *testing.T) {
		t.Parallel()
		e := setup(t, newLimiter)
		k := e.key("claim")
		var created atomic.Int64
		var wg sync.WaitGroup
		lives := make(chan string, 50)
		for i := range 50 {
			wg.Go(func() {
				live, c, err := e.l.SetOnce(e.ctx, k, []byte{byte('A' + i%26)}, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if c {
					created.Add(1)
				}
				lives <- string(live)
			})
		}
		wg.Wait()
		close(lives)
		first := ""
		for l := range lives {
			if first == "" {
				first = l
			}
			if l != first {
				t.Fatalf("concurrent SetOnce returned live values %q and %q; all must see the one stored", first, l)
			}
		}
		if created.Load() != 1 {
			t.Fatalf("50 concurrent SetOnce: %d stored, want exactly 1", created.Load())
		}
	})
}
