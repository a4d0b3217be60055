package mfahandler_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/mfahandler"
)

// callers is how many goroutines call the upstream at once.
const callers = 64

// newConnections counts the connections a client opens for five rounds of 64 concurrent calls.
func newConnections(t *testing.T, c *http.Client) int64 {
	t.Helper()
	var opened atomic.Int64
	var mu sync.Mutex
	inRound, release := 0, make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		wait := release
		if inRound++; inRound == callers {
			close(release)
			inRound, release = 0, make(chan struct{})
		}
		mu.Unlock()
		select {
		case <-wait:
		case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
		}
		_, _ = io.WriteString(w, "[]")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	// Five rounds; each round's 64 calls are in flight together (the upstream's barrier), and
	// a round starts once the previous one has returned every connection to the pool.
	for range 5 {
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				res, err := c.Get(srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				_ = res.Body.Close()
			})
		}
		wg.Wait()
	}
	return opened.Load()
}

// TestDefaultClientReusesConnections: under 64 concurrent callers the default client opens
// about one connection per caller (each a TLS handshake against Auth0), not one per call.
func TestDefaultClientReusesConnections(t *testing.T) {
	t.Parallel()
	if n := newConnections(t, mfahandler.DefaultHTTPClient()); n > callers+5 {
		t.Errorf("the default client opened %d connections for 320 calls by 64 callers; want at most 69", n)
	}
	// The yardstick: Go's default transport keeps 2 idle connections per host.
	plain := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	if n := newConnections(t, plain); n <= callers+5 {
		t.Errorf("Go's default transport opened only %d connections; the test no longer tells a small pool apart", n)
	}
}
