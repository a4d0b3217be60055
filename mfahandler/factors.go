package mfahandler

import (
	"net/http"
	"sync"
	"time"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
)

// tenantFactorsTTL is how long the tenant's factors (the My Account API's GET /factors) are
// reused: they change when an administrator changes the tenant, while each call is one of the
// user's few reads a minute (Free: 2).
const tenantFactorsTTL = 5 * time.Minute

// factorCache holds the tenant's factors for every user of the handler.
type factorCache struct {
	mu      sync.Mutex
	at      time.Time
	known   bool
	factors map[enroll.Factor]bool
}

// tenantFactors returns the factors the tenant enables (known false: the backend cannot tell,
// and the page offers what WithFactors configures).
func (h *Handler) tenantFactors(w http.ResponseWriter, r *request) (map[enroll.Factor]bool, bool) {
	if !h.opts.myAccount {
		return nil, false
	}
	c := &h.factorCache
	now := h.opts.now()
	c.mu.Lock()
	if !c.at.IsZero() && now.Sub(c.at) < tenantFactorsTTL {
		defer c.mu.Unlock()
		return c.factors, c.known
	}
	c.mu.Unlock()
	fs, ok := h.tx(w, r).TenantFactors()
	set := make(map[enroll.Factor]bool, len(fs))
	for _, f := range fs {
		set[f] = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.known, c.factors = now, ok, set
	return set, ok
}
