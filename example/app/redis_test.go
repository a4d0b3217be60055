package app

import (
	"context"
	"github.com/selfmfa/selfmfa/redislimit/redistest"
	"net"
	"net/http"
	"net/url"
	"strings"
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

// startRedis starts a real redis-server for the test (see redislimit/redistest).
func startRedis(t *testing.T) string {
	t.Helper()
	addr, _ := redistest.Start(t)
	return addr
}

// TestPolicyDeadlineSharedThroughRedis: the policy's deadline lives in the shared limiter, not
// the session: a second browser (a session of its own) signed in on the other instance three
// days later is shown the same date.
func TestPolicyDeadlineSharedThroughRedis(t *testing.T) {
	t.Parallel()
	redisURL := "redis://" + startRedis(t) + "/0"
	clk := newClock()
	emu := auth0test.RunT(t, auth0test.WithClock(clk.Now), auth0test.WithSigningKey(testKey()), auth0test.WithUsers(demoUsers...))
	a := start(t, clk, Config{Tenant: emu, RedisURL: redisURL})
	b := start(t, clk, Config{Tenant: emu, RedisURL: redisURL})
	deadlineOn := func(p page) string {
		_, rest, ok := strings.Cut(p.body, `class="mfa-nudge`)
		if !ok {
			return ""
		}
		_, rest, _ = strings.Cut(rest, `<time datetime="`)
		d, _, _ := strings.Cut(rest, `"`)
		return d
	}
	first := newBrowser(t)
	first.signIn(a, aliceEmail, alicePassword)
	want := deadlineOn(first.get(a.URL + "/account"))
	if want != clk.Now().Add(PolicyGrace).Format("2006-01-02") {
		t.Fatalf("the nudge's deadline on A: %q", want)
	}
	clk.Advance(3 * 24 * time.Hour)
	second := newBrowser(t)
	second.signIn(b, aliceEmail, alicePassword)
	if got := deadlineOn(second.get(b.URL + "/account")); got != want {
		t.Fatalf("a second browser on B three days later: deadline %q, want %q", got, want)
	}
	conn, err := redis.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(redisURL, "redis://"), "/0"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if keys, err := redis.Strings(conn.Do("KEYS", "*deadline:*")); err != nil || len(keys) != 1 {
		t.Errorf("the deadline in Redis: %q, %v", keys, err)
	}
}
