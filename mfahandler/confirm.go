package mfahandler

import (
	"net/http"
	"strings"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
)

// codePage shows the code form of an SMS, voice or email enrollment: GET {base}/enroll/code.
func (h *Handler) codePage(w http.ResponseWriter, r *request) error {
	res := h.tx(w, r).Open(func(s enroll.Spec) bool { return s.Confirmation == enroll.BySentCode })
	if res.Outcome != enroll.Open {
		return h.answer(w, r, res)
	}
	fl, err := h.takeFlash(w, r.Request)
	if err != nil {
		return err
	}
	return h.renderCode(w, r, res.Pending, fl)
}

// confirm checks a code for the enrollment in progress: POST {base}/enroll/confirm.
func (h *Handler) confirm(w http.ResponseWriter, r *request) error {
	return h.answer(w, r, h.tx(w, r).Confirm(formValue(r, "enrollment"), strings.TrimSpace(formValue(r, "code"))))
}

// resend sends a new code for an SMS, voice or email enrollment: POST {base}/enroll/resend.
func (h *Handler) resend(w http.ResponseWriter, r *request) error {
	return h.answer(w, r, h.tx(w, r).Resend(formValue(r, "enrollment")))
}

// cancel abandons the enrollment in progress: POST {base}/enroll/cancel.
func (h *Handler) cancel(w http.ResponseWriter, r *request) error {
	return h.answer(w, r, h.tx(w, r).Cancel(formValue(r, "enrollment")))
}
