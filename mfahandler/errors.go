package mfahandler

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/selfmfa/selfmfa/mfaapi"
	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
	"github.com/selfmfa/selfmfa/views"
)

// Failure is what the user is told when a request cannot be completed: a plain message and the
// next step. Err is the cause, for the log only; it is never shown.
type Failure struct {
	Status     int
	Title      string
	Message    string
	NextLabel  string
	NextURL    string
	RetryAfter time.Duration
	Err        error
}

func (f *Failure) Error() string {
	if f.Err != nil {
		return fmt.Sprintf("mfahandler: %d %s: %v", f.Status, f.Title, f.Err)
	}
	return fmt.Sprintf("mfahandler: %d %s", f.Status, f.Title)
}

func (f *Failure) Unwrap() error { return f.Err }

// stepUpNeeded makes the page wrapper start the step-up login and come back to resume.
type stepUpNeeded struct {
	resume  string
	reason  string
	refused error // set when Auth0 refused the session's token (not merely missing or old)
}

func (s *stepUpNeeded) Error() string { return "mfahandler: step-up login needed: " + s.reason }

// failure builds a Failure from the message table.
func (h *Handler) failure(r *http.Request, status int, title, msg msgID, err error, args ...arg) *Failure {
	return &Failure{Status: status, Title: h.t(r, title, args...), Message: h.t(r, msg, args...), Err: err}
}

// withNext sets the failure's way on.
func (f *Failure) withNext(label, url string) *Failure {
	f.NextLabel, f.NextURL = label, url
	return f
}

// The failures named by what happened.

func (h *Handler) notFound(r *http.Request) *Failure {
	return h.failure(r, http.StatusNotFound, tNotFound, mNotFound, nil)
}

func (h *Handler) badRequest(r *http.Request, msg msgID, err error) *Failure {
	return h.failure(r, http.StatusBadRequest, tInvalidRequest, msg, err)
}

func (h *Handler) badForm(r *http.Request, msg msgID, err error) *Failure {
	return h.failure(r, http.StatusBadRequest, tInvalidForm, msg, err)
}

func (h *Handler) busy(r *http.Request) *Failure {
	return h.failure(r, http.StatusConflict, tBusy, mBusy, nil)
}

func (h *Handler) unavailable(r *http.Request, msg msgID, err error) *Failure {
	return h.failure(r, http.StatusServiceUnavailable, tTryAgain, msg, err)
}

func (h *Handler) tooMany(r *http.Request, retry time.Duration, err error) *Failure {
	f := h.failure(r, http.StatusTooManyRequests, tTooMany, mTooMany, err, a("Wait", h.waitText(r, retry)))
	f.RetryAfter = retry
	return f
}

func (h *Handler) configProblem(r *http.Request, err error) *Failure {
	return h.failure(r, http.StatusBadGateway, tNotAvailable, mConfig, err)
}

func (h *Handler) upstreamProblem(r *http.Request, err error) *Failure {
	return h.failure(r, http.StatusBadGateway, tServiceProblem, mUpstream, err)
}

func (h *Handler) loginFailure(r *http.Request, title, msg msgID, err error) *Failure {
	return h.failure(r, http.StatusBadRequest, title, msg, err).withNext(h.t(r, lTryAgain), h.path("/login?fresh=1"))
}

// fail renders err for the user and logs it for the operator.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errSessionNotSaved) {
		h.logger().Error("mfahandler: the session could not be saved; the page was not sent", "method", r.Method, "path", r.URL.Path)
		return
	}
	var su *stepUpNeeded
	if errors.As(err, &su) {
		h.stepUp(w, r, su)
		return
	}
	var f *Failure
	if !errors.As(err, &f) {
		f = h.failure(r, http.StatusInternalServerError, tWentWrong, mInternal, err)
	}
	if f.NextURL == "" {
		f.NextLabel, f.NextURL = h.t(r, lBackToList), h.path("/")
	}
	level := h.logger().Info
	if f.Status >= 500 {
		level = h.logger().Error
	}
	attrs := []any{"status", f.Status, "method", r.Method, "path", r.URL.Path}
	if f.Err != nil {
		attrs = append(attrs, "error", f.Err.Error())
		var ae *mfaapi.Error
		if errors.As(f.Err, &ae) && ae.Fix() != "" {
			attrs = append(attrs, "fix", ae.Fix())
		}
	}
	level("mfahandler: request failed", attrs...)

	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
	}
	if h.opts.errorHandler != nil {
		h.opts.errorHandler(w, r, f)
		return
	}
	page := views.ErrorPage{
		Meta:    h.meta(r, f.Title, nil),
		Status:  f.Status,
		Title:   f.Title,
		Message: f.Message,
		Next:    views.Action{Label: f.NextLabel, Href: safeURL(f.NextURL)},
	}
	if err := h.render(w, r, f.Status, h.views.Error(page)); err != nil {
		http.Error(w, "Something went wrong.", http.StatusInternalServerError)
	}
}

