package enroll

import "time"

// Outcome is what a step of the lifecycle came to. The handler maps each to a page, a flash
// and a redirect in one place.
type Outcome int

// Outcomes.
const (
	// Failed: the step could not run; Err says why (a session read error, a step-up needed,
	// an upstream fault: see Result.Err and ClassOf). Resume is where a step-up comes back to.
	Failed Outcome = iota
	// Busy: another change of this user's factors is in progress. Nothing was changed.
	Busy
	// Unavailable: the ledger (limiter) could not be reached. Nothing was changed.
	Unavailable
	// LimitHit: a local attempt budget is spent; RetryAfter says for how long, Reason names it.
	LimitHit

	// Listed: Inventory holds the user's factors.
	Listed
	// NotInProgress: no enrollment of that id is in progress in this session.
	NotInProgress
	// Over: the enrollment already ended (confirmed, cancelled, replaced, perhaps in another
	// tab); this session's copy was dropped.
	Over
	// Open: the enrollment is in progress; Pending holds it, for its page.
	Open

	// InvalidPhone: the phone number was refused locally; Detail is the validator's message.
	InvalidPhone
	// InvalidEmail: the email address was refused locally.
	InvalidEmail
	// DestinationRefused: Auth0 refused the number or address (Field names it).
	DestinationRefused
	// Started: the enrollment began; Pending holds it.
	Started

	// Malformed, WrongCode, CodeExpired: the code was refused; the enrollment stays open.
	Malformed
	WrongCode
	CodeExpired
	// TooManyWrongCodes: the enrollment's wrong-code budget is spent; it was cancelled.
	TooManyWrongCodes
	// NotActivated: Auth0 accepted the confirmation but lists no new active factor.
	NotActivated
	// Ambiguous: the confirmation's answer was lost and the list could not tell; the user must
	// check. Timeout: the same, because Auth0 did not answer in time (it may still finish).
	Ambiguous
	Timeout
	// Added: the factor is active. Recovery, when set, waits for its single display.
	Added
	// AddedBut: the factor is active, but the session could not be updated; Err says why.
	AddedBut

	// Sent: a new code was sent. NoMoreSends: this enrollment may send no more codes.
	Sent
	NoMoreSends
	// Cancelled: the enrollment was abandoned; nothing was added.
	Cancelled

	// Waiting, Rejected, Expired: where a push enrollment stands after a poll.
	Waiting
	Rejected
	Expired

	// RecoveryShown: Recovery holds the code to show now (its display is spent). NoRecovery:
	// nothing to show. RecoveryPending: a code waits for its display.
	RecoveryShown
	NoRecovery
	RecoveryPending

	// Confirmable: Method can be removed (Blocked: the last-factor guard refuses).
	Confirmable
	// NotListed: the id is not one of the user's active authenticators (an access_denied).
	NotListed
	// AlreadyRemoved: this user removed it moments ago (a double submit, another tab).
	AlreadyRemoved
	// Guarded: the last-factor guard refuses the removal.
	Guarded
	// NotDeletable: Auth0 refuses to delete it (the account's verified email).
	NotDeletable
	// Removed: the method is gone. Unchecked: the list could not be read afterwards.
	Removed
	// StillListed: Auth0 answered success but the method is still listed.
	StillListed

	// Renamed: the method has its new name (Value). BadName: the name was refused locally.
	Renamed
	BadName
	// ChannelSet: the phone prefers Value now. BadChannel: not a phone, or not sms/voice.
	ChannelSet
	BadChannel
	// NotSupported: the backend cannot do this (the MFA API cannot rename).
	NotSupported
)

// PlaceKind names a page of the lifecycle, for redirects and step-up resumes.
type PlaceKind int

// Places.
const (
	AtList   PlaceKind = iota
	AtSetup            // the enrollment's own page: TOTP or push setup, or the code page
	AtForm             // the destination form of Factor
	AtRemove           // the removal confirmation of ID
	AtRename           // the page that names ID
)

// Place is a page of the lifecycle.
type Place struct {
	Kind   PlaceKind
	Factor Factor
	ID     string
}

// Event is a security-relevant action for the host's audit trail.
type Event struct {
	Kind   string // the handler's EventKind values
	Factor Factor
	Reason string
}

// Result is what one step returns.
type Result struct {
	Outcome Outcome
	Factor  Factor
	// Pending is the enrollment the step concerns (its page is rendered from it).
	Pending *Pending
	// Inventory is the user's fresh list (Listed, Confirmable).
	Inventory *Inventory
	// Method is the method a removal concerns.
	Method Method
	// ID is the authenticator id a removal names.
	ID      string
	Blocked bool
	// Recovery is the recovery display to show (RecoveryShown).
	Recovery *RecoveryDisplay
	// ShowRecovery: Added with a recovery display waiting; the next page is its display.
	ShowRecovery bool
	// Unchecked: Removed, but the list could not be read to check it.
	Unchecked  bool
	RetryAfter time.Duration
	Reason     string // the rule a LimitHit names; the detail of Unavailable
	Detail     string // InvalidPhone: the validator's message
	Field      string // DestinationRefused: "phone_number" or "email"
	Value      string // what the user typed, to show it again (never a code)
	Resume     Place
	Err        error
	Events     []Event
}

func (r Result) with(e Event) Result {
	r.Events = append(r.Events, e)
	return r
}
