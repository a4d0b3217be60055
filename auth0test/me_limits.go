package auth0test

import (
	"net/http"
	"strconv"
	"time"
)

// The My Account API's per-user rate limits (reference §5.4).

// meRate is a kind of My Account request for the per-user limits.
type meRate int

const (
	meRead meRate = iota
	meWrite
	meFilteredRead
)

// meLimited takes one request from the user's bucket of that kind and sets the
// x-ratelimit-* headers; a 429 problem when it is empty.
func (s *Server) meLimited(w http.ResponseWriter, sub string, kind meRate) *problem {
	limit := s.mePlan.limit(kind)
	if limit <= 0 {
		return nil
	}
	now := s.clock.Now()
	s.mu.Lock()
	if s.meBuckets == nil {
		s.meBuckets = map[string]*bucket{}
	}
	key := strconv.Itoa(int(kind)) + ":" + sub
	b := s.meBuckets[key]
	if b == nil {
		b = newBucket(limit, time.Minute, now)
		s.meBuckets[key] = b
	}
	ok, remaining, reset, retry := b.take(now)
	s.mu.Unlock()
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	if !ok {
		return &problem{status: http.StatusTooManyRequests, title: "Too Many Requests", detail: descMeRateLimited, retryAfter: retry}
	}
	return nil
}

// MyAccountPlan is the tenant's plan, whose per-user limits the My Account API applies
// (reference §5.4, per user per minute: read, write, filtered read).
type MyAccountPlan string

const (
	PlanFree       MyAccountPlan = "free"       // 2, 2, 5 (the default)
	PlanEssentials MyAccountPlan = "essentials" // 5, 5, 10; Professional has the same
	PlanEnterprise MyAccountPlan = "enterprise" // 5, 5, 20
	PlanUnlimited  MyAccountPlan = "unlimited"  // no per-user limit: a test's choice, no plan's
)

func (p MyAccountPlan) limit(kind meRate) int {
	table := map[MyAccountPlan][3]int{
		"": {2, 2, 5}, PlanFree: {2, 2, 5}, PlanEssentials: {5, 5, 10}, PlanEnterprise: {5, 5, 20},
	}
	l, ok := table[p]
	if !ok {
		return 0
	}
	return l[kind]
}
