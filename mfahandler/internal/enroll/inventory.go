package enroll

import (
	"slices"
	"time"
)

// Authenticator is one upstream authenticator, as a backend lists it.
type Authenticator struct {
	ID     string
	Kind   string // "totp", "sms", "voice", "push", "email", "recovery-code"
	Active bool
	// PairKey is shared by authenticators the backend creates and deletes together (an SMS and
	// a voice authenticator of one number); one delete removes the pair.
	PairKey string
	// Companion marks the OTP authenticator that came with a push enrollment: it is part of
	// the push, never an authenticator app of its own.
	Companion bool
}

// Method is one sign-in method as a person thinks of it: one phone for an SMS+voice pair, one
// device for push and its companion OTP.
type Method struct {
	Group    string   // "totp", "phone", "push", "email"
	IDs      []string // every upstream authenticator of the method; IDs[0] names it
	Channels []string // phones: "sms", "voice"
	// Preferred is the channel a phone method prefers (My Account API): "sms" or "voice".
	Preferred string
	// Label is the user's own name for the method (My Account API), when it has one.
	Label     string
	Name      string // masked by Auth0
	CreatedAt *time.Time
	LastUsed  *time.Time
	// MaybeCompanion marks an authenticator app that might be the code generator of a push
	// enrollment whose companion is not known: removing it may turn off that push too.
	MaybeCompanion bool
	// Fixed marks the account's own verified email, which Auth0 lists as an email
	// authenticator but refuses to delete: the page offers no Remove for it.
	Fixed bool
}

// Inventory is a user's authenticators, freshly listed. Pending (unconfirmed) authenticators
// are in All but never in Methods.
type Inventory struct {
	All            []Authenticator
	Methods        []Method
	RecoveryActive bool // an active recovery code exists
}

// Find returns the method holding the active authenticator id.
func (inv *Inventory) Find(id string) (Method, bool) {
	for _, m := range inv.Methods {
		if slices.Contains(m.IDs, id) {
			return m, true
		}
	}
	return Method{}, false
}

// RealFactors counts active methods that are neither email nor the recovery code.
func (inv *Inventory) RealFactors() int {
	n := 0
	for _, m := range inv.Methods {
		if m.Group != "email" {
			n++
		}
	}
	return n
}

// NoCodeReason says why starting an enrollment would bring no recovery code: "" when the user
// has an active one, "earlier" when a pending one exists (an unfinished setup received it),
// "disabled" when there is none at all (the tenant issues none).
func (inv *Inventory) NoCodeReason() string {
	reason := "disabled"
	for _, a := range inv.All {
		if a.Kind != "recovery-code" {
			continue
		}
		if a.Active {
			return ""
		}
		reason = "earlier"
	}
	return reason
}

// ActiveOf lists the ids of active authenticators of the kind an enrollment of f creates. A
// push's companion OTP is not an authenticator app.
func (inv *Inventory) ActiveOf(f Factor) []string {
	kind := spec(f).Kind
	var ids []string
	for _, a := range inv.All {
		if a.Active && a.Kind == kind && !a.Companion {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// NewlyActive reports whether an authenticator of f's kind is active now that was not among
// before: the proof that a confirmation activated an enrollment.
func (inv *Inventory) NewlyActive(f Factor, before []string) bool {
	for _, id := range inv.ActiveOf(f) {
		if !slices.Contains(before, id) {
			return true
		}
	}
	return false
}

// PendingOf lists the ids of pending authenticators a new enrollment of f replaces, one per
// pair. A push's companion OTP is never one of TOTP's (deleting it would delete the push with
// it); and since a companion cannot always be told apart, no pending TOTP is deleted while a
// push is pending (deleting the push removes its companion).
func (inv *Inventory) PendingOf(f Factor) []string {
	pushPending := false
	for _, a := range inv.All {
		if a.Kind == "push" && !a.Active {
			pushPending = true
		}
	}
	s := spec(f)
	var ids []string
	pairs := map[string]bool{}
	for _, a := range inv.All {
		if a.Active {
			continue
		}
		var match bool
		switch s.Group {
		case "totp":
			match = a.Kind == "totp" && !a.Companion && !pushPending
		case "phone":
			match = a.Kind == "sms" || a.Kind == "voice"
		default:
			match = a.Kind == s.Kind
		}
		if !match {
			continue
		}
		if a.PairKey != "" {
			if pairs[a.PairKey] {
				continue
			}
			pairs[a.PairKey] = true
		}
		ids = append(ids, a.ID)
	}
	return ids
}
