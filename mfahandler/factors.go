package mfahandler

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/mfaapi"
)

// authenticatorIDPattern is the shape of Auth0 authenticator ids ("totp|dev_…"). Anything else
// is refused before any upstream call.
var authenticatorIDPattern = regexp.MustCompile(`^(totp|sms|voice|push|email|recovery-code)\|[A-Za-z0-9_-]{1,64}$`)

// group is one factor as a person thinks of it: one phone for an SMS+voice pair, one device for
// push and its companion OTP.
type group struct {
	Kind      string   // "totp", "phone", "push", "email"
	IDs       []string // every Auth0 authenticator of the group
	Channels  []string // for phones: "sms", "voice"
	Name      string   // masked by Auth0
	CreatedAt *time.Time
}

// inventory is a user's authenticators, as freshly listed.
type inventory struct {
	all          []mfaapi.Authenticator
	groups       []group
	recoveryCode bool // an active recovery code exists
}

func idKind(id string) string {
	if i := strings.IndexByte(id, '|'); i > 0 {
		return id[:i]
	}
	return ""
}

func idSuffix(id string) string {
	if i := strings.IndexByte(id, '|'); i >= 0 {
		return id[i+1:]
	}
	return id
}

// newInventory groups the active authenticators. Pending (active:false) ones are never shown
// as factors.
func newInventory(list []mfaapi.Authenticator) *inventory {
	inv := &inventory{all: list}
	bySuffix := map[string]*group{}
	add := func(kind, key string, a mfaapi.Authenticator) {
		g, ok := bySuffix[key]
		if !ok {
			g = &group{Kind: kind}
			bySuffix[key] = g
		}
		g.IDs = append(g.IDs, a.ID)
		if a.Name != "" && g.Name == "" {
			g.Name = a.Name
		}
		if a.CreatedAt != nil && (g.CreatedAt == nil || a.CreatedAt.Before(*g.CreatedAt)) {
			t := *a.CreatedAt
			g.CreatedAt = &t
		}
	}
	pushSuffixes := map[string]bool{}
	for _, a := range list {
		if a.Active && idKind(a.ID) == "push" {
			pushSuffixes[idSuffix(a.ID)] = true
		}
	}
	for _, a := range list {
		if !a.Active {
			continue
		}
		k, sfx := idKind(a.ID), idSuffix(a.ID)
		switch k {
		case "recovery-code":
			inv.recoveryCode = true
		case "sms", "voice":
			add("phone", "phone:"+sfx, a)
			g := bySuffix["phone:"+sfx]
			g.Channels = append(g.Channels, k)
		case "push":
			add("push", "push:"+sfx, a)
		case "totp":
			if pushSuffixes[sfx] {
				add("push", "push:"+sfx, a) // the companion OTP of a push enrollment
			} else {
				add("totp", "totp:"+sfx, a)
			}
		case "email":
			add("email", "email:"+sfx, a)
		}
	}
	order := map[string]int{"totp": 0, "push": 1, "phone": 2, "email": 3}
	for _, g := range bySuffix {
		sort.Strings(g.Channels)
		inv.groups = append(inv.groups, *g)
	}
	sort.SliceStable(inv.groups, func(i, j int) bool {
		if order[inv.groups[i].Kind] != order[inv.groups[j].Kind] {
			return order[inv.groups[i].Kind] < order[inv.groups[j].Kind]
		}
		return inv.groups[i].IDs[0] < inv.groups[j].IDs[0]
	})
	return inv
}

// noCodeReason says why an associate would return no recovery code: "" when the user has an
// active recovery code, "earlier" when a pending one exists (an unfinished setup got it),
// "disabled" when there is none at all (the tenant issues none).
func (inv *inventory) noCodeReason() string {
	reason := "disabled"
	for _, a := range inv.all {
		if idKind(a.ID) != "recovery-code" {
			continue
		}
		if a.Active {
			return ""
		}
		reason = "earlier"
	}
	return reason
}

