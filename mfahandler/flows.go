package mfahandler

import (
	"context"
	"errors"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/limiter"
	"github.com/selfmfa/selfmfa/mfaapi"
	"github.com/selfmfa/selfmfa/session"
)

// codePattern is the only code shape forwarded to Auth0: six ASCII digits.
var codePattern = regexp.MustCompile(`^[0-9]{6}$`)

// pushPollInterval is the least time between two polls of one push enrollment (Auth0 answers
// slow_down when polled faster; its limit is 12 per minute per session).
const pushPollInterval = 5 * time.Second

// pendingTTL is how long an enrollment stays usable in the session after its last code was
// sent. Auth0 keeps pending authenticators for 24 h, but ASVS 6.4.1 wants activation codes
// short-lived: 10 minutes (an OOB code lives 5; a TOTP setup page should not linger).
const pendingTTL = 10 * time.Minute

func factorFromPath(s string) (Factor, bool) {
	f := Factor(s)
	return f, knownFactor(f)
}

func (h *Handler) enabled(f Factor) bool { return h.opts.factors[f] }

// lockUser serialises changes of one user's factors across sessions, tabs and instances.
func (h *Handler) lockUser(ctx context.Context, sub string) (func(), error) {
	unlock, err := h.lim.Lock(ctx, "lock:"+sub, 30*time.Second)
	if err != nil {
		if errors.Is(err, limiter.ErrLocked) {
			return nil, &Failure{Status: http.StatusConflict, Title: "Another change is in progress",
				Message: "Another change to your sign-in methods is in progress. Nothing was changed; please try again in a moment."}
		}
		return nil, &Failure{Status: http.StatusServiceUnavailable, Title: "Please try again",
			Message: "Your sign-in methods could not be changed right now. Nothing was changed.", Err: err}
	}
	return unlock, nil
}

// take consumes one attempt of rule for the user, or explains the limit.
func (h *Handler) take(r *request, rule limiter.Rule, f Factor) error {
	d, err := h.lim.Take(r.Context(), rule.Name+":"+r.sub, rule)
	if err != nil {
		return &Failure{Status: http.StatusServiceUnavailable, Title: "Please try again",
			Message: "Your request could not be checked right now. Nothing was changed.", Err: err}
	}
	if !d.Allowed {
		h.emit(r.Context(), r.Request, r.sub, EventLimitHit, f, rule.Name)
		return &Failure{Status: http.StatusTooManyRequests, Title: "Too many attempts",
			Message:    "There have been too many attempts. Please wait " + waitText(d.RetryAfter) + " and try again. Nothing was changed.",
			RetryAfter: d.RetryAfter}
	}
	return nil
}

// listFresh lists the user's authenticators with the session token.
func (h *Handler) listFresh(r *request, tok *tokenRecord, resume string) (*inventory, error) {
	list, err := h.api.Authenticators(r.Context(), tok.AccessToken)
	if err != nil {
		return nil, h.upstreamFailure(r, err, resume)
	}
	return newInventory(list), nil
}

// loadPending returns the user's enrollment in progress, if any.
func (h *Handler) loadPending(r *request) (*pendingRecord, bool, error) {
	var p pendingRecord
	if err := h.load(r.Request, keyPending, &p); err != nil {
		if errors.Is(err, errNoRecord) {
			return nil, false, nil
		}
		return nil, false, err
	}
	if p.Sub != r.sub || h.opts.now().Sub(p.Started) > pendingTTL {
		return nil, false, nil
	}
	return &p, true, nil
}

// ---- list -----------------------------------------------------------------------------------

func (h *Handler) listPage(w http.ResponseWriter, r *request) error {
	if isPrefetch(r.Request) {
		return refusePrefetch(w) // it may finish an enrollment and hand over to the recovery page
	}
	tok, err := h.requireToken(r, minTokenLife, h.path("/"))
	if err != nil {
		return err
	}
	inv, err := h.listFresh(r, tok, h.path("/"))
	if err != nil {
		return err
	}
	if done, err := h.finishActivated(w, r, inv); done || err != nil {
		return err
	}
	if err := h.dropExpired(w, r); err != nil {
		return err
	}
	fl, err := h.takeFlash(w, r.Request)
	if err != nil {
		return err
	}
	return h.renderList(w, r, inv, fl)
}

// ---- start an enrollment --------------------------------------------------------------------

// enrollForm shows the form that collects a destination (phone or email) for f.
func (h *Handler) enrollForm(w http.ResponseWriter, r *request) error {
	f, ok := factorFromPath(r.PathValue("factor"))
	if !ok || !h.enabled(f) {
		return &Failure{Status: http.StatusNotFound, Title: "Method not available", Message: "This sign-in method is not available."}
	}
	if _, err := h.requireToken(r, enrollTokenLife, h.path("/enroll/"+string(f))); err != nil {
		return err
	}
	switch f {
	case FactorTOTP, FactorPush:
		// These start with a POST from the list page; show the enrollment in progress if any.
		p, ok, err := h.loadPending(r)
		if err != nil {
			return err
		}
		if !ok || p.Factor != f {
			return seeOther(w, h.path("/"))
		}
		if !h.stillOpen(r, p) {
			return h.enrollmentOver(w, r, p)
		}
		if f == FactorTOTP {
			return h.renderTOTP(w, r, p)
		}
		return h.renderPush(w, r, p, "waiting")
	}
	fl, err := h.takeFlash(w, r.Request)
	if err != nil {
		return err
	}
	return h.renderDestinationForm(w, r, f, fl)
}

