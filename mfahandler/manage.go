package mfahandler

import (
	"net/http"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
	"github.com/selfmfa/selfmfa/views"
)

// The My Account API's changes of a method: its name and a phone's preferred channel, as
// plain forms that work without JavaScript. The MFA API can do neither (NotSupported).

// renamePage shows the name field: GET {base}/rename?id=…
func (h *Handler) renamePage(w http.ResponseWriter, r *request) error {
	q := r.URL.Query()
	if len(q["id"]) != 1 || !enroll.ValidID(q.Get("id")) {
		return h.failure(r.Request, http.StatusBadRequest, tUnknownMethod, mUnknownMethod, nil)
	}
	if !h.opts.myAccount {
		return h.answer(w, r, enroll.Result{Outcome: enroll.NotSupported})
	}
	res := h.tx(w, r).Method(q.Get("id"), enroll.Place{Kind: enroll.AtRename, ID: q.Get("id")})
	if res.Outcome != enroll.Confirmable {
		return h.answer(w, r, res)
	}
	return h.renderRename(w, r, http.StatusOK, res.Method, res.ID, res.Method.Label, "")
}

func (h *Handler) renderRename(w http.ResponseWriter, r *request, status int, m enroll.Method, id, name, errMsg string) error {
	page := views.RenamePage{
		Meta:   h.meta(r.Request, "", nil),
		Group:  h.viewGroup(r.Request, m, false),
		Form:   h.form(r.Request, "/rename", "id", id),
		Name:   name,
		Error:  errMsg,
		Cancel: views.Action{Href: safeURL(h.path("/"))},
	}
	return h.render(w, r.Request, status, h.views.Rename(page))
}

// rename names a method: POST {base}/rename (id, name).
func (h *Handler) rename(w http.ResponseWriter, r *request) error {
	id := formValue(r, "id")
	if !enroll.ValidID(id) {
		return h.failure(r.Request, http.StatusBadRequest, tUnknownMethod, mUnknownNothing, nil)
	}
	tx := h.tx(w, r)
	res := tx.Rename(id, formValue(r, "name"))
	if res.Outcome == enroll.BadName {
		// The page again, with what was typed and why it was refused; nothing was sent.
		list := tx.Method(id, enroll.Place{Kind: enroll.AtRename, ID: id})
		if list.Outcome != enroll.Confirmable {
			return h.answer(w, r, list)
		}
		return h.renderRename(w, r, http.StatusBadRequest, list.Method, id, res.Value, h.t(r.Request, mBadName))
	}
	return h.answer(w, r, res)
}

// setChannel switches a phone between text messages and voice calls: POST {base}/channel.
func (h *Handler) setChannel(w http.ResponseWriter, r *request) error {
	id := formValue(r, "id")
	if !enroll.ValidID(id) {
		return h.failure(r.Request, http.StatusBadRequest, tUnknownMethod, mUnknownNothing, nil)
	}
	return h.answer(w, r, h.tx(w, r).SetChannel(id, formValue(r, "channel")))
}
