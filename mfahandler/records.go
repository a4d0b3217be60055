package mfahandler

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
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
	// Gen names this copy of the session's privileges. It changes whenever the session id is
	// renewed (step-up, a factor added or removed), and the old one is revoked in the ledger:
	// a copy of the session that a late request writes back under the old id keeps the old
	// Gen, so its token opens nothing.
	Gen string `json:"gen,omitempty"`
	// MFA: the login that gave this token passed a second factor (amr "mfa"): what
	// RequireRecentMFA needs.
	MFA bool `json:"mfa,omitempty"`
	// AccountEmail is the account's verified email (ID token, email scope) masked as Auth0
	// masks names in the list; never the address itself. It tells the account's own email,
	// which Auth0 lists but does not delete, from an email method the user added.
	AccountEmail string `json:"aem,omitempty"`
}

// loginRecord is one step-up login transaction.
type loginRecord struct {
	State    string    `json:"state"`
	Nonce    string    `json:"nonce"`
	Verifier string    `json:"verifier"`
	Sub      string    `json:"sub"`    // the host user who started it
	Resume   string    `json:"resume"` // a path under the base path
	Created  time.Time `json:"created"`
	// CrossSite: another site started it; it never pushes out one of the user's own.
	CrossSite bool `json:"cross_site,omitempty"`
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
	keyToken   = "tok"
	keyLogin   = "login"
	keyPending = "pending"
	keySignOut = "signout_offer"
	keyFlash   = "flash"
	keyResume  = "resume" // where RequireMFA sent the user from
	keyAction  = "action" // the host action RequireRecentMFA holds across the step-up
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

// flash keeps the sentence id (in the request's language) for the next page.
func (h *Handler) flash(w http.ResponseWriter, r *http.Request, kind string, id msgID, args ...arg) error {
	return h.save(w, r, keyFlash, flashRecord{Kind: kind, Message: h.t(r, id, args...)})
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

// records is enroll.Records on the host's session, for one request.
type records struct {
	h   *Handler
	w   http.ResponseWriter
	r   *http.Request
	sub string
}

var _ enroll.Records = records{}

func (h *Handler) records(w http.ResponseWriter, r *http.Request, sub string) records {
	return records{h: h, w: w, r: r, sub: sub}
}

func (s records) Pending() (*enroll.Pending, error) {
	var p enroll.Pending
	if err := s.h.load(s.r, keyPending, &p); err != nil {
		if errors.Is(err, errNoRecord) {
			return nil, nil
		}
		return nil, err
	}
	if p.Sub != s.sub {
		return nil, nil
	}
	return &p, nil
}

func (s records) SavePending(p *enroll.Pending) error { return s.h.save(s.w, s.r, keyPending, p) }
func (s records) DropPending() error                  { return s.h.drop(s.w, s.r, keyPending) }