// enrollStart calls /mfa/associate for f: POST {base}/enroll/{factor}.
func (h *Handler) enrollStart(w http.ResponseWriter, r *request) error {
	f, ok := factorFromPath(r.PathValue("factor"))
	if !ok || !h.enabled(f) {
		return &Failure{Status: http.StatusBadRequest, Title: "Method not available", Message: "This sign-in method is not available. Nothing was changed."}
	}
	formPage := h.path("/")
	if f == FactorSMS || f == FactorVoice || f == FactorEmail {
		formPage = h.path("/enroll/" + string(f))
	}
	req := mfaapi.AssociateRequest{}
	var destination string
	switch f {
	case FactorTOTP:
		req.Kind = mfaapi.KindTOTP
	case FactorPush:
		req.Kind = mfaapi.KindPush
	case FactorSMS, FactorVoice:
		raw := formValue(r, "phone_number")
		e164, err := h.opts.phoneValidator(raw)
		if err != nil {
			_ = h.save(w, r.Request, keyFlash, flashRecord{Kind: "error", Message: userText(err), Field: "phone_number", Value: limitLen(raw, 32)})
			return seeOther(w, formPage)
		}
		destination = e164
		req.PhoneNumber = e164
		req.Kind = mfaapi.KindSMS
		if f == FactorVoice {
			req.Kind = mfaapi.KindVoice
		}
	case FactorEmail:
		raw := strings.TrimSpace(formValue(r, "email"))
		addr, err := mail.ParseAddress(raw)
		if err != nil || addr.Address != raw || len(raw) > 254 || strings.ContainsAny(raw, "\r\n<>\"") {
			_ = h.save(w, r.Request, keyFlash, flashRecord{Kind: "error", Message: "Enter an email address such as name@example.com.", Field: "email", Value: limitLen(raw, 254)})
			return seeOther(w, formPage)
		}
		destination = raw
		req.Email = raw
		req.Kind = mfaapi.KindEmail
	}
	tok, err := h.requireToken(r, enrollTokenLife, formPage)
	if err != nil {
		return err
	}
	// The lock comes first: a request turned away because another change is running has not
	// used an attempt.
	unlock, err := h.lockUser(r.Context(), r.sub)
	if err != nil {
		return err
	}
	defer unlock()
	if err := h.take(r, h.limits.Enrollments, f); err != nil {
		return err
	}
	if f != FactorTOTP {
		if err := h.take(r, h.limits.Sends, f); err != nil {
			return err
		}
	}

	inv, err := h.listFresh(r, tok, formPage)
	if err != nil {
		return err
	}
	// Abandoned enrollments of the same kind are removed first, so they never pile up towards
	// Auth0's limit of 50 and a second tab's enrollment cannot also be confirmed.
	if err := h.deletePending(r, tok, inv.pendingOf(f), formPage); err != nil {
		return err
	}
	inherited := h.unshownRecoveryCode(r)
	if old, ok := h.rawPending(r); ok {
		// This enrollment replaces the session's previous one: mark that one over, so a stale
		// copy of the session cannot bring it back to life.
		if _, err := h.lim.Take(r.Context(), "enrollment:"+old.ID, confirmOnce()); err != nil {
			return &Failure{Status: http.StatusServiceUnavailable, Title: "Please try again",
				Message: "Your request could not be checked right now. Nothing was changed.", Err: err}
		}
	}
	assoc, err := h.api.Associate(r.Context(), tok.AccessToken, req)
	if err != nil {
		if field := destinationField(f); field != "" && mfaapi.IsInvalidRequest(err) {
			// Auth0's own check of the number or address is stricter than ours: back to the
			// form, as for a local validation error.
			h.logger().Info("mfahandler: Auth0 refused the destination of an enrollment", "factor", string(f), "error", logText(err))
			_ = h.save(w, r.Request, keyFlash, flashRecord{Kind: "error", Field: field, Value: limitLen(formValue(r, field), 254),
				Message: "This " + map[string]string{"phone_number": "phone number", "email": "email address"}[field] + " can't be used. Check it and try again."})
			return seeOther(w, formPage)
		}
		return h.upstreamFailure(r, err, formPage)
	}
	if err := checkAssociation(f, assoc); err != nil {
		// Never render an unexpected answer as a QR code or a secret.
		return &Failure{Status: http.StatusBadGateway, Title: "The sign-in service had a problem", Message: msgUpstream, Err: err}
	}
	p := pendingRecord{
		ID:           randomString(),
		Sub:          r.sub,
		Factor:       f,
		Started:      h.opts.now(),
		Secret:       assoc.Secret,
		BarcodeURI:   assoc.BarcodeURI,
		OOBCode:      assoc.OOBCode,
		Destination:  destination,
		FirstFactor:  inv.realFactors() == 0,
		NoCodeReason: inv.noCodeReason(),
		Before:       inv.activeOf(f),
	}
	if f != FactorTOTP {
		p.Sends = 1
	}
	if inv.noCodeReason() == "earlier" {
		// Only while Auth0 still lists the recovery code as pending: once it is active (or
		// was used and replaced, or reset), a code held here may no longer be the user's.
		p.RecoveryCode = inherited
	} else if err := h.drop(w, r.Request, keyRecoveryHeld); err != nil {
		return err
	}
	if len(assoc.RecoveryCodes) > 0 {
		p.RecoveryCode = assoc.RecoveryCodes[0]
	}
	if p.RecoveryCode != "" {
		if err := h.drop(w, r.Request, keyRecoveryHeld); err != nil {
			return err
		}
	}
	if err := h.save(w, r.Request, keyPending, p); err != nil {
		return err
	}
	h.emit(r.Context(), r.Request, r.sub, EventEnrollStarted, f, "")
	switch f {
	case FactorTOTP, FactorPush:
		return seeOther(w, h.path("/enroll/"+string(f)))
	}
	return seeOther(w, h.path("/enroll/code"))
}

// unshownRecoveryCode is a recovery code this session received with an enrollment that was
// never confirmed (replaced in a second tab, cancelled, rejected, expired, or dropped after a
// failed resend). Auth0 returns the one code with the first association only, keeps it pending
// and activates it with the next confirmed factor: the user must see it then.
func (h *Handler) unshownRecoveryCode(r *request) string {
	if p, ok := h.rawPending(r); ok && p.RecoveryCode != "" {
		return p.RecoveryCode // any age: an expired enrollment's code is still the user's
	}
	var held recoveryRecord
	if h.load(r.Request, keyRecoveryHeld, &held) == nil && held.Sub == r.sub && held.Code != "" {
		return held.Code
	}
	return ""
}

// dropExpired removes an enrollment older than pendingTTL from the session, so its TOTP secret
// and oob_code do not outlive their use; a recovery code that came with it is held for the next
// enrollment, as for a cancel. Its pending authenticators at Auth0 are left to the next
// enrollment's clean-up (or Auth0's 24 hours).
func (h *Handler) dropExpired(w http.ResponseWriter, r *request) error {
	p, ok := h.rawPending(r)
	if !ok || h.opts.now().Sub(p.Started) <= pendingTTL {
		return nil
	}
	return h.forgetPending(w, r, p)
}

// rawPending is the session's enrollment record of this user at any age (loadPending hides
// expired ones).
func (h *Handler) rawPending(r *request) (*pendingRecord, bool) {
	var p pendingRecord
	if h.load(r.Request, keyPending, &p) != nil || p.Sub != r.sub || p.ID == "" {
		return nil, false
	}
	return &p, true
}

// base32Secret is the shape of a TOTP secret.
var base32Secret = regexp.MustCompile(`^[A-Z2-7]{16,128}=*$`)

// checkAssociation refuses an associate answer that lacks what the next page needs or carries
// a barcode URI that is not an otpauth:// TOTP URI (of this secret, for TOTP).
func checkAssociation(f Factor, a *mfaapi.Association) error {
	bad := func(why string) error { return errors.New("mfahandler: unexpected /mfa/associate answer: " + why) }
	wantType, wantChannel := "oob", map[Factor]string{FactorSMS: "sms", FactorVoice: "voice", FactorEmail: "email", FactorPush: "auth0"}[f]
	if f == FactorTOTP {
		wantType = "otp"
	}
	if a.AuthenticatorType != wantType || a.OOBChannel != wantChannel {
		// What the user would confirm is not what they asked to add.
		return bad("authenticator_type " + strconv.Quote(limitLen(a.AuthenticatorType, 16)) + ", oob_channel " + strconv.Quote(limitLen(a.OOBChannel, 16)) +
			" for a " + string(f) + " enrollment")
	}
	switch f {
	case FactorTOTP, FactorPush:
		u, err := url.Parse(a.BarcodeURI)
		if err != nil || u.Scheme != "otpauth" || u.Host != "totp" {
			return bad("barcode_uri is not an otpauth://totp/ URI")
		}
		if f == FactorTOTP && (!base32Secret.MatchString(a.Secret) || u.Query().Get("secret") != a.Secret) {
			return bad("secret missing, not base32, or not the barcode_uri's")
		}
		if f == FactorPush && a.OOBCode == "" {
			return bad("no oob_code")
		}
	default:
		if a.OOBCode == "" {
			return bad("no oob_code")
		}
	}
	return nil
}

