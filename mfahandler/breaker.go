package mfahandler

import (
	"errors"
	"net/http"
	"sync"
	"time"
)

// The circuit breaker in front of Auth0 (security catalogue T59): after breakerFailures
// failed calls (no answer, or a 5xx) within breakerWindow, calls fail at once for breakerOpen,
// so users get a fast "try again in a minute" instead of waiting for timeouts, and a struggling
// tenant is not hammered. Then one trial call is let through: success closes the circuit,
// failure opens it again. 4xx answers (a wrong code, a refused token, 429) are Auth0 working.
const (
	breakerFailures = 5
	breakerWindow   = 30 * time.Second
	breakerOpen     = 30 * time.Second
)

// errCircuitOpen is returned, without a network call, while the circuit is open.
var errCircuitOpen = errors.New("mfahandler: Auth0 failed repeatedly; calls are paused for a moment (circuit open)")

// breaker is an http.RoundTripper that opens the circuit as described above. One per Handler.
type breaker struct {
	next http.RoundTripper
	now  func() time.Time

	mu        sync.Mutex
	failures  []time.Time // within the window
	openUntil time.Time
	trial     bool // a half-open trial call is in flight
}

func (b *breaker) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := b.admit(); err != nil {
		if req.Body != nil {
			_ = req.Body.Close() // RoundTrippers must close the body, even on error
		}
		return nil, err
	}
	res, err := b.next.RoundTrip(req)
	b.record(err != nil || res.StatusCode >= 500)
	return res, err
}

func (b *breaker) admit() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openUntil.IsZero() {
		return nil
	}
	if b.now().Before(b.openUntil) || b.trial {
		return errCircuitOpen
	}
	b.trial = true // half-open: this call decides
	return nil
}

func (b *breaker) record(failed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if b.trial {
		b.trial = false
		if failed {
			b.openUntil = now.Add(breakerOpen)
			return
		}
		b.openUntil, b.failures = time.Time{}, nil
		return
	}
	if !failed {
		b.failures = b.failures[:0]
		return
	}
	kept := b.failures[:0]
	for _, t := range b.failures {
		if now.Sub(t) < breakerWindow {
			kept = append(kept, t)
		}
	}
	b.failures = append(kept, now)
	if len(b.failures) >= breakerFailures {
		b.openUntil, b.failures = now.Add(breakerOpen), nil
	}
}