// find returns the group holding the active authenticator id.
func (inv *inventory) find(id string) (group, bool) {
	for _, g := range inv.groups {
		for _, x := range g.IDs {
			if x == id {
				return g, true
			}
		}
	}
	return group{}, false
}

// realFactors counts active factors that are neither email nor recovery code.
func (inv *inventory) realFactors() int {
	n := 0
	for _, g := range inv.groups {
		if g.Kind != "email" {
			n++
		}
	}
	return n
}

// factorKind is the authenticator type an enrollment of f creates and activates.
func factorKind(f Factor) string {
	switch f {
	case FactorTOTP:
		return "totp"
	case FactorPush:
		return "push"
	case FactorSMS:
		return "sms"
	case FactorVoice:
		return "voice"
	case FactorEmail:
		return "email"
	}
	return ""
}

// activeOf lists the ids of active authenticators of the kind an enrollment of f creates. For
// TOTP, a push enrollment's companion OTP (same id suffix as a push) is not one.
func (inv *inventory) activeOf(f Factor) []string {
	pushes := inv.pushSuffixes()
	var ids []string
	for _, a := range inv.all {
		k := idKind(a.ID)
		if !a.Active || k != factorKind(f) || (k == "totp" && pushes[idSuffix(a.ID)]) {
			continue
		}
		ids = append(ids, a.ID)
	}
	return ids
}

// pushSuffixes is the set of id suffixes of the user's push authenticators, active or pending.
func (inv *inventory) pushSuffixes() map[string]bool {
	pushes := map[string]bool{}
	for _, a := range inv.all {
		if idKind(a.ID) == "push" {
			pushes[idSuffix(a.ID)] = true
		}
	}
	return pushes
}

// newlyActive reports whether an authenticator of f's kind is active now that was not among
// before: the proof that a confirmation activated an enrollment. (The newInventory grouping
// has its own push-suffix map; this one is the raw list's.)
func (inv *inventory) newlyActive(f Factor, before []string) bool {
	for _, id := range inv.activeOf(f) {
		if !slices.Contains(before, id) {
			return true
		}
	}
	return false
}

// pendingOf lists the ids of pending authenticators a new enrollment of f replaces. A push
// enrollment's companion OTP is never one of TOTP's: deleting it would delete that push
// enrollment with it (a pair). Whether Auth0 gives the companion the push's id suffix is not
// known, so while any push is pending no pending TOTP is deleted; deleting the push removes
// its companion.
func (inv *inventory) pendingOf(f Factor) []string {
	var ids []string
	seen := map[string]bool{}
	pushes := inv.pushSuffixes()
	pushPending := false
	for _, a := range inv.all {
		if idKind(a.ID) == "push" && !a.Active {
			pushPending = true
		}
	}
	for _, a := range inv.all {
		if a.Active {
			continue
		}
		k := idKind(a.ID)
		match := false
		switch f {
		case FactorTOTP:
			match = k == "totp" && !pushes[idSuffix(a.ID)] && !pushPending
		case FactorPush:
			match = k == "push"
		case FactorSMS, FactorVoice:
			match = k == "sms" || k == "voice"
		case FactorEmail:
			match = k == "email"
		}
		// One delete removes a pair; delete each pair once.
		key := idSuffix(a.ID)
		if (k == "sms" || k == "voice") && seen["phone:"+key] {
			continue
		}
		if match {
			if k == "sms" || k == "voice" {
				seen["phone:"+key] = true
			}
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// kindLabel is how a person names a factor.
func kindLabel(kind string) string {
	switch kind {
	case "totp":
		return "Authenticator app"
	case "push":
		return "Auth0 Guardian app"
	case "phone":
		return "Phone"
	case "email":
		return "Email"
	}
	return "Sign-in method"
}

func factorLabel(f Factor) string {
	switch f {
	case FactorTOTP:
		return "authenticator app"
	case FactorPush:
		return "Guardian app"
	case FactorSMS:
		return "text message"
	case FactorVoice:
		return "voice call"
	case FactorEmail:
		return "email"
	}
	return string(f)
}