// destinationField is the form field holding f's destination ("" for TOTP and push).
func destinationField(f Factor) string {
	switch f {
	case FactorSMS, FactorVoice:
		return "phone_number"
	case FactorEmail:
		return "email"
	}
	return ""
}

// deletePending removes pending authenticators; a 404 means already gone.
func (h *Handler) deletePending(r *request, tok *tokenRecord, ids []string, resume string) error {
	for _, id := range ids {
		if err := h.api.DeleteAuthenticator(r.Context(), tok.AccessToken, id); err != nil && !mfaapi.IsNotFound(err) {
			return h.upstreamFailure(r, err, resume)
		}
	}
	return nil
}

// ---- confirm --------------------------------------------------------------------------------

// codePage shows the code form of an SMS, voice or email enrollment.
func (h *Handler) codePage(w http.ResponseWriter, r *request) error {
	p, ok, err := h.loadPending(r)
	if err != nil {
		return err
	}
	if !ok || (p.Factor != FactorSMS && p.Factor != FactorVoice && p.Factor != FactorEmail) {
		return seeOther(w, h.path("/"))
	}
	if !h.stillOpen(r, p) {
		return h.enrollmentOver(w, r, p)
	}
	fl, err := h.takeFlash(w, r.Request)
	if err != nil {
		return err
	}
	return h.renderCode(w, r, p, fl)
}

// pendingPage is where the user enters the code of p.
func (h *Handler) pendingPage(p *pendingRecord) string {
	if p.Factor == FactorTOTP {
		return h.path("/enroll/totp")
	}
	return h.path("/enroll/code")
}

// enrollmentPage is the page that shows p in progress.
func (h *Handler) enrollmentPage(p *pendingRecord) string {
	if p.Factor == FactorPush {
		return h.path("/enroll/push")
	}
	return h.pendingPage(p)
}

// confirm checks a code for the enrollment in progress: POST {base}/enroll/confirm.
func (h *Handler) confirm(w http.ResponseWriter, r *request) error {
	p, ok, err := h.loadPending(r)
	if err != nil {
		return err
	}
	if !ok || formValue(r, "enrollment") != p.ID || p.Factor == FactorPush {
		if err := h.dropExpired(w, r); err != nil {
			return err
		}
		_ = h.flash(w, r.Request, "info", "That enrollment is no longer in progress. Nothing was changed.")
		return seeOther(w, h.path("/"))
	}
	back := h.pendingPage(p)
	code := strings.TrimSpace(formValue(r, "code"))
	tok, err := h.requireToken(r, minTokenLife, back)
	if err != nil {
		return err
	}
	unlock, err := h.lockUser(r.Context(), r.sub)
	if err != nil {
		return err
	}
	defer unlock()
	if err := h.take(r, h.limits.Codes, p.Factor); err != nil {
		return err
	}
	if !codePattern.MatchString(code) {
		return h.codeFailed(w, r, p, "Enter the 6-digit code.", "malformed_code")
	}
	release, err := h.claimEnrollment(r, p)
	if err != nil {
		return err
	}
	if release == nil {
		return h.enrollmentOver(w, r, p)
	}
	accepted := false
	defer func() { release(accepted) }()

	if p.Factor == FactorTOTP {
		_, err = h.api.VerifyOTP(r.Context(), tok.AccessToken, code)
	} else {
		_, err = h.api.VerifyOOB(r.Context(), tok.AccessToken, p.OOBCode, code)
	}
	switch {
	case err == nil:
		if err := h.checkActivated(r, tok, p); err != nil {
			return err
		}
		accepted = true
		return h.enrolled(w, r, p)
	case mfaapi.IsInvalidCode(err):
		return h.codeFailed(w, r, p, "That code didn't work. Check it and try again.", "invalid_code")
	case mfaapi.IsOOBCodeExpired(err):
		return h.codeFailed(w, r, p, "That code has expired. Send a new code and enter it.", "code_expired")
	}
	added, failure := h.confirmFault(r, tok, p, err, back)
	if !added {
		return failure
	}
	accepted = true
	return h.enrolled(w, r, p)
}

// claimEnrollment takes the single-use claim on confirming p. An enrollment is confirmed once,
// even from a stale copy of the session (a concurrent request that loaded it before the first
// one committed, another tab, another instance): the claim lives in the limiter, not in the
// session. release(accepted) gives the claim back unless the confirmation was accepted or the
// enrollment ended (forgetPending keeps it as the mark that it is over). Callers hold the user
// lock, so a nil release with a nil error means the enrollment is over: confirmed, cancelled,
// rejected or expired.
func (h *Handler) claimEnrollment(r *request, p *pendingRecord) (release func(accepted bool), err error) {
	claim := "enrollment:" + p.ID
	d, err := h.lim.Take(r.Context(), claim, confirmOnce())
	if err != nil {
		return nil, &Failure{Status: http.StatusServiceUnavailable, Title: "Please try again",
			Message: "Your request could not be checked right now. Nothing was changed.", Err: err}
	}
	if !d.Allowed {
		return nil, nil
	}
	return func(accepted bool) {
		if !accepted && !p.ended {
			_ = h.lim.Reset(context.WithoutCancel(r.Context()), claim, confirmOnce())
		}
	}, nil
}

// stillOpen reports whether the enrollment p has not ended (confirmed, cancelled, replaced).
// The session may hold a copy that a concurrent request wrote back, or that a failed save
// left behind after its authenticators were deleted at Auth0: its QR code must not be shown.
// The check runs under the user lock, so it cannot interleave with a confirmation; when the
// lock or the limiter is unavailable the page is shown, since every action on it is checked
// again.
func (h *Handler) stillOpen(r *request, p *pendingRecord) bool {
	unlock, err := h.lim.Lock(r.Context(), "lock:"+r.sub, 30*time.Second)
	if err != nil {
		return true
	}
	defer unlock()
	claim := "enrollment:" + p.ID
	d, err := h.lim.Take(r.Context(), claim, confirmOnce())
	if err != nil {
		return true
	}
	if !d.Allowed {
		return false
	}
	if err := h.lim.Reset(context.WithoutCancel(r.Context()), claim, confirmOnce()); err != nil {
		// Only a check, but the claim is now taken: say so, since the enrollment will answer
		// "already ended" until the claim runs out.
		h.logger().Warn("mfahandler: could not release an enrollment check", "error", err.Error())
	}
	return true
}

