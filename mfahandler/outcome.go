package mfahandler

import (
	"errors"
	"net/http"
	"time"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
)

// tx binds the core to this request: the user, their session records and their token. The
// transaction is closed (its locks released) when the page handler returns, after the
// response and the session are written.
func (h *Handler) tx(w http.ResponseWriter, r *request) *enroll.Tx {
	var tx *enroll.Tx
	tx = h.svc.Begin(r.Context(), r.sub, h.records(w, r.Request, r.sub),
		func(need time.Duration, resume enroll.Place) (string, error) {
			tok, err := h.requireToken(r, need, h.placeURL(resume))
			if err != nil {
				return "", err
			}
			tx.KnowAccountEmail(tok.AccountEmail)
			return tok.AccessToken, nil
		},
		func() string {
			var tok tokenRecord
			if h.load(r.Request, keyToken, &tok) != nil || tok.Sub != r.sub || !tok.Expiry.After(h.opts.now()) {
				return ""
			}
			if revoked, err := h.revoked(r.Request, tok); err != nil || revoked {
				return ""
			}
			return tok.AccessToken
		})
	r.closers = append(r.closers, tx.Close)
	return tx
}

// placeURL is the path of a page of the lifecycle.
func (h *Handler) placeURL(p enroll.Place) string {
	switch p.Kind {
	case enroll.AtSetup:
		switch spec, _ := enroll.SpecOf(p.Factor); spec.Confirmation {
		case enroll.ByAppCode:
			return h.path("/enroll/totp")
		case enroll.ByApproval:
			return h.path("/enroll/push")
		}
		return h.path("/enroll/code")
	case enroll.AtForm:
		return h.path("/enroll/" + string(p.Factor))
	case enroll.AtRemove:
		return h.path("/remove?id=" + urlQueryEscape(p.ID))
	case enroll.AtRename:
		return h.path("/rename?id=" + urlQueryEscape(p.ID))
	}
	return h.path("/")
}

// setupURL is the page that shows enrollment f in progress.
func (h *Handler) setupURL(f enroll.Factor) string {
	return h.placeURL(enroll.Place{Kind: enroll.AtSetup, Factor: f})
}

