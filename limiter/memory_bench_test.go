package limiter_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/limiter/limitertest"
)

// BenchmarkMemoryAt100kKeys measures the latency of single calls on a Memory holding 100k keys
// (its default bound), reporting the mean and the worst call of each run: worst-ns/call is the
// stall one unlucky request sees. Run it with a fixed iteration count, for example
//
//	go test -run '^$' -bench MemoryAt100kKeys -benchtime 5x -count 6 ./limiter/
//
// steady: 50k live flags and 50k live buckets; each call spends from a bucket and moves the clock
// one second, so a once-a-minute sweep would run every 60 calls. Each iteration is 600 calls.
//
// mass-expiry: 100k flags that all expire at the same instant; each iteration fills them
// (untimed), moves the clock past their ttl and times the next 1000 calls.
func BenchmarkMemoryAt100kKeys(b *testing.B) {
	const keys = 100_000
	ctx := b.Context()
	rule := limiter.Rule{Name: "bench", Burst: 1, Refill: 10_000 * time.Hour}
	names := make([]string, keys)
	for i := range names {
		names[i] = fmt.Sprint("auth0|user-", i)
	}

	b.Run("steady", func(b *testing.B) {
		const calls = 600
		clock := limitertest.NewClock(limitertest.Start)
		m := limiter.NewMemory(limiter.WithClock(clock.Now), limiter.WithMaxKeys(keys))
		for i, n := range names {
			var err error
			if i%2 == 0 {
				_, _, err = m.SetOnce(ctx, n, []byte("ended"), 10_000*time.Hour)
			} else {
				_, err = m.Take(ctx, n, rule)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		var worst, total time.Duration
		next := 1
		b.ResetTimer()
		for b.Loop() {
			for range calls {
				clock.Advance(time.Second)
				start := time.Now()
				_, err := m.Take(ctx, names[next], rule)
				d := time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				total += d
				worst = max(worst, d)
				next = (next + 2) % keys
			}
		}
		report(b, total, worst, b.N*calls)
		if n := m.Len(); n != keys {
			b.Fatalf("Len = %d, want %d live keys kept", n, keys)
		}
	})

	b.Run("mass-expiry", func(b *testing.B) {
		const calls = 1000
		var worst, total time.Duration
		for b.Loop() {
			b.StopTimer()
			clock := limitertest.NewClock(limitertest.Start)
			m := limiter.NewMemory(limiter.WithClock(clock.Now), limiter.WithMaxKeys(keys))
			for _, n := range names {
				if _, _, err := m.SetOnce(ctx, n, []byte("ended"), time.Minute); err != nil {
					b.Fatal(err)
				}
			}
			clock.Advance(2 * time.Minute)
			b.StartTimer()
			for i := range calls {
				start := time.Now()
				_, err := m.Take(ctx, names[i], rule)
				d := time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				total += d
				worst = max(worst, d)
			}
		}
		report(b, total, worst, b.N*calls)
	})
}

func report(b *testing.B, total, worst time.Duration, calls int) {
	b.ReportMetric(float64(total.Nanoseconds())/float64(calls), "mean-ns/call")
	b.ReportMetric(float64(worst.Nanoseconds()), "worst-ns/call")
}
