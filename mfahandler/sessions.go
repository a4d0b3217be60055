package mfahandler

import (
	"crypto/rand"
	"net/http"
	"strconv"
	"time"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
	"github.com/selfmfa/selfmfa/session"
)

// signOutOfferTTL is how long the list page offers to sign out other sessions after a change.
const signOutOfferTTL = 10 * time.Minute

// offerSignOut records, after a factor was added or removed, that the list page should offer
// to sign out the user's other sessions (when the host configured it).
func (h *Handler) offerSignOut(w http.ResponseWriter, r *request) {
	if h.opts.signOutOthers == nil {
		return
	}
	if err := h.save(w, r.Request, keySignOut, signOutOffer{Sub: r.sub, Until: h.opts.now().Add(signOutOfferTTL)}); err != nil {
		h.logger().Warn("mfahandler: could not record the offer to sign out other sessions", "error", err.Error())
	}
}

// signOutOffered reports whether the list page should offer to sign out other sessions.
func (h *Handler) signOutOffered(r *request) bool {
	if h.opts.signOutOthers == nil {
		return false
	}
	var o signOutOffer
	return h.load(r.Request, keySignOut, &o) == nil && o.Sub == r.sub && h.opts.now().Before(o.Until)
}

// signOutOthers answers the offer: POST {base}/sessions/others with decision=sign_out or keep.
// Ending one's own other sessions is protective, so it needs no step-up; like every POST it
// passes the cross-origin check.
func (h *Handler) signOutOthers(w http.ResponseWriter, r *request) error {
	if h.opts.signOutOthers == nil {
		return h.notFound(r.Request)
	}
	if !h.signOutOffered(r) {
		// Only as the answer to an offer (after a change of factors, for 10 minutes): ending
		// sessions reads the whole session store, so it is not an endpoint to call at will.
		_ = h.flash(w, r.Request, "info", mChoiceClosed)
		return seeOther(w, h.path("/"))
	}
	switch formValue(r, "decision") {
	case "keep":
		if err := h.drop(w, r.Request, keySignOut); err != nil {
			return err
		}
		_ = h.flash(w, r.Request, "info", mKeptSessions)
		return seeOther(w, h.path("/"))
	case "sign_out":
	default:
		return h.badRequest(r.Request, mChooseSignOut, nil)
	}
	unlock, err := h.svc.Ledger.LockUser(r.Context(), r.sub)
	if err != nil {
		return h.answer(w, r, enroll.LockResult(err))
	}
	defer unlock()
	n, err := h.opts.signOutOthers(r.Request, r.sub)
	if err != nil {
		return h.unavailable(r.Request, mSignOutFailed, err)
	}
	if err := h.drop(w, r.Request, keySignOut); err != nil {
		return err
	}
	h.emit(r.Context(), r.Request, r.sub, EventSessionsEnded, "", strconv.Itoa(n))
	msg := mSignedOut
	if n == 0 {
		msg = mNoOtherSessions
	}
	_ = h.flash(w, r.Request, "success", msg)
	return seeOther(w, h.path("/"))
}

// renew rotates the session identifier after a privilege change (a factor added or removed):
// the token's generation changes and the old one is revoked first, so a copy of the session
// written back under the old identifier by a request still in flight stays dead. Config
// validation requires a session.Renewer unless the host opted out with WithoutSessionRenewal.
func (h *Handler) renew(w http.ResponseWriter, r *request) error {
	var t tokenRecord
	if err := h.load(r.Request, keyToken, &t); err == nil && t.Sub == r.sub {
		old := t.Gen
		t.Gen = rand.Text()
		if err := h.save(w, r.Request, keyToken, t); err != nil {
			return err
		}
		if old != "" {
			if err := h.svc.Ledger.Revoke(r.Context(), old); err != nil {
				return err
			}
		}
	}
	return h.renewID(w, r)
}

// renewID issues a new session identifier.
func (h *Handler) renewID(w http.ResponseWriter, r *request) error {
	if rn, ok := h.cfg.Sessions.(session.Renewer); ok && !h.opts.noSessionRenewal {
		return rn.Renew(w, r.Request)
	}
	return nil
}
