package redislimit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/redislimit"
)

func Example() {
	ctx := context.Background()
	pool := &redis.Pool{
		DialContext: func(ctx context.Context) (redis.Conn, error) {
			return redis.DialContext(ctx, "tcp", exampleAddr) // the host's Redis, e.g. "redis:6379"
		},
		MaxIdle: 16, MaxActive: 64, Wait: true,
	}
	defer pool.Close()
	lim := redislimit.New(pool, redislimit.WithPrefix("example:")) // pass lim to mfahandler.WithLimiter

	codes := limiter.Rule{Name: "mfa.code", Burst: 2, Refill: 6 * time.Minute}
	for range 3 {
		d, err := lim.Take(ctx, "auth0|user-1", codes)
		if err != nil {
			panic(err) // fail closed
		}
		fmt.Println("allowed:", d.Allowed, "remaining:", d.Remaining)
	}

	unlock, _ := lim.Lock(ctx, "enroll:auth0|user-1", 2*time.Minute)
	_, err := lim.Lock(ctx, "enroll:auth0|user-1", 2*time.Minute)
	fmt.Println("second window locked out:", errors.Is(err, limiter.ErrLocked))
	unlock()

	_, created, _ := lim.SetOnce(ctx, "ended:enrollment-1", []byte("confirmed"), 20*time.Minute)
	live, again, _ := lim.SetOnce(ctx, "ended:enrollment-1", []byte("cancelled"), 20*time.Minute)
	fmt.Printf("first claim: %v; second: %v, live value %q\n", created, again, live)
	// Output:
	// allowed: true remaining: 1
	// allowed: true remaining: 0
	// allowed: false remaining: 0
	// second window locked out: true
	// first claim: true; second: false, live value "confirmed"
}
