package mfahandler

import (
	"net/http"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
)

// enabledFactor is the factor named in the path, if it is enabled.
func (h *Handler) enabledFactor(r *request) (enroll.Spec, bool) {
	s, ok := enroll.SpecOf(enroll.Factor(r.PathValue("factor")))
	return s, ok && h.enabled(Factor(s.Factor))
}

func (h *Handler) enabled(f Factor) bool { return h.opts.factors[f] }

// enrollForm is GET {base}/enroll/{factor}: the form that collects a destination (phone,
// email), or, for TOTP and push (started with a POST from the list), the setup in progress.
func (h *Handler) enrollForm(w http.ResponseWriter, r *request) error {
	s, ok := h.enabledFactor(r)
	if !ok {
		return h.failure(r.Request, http.StatusNotFound, tMethodOff, mMethodOff, nil)
	}
	if _, err := h.requireToken(r, enroll.EnrollTokenLife, h.path("/enroll/"+string(s.Factor))); err != nil {
		return err
	}
	if s.Destination == enroll.NoDestination {
		res := h.tx(w, r).Open(func(p enroll.Spec) bool { return p.Factor == s.Factor })
		if res.Outcome != enroll.Open {
			return h.answer(w, r, res)
		}
		if s.Factor == enroll.TOTP {
			return h.renderTOTP(w, r, res.Pending)
		}
		return h.renderPush(w, r, res.Pending, "waiting")
	}
	fl, err := h.takeFlash(w, r.Request)
	if err != nil {
		return err
	}
	return h.renderDestinationForm(w, r, s.Factor, fl)
}

// enrollStart starts an enrollment: POST {base}/enroll/{factor}.
func (h *Handler) enrollStart(w http.ResponseWriter, r *request) error {
	s, ok := h.enabledFactor(r)
	if !ok {
		return h.failure(r.Request, http.StatusBadRequest, tMethodOff, mMethodOffNothing, nil)
	}
	return h.answer(w, r, h.tx(w, r).Start(s.Factor, formValue(r, "phone_number"), formValue(r, "email")))
}
