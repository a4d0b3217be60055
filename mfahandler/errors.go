package mfahandler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/mfaapi"
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

// fail renders err for the user and logs it for the operator.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errSessionNotSaved) {
		h.logger().Error("mfahandler: the session could not be saved; the page was not sent", "method", r.Method, "path", r.URL.Path)
		return
	}
	var su *stepUpNeeded
	if errors.As(err, &su) {
		sub, _ := h.cfg.CurrentUser(r)
		if su.refused != nil {
			// The refused token is purged. When it was obtained moments ago, a new step-up
			// would produce the same refusal: answer an error page instead of looping.
			var t tokenRecord
			fresh := h.load(r, keyToken, &t) == nil && h.opts.now().Sub(t.Obtained) < freshTokenWindow
			if derr := h.drop(w, r, keyToken); derr != nil {
				h.fail(w, r, derr)
				return
			}
			if fresh {
				h.fail(w, r, &Failure{Status: http.StatusBadGateway, Title: "Not available right now", Message: msgConfig,
					Err: fmt.Errorf("mfahandler: Auth0 refused an MFA API token obtained %v ago; not starting another step-up: %w",
						h.opts.now().Sub(t.Obtained).Round(time.Second), su.refused)})
				return
			}
		}
		if lerr := h.startLogin(w, r, sub, su.resume); lerr != nil {
			h.fail(w, r, lerr)
		}
		return
	}
	var f *Failure
	if !errors.As(err, &f) {
		f = &Failure{Status: http.StatusInternalServerError, Title: "Something went wrong",
			Message: "Your sign-in methods were not changed. Please try again in a moment.", Err: err}
	}
	if f.NextURL == "" {
		f.NextLabel, f.NextURL = "Back to sign-in methods", h.path("/")
	}
	level := h.logger().Info
	if f.Status >= 500 {
		level = h.logger().Error
	}
	attrs := []any{"status", f.Status, "method", r.Method, "path", r.URL.Path}
	if f.Err != nil {
		attrs = append(attrs, "error", logText(f.Err))
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
		cp := *f
		cp.Err = hostSafeError(f.Err)
		h.opts.errorHandler(w, r, &cp)
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

// Messages for Auth0 failures: the user sees the plain text and next step; the log gets the
// *mfaapi.Error with its operator fix.
var (
	msgConfig = "Managing sign-in methods is not available right now because of a configuration problem on our side. " +
		"Nothing was changed. Please try again later or contact support."
	msgUpstream = "The sign-in service did not answer. Nothing was changed. Please try again in a moment."
)

// upstreamFailure maps an error from the MFA API to what the user sees. resume is the page to
// come back to when a fresh step-up login fixes the problem.
func (h *Handler) upstreamFailure(r *request, err error, resume string) error {
	switch {
	case errors.Is(err, errCircuitOpen):
		return &Failure{Status: http.StatusServiceUnavailable, Title: "The sign-in service is unavailable",
			Message:    "The sign-in service is not answering right now. Nothing was changed. Please try again in a minute.",
			RetryAfter: breakerOpen, Err: err}
	case isTimeout(err) || errors.Is(err, context.Canceled):
		return &Failure{Status: http.StatusGatewayTimeout, Title: "The sign-in service is slow", Message: msgUpstream, Err: err}
	case mfaapi.IsInvalidToken(err) || mfaapi.IsTokenExpired(err) || mfaapi.IsTokenMalformed(err) || mfaapi.IsAlreadyEnrolled(err):
		return &stepUpNeeded{resume: resume, reason: "the MFA API token was refused", refused: err}
	case mfaapi.IsWrongAudience(err) || mfaapi.IsGrantNotAllowed(err) || mfaapi.IsInvalidClient(err) || mfaapi.IsInsufficientScope(err):
		return &Failure{Status: http.StatusBadGateway, Title: "Not available right now", Message: msgConfig, Err: err}
	case mfaapi.IsFactorDisabled(err):
		return &Failure{Status: http.StatusBadGateway, Title: "Method not available",
			Message: "This sign-in method is not available right now. Nothing was changed. Please choose another method.", Err: err}
	case mfaapi.IsMaxAuthenticators(err):
		return &Failure{Status: http.StatusTooManyRequests, Title: "Too many unfinished attempts",
			Message: "Your account has too many unfinished attempts to add a sign-in method. They expire after 24 hours; " +
				"please try again tomorrow or contact support to reset them.", Err: err}
	case mfaapi.IsRateLimited(err) || mfaapi.IsTooManyAttempts(err):
		var ae *mfaapi.Error
		var retry time.Duration
		if errors.As(err, &ae) {
			retry = ae.RetryAfter
		}
		return &Failure{Status: http.StatusTooManyRequests, Title: "Too many attempts",
			Message:    "There have been too many attempts. Please wait " + waitText(retry) + " and try again. Nothing was changed.",
			RetryAfter: retry, Err: err}
	}
	return &Failure{Status: http.StatusBadGateway, Title: "The sign-in service had a problem", Message: msgUpstream, Err: err}
}

// logText is err's text for the log. Auth0's description of an /mfa/associate error may echo
// what the user typed (a phone number, an email address): it is left out.
func logText(err error) string {
	text := err.Error()
	if ae, ok := associateError(err); ok {
		text = strings.Replace(text, ae.Error(), withoutDescription(ae).Error(), 1)
		if strings.Contains(text, ae.Description) {
			text = withoutDescription(ae).Error()
		}
	}
	return text
}

// hostSafeError is err as handed to a host's error handler: an /mfa/associate *mfaapi.Error
// loses its description, as in the log; anything else is passed as is.
func hostSafeError(err error) error {
	if ae, ok := associateError(err); ok && ae == err {
		return withoutDescription(ae)
	}
	return err
}

// associateError finds an *mfaapi.Error of /mfa/associate that carries a description.
func associateError(err error) (*mfaapi.Error, bool) {
	var ae *mfaapi.Error
	if errors.As(err, &ae) && strings.HasSuffix(ae.Path, "/mfa/associate") && ae.Description != "" {
		return ae, true
	}
	return nil, false
}

func withoutDescription(ae *mfaapi.Error) *mfaapi.Error {
	c := *ae
	c.Description = "[description omitted: it may contain the phone number or email address]"
	return &c
}

// isTimeout reports a deadline or a client timeout on the way to Auth0.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// waitText turns a Retry-After into words.
func waitText(d time.Duration) string {
	switch {
	case d <= 0:
		return "a few minutes"
	case d < time.Minute:
		return "a minute"
	case d < time.Hour:
		m := int((d + time.Minute - 1) / time.Minute)
		if m == 1 {
			return "a minute"
		}
		return strconv.Itoa(m) + " minutes"
	default:
		hrs := int((d + time.Hour - 1) / time.Hour)
		if hrs == 1 {
			return "an hour"
		}
		return strconv.Itoa(hrs) + " hours"
	}
}
