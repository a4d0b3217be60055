package mfahandler

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// fakeTransport answers every call with status (or err), after waiting for release when set.
type fakeTransport struct {
	status  int
	err     error
	release chan struct{}
	calls   int
}

func (f *fakeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	f.calls++
	if f.release != nil {
		select {
		case <-f.release:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	if f.err != nil {
		return nil, f.err
	}
	return &http.Response{StatusCode: f.status, Body: http.NoBody, Request: req}, nil
}

// TestBreaker covers the breaker's rules one by one (T59): five failures open it, the trial
// decides, calls cancelled by their own caller never count (one user must not be able to pause
// everyone), a trial that never reports is replaced, and a call admitted before the circuit
// opened cannot settle the trial.
func TestBreaker(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	call := func(b *breaker, ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://tenant.example/mfa/authenticators", nil)
		res, err := b.RoundTrip(req)
		if err == nil {
			_ = res.Body.Close()
		}
		return err
	}
	down := &fakeTransport{status: http.StatusServiceUnavailable}
	b := &breaker{next: down, now: clock}
	for i := range breakerFailures {
		if err := call(b, context.Background()); errors.Is(err, errCircuitOpen) {
			t.Fatalf("open after %d failures", i)
		}
	}
	if err := call(b, context.Background()); !errors.Is(err, errCircuitOpen) || down.calls != breakerFailures {
		t.Fatalf("after %d failures: %v, %d calls", breakerFailures, err, down.calls)
	}
	now = now.Add(breakerOpen)
	down.status = http.StatusOK
	if err := call(b, context.Background()); err != nil {
		t.Fatalf("trial: %v", err)
	}
	if err := call(b, context.Background()); err != nil {
		t.Fatalf("after a good trial: %v", err)
	}

	t.Run("cancelled calls do not count", func(t *testing.T) {
		tr := &fakeTransport{status: http.StatusOK, release: make(chan struct{})}
		b := &breaker{next: tr, now: clock}
		for range 2 * breakerFailures {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			_ = call(b, ctx)
		}
		close(tr.release)
		if err := call(b, context.Background()); err != nil {
			t.Fatalf("cancelled calls opened the circuit: %v", err)
		}
	})
	t.Run("a hung trial is replaced", func(t *testing.T) {
		tr := &fakeTransport{status: http.StatusServiceUnavailable}
		b := &breaker{next: tr, now: clock}
		for range breakerFailures {
			_ = call(b, context.Background())
		}
		now = now.Add(breakerOpen)
		id, err := b.admit() // the trial, which never reports
		if err != nil || id == 0 {
			t.Fatalf("no trial admitted: %v", err)
		}
		if err := call(b, context.Background()); !errors.Is(err, errCircuitOpen) {
			t.Fatalf("a second call during the trial: %v", err)
		}
		now = now.Add(breakerOpen)
		tr.status = http.StatusOK
		if err := call(b, context.Background()); err != nil {
			t.Fatalf("no new trial after a hung one: %v", err)
		}
		b.record(id, false, true) // the hung trial reports late: ignored
		if err := call(b, context.Background()); err != nil {
			t.Fatalf("a late report of the replaced trial reopened the circuit: %v", err)
		}
	})
}
