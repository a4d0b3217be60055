package mfahandler

import (
	"bytes"
	"net/http"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
)

// recoveryPage shows the recovery code exactly once: GET {base}/recovery-code. The code is
// deleted from the session as it is displayed, so reload and back show it no more.
func (h *Handler) recoveryPage(w http.ResponseWriter, r *request) error {
	if isPrefetch(r.Request) {
		return refusePrefetch(w) // a prefetch must not use up the single display
	}
	if r.Method == http.MethodHead {
		return headOnly(w) // a HEAD must not use up the single display
	}
	// The code is the user's, not the session's: only a session that passed the step-up (and
	// was not renewed away) may show it.
	if _, err := h.requireToken(r, 0, h.path("/recovery-code")); err != nil {
		return err
	}
	var page *bytes.Buffer
	tx := h.tx(w, r)
	res := tx.TakeRecoveryCode(func(d enroll.RecoveryDisplay) error {
		// Rendered before anything is used up: a failing or panicking view leaves the code.
		var err error
		page, err = h.prepare(r.Request, h.recoveryComponent(r, d))
		return err
	})
	if res.Outcome != enroll.RecoveryShown {
		return h.answer(w, r, res)
	}
	if err := writePage(w, r.Request, http.StatusOK, page); err != nil {
		tx.GiveBackRecoveryCode(res.Recovery)
		return err
	}
	return nil
}

// recoveryCreate creates the recovery code of a user who has a method but none (the My
// Account API issues codes on request): POST {base}/recovery-code/new, then its one display.
func (h *Handler) recoveryCreate(w http.ResponseWriter, r *request) error {
	return h.answer(w, r, h.tx(w, r).CreateRecoveryCode())
}

// recoveryAck is the "I have saved it" step: POST {base}/recovery-code.
// The sentence is the one every other setup ends with, "Your {method} was added.", naming the
// method from the page's form when it is a factor of the table (the field only picks one of
// selfmfa's own labels), and "Your new sign-in method is ready." otherwise.
func (h *Handler) recoveryAck(w http.ResponseWriter, r *request) error {
	saved := formValue(r, "saved") == "yes"
	if _, known := enroll.SpecOf(enroll.Factor(formValue(r, "factor"))); known {
		method := a("Method", h.t(r.Request, factorLabel(enroll.Factor(formValue(r, "factor")))))
		if saved {
			_ = h.flash(w, r.Request, "success", mAdded, method)
		} else {
			_ = h.flash(w, r.Request, "info", mAddedUnsaved, method)
		}
		return seeOther(w, h.path("/"))
	}
	if !saved {
		_ = h.flash(w, r.Request, "info", mReadyUnsaved)
		return seeOther(w, h.path("/"))
	}
	_ = h.flash(w, r.Request, "success", mReady)
	return seeOther(w, h.path("/"))
}