// enrollmentOver answers a request for an enrollment that was already confirmed, cancelled or
// ended in another tab: the session's copy is dropped and the user sees the list.
func (h *Handler) enrollmentOver(w http.ResponseWriter, r *request, p *pendingRecord) error {
	// Its claim is already taken; forgetPending holds its recovery code, as on cancel.
	p.ended = true
	if err := h.forgetPending(w, r, p); err != nil {
		return err
	}
	_ = h.flash(w, r.Request, "info", "That setup has already ended (it was confirmed or cancelled, perhaps in another tab). Nothing else was changed.")
	return seeOther(w, h.path("/"))
}

// activation is what a fresh list says about an enrollment after a confirmation attempt.
type activation int

const (
	activationUnknown activation = iota // the list could not be read
	activationNone                      // no new active factor of the kind
	activationDone                      // a new active factor, or the setup's recovery code turned active
)

func (h *Handler) activationOf(r *request, tok *tokenRecord, p *pendingRecord) (activation, error) {
	list, err := h.api.Authenticators(r.Context(), tok.AccessToken)
	if err != nil {
		return activationUnknown, err
	}
	inv := newInventory(list)
	if inv.newlyActive(p.Factor, p.Before) {
		return activationDone, nil
	}
	if p.RecoveryCode != "" && inv.recoveryCode {
		// The recovery code that was pending with this enrollment is active now: Auth0 activates
		// it only with a confirmed factor, so a confirmation did activate one (the list may lag,
		// or show it under an id seen before). Losing the code's display would be worse.
		h.logger().Warn("mfahandler: the new factor is not listed yet but its recovery code is active", "factor", string(p.Factor))
		return activationDone, nil
	}
	return activationNone, nil
}

// checkActivated lists the user's authenticators after Auth0 accepted a confirmation and
// requires a new active authenticator of p's kind: a success answer that activated nothing
// must never look like an added factor. When the list cannot be read, Auth0's success answer
// stands (it is the documented proof) and the gap is logged.
func (h *Handler) checkActivated(r *request, tok *tokenRecord, p *pendingRecord) error {
	switch state, err := h.activationOf(r, tok, p); state {
	case activationUnknown:
		h.logger().Warn("mfahandler: confirmation accepted; the authenticator list could not be read to check it",
			"factor", string(p.Factor), "error", logText(err))
		return nil
	case activationDone:
		return nil
	}
	h.emit(r.Context(), r.Request, r.sub, EventConfirmFailed, p.Factor, "not_activated")
	return &Failure{Status: http.StatusBadGateway, Title: "Not added",
		Message: "The sign-in service accepted the confirmation, but your " + factorLabel(p.Factor) +
			" does not show as active. It was not added. Please try again, or cancel and start again.",
		NextLabel: "Back to the setup", NextURL: h.enrollmentPage(p),
		Err: errors.New("mfahandler: confirmation answered success but no new active " + factorKind(p.Factor) + " authenticator is listed")}
}

// finishActivated completes, from the list page, an enrollment of this session that the list
// shows active although its confirmation never completed here (Auth0's answer was lost and the
// list could not be read then): the user still gets the recovery code, the event and the
// session rotation. Once, under the user lock and the enrollment's claim.
func (h *Handler) finishActivated(w http.ResponseWriter, r *request, inv *inventory) (bool, error) {
	// Any age within the claim's life: an enrollment confirmed (at Auth0) near the end of its
	// 10 minutes may be looked at again only after them.
	p, ok := h.rawPending(r)
	if !ok || h.opts.now().Sub(p.Started) > confirmOnce().Refill {
		return false, nil
	}
	if !inv.newlyActive(p.Factor, p.Before) && !(p.RecoveryCode != "" && inv.recoveryCode) {
		return false, nil
	}
	unlock, err := h.lim.Lock(r.Context(), "lock:"+r.sub, 30*time.Second)
	if err != nil {
		return false, nil // busy: the next visit finishes it
	}
	defer unlock()
	release, err := h.claimEnrollment(r, p)
	if err != nil || release == nil {
		return false, nil
	}
	release(true)
	h.logger().Info("mfahandler: finishing an enrollment whose confirmation answer was lost", "factor", string(p.Factor))
	return true, h.enrolled(w, r, p)
}

// ambiguous reports an upstream failure after which Auth0 may have processed the request:
// no answer in time, a 5xx, or an answer that could not be read.
func ambiguous(err error) bool {
	if errors.Is(err, mfaapi.ErrInvalidInput) || errors.Is(err, mfaapi.ErrNoClientAuth) || errors.Is(err, errCircuitOpen) {
		return false // nothing was sent
	}
	var ae *mfaapi.Error
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500 || errors.Is(err, mfaapi.ErrResponseTooLarge)
	}
	return true // timeouts, connection errors, malformed 2xx bodies
}

// confirmFault handles a confirmation whose answer was lost or broken. Auth0 may have
// activated the factor anyway, so the list decides: added → the normal success; not added →
// the usual "nothing was changed"; unknown → the user is told to check, never that nothing
// changed. added reports the first case.
func (h *Handler) confirmFault(r *request, tok *tokenRecord, p *pendingRecord, err error, resume string) (added bool, failure error) {
	if !ambiguous(err) {
		return false, h.upstreamFailure(r, err, resume)
	}
	switch state, lerr := h.activationOf(r, tok, p); state {
	case activationDone:
		h.logger().Warn("mfahandler: the confirmation's answer was lost, but the factor is active", "factor", string(p.Factor), "error", logText(err))
		return true, nil
	case activationUnknown:
		return false, &Failure{Status: http.StatusBadGateway, Title: "Please check your sign-in methods",
			Message: "The sign-in service did not answer in time, so we could not tell whether your " + factorLabel(p.Factor) +
				" was added. Go back to your sign-in methods to see whether it is listed.",
			Err: errors.Join(err, lerr)}
	}
	if isTimeout(err) {
		// Auth0 may still finish the request after our list: no "nothing was changed".
		return false, &Failure{Status: http.StatusGatewayTimeout, Title: "The sign-in service is slow",
			Message: "The sign-in service did not answer in time. Go back to your sign-in methods to see whether your " +
				factorLabel(p.Factor) + " was added, or enter a new code.",
			NextLabel: "Back to the setup", NextURL: h.enrollmentPage(p), Err: err}
	}
	return false, h.upstreamFailure(r, err, resume)
}

// codeFailed counts a failed code against the enrollment and sends the user back to the form.
func (h *Handler) codeFailed(w http.ResponseWriter, r *request, p *pendingRecord, msg, reason string) error {
	h.emit(r.Context(), r.Request, r.sub, EventConfirmFailed, p.Factor, reason)
	p.Failures++
	if p.Failures >= h.limits.CodesPerEnrollment {
		h.cancelPending(w, r, p)
		h.emit(r.Context(), r.Request, r.sub, EventLimitHit, p.Factor, "codes_per_enrollment")
		_ = h.flash(w, r.Request, "error", "Too many wrong codes. That attempt was cancelled and nothing was added; you can start again.")
		return seeOther(w, h.path("/"))
	}
	if err := h.save(w, r.Request, keyPending, p); err != nil {
		return err
	}
	if err := h.save(w, r.Request, keyFlash, flashRecord{Kind: "error", Message: msg, Field: "code"}); err != nil {
		return err
	}
	return seeOther(w, h.pendingPage(p))
}

