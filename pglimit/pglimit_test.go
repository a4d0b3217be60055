package pglimit_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/limiter/limitertest"
	"github.com/selfmfa/selfmfa/pglimit"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	newLimiter(t, pool) // the tables
	limitertest.TestLimiter(t, func(t *testing.T, now func() time.Time) limiter.Limiter {
		l, err := pglimit.New(pool, pglimit.WithClock(now), pglimit.WithCleanupInterval(0))
		if err != nil {
			t.Fatal(err)
		}
		return l
	})
}

// Two app instances (two pools, two Limiter values) on one database share buckets, locks and
// flags; another table prefix is another namespace.
func TestInstancesShareState(t *testing.T) {
	t.Parallel()
	clock := limitertest.NewClock(limitertest.Start)
	a := newLimiter(t, newPool(t), pglimit.WithClock(clock.Now), pglimit.WithTablePrefix("shared_"))
	b := newLimiter(t, newPool(t), pglimit.WithClock(clock.Now), pglimit.WithTablePrefix("shared_"))
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
	for _, l := range []*pglimit.Limiter{a, b} {
		if d, err := l.Take(ctx, "user-1", rule); err != nil || d.Allowed || d.RetryAfter != 6*time.Minute {
			t.Fatalf("take after the shared burst: %+v, %v; want denied, RetryAfter 6m", d, err)
		}
	}
	unlock, err := a.Lock(ctx, "user-1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Lock(ctx, "user-1", time.Minute); !errors.Is(err, limiter.ErrLocked) {
		t.Fatalf("lock on b while a holds it: err = %v, want ErrLocked", err)
	}
	unlock()
	if _, created, err := a.SetOnce(ctx, "ended:e1", []byte("a"), time.Minute); err != nil || !created {
		t.Fatal(created, err)
	}
	if live, created, err := b.SetOnce(ctx, "ended:e1", []byte("b"), time.Minute); err != nil || created || string(live) != "a" {
		t.Fatalf("SetOnce on b after a: %q %v %v; want a's value", live, created, err)
	}

	c := newLimiter(t, newPool(t), pglimit.WithClock(clock.Now), pglimit.WithTablePrefix("other_"))
	if d, err := c.Take(ctx, "user-1", rule); err != nil || d.Remaining != 9 {
		t.Fatalf("take under another prefix: %+v, %v", d, err)
	}
	if _, ok, err := c.Get(ctx, "ended:e1"); err != nil || ok {
		t.Fatalf("flag under another prefix: %v %v", ok, err)
	}
}

// By default the statements use the database server's clock: two instances whose own clocks
// disagree by an hour (one of them configured with a clock an hour behind) still see one
// deadline. The lock taken on the server's clock is live for the default limiter, and the one
// written with the skewed clock has already expired by the server's clock.
func TestDefaultClockIsTheServers(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	server := newLimiter(t, pool, pglimit.WithTablePrefix("clock_"))
	skewed := newLimiter(t, pool, pglimit.WithTablePrefix("clock_"),
		pglimit.WithClock(func() time.Time { return time.Now().Add(-time.Hour) }))
	ctx := t.Context()

	if _, err := skewed.Lock(ctx, "k", time.Minute); err != nil { // expires at server time - 59 min
		t.Fatal(err)
	}
	unlock, err := server.Lock(ctx, "k", time.Minute)
	if err != nil {
		t.Fatalf("the default limiter did not read the lock's deadline on the server's clock: %v", err)
	}
	defer unlock()
	if _, err := server.Lock(ctx, "k", time.Minute); !errors.Is(err, limiter.ErrLocked) {
		t.Fatalf("second lock on the server's clock: %v, want ErrLocked", err)
	}

	var serverNow time.Time
	if err := pool.QueryRow(ctx, "SELECT now()").Scan(&serverNow); err != nil {
		t.Fatal(err)
	}
	var exp int64
	if err := pool.QueryRow(ctx, "SELECT expires_us FROM clock_locks WHERE name = $1", []byte("k")).Scan(&exp); err != nil {
		t.Fatal(err)
	}
	if got := time.UnixMicro(exp).Sub(serverNow); got < 50*time.Second || got > 70*time.Second {
		t.Fatalf("deadline is %v after the server's now(), want about the 1 minute ttl", got)
	}
	if d, err := server.Take(ctx, "k", limiter.Rule{Name: "r", Burst: 1, Refill: time.Hour}); err != nil || !d.Allowed {
		t.Fatalf("Take on the server's clock: %+v, %v", d, err)
	}
	if _, created, err := server.SetOnce(ctx, "k", nil, time.Hour); err != nil || !created {
		t.Fatalf("SetOnce on the server's clock: %v, %v", created, err)
	}
	if _, ok, err := server.Get(ctx, "k"); err != nil || !ok {
		t.Fatalf("Get on the server's clock: %v, %v", ok, err)
	}
}