// answer maps a result of the core to what the user gets: its events are emitted, then a
// redirect with a flash, or a failure page. This is the one place where outcomes become pages;
// flows render the outcomes that show a page of their own (a setup page, the list) themselves.
func (h *Handler) answer(w http.ResponseWriter, r *request, res enroll.Result) error {
	h.emitAll(r, res.Events)
	if h.opts.statusMaxAge > 0 && (res.Outcome == enroll.Removed || res.Outcome == enroll.Added || res.Outcome == enroll.AddedBut) {
		// The kept status no longer holds; the next list records the new one.
		if err := h.svc.Ledger.ForgetStatus(r.Context(), r.sub); err != nil {
			h.logger().Warn("mfahandler: could not drop the user's status after a change", "error", err.Error())
		}
	}
	label := a("Method", h.t(r.Request, factorLabel(res.Factor)))
	switch res.Outcome {
	case enroll.Failed:
		if errors.As(res.Err, new(*stepUpNeeded)) || errors.As(res.Err, new(*Failure)) || !errors.As(res.Err, new(*enroll.Fault)) {
			return res.Err
		}
		if enroll.ClassOf(res.Err) == enroll.ClassRateLimited {
			// Auth0's own limit refused the request: the host's audit trail hears of it as of
			// ours.
			h.emit(r.Context(), r.Request, r.sub, EventLimitHit, Factor(res.Factor), "auth0_rate_limit")
		}
		return h.upstreamFailure(r.Request, res.Err, h.placeURL(res.Resume))
	case enroll.Busy:
		return h.busy(r.Request)
	case enroll.Unavailable:
		msg := mCheckUnavailable
		switch res.Reason {
		case "lock":
			msg = mLockUnavailable
		case "recovery":
			msg = mRecoveryNotShown
		}
		return h.unavailable(r.Request, msg, res.Err)
	case enroll.LimitHit:
		return h.tooMany(r.Request, res.RetryAfter, nil)

	case enroll.NotInProgress:
		if res.Reason != "quiet" {
			_ = h.flash(w, r.Request, "info", mNotInProgress)
		}
		return seeOther(w, h.path("/"))
	case enroll.Over:
		_ = h.flash(w, r.Request, "info", mEnded)
		return seeOther(w, h.path("/"))

	case enroll.InvalidPhone:
		return h.fieldError(w, r, res, "phone_number", res.Detail)
	case enroll.InvalidEmail:
		return h.fieldError(w, r, res, "email", h.t(r.Request, mBadEmail))
	case enroll.DestinationRefused:
		msg := mBadPhoneRefused
		if res.Field == "email" {
			msg = mBadEmailRefused
		}
		return h.fieldError(w, r, res, res.Field, h.t(r.Request, msg))
	case enroll.Started:
		return seeOther(w, h.setupURL(res.Factor))

	case enroll.Malformed, enroll.WrongCode, enroll.CodeExpired:
		msg := map[enroll.Outcome]msgID{enroll.Malformed: mCodeMalformed, enroll.WrongCode: mCodeWrong, enroll.CodeExpired: mCodeExpired}[res.Outcome]
		if err := h.save(w, r.Request, keyFlash, flashRecord{Kind: "error", Message: h.t(r.Request, msg), Field: "code"}); err != nil {
			return err
		}
		return seeOther(w, h.setupURL(res.Factor))
	case enroll.TooManyWrongCodes:
		_ = h.flash(w, r.Request, "error", mTooManyWrong)
		return seeOther(w, h.path("/"))
	case enroll.NotActivated:
		return h.failure(r.Request, http.StatusBadGateway, tNotAdded, mNotActivated, res.Err, label).
			withNext(h.t(r.Request, lBackToSetup), h.setupURL(res.Factor))
	case enroll.Ambiguous:
		return h.failure(r.Request, http.StatusBadGateway, tCheckMethods, mAmbiguous, res.Err, label)
	case enroll.Timeout:
		return h.failure(r.Request, http.StatusGatewayTimeout, tServiceSlow, mConfirmTimeout, res.Err, label).
			withNext(h.t(r.Request, lBackToSetup), h.setupURL(res.Factor))
	case enroll.Added:
		return h.added(w, r, res)
	case enroll.AddedBut:
		return h.addedBut(r, res.Factor, res.Err)

	case enroll.NoMoreSends:
		_ = h.save(w, r.Request, keyFlash, flashRecord{Kind: "error", Message: h.t(r.Request, mNoMoreSends)})
		return seeOther(w, h.path("/enroll/code"))
	case enroll.Sent:
		_ = h.flash(w, r.Request, "info", mSent)
		return seeOther(w, h.path("/enroll/code"))
	case enroll.Cancelled:
		_ = h.flash(w, r.Request, "info", mCancelled)
		return seeOther(w, h.path("/"))

	case enroll.NoRecovery:
		if res.Reason == "disabled" {
			_ = h.flash(w, r.Request, "info", mRecoveryOff)
		}
		return seeOther(w, h.path("/"))
	case enroll.RecoveryPending:
		return seeOther(w, h.path("/recovery-code"))

	case enroll.NotListed:
		return h.failure(r.Request, http.StatusNotFound, tUnknownMethod, mUnknownNothing, nil)
	case enroll.AlreadyRemoved:
		_ = h.flash(w, r.Request, "info", mAlreadyRemoved)
		return seeOther(w, h.path("/"))
	case enroll.Guarded:
		return h.failure(r.Request, http.StatusConflict, tKeepOne, mGuarded, nil)
	case enroll.Renamed:
		_ = h.flash(w, r.Request, "success", mRenamed, a("Name", res.Value))
		return seeOther(w, h.path("/"))
	case enroll.ChannelSet:
		msg := mChannelSMS
		if res.Value == "voice" {
			msg = mChannelVoice
		}
		_ = h.flash(w, r.Request, "success", msg)
		return seeOther(w, h.path("/"))
	case enroll.BadChannel:
		return h.failure(r.Request, http.StatusBadRequest, tUnknownMethod, mBadChannel, nil)
	case enroll.NotSupported:
		return h.failure(r.Request, http.StatusNotFound, tUnknownMethod, mNotSupported, nil)
	case enroll.NotDeletable:
		_ = h.flash(w, r.Request, "error", mVerifiedEmail)
		return seeOther(w, h.path("/"))
	case enroll.StillListed:
		return h.failure(r.Request, http.StatusBadGateway, tServiceProblem, mStillListed, res.Err)
	case enroll.Removed:
		return h.removed(w, r, res)
	}
	return errors.New("mfahandler: unmapped outcome of the enrollment core")
}

