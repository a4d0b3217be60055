package mfahandler

import (
	"net/http"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
)

// removePage asks for confirmation: GET {base}/remove?id=…
func (h *Handler) removePage(w http.ResponseWriter, r *request) error {
	q := r.URL.Query()
	if len(q["id"]) != 1 || !enroll.ValidID(q.Get("id")) {
		return h.failure(r.Request, http.StatusBadRequest, tUnknownMethod, mUnknownMethod, nil)
	}
	res := h.tx(w, r).ConfirmRemoval(q.Get("id"))
	if res.Outcome != enroll.Confirmable {
		return h.answer(w, r, res)
	}
	return h.renderRemove(w, r, res.Method, res.ID, res.Blocked)
}

// remove deletes a factor: POST {base}/remove. When the token has to be renewed first, the
// user lands on the confirmation page again: a removal is never executed silently after a
// login.
func (h *Handler) remove(w http.ResponseWriter, r *request) error {
	id := formValue(r, "id")
	if !enroll.ValidID(id) {
		return h.failure(r.Request, http.StatusBadRequest, tUnknownMethod, mUnknownNothing, nil)
	}
	return h.answer(w, r, h.tx(w, r).Remove(id))
}
