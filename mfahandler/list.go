package mfahandler

import (
	"net/http"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
)

// listPage shows the user's factors: GET {base}/.
func (h *Handler) listPage(w http.ResponseWriter, r *request) error {
	if isPrefetch(r.Request) {
		return refusePrefetch(w) // it may finish an enrollment and hand over to the recovery page
	}
	res := h.tx(w, r).List()
	if res.Outcome != enroll.Listed {
		return h.answer(w, r, res)
	}
	fl, err := h.takeFlash(w, r.Request)
	if err != nil {
		return err
	}
	return h.renderList(w, r, res.Inventory, fl)
}