// Cleanup deletes refilled buckets and expired locks and flags, and nothing live.
func TestCleanup(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	clock := limitertest.NewClock(limitertest.Start)
	l := newLimiter(t, pool, pglimit.WithClock(clock.Now), pglimit.WithTablePrefix("cleanup_"))
	ctx := t.Context()
	short := limiter.Rule{Name: "short", Burst: 1, Refill: time.Minute}
	long := limiter.Rule{Name: "long", Burst: 1, Refill: time.Hour}
	for i := range 1500 { // more than one batch
		key := fmt.Sprint("u", i)
		if _, err := l.Take(ctx, key, short); err != nil {
			t.Fatal(err)
		}
		if _, _, err := l.SetOnce(ctx, key, []byte("short"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Take(ctx, "keep", long); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.SetOnce(ctx, "keep", []byte("long"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Lock(ctx, "keep", time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Lock(ctx, "gone", time.Minute); err != nil {
		t.Fatal(err)
	}
	if n, err := l.Cleanup(ctx); err != nil || n != 0 {
		t.Fatalf("Cleanup before anything expired: %d, %v; want 0", n, err)
	}
	clock.Advance(time.Minute)
	n, err := l.Cleanup(ctx)
	if err != nil || n != 3001 {
		t.Fatalf("Cleanup = %d, %v; want 1500 buckets + 1500 flags + 1 lock", n, err)
	}
	if v, ok, err := l.Get(ctx, "keep"); err != nil || !ok || string(v) != "long" {
		t.Fatalf("live flag after cleanup: %q %v %v", v, ok, err)
	}
	if d, err := l.Take(ctx, "keep", long); err != nil || d.Allowed {
		t.Fatalf("live bucket after cleanup: %+v, %v; want still spent", d, err)
	}
	if _, err := l.Lock(ctx, "keep", time.Hour); !errors.Is(err, limiter.ErrLocked) {
		t.Fatalf("live lock after cleanup: %v", err)
	}
	var rows int
	if err := pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM cleanup_buckets) + (SELECT count(*) FROM cleanup_locks) + (SELECT count(*) FROM cleanup_flags)").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 3 {
		t.Fatalf("%d rows left, want the 3 live ones", rows)
	}
}

// The background cleanup runs on its own and stops with Close.
func TestBackgroundCleanup(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	clock := limitertest.NewClock(limitertest.Start)
	setup := newLimiter(t, pool, pglimit.WithClock(clock.Now), pglimit.WithTablePrefix("bg_"))
	ctx := t.Context()
	if _, _, err := setup.SetOnce(ctx, "f", nil, time.Minute); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	l, err := pglimit.New(pool, pglimit.WithClock(clock.Now), pglimit.WithTablePrefix("bg_"), pglimit.WithCleanupInterval(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	deadline := time.After(30 * time.Second)
	for {
		var n int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM bg_flags").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		select {
		case <-deadline:
			t.Fatal("the background cleanup did not delete the expired flag within 30 s")
		case <-time.After(10 * time.Millisecond): // polling a real server; no fixed sleep decides the outcome
		}
	}
	l.Close()
	l.Close() // idempotent
}

// An unreachable database gives errors (callers fail closed), never a panic or a silent allow;
// a failed unlock is logged without the lock name.
func TestServerDown(t *testing.T) {
	t.Parallel()
	cfg, err := pgxpool.ParseConfig("host=/nonexistent-pglimit-test port=5432 user=postgres connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	l, err := pglimit.New(pool, pglimit.WithCleanupInterval(0))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	rule := limiter.Rule{Name: "r", Burst: 1, Refill: time.Second}
	if d, err := l.Take(ctx, "u", rule); err == nil || d.Allowed || !strings.HasPrefix(err.Error(), "pglimit: ") {
		t.Fatalf("Take on a down server: %+v, %v; want a pglimit error", d, err)
	}
	if _, err := l.Lock(ctx, "u", time.Second); err == nil || errors.Is(err, limiter.ErrLocked) {
		t.Fatalf("Lock on a down server: %v, want a connection error", err)
	}
	if _, _, err := l.SetOnce(ctx, "u", nil, time.Second); err == nil {
		t.Fatal("SetOnce on a down server: no error")
	}
	if _, _, err := l.Get(ctx, "u"); err == nil {
		t.Fatal("Get on a down server: no error")
	}
	if err := l.CreateTables(ctx); err == nil {
		t.Fatal("CreateTables on a down server: no error")
	}
}

func TestUnlockFailureLogged(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	var logs syncBuffer
	l := newLimiter(t, pool, pglimit.WithTablePrefix("unlock_"), pglimit.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	unlock, err := l.Lock(t.Context(), "user-secret-id", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	pool.Close()
	unlock()
	unlock()
	out := logs.String()
	if strings.Count(out, "unlock failed") != 1 || strings.Contains(out, "user-secret-id") {
		t.Fatalf("log = %q, want one unlock failure line without the lock name", out)
	}
}

// Keys are bytes: NUL and invalid UTF-8 work (PostgreSQL text would refuse them).
func TestBinaryKeys(t *testing.T) {
	t.Parallel()
	l := newLimiter(t, newPool(t), pglimit.WithTablePrefix("bin_"))
	ctx := t.Context()
	for _, k := range []string{"a\x00b", "\xff\xfe", "ключ"} {
		if _, created, err := l.SetOnce(ctx, k, []byte(k), time.Minute); err != nil || !created {
			t.Fatalf("SetOnce(%q): %v %v", k, created, err)
		}
		if v, ok, err := l.Get(ctx, k); err != nil || !ok || string(v) != k {
			t.Fatalf("Get(%q) = %q %v %v", k, v, ok, err)
		}
		if d, err := l.Take(ctx, k, limiter.Rule{Name: k, Burst: 1, Refill: time.Hour}); err != nil || !d.Allowed {
			t.Fatalf("Take(%q): %+v %v", k, d, err)
		}
	}
}

// CreateTables is idempotent and safe from several instances starting at once.
func TestCreateTablesConcurrently(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			l, err := pglimit.New(pool, pglimit.WithTablePrefix("race_"), pglimit.WithCleanupInterval(0))
			if err == nil {
				err = l.CreateTables(t.Context())
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewRefuses(t *testing.T) {
	t.Parallel()
	pool := newPool(t)
	for _, prefix := range []string{"", "Upper_", "x; DROP TABLE users; --", "1abc", "a-b", strings.Repeat("a", 42)} {
		if _, err := pglimit.New(pool, pglimit.WithTablePrefix(prefix)); err == nil {
			t.Errorf("New with table prefix %q: no error", prefix)
		}
	}
	if _, err := pglimit.New(nil); err == nil {
		t.Error("New(nil): no error")
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
