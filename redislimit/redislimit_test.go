package redislimit_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/limiter/limitertest"
	"github.com/selfmfa/selfmfa/redislimit"
	"github.com/selfmfa/selfmfa/redislimit/redistest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	pool := startRedis(t)
	limitertest.TestLimiter(t, func(t *testing.T, now func() time.Time) limiter.Limiter {
		return redislimit.New(pool, redislimit.WithClock(now))
	})
}

// Two app instances (two pools, two Limiter values) on one server share buckets and locks.
func TestInstancesShareState(t *testing.T) {
	t.Parallel()
	addr := startRedisAddr(t)
	clock := limitertest.NewClock(limitertest.Start)
	a := redislimit.New(newPool(t, addr), redislimit.WithClock(clock.Now))
	b := redislimit.New(newPool(t, addr), redislimit.WithClock(clock.Now))
	ctx := t.Context()
	rule := limiter.Rule{Name: "mfa.code", Burst: 10, Refill: 6 * time.Minute}

	for i := range 10 {
		l := a
		if i%2 == 1 {
			l = b
		}
		if d, err := l.Take(ctx, "user-1", rule); err != nil || !d.Allowed || d.Remaining != 9-i {
			t.Fatalf("take %d: %+v, %v", i, d, err)
		}
	}
	for _, l := range []*redislimit.Limiter{a, b} {
		if d, err := l.Take(ctx, "user-1", rule); err != nil || d.Allowed || d.RetryAfter != 6*time.Minute {
			t.Fatalf("take after the shared burst: %+v, %v; want denied, RetryAfter 6m", d, err)
		}
	}
	if err := b.Reset(ctx, "user-1", rule); err != nil {
		t.Fatal(err)
	}
	if d, err := a.Take(ctx, "user-1", rule); err != nil || !d.Allowed || d.Remaining != 9 {
		t.Fatalf("take on a after reset on b: %+v, %v", d, err)
	}

	unlock, err := a.Lock(ctx, "user-1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Lock(ctx, "user-1", time.Minute); !errors.Is(err, limiter.ErrLocked) {
		t.Fatalf("lock on b while a holds it: err = %v, want ErrLocked", err)
	}
	unlock()
	unlockB, err := b.Lock(ctx, "user-1", time.Minute)
	if err != nil {
		t.Fatalf("lock on b after a unlocked: %v", err)
	}
	unlockB()

	// A different prefix is a different namespace.
	c := redislimit.New(newPool(t, addr), redislimit.WithClock(clock.Now), redislimit.WithPrefix("other:"))
	if d, err := c.Take(ctx, "user-1", rule); err != nil || d.Remaining != 9 {
		t.Fatalf("take under another prefix: %+v, %v", d, err)
	}
}