// forgetPending ends the enrollment in this session without confirming it. A recovery code
// that came with it is held server-side: Auth0 keeps the pending recovery code (it cannot be
// deleted) and activates it with the next confirmed factor, whose enrollment shows it then.
func (h *Handler) forgetPending(w http.ResponseWriter, r *request, p *pendingRecord) error {
	// Mark it over in the limiter (best effort): a stale copy of the session that brings it
	// back can then neither confirm nor poll it to success.
	if !p.ended {
		if _, err := h.lim.Take(r.Context(), "enrollment:"+p.ID, confirmOnce()); err != nil {
			h.logger().Warn("mfahandler: could not mark an enrollment as ended", "error", err.Error())
		}
		p.ended = true
	}
	if p.RecoveryCode != "" {
		if err := h.save(w, r.Request, keyRecoveryHeld, recoveryRecord{Sub: r.sub, Code: p.RecoveryCode, Issued: true}); err != nil {
			return err
		}
	}
	return h.drop(w, r.Request, keyPending)
}

// cancelPending forgets the enrollment and, best effort, deletes its pending authenticators.
func (h *Handler) cancelPending(w http.ResponseWriter, r *request, p *pendingRecord) {
	if err := h.forgetPending(w, r, p); err != nil {
		h.logger().Warn("mfahandler: could not forget a cancelled enrollment", "error", err.Error())
	}
	var tok tokenRecord
	if h.load(r.Request, keyToken, &tok) != nil || tok.Sub != r.sub || !tok.Expiry.After(h.opts.now()) {
		return // Auth0 expires pending authenticators after 24 h; the next enrollment cleans up too.
	}
	list, err := h.api.Authenticators(r.Context(), tok.AccessToken)
	if err != nil {
		h.logger().Warn("mfahandler: could not list authenticators to clean up a cancelled enrollment", "error", logText(err))
		return
	}
	for _, id := range newInventory(list).pendingOf(p.Factor) {
		if err := h.api.DeleteAuthenticator(r.Context(), tok.AccessToken, id); err != nil && !mfaapi.IsNotFound(err) {
			h.logger().Warn("mfahandler: could not delete a pending authenticator", "error", logText(err))
		}
	}
}

// enrolled finishes a confirmed enrollment: the recovery code (if any) is stored for its
// single display before anything else, the enrollment is forgotten, the session id is rotated,
// and the user sees the result. From here on the factor is added: a later failure says so.
func (h *Handler) enrolled(w http.ResponseWriter, r *request, p *pendingRecord) error {
	label := factorLabel(p.Factor)
	addedBut := func(err error) error {
		return &Failure{Status: http.StatusInternalServerError, Title: "Your " + label + " was added",
			Message: "Your " + label + " was added, but this page could not be updated. Go back to your sign-in methods to see it.",
			Err:     err}
	}
	// The per-user code budget counts consecutive failures (NIST SP 800-63B §5.2.2): a code
	// that worked starts it afresh.
	if err := h.lim.Reset(context.WithoutCancel(r.Context()), h.limits.Codes.Name+":"+r.sub, h.limits.Codes); err != nil {
		h.logger().Warn("mfahandler: could not reset the code budget after a success", "error", err.Error())
	}
	showRecovery := p.RecoveryCode != "" || (p.FirstFactor && p.NoCodeReason != "")
	if showRecovery {
		rec := recoveryRecord{ID: randomString(), Sub: r.sub, Code: p.RecoveryCode, Issued: p.RecoveryCode != "", Reason: p.NoCodeReason}
		if err := h.save(w, r.Request, keyRecovery, rec); err != nil {
			return addedBut(err)
		}
	}
	if err := h.drop(w, r.Request, keyPending); err != nil {
		return addedBut(err)
	}
	h.emit(r.Context(), r.Request, r.sub, EventFactorAdded, p.Factor, "")
	h.offerSignOut(w, r)
	if p.RecoveryCode != "" {
		h.emit(r.Context(), r.Request, r.sub, EventRecoveryCodeSet, p.Factor, "")
	}
	if err := h.renew(w, r); err != nil {
		return addedBut(err)
	}
	if showRecovery {
		return seeOther(w, h.path("/recovery-code"))
	}
	if err := h.flash(w, r.Request, "success", "Your "+label+" was added."); err != nil {
		return addedBut(err)
	}
	return seeOther(w, h.path("/"))
}

// renew rotates the session identifier after a privilege change (step-up login, a factor
// added or removed). Config validation requires a session.Renewer unless the host opted out
// with WithoutSessionRenewal.
func (h *Handler) renew(w http.ResponseWriter, r *request) error {
	if rn, ok := h.cfg.Sessions.(session.Renewer); ok && !h.opts.noSessionRenewal {
		return rn.Renew(w, r.Request)
	}
	return nil
}

// resend sends a new code for an SMS, voice or email enrollment: POST {base}/enroll/resend.
// /mfa/challenge refuses the MFA API token, so a resend is a new associate; the previous
// pending pair is deleted first. The failure count carries over.
func (h *Handler) resend(w http.ResponseWriter, r *request) error {
	p, ok, err := h.loadPending(r)
	if err != nil {
		return err
	}
	if !ok || formValue(r, "enrollment") != p.ID || (p.Factor != FactorSMS && p.Factor != FactorVoice && p.Factor != FactorEmail) {
		if err := h.dropExpired(w, r); err != nil {
			return err
		}
		_ = h.flash(w, r.Request, "info", "That enrollment is no longer in progress. Nothing was changed.")
		return seeOther(w, h.path("/"))
	}
	if p.Sends >= maxSendsPerEnrollment {
		_ = h.save(w, r.Request, keyFlash, flashRecord{Kind: "error", Message: "No more codes can be sent for this attempt. Cancel and start again later."})
		return seeOther(w, h.path("/enroll/code"))
	}
	tok, err := h.requireToken(r, enrollTokenLife, h.path("/enroll/code"))
	if err != nil {
		return err
	}
	unlock, err := h.lockUser(r.Context(), r.sub)
	if err != nil {
		return err
	}
	defer unlock()
	// A copy of the session written back by a concurrent request may hold an enrollment that
	// has ended: it must not get a new code (and ten more minutes).
	release, err := h.claimEnrollment(r, p)
	if err != nil {
		return err
	}
	if release == nil {
		return h.enrollmentOver(w, r, p)
	}
	release(false)
	if err := h.take(r, h.limits.Sends, p.Factor); err != nil {
		return err
	}
	inv, err := h.listFresh(r, tok, h.path("/enroll/code"))
	if err != nil {
		return err
	}
	if err := h.deletePending(r, tok, inv.pendingOf(p.Factor), h.path("/enroll/code")); err != nil {
		return err
	}
	req := mfaapi.AssociateRequest{PhoneNumber: p.Destination, Kind: mfaapi.KindSMS}
	switch p.Factor {
	case FactorVoice:
		req.Kind = mfaapi.KindVoice
	case FactorEmail:
		req = mfaapi.AssociateRequest{Kind: mfaapi.KindEmail, Email: p.Destination}
	}
	assoc, err := h.api.Associate(r.Context(), tok.AccessToken, req)
	if err != nil {
		// The old code's authenticator is gone: end the enrollment, keeping its recovery code.
		if ferr := h.forgetPending(w, r, p); ferr != nil {
			return ferr
		}
		return h.upstreamFailure(r, err, h.path("/"))
	}
	if err := checkAssociation(p.Factor, assoc); err != nil {
		if ferr := h.forgetPending(w, r, p); ferr != nil {
			return ferr
		}
		return &Failure{Status: http.StatusBadGateway, Title: "The sign-in service had a problem", Message: msgUpstream, Err: err}
	}
	p.OOBCode = assoc.OOBCode
	p.Sends++
	p.Started = h.opts.now()
	if len(assoc.RecoveryCodes) > 0 {
		p.RecoveryCode = assoc.RecoveryCodes[0]
	}
	if err := h.save(w, r.Request, keyPending, p); err != nil {
		return err
	}
	_ = h.flash(w, r.Request, "info", "A new code was sent.")
	return seeOther(w, h.path("/enroll/code"))
}

