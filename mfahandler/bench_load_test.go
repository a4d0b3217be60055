package mfahandler_test

// BenchmarkListPageLoad is the load benchmark: the list page behind scs over real loopback
// sockets (app and tenant), many clients at once, selfmfa next to the same-markup baseline.
// It is a separate command, not part of the test run:
//
//	go test -run '^$' -bench ListPageLoad -benchtime 4000x ./mfahandler/
//
// Goals: x-throughput ≥ 0.75, x-p99 ≤ 1.5, and upstream-conns (new connections from selfmfa
// to the tenant, counted from the first request at that concurrency) ≤ clients + 5.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/mfahandler"
)

// countingClient is mfahandler.DefaultHTTPClient whose dials are counted.
func countingClient(dials *atomic.Int64) *http.Client {
	c := mfahandler.DefaultHTTPClient()
	t := c.Transport.(*http.Transport).Clone()
	dial := t.DialContext
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return dial(ctx, network, addr)
	}
	c.Transport = t
	return c
}

// loadResult is one side's run at one concurrency.
type loadResult struct {
	n         int
	elapsed   time.Duration
	latencies []time.Duration
}

func (r loadResult) throughput() float64 { return float64(r.n) / r.elapsed.Seconds() }

func (r loadResult) p(q float64) time.Duration {
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// runLoad sends n GETs of path to the app with clients concurrent clients.
func runLoad(b *testing.B, client *http.Client, url, cookie string, n, clients int) loadResult {
	var next atomic.Int64
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header.Set("Cookie", cookie)
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
				lat[i] = time.Since(t0)
				if res.StatusCode != http.StatusOK {
					b.Errorf("%s: %d", url, res.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	return loadResult{n: n, elapsed: time.Since(start), latencies: lat}
}

func BenchmarkListPageLoad(b *testing.B) {
	var dials, baseDials atomic.Int64
	st := newBenchStackWith(b, func(handler bool) *http.Client {
		if handler {
			return countingClient(&dials)
		}
		return countingClient(&baseDials)
	})
	app := httptest.NewServer(st.app)
	b.Cleanup(app.Close)
	browser := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	sides := []side{sideSelfmfa(), sideBaselineMarkup()}
	for _, clients := range []int{16, 64} {
		dials.Store(0) // the testing package may run the sub-benchmark more than once
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			for _, s := range sides { // warm-up: pages checked, pools grown to this concurrency
				runLoad(b, browser, app.URL+s.list, st.cookie, 2*clients, clients)
			}
			// The sides alternate in rounds, so both meet the same machine noise.
			res := make([]loadResult, len(sides))
			rounds := 4
			per := max(clients, b.N/rounds)
			b.ResetTimer()
			for range rounds {
				for i, s := range sides {
					r := runLoad(b, browser, app.URL+s.list, st.cookie, per, clients)
					res[i].n += r.n
					res[i].elapsed += r.elapsed
					res[i].latencies = append(res[i].latencies, r.latencies...)
				}
			}
			b.StopTimer()
			self, base := res[0], res[1]
			b.ReportMetric(self.throughput(), "selfmfa-req/s")
			b.ReportMetric(base.throughput(), "baseline-req/s")
			b.ReportMetric(self.throughput()/base.throughput(), "x-throughput")
			b.ReportMetric(float64(self.p(0.99))/float64(base.p(0.99)), "x-p99")
			b.ReportMetric(float64(self.p(0.99).Microseconds()), "selfmfa-p99-µs")
			b.ReportMetric(float64(base.p(0.99).Microseconds()), "baseline-p99-µs")
			// New connections from selfmfa to the tenant at this concurrency, warm-up included.
			b.ReportMetric(float64(dials.Load()), "upstream-conns")
		})
	}
}