// fieldError sends the user back to a destination form with msg tied to field.
func (h *Handler) fieldError(w http.ResponseWriter, r *request, res enroll.Result, field, msg string) error {
	_ = h.save(w, r.Request, keyFlash, flashRecord{Kind: "error", Message: msg, Field: field, Value: res.Value})
	return seeOther(w, h.placeURL(enroll.Place{Kind: enroll.AtForm, Factor: res.Factor}))
}

// added finishes a confirmed enrollment for the user: the offer to sign out other sessions,
// the session rotation, and the recovery code's page or a success flash.
func (h *Handler) added(w http.ResponseWriter, r *request, res enroll.Result) error {
	h.offerSignOut(w, r)
	if err := h.renew(w, r); err != nil {
		return h.addedBut(r, res.Factor, err)
	}
	if res.ShowRecovery {
		return seeOther(w, h.path("/recovery-code"))
	}
	if err := h.flash(w, r.Request, "success", mAdded, a("Method", h.t(r.Request, factorLabel(res.Factor)))); err != nil {
		return h.addedBut(r, res.Factor, err)
	}
	return seeOther(w, h.path("/"))
}

// addedBut: the factor is added; the page could not follow.
func (h *Handler) addedBut(r *request, f enroll.Factor, err error) error {
	label := a("Method", h.t(r.Request, factorLabel(f)))
	return h.failure(r.Request, http.StatusInternalServerError, tAdded, mAddedBut, err, label)
}

// removed reports a removal: the offer to sign out other sessions, the rotation, the flash.
func (h *Handler) removed(w http.ResponseWriter, r *request, res enroll.Result) error {
	kind := h.t(r.Request, groupLabel(res.Method.Group))
	msg := h.t(r.Request, mRemoved, a("Method", kind))
	if res.Method.Group == "phone" && len(res.Method.Channels) > 1 {
		msg = h.t(r.Request, mRemovedPhonePair)
	}
	if res.Unchecked {
		msg = h.t(r.Request, mRemovedUnchecked, a("Removed", msg))
	}
	h.offerSignOut(w, r)
	if err := h.renew(w, r); err != nil {
		return h.failure(r.Request, http.StatusInternalServerError, tRemoved, mRemovedBut, err, a("Method", kind), a("Removed", msg))
	}
	_ = h.save(w, r.Request, keyFlash, flashRecord{Kind: "success", Message: msg})
	return seeOther(w, h.path("/"))
}

func (h *Handler) emitAll(r *request, events []enroll.Event) {
	for _, e := range events {
		h.emit(r.Context(), r.Request, r.sub, EventKind(e.Kind), Factor(e.Factor), e.Reason)
	}
}

// factorLabel is how a sentence names factor f ("your authenticator app").
func factorLabel(f enroll.Factor) msgID {
	switch f {
	case enroll.TOTP:
		return lFactorTOTP
	case enroll.Push:
		return lFactorPush
	case enroll.SMS:
		return lFactorSMS
	case enroll.Voice:
		return lFactorVoice
	}
	return lFactorEmail
}

// groupLabel is how a person names a listed method.
func groupLabel(group string) msgID {
	switch group {
	case "totp":
		return lMethodTOTP
	case "push":
		return lMethodPush
	case "phone":
		return lMethodPhone
	case "email":
		return lMethodEmail
	}
	return lMethodAny
}