// confirmOnce is the single-use claim of one enrollment's confirmation (see confirm). It lasts
// as long as any copy of the enrollment could still be submitted.
func confirmOnce() limiter.Rule {
	return limiter.Rule{Name: "confirmed", Burst: 1, Refill: 2 * pendingTTL}
}

// recoveryShownOnce is the single-use claim of one recovery-code display. It lasts as long as
// a copy of the session holding the display record could come back.
func recoveryShownOnce() limiter.Rule {
	return limiter.Rule{Name: "recovery_shown", Burst: 1, Refill: 24 * time.Hour}
}

// maxSendsPerEnrollment bounds codes sent for one enrollment (first send included).
const maxSendsPerEnrollment = 3

// cancel abandons the enrollment in progress: POST {base}/enroll/cancel.
func (h *Handler) cancel(w http.ResponseWriter, r *request) error {
	p, ok, err := h.loadPending(r)
	if err != nil {
		return err
	}
	if !ok || formValue(r, "enrollment") != p.ID {
		return seeOther(w, h.path("/"))
	}
	// Under the user lock, so a cancel never interleaves with this enrollment's confirmation
	// or poll; the claim tells whether the enrollment was still open.
	unlock, err := h.lockUserWait(r)
	if err != nil {
		return err
	}
	defer unlock()
	release, err := h.claimEnrollment(r, p)
	if err != nil {
		return err
	}
	if release == nil {
		return h.enrollmentOver(w, r, p)
	}
	p.ended = true // keep the claim: this enrollment is over
	release(false)
	h.cancelPending(w, r, p)
	_ = h.flash(w, r.Request, "info", "Cancelled. Nothing was added.")
	return seeOther(w, h.path("/"))
}

// lockUserWait is lockUser for a request the user expects to just work (cancel): it waits a
// little for a concurrent poll or confirmation of the same user to finish.
func (h *Handler) lockUserWait(r *request) (func(), error) {
	for i := 0; ; i++ {
		unlock, err := h.lockUser(r.Context(), r.sub)
		if f := (*Failure)(nil); err == nil || i == lockWaitTries || !errors.As(err, &f) || f.Status != http.StatusConflict {
			return unlock, err
		}
		select {
		case <-r.Context().Done():
			return nil, r.Context().Err()
		case <-time.After(lockWaitStep):
		}
	}
}

// lockWaitTries and lockWaitStep bound lockUserWait to about three seconds.
const (
	lockWaitTries = 30
	lockWaitStep  = 100 * time.Millisecond
)

// ---- push -----------------------------------------------------------------------------------

// pushStatus polls Auth0 for the push enrollment: GET {base}/enroll/push/status. It is one of
// the two GETs that complete a step (named exception): the page refreshes itself here without
// JavaScript until the user approves or rejects in Guardian.
func (h *Handler) pushStatus(w http.ResponseWriter, r *request) error {
	if isPrefetch(r.Request) {
		return refusePrefetch(w)
	}
	p, ok, err := h.loadPending(r)
	if err != nil {
		return err
	}
	if !ok || p.Factor != FactorPush {
		return seeOther(w, h.path("/"))
	}
	tok, err := h.requireToken(r, minTokenLife, h.path("/enroll/push"))
	if err != nil {
		return err
	}
	unlock, err := h.lockUser(r.Context(), r.sub)
	if err != nil {
		if f := (*Failure)(nil); errors.As(err, &f) && f.Status == http.StatusConflict {
			return h.renderPush(w, r, p, "waiting") // another tab is polling or changing factors
		}
		return err
	}
	defer unlock()
	// Polls are paced in the limiter, not in the session, so a poll that changes nothing
	// changes nothing in the session either. Under the lock: the check of the back-off bucket
	// cannot interleave with another tab's backOff.
	if wait, err := h.pollWait(r, p); err != nil || wait {
		if err != nil {
			return err
		}
		return h.renderPush(w, r, p, "waiting")
	}
	// The same single-use claim as a code confirmation: of two tabs polling the approved
	// request, one finishes the enrollment and the other is told it has ended.
	release, err := h.claimEnrollment(r, p)
	if err != nil {
		return err
	}
	if release == nil {
		return h.enrollmentOver(w, r, p)
	}
	accepted := false
	defer func() { release(accepted) }()
	_, err = h.api.VerifyOOB(r.Context(), tok.AccessToken, p.OOBCode, "")
	switch {
	case err == nil:
		if err := h.checkActivated(r, tok, p); err != nil {
			return err
		}
		accepted = true
		return h.enrolled(w, r, p)
	case mfaapi.IsAuthorizationPending(err):
		return h.renderPush(w, r, p, "waiting")
	case mfaapi.IsSlowDown(err):
		// Auth0 asks for fewer polls: skip the next few.
		if err := h.backOff(r, p); err != nil {
			return err
		}
		return h.renderPush(w, r, p, "waiting")
	case mfaapi.IsRejected(err):
		h.emit(r.Context(), r.Request, r.sub, EventConfirmFailed, FactorPush, "push_rejected")
		h.cancelPending(w, r, p)
		return h.renderPush(w, r, p, "rejected")
	case mfaapi.IsOOBCodeExpired(err), mfaapi.IsInvalidCode(err):
		h.emit(r.Context(), r.Request, r.sub, EventConfirmFailed, FactorPush, "push_expired")
		h.cancelPending(w, r, p)
		return h.renderPush(w, r, p, "expired")
	}
	added, failure := h.confirmFault(r, tok, p, err, h.path("/enroll/push"))
	if !added {
		return failure
	}
	accepted = true
	return h.enrolled(w, r, p)
}

