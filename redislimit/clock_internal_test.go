package redislimit

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/redislimit/redistest"
)

// By default the scripts get no client time and compute every deadline from the server's
// TIME, so instances with skewed clocks still agree. (Client and server share this machine's
// clock, so the check is twofold: no client time is sent, and the deadlines the scripts store
// fall within the server's TIME taken just before and just after the call.)
func TestDefaultClockIsTheServers(t *testing.T) {
	t.Parallel()
	addr, _ := redistest.Start(t)
	pool := &redis.Pool{DialContext: func(ctx context.Context) (redis.Conn, error) {
		return redis.DialContext(ctx, "tcp", addr)
	}}
	t.Cleanup(func() { pool.Close() })
	l := New(pool, WithPrefix("p:"))
	if arg := l.clockArg(); arg != "" {
		t.Fatalf("default limiter sends the client time %q to the scripts; want the server's clock", arg)
	}
	conn := pool.Get()
	defer conn.Close()
	serverMillis := func() int64 {
		t.Helper()
		v, err := redis.Int64s(conn.Do("TIME"))
		if err != nil || len(v) != 2 {
			t.Fatalf("TIME: %v %v", v, err)
		}
		return v[0]*1000 + v[1]/1000
	}
	field := func(key, f string) int64 {
		t.Helper()
		s, err := redis.String(conn.Do("HGET", key, f))
		if err != nil {
			t.Fatalf("HGET %s %s: %v", key, f, err)
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	ctx := t.Context()
	const ttl = time.Hour
	tests := []struct {
		name string
		do   func() error
		read func() int64 // the stored deadline
	}{
		{"lock", func() error { _, err := l.Lock(ctx, "k", ttl); return err }, func() int64 { return field("p:l:k", "exp") }},
		{"flag", func() error { _, _, err := l.SetOnce(ctx, "k", []byte("v"), ttl); return err }, func() int64 { return field("p:f:k", "exp") }},
		{"bucket", func() error {
			_, err := l.Take(ctx, "k", limiter.Rule{Name: "r", Burst: 10, Refill: ttl})
			return err
		}, func() int64 {
			n, err := redis.Int64(conn.Do("GET", "p:b:1:r:k"))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}},
	}
	for _, tt := range tests {
		before := serverMillis()
		if err := tt.do(); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		after := serverMillis()
		got := tt.read() - ttl.Milliseconds()
		if got < before || got > after {
			t.Errorf("%s: stored deadline minus ttl = %d, want the server's time in [%d, %d]", tt.name, got, before, after)
		}
	}
}
