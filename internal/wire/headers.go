package wire

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxRetryAfter bounds a server-sent Retry-After (and a wait derived from X-RateLimit-Reset).
const MaxRetryAfter = 24 * time.Hour

// RateLimit holds the X-RateLimit-* headers. Limit is 0 when the headers were absent.
type RateLimit struct {
	Limit     int       // X-RateLimit-Limit
	Remaining int       // X-RateLimit-Remaining
	Reset     time.Time // X-RateLimit-Reset (Unix epoch seconds); zero when absent
}

// ParseRateLimit reads X-RateLimit-Limit, -Remaining and -Reset. Values that are not
// non-negative integers (or, for Reset, a plausible epoch second) count as absent.
func ParseRateLimit(h http.Header) RateLimit {
	var rl RateLimit
	atoi := func(k string) int {
		n, err := strconv.Atoi(strings.TrimSpace(h.Get(k)))
		if err != nil || n < 0 {
			return 0
		}
		return n
	}
	rl.Limit = atoi("X-RateLimit-Limit")
	rl.Remaining = atoi("X-RateLimit-Remaining")
	if n, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-RateLimit-Reset")), 10, 64); err == nil && n > 0 && n < 1<<40 {
		rl.Reset = time.Unix(n, 0)
	}
	return rl
}

// ParseRetryAfter reads a Retry-After value (delay seconds or an HTTP date, relative to now),
// capped at MaxRetryAfter. Anything else, and a time in the past, is 0.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d, MaxRetryAfter)
		}
	}
	return 0
}

// UntilReset is the wait until rl.Reset, capped at MaxRetryAfter; 0 when Reset is absent or
// past.
func UntilReset(rl RateLimit, now time.Time) time.Duration {
	if rl.Reset.IsZero() {
		return 0
	}
	if d := rl.Reset.Sub(now); d > 0 {
		return min(d, MaxRetryAfter)
	}
	return 0
}
