package mfahandler

import (
	"net/http"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
)

// pushStatus polls Auth0 for the push enrollment: GET {base}/enroll/push/status. It is one of
// the two GETs that complete a step (named exception): the page refreshes itself here without
// JavaScript until the user approves or rejects in Guardian.
func (h *Handler) pushStatus(w http.ResponseWriter, r *request) error {
	if isPrefetch(r.Request) {
		return refusePrefetch(w)
	}
	res := h.tx(w, r).Poll()
	h.emitAll(r, res.Events)
	res.Events = nil
	switch res.Outcome {
	case enroll.Waiting:
		return h.renderPush(w, r, res.Pending, "waiting")
	case enroll.Rejected:
		return h.renderPush(w, r, res.Pending, "rejected")
	case enroll.Expired:
		return h.renderPush(w, r, res.Pending, "expired")
	}
	return h.answer(w, r, res)
}