// pushPollRule allows one poll of a push enrollment per pushPollInterval; pushBackOffRule
// holds the extra pause after Auth0 answered slow_down.
func pushPollRule() limiter.Rule {
	return limiter.Rule{Name: "push_poll", Burst: 1, Refill: pushPollInterval}
}

func pushBackOffRule() limiter.Rule {
	return limiter.Rule{Name: "push_slow_down", Burst: 1, Refill: pushSlowDownPause}
}

// pushSlowDownPause is how long polling pauses after a slow_down answer: three poll intervals.
const pushSlowDownPause = 3 * pushPollInterval

// pollWait reports whether the push enrollment p was polled too recently (or Auth0 asked to
// slow down) so that this poll must not reach Auth0.
func (h *Handler) pollWait(r *request, p *pendingRecord) (bool, error) {
	limited := func(err error) error {
		return &Failure{Status: http.StatusServiceUnavailable, Title: "Please try again",
			Message: "Your request could not be checked right now. Nothing was changed.", Err: err}
	}
	// The back-off bucket is only ever drained by backOff: a poll checks it by taking and
	// immediately refilling when it was full.
	d, err := h.lim.Take(r.Context(), "push:"+p.ID, pushBackOffRule())
	if err != nil {
		return false, limited(err)
	}
	if !d.Allowed {
		return true, nil
	}
	if err := h.lim.Reset(context.WithoutCancel(r.Context()), "push:"+p.ID, pushBackOffRule()); err != nil {
		return false, limited(err)
	}
	d, err = h.lim.Take(r.Context(), "push:"+p.ID, pushPollRule())
	if err != nil {
		return false, limited(err)
	}
	return !d.Allowed, nil
}

// backOff drains p's back-off bucket after a slow_down answer.
func (h *Handler) backOff(r *request, p *pendingRecord) error {
	if _, err := h.lim.Take(r.Context(), "push:"+p.ID, pushBackOffRule()); err != nil {
		return &Failure{Status: http.StatusServiceUnavailable, Title: "Please try again",
			Message: "Your request could not be checked right now. Nothing was changed.", Err: err}
	}
	return nil
}

// isPrefetch reports a request the browser makes ahead of a navigation (link prefetch,
// speculation rules, prerender), which must not complete a step on the user's behalf.
func isPrefetch(r *http.Request) bool {
	for _, name := range []string{"Sec-Purpose", "Purpose", "X-Purpose", "X-Moz"} {
		v := strings.ToLower(r.Header.Get(name))
		if strings.Contains(v, "prefetch") || strings.Contains(v, "prerender") || strings.Contains(v, "preview") {
			return true
		}
	}
	return false
}

// refusePrefetch answers a prefetch with a status browsers discard; the real navigation then
// makes the request itself.
func refusePrefetch(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusServiceUnavailable)
	return nil
}

// ---- recovery code --------------------------------------------------------------------------

// recoveryPage shows the recovery code exactly once: GET {base}/recovery-code. The code is
// deleted from the session as it is displayed, so reload and back show it no more.
func (h *Handler) recoveryPage(w http.ResponseWriter, r *request) error {
	if isPrefetch(r.Request) {
		return refusePrefetch(w) // a prefetch must not use up the single display
	}
	var rec recoveryRecord
	if err := h.load(r.Request, keyRecovery, &rec); err != nil {
		if errors.Is(err, errNoRecord) {
			return seeOther(w, h.path("/"))
		}
		return err
	}
	if rec.Sub != r.sub {
		return seeOther(w, h.path("/"))
	}
	// The page is rendered before anything is used up: a failing or panicking view leaves the
	// code for the next try.
	page, err := prepare(r.Request, h.recoveryComponent(r, rec))
	if err != nil {
		return err
	}
	// Dropping it from the session is not enough: a concurrent request of this session (another
	// tab) may write back a copy that still holds it. The claim makes the display final. It is
	// taken first: if the limiter fails, the record stays for the reload the page asks for.
	if rec.ID != "" {
		d, err := h.lim.Take(r.Context(), "recovery:"+rec.ID, recoveryShownOnce())
		if err != nil {
			return &Failure{Status: http.StatusServiceUnavailable, Title: "Please try again",
				Message: "Your recovery code could not be shown right now. Reload this page in a moment.", Err: err}
		}
		if !d.Allowed {
			_ = h.drop(w, r.Request, keyRecovery)
			return seeOther(w, h.path("/"))
		}
	}
	if err := h.drop(w, r.Request, keyRecovery); err != nil {
		return err
	}
	if err := writePage(w, r.Request, http.StatusOK, page); err != nil {
		if rec.ID != "" {
			// The session could not be saved and the store's 503 went out instead: the display
			// is not used up, and the record is still in the store.
			_ = h.lim.Reset(context.WithoutCancel(r.Context()), "recovery:"+rec.ID, recoveryShownOnce())
		}
		return err
	}
	return nil
}

// recoveryAck is the "I have saved it" step: POST {base}/recovery-code.
func (h *Handler) recoveryAck(w http.ResponseWriter, r *request) error {
	if formValue(r, "saved") != "yes" {
		_ = h.flash(w, r.Request, "info", "Your new sign-in method is ready. If you did not save your recovery code, contact support to get a new one.")
		return seeOther(w, h.path("/"))
	}
	_ = h.flash(w, r.Request, "success", "Your new sign-in method is ready.")
	return seeOther(w, h.path("/"))
}

// ---- remove ---------------------------------------------------------------------------------

func validAuthenticatorID(id string) bool { return authenticatorIDPattern.MatchString(id) }

// removePage asks for confirmation: GET {base}/remove?id=…
func (h *Handler) removePage(w http.ResponseWriter, r *request) error {
	q := r.URL.Query()
	if len(q["id"]) != 1 || !validAuthenticatorID(q.Get("id")) {
		return &Failure{Status: http.StatusBadRequest, Title: "Unknown sign-in method", Message: "That sign-in method was not found."}
	}
	id := q.Get("id")
	resume := h.path("/remove?id=" + urlQueryEscape(id))
	tok, err := h.requireToken(r, minTokenLife, resume)
	if err != nil {
		return err
	}
	inv, err := h.listFresh(r, tok, resume)
	if err != nil {
		return err
	}
	g, ok := inv.find(id)
	if !ok {
		return h.notListed(w, r, id)
	}
	return h.renderRemove(w, r, g, id, h.guardBlocks(inv, g))
}

func (h *Handler) guardBlocks(inv *inventory, g group) bool {
	return h.opts.lastFactorGuard && g.Kind != "email" && inv.realFactors() <= 1
}

