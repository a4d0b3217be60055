package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/selfmfa/selfmfa/auth0test"
)

// Two instances on one Redis share users' state: a session signed in on one is signed in on
// the other, and so is selfmfa's step-up token; attempt limits are kept in Redis too.
func TestInstancesShareStateThroughRedis(t *testing.T) {
	t.Parallel()
	redisURL := "redis://" + startRedis(t) + "/0"
	clk := newClock()
	emu := auth0test.RunT(t, auth0test.WithClock(clk.Now), auth0test.WithSigningKey(testKey()), auth0test.WithUsers(demoUsers...))
	a := start(t, clk, Config{Tenant: emu, RedisURL: redisURL})
	b := start(t, clk, Config{Tenant: emu, RedisURL: redisURL})

	br := newBrowser(t) // one jar: cookies are per host, not per port, so both instances get "session"
	br.signIn(a, aliceEmail, alicePassword)
	if p := br.get(b.URL + "/account"); p.status != http.StatusOK || !strings.Contains(p.body, "Alice Demo") {
		t.Fatalf("instance B after signing in on A: %d:\n%s", p.status, p.body)
	}

	// The step-up through B leaves the MFA token in the shared session: A lists without one.
	if p := br.follow(br.get(b.URL + "/account/mfa/")); p.url.String() != b.URL+"/account/mfa/" || p.status != http.StatusOK {
		t.Fatalf("step-up through B ended at %s (%d)", p.url, p.status)
	}
	if p := br.get(a.URL + "/account/mfa/"); p.status != http.StatusOK {
		t.Errorf("A after the step-up on B: %d, want the list without a new step-up", p.status)
	}
	if p := br.follow(br.post(a.URL+"/account/mfa/enroll/totp", url.Values{})); p.status != http.StatusOK {
		t.Fatalf("starting an enrollment on A: %d", p.status)
	}

	conn, err := redis.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(redisURL, "redis://"), "/0"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, pattern := range []string{"scs:session:*", "selfmfa:limiter:*"} {
		keys, err := redis.Strings(conn.Do("KEYS", pattern))
		if err != nil || len(keys) == 0 {
			t.Errorf("Redis keys %s: %q, %v; want some", pattern, keys, err)
		}
	}
}

func TestRedisUnreachable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := Config{Addr: "127.0.0.1:0", TenantAddr: "127.0.0.1:0", Logger: testLogger(t),
		RedisURL: "redis://:pa55word@" + addr + "/0", EmulatorOptions: []auth0test.Option{auth0test.WithSigningKey(testKey())}}
	inst, err := Start(context.Background(), cfg)
	if err == nil {
		inst.Close()
		t.Fatal("Start with an unreachable Redis succeeded")
	}
	if !strings.Contains(err.Error(), "Redis at") || strings.Contains(err.Error(), "pa55word") {
		t.Errorf("error %q, want one naming Redis without its password", err)
	}
}

// --- a real redis-server per test (as in example/redislimit) ---------------------------------

// startRedis starts redis-server from PATH on a free loopback port, without persistence, and
// stops it when the test ends. A missing redis-server fails the test.
func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server is not on PATH (%v). These tests need a real Redis: run scripts/test.sh, which installs it (Debian/Ubuntu: apt-get install redis-server).", err)
	}
	var lastErr error
	for range 5 { // the free port can be taken between choosing it and redis binding it
		addr, err := tryStartRedis(t, bin)
		if err == nil {
			return addr
		}
		lastErr = err
	}
	t.Fatalf("could not start redis-server: %v", lastErr)
	return ""
}

func tryStartRedis(t *testing.T, bin string) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	w := &readyWriter{ready: make(chan struct{})}
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", t.TempDir())
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return "", err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	timer := time.NewTimer(20 * time.Second) // waits for the log line; no polling
	defer timer.Stop()
	select {
	case <-w.ready:
	case err := <-exited:
		return "", fmt.Errorf("redis-server exited before it was ready (%v):\n%s", err, w.String())
	case <-timer.C:
		_ = cmd.Process.Kill()
		<-exited
		return "", errors.New("redis-server did not become ready within 20s")
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
	return "127.0.0.1:" + strconv.Itoa(port), nil
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