// Keys carry server-side expiries, so Redis memory stays bounded without a sweeper.
func TestKeysExpireOnServer(t *testing.T) {
	t.Parallel()
	addr := startRedisAddr(t)
	pool := newPool(t, addr)
	clock := limitertest.NewClock(limitertest.Start)
	l := redislimit.New(pool, redislimit.WithClock(clock.Now), redislimit.WithPrefix("p:"))
	ctx := t.Context()
	rule := limiter.Rule{Name: "r", Burst: 10, Refill: 6 * time.Minute}
	for range 3 {
		if _, err := l.Take(ctx, "u", rule); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Lock(ctx, "u", 90*time.Second); err != nil {
		t.Fatal(err)
	}
	conn := pool.Get()
	defer conn.Close()
	checkPTTL := func(key string, max time.Duration) {
		t.Helper()
		ms, err := redis.Int64(conn.Do("PTTL", key))
		if err != nil {
			t.Fatal(err)
		}
		if got := time.Duration(ms) * time.Millisecond; got <= max-time.Minute || got > max {
			t.Fatalf("PTTL %s = %v, want just under %v", key, got, max)
		}
	}
	checkPTTL("p:b:1:r:u", 3*6*time.Minute) // three tokens spent: full again in 18 min
	checkPTTL("p:l:u", 90*time.Second)
	keys, err := redis.Strings(conn.Do("KEYS", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Fatalf("keys on the server: %q, want exactly the bucket and the lock", keys)
	}
}

func TestRealClock(t *testing.T) {
	t.Parallel()
	l := redislimit.New(startRedis(t))
	d, err := l.Take(t.Context(), "u", limiter.Rule{Name: "r", Burst: 2, Refill: time.Hour})
	if err != nil || !d.Allowed || d.Remaining != 1 {
		t.Fatalf("Take with the real clock: %+v, %v", d, err)
	}
}

// An unreachable server gives errors (callers fail closed), never a panic or a silent allow;
// a failed unlock is logged without the lock name or token.
func TestServerDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens here now
	var logs bytes.Buffer
	l := redislimit.New(newPool(t, addr), redislimit.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	ctx := t.Context()
	rule := limiter.Rule{Name: "r", Burst: 1, Refill: time.Second}
	if d, err := l.Take(ctx, "u", rule); err == nil || d.Allowed {
		t.Fatalf("Take on a down server: %+v, %v; want an error", d, err)
	} else if !strings.HasPrefix(err.Error(), "redislimit: ") {
		t.Fatalf("error %q lacks the package prefix", err)
	}
	if err := l.Reset(ctx, "u", rule); err == nil {
		t.Fatal("Reset on a down server: no error")
	}
	if _, err := l.Lock(ctx, "u", time.Second); err == nil || errors.Is(err, limiter.ErrLocked) {
		t.Fatalf("Lock on a down server: err = %v, want a connection error", err)
	}
	if d, err := redislimit.New(nil).Take(ctx, "u", rule); err == nil {
		t.Fatalf("Take with a nil pool: %+v, no error", d)
	}
}

func TestUnlockFailureLogged(t *testing.T) {
	t.Parallel()
	addr, stop := startRedisStoppable(t)
	var logs bytes.Buffer
	clock := limitertest.NewClock(limitertest.Start)
	pool := &redis.Pool{DialContext: func(ctx context.Context) (redis.Conn, error) {
		return redis.DialContext(ctx, "tcp", addr)
	}} // no idle connections: every call dials
	t.Cleanup(func() { pool.Close() })
	l := redislimit.New(pool, redislimit.WithClock(clock.Now), redislimit.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	unlock, err := l.Lock(t.Context(), "user-secret-id", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	unlock()
	unlock() // idempotent: one attempt, one log line
	out := logs.String()
	if strings.Count(out, "unlock failed") != 1 {
		t.Fatalf("log = %q, want one unlock failure line", out)
	}
	if strings.Contains(out, "user-secret-id") {
		t.Fatalf("log names the lock key: %q", out)
	}
}

// --- a real redis-server per test ---------------------------------------------------------

func newPool(t *testing.T, addr string) *redis.Pool {
	t.Helper()
	p := &redis.Pool{
		DialContext: func(ctx context.Context) (redis.Conn, error) {
			return redis.DialContext(ctx, "tcp", addr,
				redis.DialConnectTimeout(2*time.Second),
				redis.DialReadTimeout(5*time.Second),
				redis.DialWriteTimeout(5*time.Second))
		},
		MaxIdle:   16,
		MaxActive: 64,
		Wait:      true,
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func startRedis(t *testing.T) *redis.Pool {
	t.Helper()
	return newPool(t, startRedisAddr(t))
}

func startRedisAddr(t *testing.T) string {
	t.Helper()
	addr, _ := startRedisStoppable(t)
	return addr
}

// startRedisStoppable starts a real redis-server (see package redistest); stop kills
// it early, to test an outage.
func startRedisStoppable(t *testing.T) (addr string, stop func()) {
	t.Helper()
	return redistest.Start(t)
}
