package mfahandler

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// The circuit breaker in front of Auth0 (security catalogue T59): after breakerFailures
// failed calls (no answer, or a 5xx) within breakerWindow, calls fail at once for breakerOpen,
// so users get a fast "try again in a minute" instead of waiting for timeouts, and a struggling
// tenant is not hammered. Then one trial call is let through: success closes the circuit,
// failure opens it again. 4xx answers (a wrong code, a refused token, 429) are Auth0 working,
// and a call its own caller cancelled says nothing about Auth0 (else one user dropping requests
// could pause everybody's).
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

	mu         sync.Mutex
	failures   []time.Time // within the window
	openUntil  time.Time
	trialSince time.Time // a half-open trial call is in flight since then (zero: none)
	trialID    uint64    // which call is the trial
	calls      uint64
}

func (b *breaker) RoundTrip(req *http.Request) (*http.Response, error) {
	id, err := b.admit()
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close() // RoundTrippers must close the body, even on error
		}
		return nil, err
	}
	res, err := b.next.RoundTrip(req)
	cancelled := err != nil && errors.Is(req.Context().Err(), context.Canceled)
	b.record(id, cancelled, err != nil || res.StatusCode >= 500)
	return res, err
}

// admit lets a call through, or answers errCircuitOpen. While open, the first call after
// breakerOpen becomes the trial; a trial that never reports (a hung call without a timeout)
// is replaced by a new one after another breakerOpen.
func (b *breaker) admit() (uint64, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls++
	id := b.calls
	if b.openUntil.IsZero() {
		return id, nil
	}
	now := b.now()
	if now.Before(b.openUntil) || (!b.trialSince.IsZero() && now.Sub(b.trialSince) < breakerOpen) {
		return 0, errCircuitOpen
	}
	b.trialSince, b.trialID = now, id // half-open: this call decides
	return id, nil
}

func (b *breaker) record(id uint64, cancelled, failed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if !b.openUntil.IsZero() {
		if id != b.trialID {
			return // a call admitted before the circuit opened: the trial decides
		}
		b.trialSince = time.Time{}
		switch {
		case cancelled:
			// No verdict: the next call after breakerOpen is a new trial.
		case failed:
			b.openUntil = now.Add(breakerOpen)
		default:
			b.openUntil, b.failures = time.Time{}, nil
		}
		return
	}
	if cancelled {
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
