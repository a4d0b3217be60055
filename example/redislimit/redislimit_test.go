package redislimit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/selfmfa/selfmfa/example/redislimit"
	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/limiter/limitertest"
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

// startRedisStoppable starts redis-server from PATH on a free loopback port, without
// persistence, and stops it when the test ends (or when stop is called). A missing
// redis-server fails the test: the project's test script installs it.
func startRedisStoppable(t *testing.T) (addr string, stop func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is not on PATH (%v). These tests need a real Redis: run scripts/test.sh, which installs it (Debian/Ubuntu: apt-get install redis-server).", err)
	}
	var lastErr error
	for range 5 { // the free port can be taken between choosing it and redis binding it
		addr, stop, err := tryStartRedis(t, bin)
		if err == nil {
			return addr, stop
		}
		lastErr = err
	}
	t.Fatalf("could not start redis-server: %v", lastErr)
	return "", nil
}

func tryStartRedis(t *testing.T, bin string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	w := &readyWriter{ready: make(chan struct{})}
	cmd := exec.Command(bin,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no",
		"--dir", t.TempDir(), "--loglevel", "notice")
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Kill()
			<-exited
		}
	}

	// Wait for "Ready to accept connections" in the log rather than polling with sleeps.
	timer := time.NewTimer(20 * time.Second)
	defer timer.Stop()
	select {
	case <-w.ready:
	case err := <-exited:
		stopped = true
		return "", nil, fmt.Errorf("redis-server exited before it was ready (%v):\n%s", err, w.String())
	case <-timer.C:
		stop()
		return "", nil, errors.New("redis-server did not become ready within 20s")
	}
	t.Cleanup(stop)
	return "127.0.0.1:" + strconv.Itoa(port), stop, nil
}

// readyWriter collects redis-server's log and closes ready at "Ready to accept connections".
type readyWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan struct{}
	done  bool
}

func (w *readyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() < 64<<10 {
		w.buf.Write(p)
	}
	if !w.done && bytes.Contains(w.buf.Bytes(), []byte("Ready to accept connections")) {
		w.done = true
		close(w.ready)
	}
	return len(p), nil
}

func (w *readyWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
