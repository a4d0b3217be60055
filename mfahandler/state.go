package mfahandler

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// What the handler keeps in the host's session, each under its own key and JSON-encoded (no
// gob registration for hosts; a changed struct can never make a session undecodable: a record
// that fails to decode is dropped and the user is sent through step-up again).

// tokenRecord is the MFA API access token obtained by the step-up login.
type tokenRecord struct {
	Sub         string    `json:"sub"`
	AccessToken string    `json:"at"`
	Expiry      time.Time `json:"exp"`
	AuthTime    time.Time `json:"auth_time"`
	Obtained    time.Time `json:"obtained,omitzero"` // when the step-up stored it
}

// loginRecord is one step-up login transaction.
type loginRecord struct {
	State    string    `json:"state"`
	Nonce    string    `json:"nonce"`
	Verifier string    `json:"verifier"`
	Sub      string    `json:"sub"`    // the host user who started it
	Resume   string    `json:"resume"` // a path under the base path
	Created  time.Time `json:"created"`
}

// pendingRecord is the enrollment in progress. The TOTP secret and the full phone number are
// here (server-side session only) so the post-redirect-get pages can show them and a resend can
// re-associate; they never reach a URL, a cookie or a log.
type pendingRecord struct {
	ID          string    `json:"id"` // random id of this enrollment, carried in its forms
	Sub         string    `json:"sub"`
	Factor      Factor    `json:"factor"`
	Started     time.Time `json:"started"`
	Secret      string    `json:"secret,omitempty"`
	BarcodeURI  string    `json:"barcode_uri,omitempty"`
	OOBCode     string    `json:"oob_code,omitempty"`
	Destination string    `json:"destination,omitempty"` // E.164 phone or email address
	Sends       int       `json:"sends,omitempty"`
	Failures    int       `json:"failures,omitempty"`
	// Before lists the user's active authenticators of this factor's kind when the enrollment
	// started. A confirmation counts only when the list then shows a new active one: a 2xx from
	// /oauth/token alone is not proof that Auth0 activated this enrollment.
	Before []string `json:"before,omitempty"`
	// RecoveryCode is held only between associate and its one display after confirmation.
	RecoveryCode string `json:"recovery_code,omitempty"`
	// FirstFactor is set when the user had no real factor when the enrollment started: after it,
	// the recovery-code page explains when Auth0 sent no code.
	FirstFactor bool `json:"first_factor,omitempty"`
	// NoCodeReason says why no recovery code came with this enrollment, from the user's list
	// when it started: "earlier" (an unfinished setup holds the one code), "disabled" (the
	// tenant issues none), "" (the user already has an active one: nothing to explain).
	NoCodeReason string `json:"no_code_reason,omitempty"`

	// ended is set (in memory only) once this request has ended the enrollment: its claim is
	// then kept as the mark that it is over.
	ended bool
}

// recoveryRecord holds a recovery code from confirmation until its single display.
type recoveryRecord struct {
	// ID names this display: the limiter claim "recovery:{ID}" makes it single-use even when a
	// concurrent request writes back an older copy of the session.
	ID     string `json:"id,omitempty"`
	Sub    string `json:"sub"`
	Code   string `json:"code"`
	Issued bool   `json:"issued"`           // false: Auth0 sent none, the page explains why
	Reason string `json:"reason,omitempty"` // why none was sent: pendingRecord.NoCodeReason
}

// signOutOffer is the offer to sign out the user's other sessions after a change of factors.
type signOutOffer struct {
	Sub   string    `json:"sub"`
	Until time.Time `json:"until"`
}

// flashRecord is a one-shot message shown on the next page.
type flashRecord struct {
	Kind    string `json:"kind"` // "success", "error", "info"
	Message string `json:"message"`
	Field   string `json:"field,omitempty"` // the form field the message is about
	Value   string `json:"value,omitempty"` // what the user typed, to show it again (never a code)
}

const (
	keyToken    = "tok"
	keyLogin    = "login"
	keyPending  = "pending"
	keyRecovery = "recovery"
	keySignOut  = "signout_offer"
	// keyRecoveryHeld keeps the recovery code of a cancelled enrollment until the next one is
	// confirmed (Auth0 activates the pending code then, and sends it no more).
	keyRecoveryHeld = "recovery_held"
	keyFlash        = "flash"
)

var errNoRecord = errors.New("mfahandler: no record")

func (h *Handler) load(r *http.Request, key string, v any) error {
	b, ok, err := h.cfg.Sessions.Get(r, h.opts.keyPrefix+key)
	if err != nil {
		return fmt.Errorf("mfahandler: reading session: %w", err)
	}
	if !ok || len(b) == 0 {
		return errNoRecord
	}
	if err := json.Unmarshal(b, v); err != nil {
		// An undecodable record (e.g. written by an older version) is treated as absent.
		h.logger().Warn("mfahandler: dropping undecodable session record", "key", key)
		return errNoRecord
	}
	return nil
}

func (h *Handler) save(w http.ResponseWriter, r *http.Request, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("mfahandler: encoding session record: %w", err)
	}
	if err := h.cfg.Sessions.Put(w, r, h.opts.keyPrefix+key, b); err != nil {
		return fmt.Errorf("mfahandler: writing session: %w", err)
	}
	return nil
}

func (h *Handler) drop(w http.ResponseWriter, r *http.Request, keys ...string) error {
	var errs []error
	for _, k := range keys {
		if err := h.cfg.Sessions.Delete(w, r, h.opts.keyPrefix+k); err != nil {
			errs = append(errs, fmt.Errorf("mfahandler: deleting session record: %w", err))
		}
	}
	return errors.Join(errs...)
}

func (h *Handler) flash(w http.ResponseWriter, r *http.Request, kind, msg string) error {
	return h.save(w, r, keyFlash, flashRecord{Kind: kind, Message: msg})
}

// takeFlash reads and deletes the one-shot message.
func (h *Handler) takeFlash(w http.ResponseWriter, r *http.Request) (flashRecord, error) {
	var f flashRecord
	if err := h.load(r, keyFlash, &f); err != nil {
		if errors.Is(err, errNoRecord) {
			return flashRecord{}, nil
		}
		return flashRecord{}, err
	}
	return f, h.drop(w, r, keyFlash)
}