// remove deletes a factor: POST {base}/remove. The id must be one of the user's freshly listed
// active authenticators; when the token has to be renewed first, the user lands on the
// confirmation page again: a removal is never executed silently after a login.
func (h *Handler) remove(w http.ResponseWriter, r *request) error {
	id := formValue(r, "id")
	if !validAuthenticatorID(id) {
		return &Failure{Status: http.StatusBadRequest, Title: "Unknown sign-in method", Message: "That sign-in method was not found. Nothing was changed."}
	}
	resume := h.path("/remove?id=" + urlQueryEscape(id))
	tok, err := h.requireToken(r, minTokenLife, resume)
	if err != nil {
		return err
	}
	unlock, err := h.lockUser(r.Context(), r.sub)
	if err != nil {
		return err
	}
	defer unlock()
	inv, err := h.listFresh(r, tok, resume)
	if err != nil {
		return err
	}
	g, ok := inv.find(id)
	if !ok {
		return h.notListed(w, r, id)
	}
	if h.guardBlocks(inv, g) {
		return &Failure{Status: http.StatusConflict, Title: "Keep at least one method",
			Message: "This is your only sign-in method, so it can't be removed. Add another method first. Nothing was changed."}
	}
	if err := h.api.DeleteAuthenticator(r.Context(), tok.AccessToken, id); err != nil {
		if mfaapi.IsNotFound(err) {
			_ = h.flash(w, r.Request, "info", "That sign-in method was already removed.")
			return seeOther(w, h.path("/"))
		}
		if ae := (*mfaapi.Error)(nil); errors.As(err, &ae) && ae.StatusCode == http.StatusForbidden && g.Kind == "email" {
			_ = h.flash(w, r.Request, "error", "This email address is your account's verified email and can't be removed here.")
			return seeOther(w, h.path("/"))
		}
		return h.upstreamFailure(r, err, resume)
	}
	// A 2xx from DELETE is not proof: list again, so that an odd answer never looks like a
	// removal (and never notifies the user of one).
	msg := kindLabel(g.Kind) + " removed."
	if g.Kind == "phone" && len(g.Channels) > 1 {
		msg = "Phone removed (text messages and voice calls)."
	}
	after, err := h.api.Authenticators(r.Context(), tok.AccessToken)
	switch {
	case err != nil:
		// Auth0 said it was deleted and nothing says otherwise: report the removal, and say
		// that the list could not be checked.
		h.logger().Warn("mfahandler: authenticator deleted; the list could not be read to check it", "error", logText(err))
		msg += " The list below may not be up to date yet; reload the page in a moment."
	default:
		if _, still := newInventory(after).find(id); still {
			return &Failure{Status: http.StatusBadGateway, Title: "The sign-in service had a problem",
				Message: "The sign-in service answered that the method was removed, but it is still listed. " +
					"Reload your sign-in methods to check, and try again if it is still there.",
				Err: errors.New("mfahandler: DELETE answered success but the authenticator is still listed")}
		}
	}
	for _, x := range g.IDs {
		// Remember the removal for a while, so that a double submit or a second tab is told
		// "already removed" instead of raising an access_denied event for the user's own id.
		_, _ = h.lim.Take(context.WithoutCancel(r.Context()), "removed:"+r.sub+":"+x, removedRule())
	}
	h.emit(r.Context(), r.Request, r.sub, EventFactorRemoved, groupFactor(g), "")
	h.offerSignOut(w, r)
	if err := h.renew(w, r); err != nil {
		return &Failure{Status: http.StatusInternalServerError, Title: kindLabel(g.Kind) + " removed",
			Message: msg + " This page could not be updated; go back to your sign-in methods.", Err: err}
	}
	_ = h.flash(w, r.Request, "success", msg)
	return seeOther(w, h.path("/"))
}

// removedRule marks an authenticator this user removed in the last 30 minutes.
func removedRule() limiter.Rule {
	return limiter.Rule{Name: "removed", Burst: 1, Refill: 30 * time.Minute}
}

// notListed answers a removal of an id that is not among the user's active authenticators:
// "already removed" when this user removed it moments ago (a double submit, another tab),
// otherwise a 404 and an access_denied event (an id that is not the user's).
func (h *Handler) notListed(w http.ResponseWriter, r *request, id string) error {
	key := "removed:" + r.sub + ":" + id
	d, err := h.lim.Take(r.Context(), key, removedRule())
	if err == nil && !d.Allowed {
		_ = h.flash(w, r.Request, "info", "That sign-in method was already removed.")
		return seeOther(w, h.path("/"))
	}
	if err == nil {
		if err := h.lim.Reset(context.WithoutCancel(r.Context()), key, removedRule()); err != nil { // only a check: leave no mark
			h.logger().Warn("mfahandler: could not release a removal check", "error", err.Error())
		}
	}
	h.emit(r.Context(), r.Request, r.sub, EventAccessDenied, "", "unknown_authenticator")
	return &Failure{Status: http.StatusNotFound, Title: "Unknown sign-in method", Message: "That sign-in method was not found. Nothing was changed."}
}

func groupFactor(g group) Factor {
	switch g.Kind {
	case "totp":
		return FactorTOTP
	case "push":
		return FactorPush
	case "email":
		return FactorEmail
	case "phone":
		if len(g.Channels) == 1 && g.Channels[0] == "voice" {
			return FactorVoice
		}
		return FactorSMS
	}
	return ""
}

func limitLen(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// userText is an error's text without its package prefix, for showing to the user.
func userText(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i > 0 && !strings.Contains(s[:i], " ") {
		s = s[i+2:]
	}
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

// ---- other sessions -------------------------------------------------------------------------

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
		return &Failure{Status: http.StatusNotFound, Title: "Page not found", Message: "This page does not exist."}
	}
	if !h.signOutOffered(r) {
		// Only as the answer to an offer (after a change of factors, for 10 minutes): ending
		// sessions reads the whole session store, so it is not an endpoint to call at will.
		_ = h.flash(w, r.Request, "info", "That choice is no longer open. Nothing was changed.")
		return seeOther(w, h.path("/"))
	}
	switch formValue(r, "decision") {
	case "keep":
		if err := h.drop(w, r.Request, keySignOut); err != nil {
			return err
		}
		_ = h.flash(w, r.Request, "info", "Your other sessions stay signed in.")
		return seeOther(w, h.path("/"))
	case "sign_out":
	default:
		return &Failure{Status: http.StatusBadRequest, Title: "Invalid request", Message: "Choose whether to sign out your other sessions. Nothing was changed."}
	}
	unlock, err := h.lockUser(r.Context(), r.sub)
	if err != nil {
		return err
	}
	defer unlock()
	n, err := h.opts.signOutOthers(r.Request, r.sub)
	if err != nil {
		return &Failure{Status: http.StatusServiceUnavailable, Title: "Please try again",
			Message: "Your other sessions could not be signed out right now. Please try again in a moment.", Err: err}
	}
	if err := h.drop(w, r.Request, keySignOut); err != nil {
		return err
	}
	h.emit(r.Context(), r.Request, r.sub, EventSessionsEnded, "", strconv.Itoa(n))
	msg := "You were signed out everywhere else."
	if n == 0 {
		msg = "There were no other sessions to sign out."
	}
	_ = h.flash(w, r.Request, "success", msg)
	return seeOther(w, h.path("/"))
}
