package mfahandler

import (
	"context"
	"net/http"
	"time"
)

// EventKind names what happened.
type EventKind string

// The events a host can receive through WithEvents.
const (
	EventStepUp          EventKind = "step_up"                   // the user passed the step-up login
	EventStepUpFailed    EventKind = "step_up_failed"            // the step-up callback was refused
	EventSubjectMismatch EventKind = "subject_mismatch"          // the Auth0 user of the step-up differs from the host user
	EventEnrollStarted   EventKind = "enroll_started"            // an enrollment was started (associate)
	EventFactorAdded     EventKind = "factor_added"              // an enrollment was confirmed
	EventFactorRemoved   EventKind = "factor_removed"            // a factor (or a pair) was removed
	EventConfirmFailed   EventKind = "confirm_failed"            // a code was wrong or expired, a push declined or expired, or a confirmation activated nothing
	EventLimitHit        EventKind = "limit_hit"                 // a local or Auth0 attempt limit refused a request
	EventAccessDenied    EventKind = "access_denied"             // an id that is not the user's was used, or a cross-origin request was refused
	EventRecoveryCodeSet EventKind = "recovery_code_set"         // a recovery code was issued and shown once
	EventSessionsEnded   EventKind = "other_sessions_signed_out" // the user signed out their other sessions
)

// Event is one security-relevant action, for audit logs and user notifications. It never
// carries secrets: no tokens, codes, TOTP secrets, recovery codes or full phone numbers.
type Event struct {
	Kind      EventKind
	User      string // the Auth0 subject
	Factor    Factor // the kind of factor concerned, if any
	Time      time.Time
	ClientIP  string // from WithClientIP, else the connection's address
	UserAgent string
	// Reason is a short machine-readable reason for failures: for confirm_failed
	// "malformed_code", "invalid_code", "code_expired", "push_rejected", "push_expired",
	// "not_activated"; for step_up_failed "unknown_state", "code_exchange", "id_token_invalid",
	// "nonce_mismatch", "insufficient_scope", "authorize_{error}"; for access_denied
	// "unknown_authenticator", "cross_origin"; for subject_mismatch "step_up_subject_differs",
	// "login_started_by_other_user"; for limit_hit the rule name, "codes_per_enrollment", or
	// "auth0_rate_limit" when Auth0's own limit refused the request (a 429);
	// for other_sessions_signed_out the number of sessions ended.
	Reason string
}

func (h *Handler) emit(ctx context.Context, r *http.Request, sub string, kind EventKind, f Factor, reason string) {
	if h.opts.events == nil {
		return
	}
	// The host's hook must not break the user's step: a panic in it is logged, not spread.
	defer func() {
		if v := recover(); v != nil {
			h.logger().Error("mfahandler: the WithEvents hook panicked; the event was dropped", "event", string(kind), "panic", panicText(v))
		}
	}()
	h.opts.events(ctx, Event{
		Kind:      kind,
		User:      sub,
		Factor:    f,
		Time:      h.opts.now(),
		ClientIP:  h.clientIP(r),
		UserAgent: r.UserAgent(),
		Reason:    reason,
	})
}