// stepUp starts the step-up login that su asks for. When Auth0 refused the session's token,
// it is purged; when it was obtained moments ago, a new step-up would produce the same
// refusal: an error page instead of a loop.
func (h *Handler) stepUp(w http.ResponseWriter, r *http.Request, su *stepUpNeeded) {
	sub, _ := h.cfg.CurrentUser(r)
	if su.refused != nil {
		var t tokenRecord
		fresh := h.load(r, keyToken, &t) == nil && h.opts.now().Sub(t.Obtained) < freshTokenWindow
		if derr := h.drop(w, r, keyToken); derr != nil {
			h.fail(w, r, derr)
			return
		}
		if fresh {
			h.fail(w, r, h.configProblem(r, fmt.Errorf("mfahandler: Auth0 refused an MFA API token obtained %v ago; not starting another step-up: %w",
				h.opts.now().Sub(t.Obtained).Round(time.Second), su.refused)))
			return
		}
	}
	if h.recentMFANotice(w, r, su.resume) {
		return
	}
	if lerr := h.startLogin(w, r, sub, su.resume); lerr != nil {
		h.fail(w, r, lerr)
	}
}

// recentMFANotice says, before the step-up, that a new code is needed when the host's own
// challenge was moments ago (WithRecentMFA); the page's Continue starts the step-up. Only a
// page view: a POST that needs the step-up goes straight to it (the user acted already).
func (h *Handler) recentMFANotice(w http.ResponseWriter, r *http.Request, resume string) bool {
	if h.opts.recentMFA == nil || r.Method != http.MethodGet {
		return false
	}
	at := h.opts.recentMFA(r)
	if at.IsZero() || h.opts.now().Sub(at) >= RecentMFAWindow || at.After(h.opts.now().Add(time.Minute)) {
		return false
	}
	page := views.StepUpPage{
		Meta:     h.meta(r, "", nil),
		Continue: views.Action{Href: safeURL(h.path("/login?return=" + url.QueryEscape(h.safeResume(resume))))},
	}
	if err := h.render(w, r, http.StatusOK, h.views.StepUp(page)); err != nil {
		h.fail(w, r, err)
	}
	return true
}

// upstreamFailure maps a classified upstream failure to what the user sees. resume is the page
// to come back to when a fresh step-up login fixes the problem.
func (h *Handler) upstreamFailure(r *http.Request, err error, resume string) error {
	switch enroll.ClassOf(err) {
	case enroll.ClassUnavailable:
		f := h.failure(r, http.StatusServiceUnavailable, tServiceDown, mCircuitOpen, err)
		f.RetryAfter = breakerOpen
		return f
	case enroll.ClassTimeout:
		return h.failure(r, http.StatusGatewayTimeout, tServiceSlow, mUpstream, err)
	case enroll.ClassTokenRefused:
		return &stepUpNeeded{resume: resume, reason: "the MFA API token was refused", refused: err}
	case enroll.ClassConfig:
		return h.configProblem(r, err)
	case enroll.ClassFactorDisabled:
		return h.failure(r, http.StatusBadGateway, tMethodOff, mFactorDisabled, err)
	case enroll.ClassMaxAuthenticators:
		return h.failure(r, http.StatusTooManyRequests, tTooManyPending, mMaxAuthenticators, err)
	case enroll.ClassRateLimited:
		return h.tooMany(r, enroll.RetryAfterOf(err), err)
	}
	return h.upstreamProblem(r, err)
}
