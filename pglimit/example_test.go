package pglimit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/pglimit"
)

func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn) // dsn: the host's database (here the test server)
	if err != nil {
		panic(err)
	}
	defer pool.Close()
	lim, err := pglimit.New(pool, pglimit.WithTablePrefix("example_"))
	if err != nil {
		panic(err)
	}
	defer lim.Close()
	if err := lim.CreateTables(ctx); err != nil {
		panic(err)
	}

	codes := limiter.Rule{Name: "mfa.code", Burst: 2, Refill: 6 * time.Minute}
	for range 3 {
		d, err := lim.Take(ctx, "auth0|user-1", codes)
		if err != nil {
			panic(err) // fail closed
		}
		fmt.Println("allowed:", d.Allowed, "remaining:", d.Remaining)
	}

	unlock, _ := lim.Lock(ctx, "enroll:auth0|user-1", 2*time.Minute)
	_, err = lim.Lock(ctx, "enroll:auth0|user-1", 2*time.Minute)
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
