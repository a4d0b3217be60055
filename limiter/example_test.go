package limiter_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/limiter/limitertest"
)

func ExampleMemory_Take() {
	ctx := context.Background()
	clock := limitertest.NewClock(limitertest.Start)
	lim := limiter.NewMemory(limiter.WithClock(clock.Now))
	codes := limiter.Rule{Name: "mfa.code", Burst: 3, Refill: 6 * time.Minute}

	for range 4 {
		d, _ := lim.Take(ctx, "auth0|user-1", codes)
		fmt.Printf("allowed=%v remaining=%d retry=%v\n", d.Allowed, d.Remaining, d.RetryAfter)
	}
	clock.Advance(6 * time.Minute)
	d, _ := lim.Take(ctx, "auth0|user-1", codes)
	fmt.Printf("after 6m: allowed=%v\n", d.Allowed)
	// Output:
	// allowed=true remaining=2 retry=0s
	// allowed=true remaining=1 retry=0s
	// allowed=true remaining=0 retry=0s
	// allowed=false remaining=0 retry=6m0s
	// after 6m: allowed=true
}

func ExampleMemory_Lock() {
	ctx := context.Background()
	lim := limiter.NewMemory()

	unlock, err := lim.Lock(ctx, "enroll:auth0|user-1", 2*time.Minute)
	if err != nil {
		panic(err)
	}
	_, err = lim.Lock(ctx, "enroll:auth0|user-1", 2*time.Minute)
	fmt.Println("second window:", errors.Is(err, limiter.ErrLocked))
	unlock()
	unlock() // idempotent
	_, err = lim.Lock(ctx, "enroll:auth0|user-1", 2*time.Minute)
	fmt.Println("after unlock:", err)
	// Output:
	// second window: true
	// after unlock: <nil>
}
