package enroll

import "time"

// Pending is the enrollment in progress, kept in the host's server-side session. The TOTP
// secret and the full phone number are here so the post-redirect-get pages can show them and a
// resend can start again; they never reach a URL, a cookie or a log.
type Pending struct {
	ID         string    `json:"id"` // random id of this enrollment, carried in its forms
	Sub        string    `json:"sub"`
	Factor     Factor    `json:"factor"`
	Started    time.Time `json:"started"`
	Secret     string    `json:"secret,omitempty"`
	BarcodeURI string    `json:"barcode_uri,omitempty"`
	OOBCode    string    `json:"oob_code,omitempty"`
	// MethodID and AuthSession are the My Account API's handle on the enrollment: the id to
	// verify (as Auth0 sent it) and the session that proves this enrollment is ours.
	MethodID    string `json:"method_id,omitempty"`
	AuthSession string `json:"auth_session,omitempty"`
	Destination string `json:"destination,omitempty"` // E.164 phone or email address
	Sends       int    `json:"sends,omitempty"`
	// Before lists the user's active authenticators of this factor's kind when the enrollment
	// started. A confirmation counts only when the list then shows a new active one: a success
	// answer alone is not proof that Auth0 activated this enrollment.
	Before []string `json:"before,omitempty"`
	// RecoveryCode is held only between the start and its one display after confirmation.
	RecoveryCode string `json:"recovery_code,omitempty"`
	// FirstFactor: the user had no real factor when the enrollment started; after it, the
	// recovery-code page explains when Auth0 sent no code.
	FirstFactor bool `json:"first_factor,omitempty"`
	// NoCodeReason says why no recovery code came with this enrollment: "earlier" (an
	// unfinished setup holds the one code), "disabled" (the tenant issues none), "" (the user
	// already has an active one: nothing to explain).
	NoCodeReason string `json:"no_code_reason,omitempty"`

	// ended is set (in memory only) once this request has ended the enrollment: its claim is
	// then kept as the mark that it is over.
	ended bool
}

// RecoveryDisplay holds a recovery code from confirmation until its single display.
type RecoveryDisplay struct {
	// ID names this display: the ledger makes it single-use.
	ID     string `json:"id,omitempty"`
	Sub    string `json:"sub"`
	Code   string `json:"code"`
	Issued bool   `json:"issued"`           // false: Auth0 sent none; the page explains why
	Reason string `json:"reason,omitempty"` // why none was sent: Pending.NoCodeReason or NoCodeLater
	// Wait is, for NoCodeLater, how long until the code can be created.
	Wait time.Duration `json:"wait,omitempty"`
	// Factor is the method whose setup this display ends, for the sentence after it.
	Factor Factor `json:"factor,omitempty"`
}

// Records is the per-request view of the user's session that the core reads and writes: the
// enrollment in progress. The handler implements it on the host's session store. Pending
// returns nothing (not an error) for a record of another user. Recovery codes are not kept
// here but in the Ledger (per user, sealed), so that no copy of a session can lose one.
type Records interface {
	// Pending returns the session's enrollment record of this user at any age; nil when none.
	Pending() (*Pending, error)
	SavePending(p *Pending) error
	DropPending() error
}
