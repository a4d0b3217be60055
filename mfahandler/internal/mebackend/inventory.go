package mebackend

import (
	"sort"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
	"github.com/selfmfa/selfmfa/myaccount"
)

// Inventory turns a My Account list into the core's inventory. A phone is one method with its
// preferred channel (SMS and voice are not a pair of authenticators here). Passkeys, passwords
// and read-only WebAuthn keys are not second factors and are left out; unconfirmed methods are
// pending.
func Inventory(ms []myaccount.Method) *enroll.Inventory {
	inv := &enroll.Inventory{}
	for _, m := range ms {
		kind, group := kindOf(m)
		if kind == "" {
			continue
		}
		inv.All = append(inv.All, enroll.Authenticator{ID: m.ID, Kind: kind, Active: m.Confirmed, PairKey: m.ID})
		if !m.Confirmed {
			continue
		}
		if kind == "recovery-code" {
			inv.RecoveryActive = true
			continue
		}
		em := enroll.Method{Group: group, IDs: []string{m.ID}, Label: m.Name, CreatedAt: timePtr(m.CreatedAt), LastUsed: timePtr(m.LastAuthAt)}
		switch m.Type {
		case myaccount.TypePhone:
			em.Preferred = string(m.PreferredChannel)
			em.Channels = []string{em.Preferred}
			em.Name = maskPhone(m.PhoneNumber)
		case myaccount.TypeEmail:
			em.Name = maskEmail(m.Email)
		}
		inv.Methods = append(inv.Methods, em)
	}
	rank := map[string]int{"totp": 0, "push": 1, "phone": 2, "email": 3}
	sort.SliceStable(inv.Methods, func(i, j int) bool {
		a, b := inv.Methods[i], inv.Methods[j]
		if rank[a.Group] != rank[b.Group] {
			return rank[a.Group] < rank[b.Group]
		}
		if a.CreatedAt != nil && b.CreatedAt != nil && !a.CreatedAt.Equal(*b.CreatedAt) {
			return a.CreatedAt.Before(*b.CreatedAt)
		}
		return a.IDs[0] < b.IDs[0]
	})
	return inv
}

// kindOf maps a method type to the core's authenticator kind and list group ("" for what is
// not a second factor).
func kindOf(m myaccount.Method) (kind, group string) {
	switch m.Type {
	case myaccount.TypeTOTP:
		return "totp", "totp"
	case myaccount.TypePush:
		return "push", "push"
	case myaccount.TypePhone:
		if m.PreferredChannel == myaccount.ChannelVoice {
			return "voice", "phone"
		}
		return "sms", "phone"
	case myaccount.TypeEmail:
		return "email", "email"
	case myaccount.TypeRecoveryCode:
		return "recovery-code", ""
	}
	return "", ""
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// maskPhone shows the last four digits the way people write them: "•••• 0123".
func maskPhone(p string) string {
	digits := strings.TrimPrefix(p, "+")
	if len(digits) < 4 {
		return ""
	}
	return "•••• " + digits[len(digits)-4:]
}

// maskEmail keeps the first letter and the domain: "a•••@example.com".
func maskEmail(e string) string {
	at := strings.LastIndexByte(e, '@')
	if at < 1 {
		return ""
	}
	return e[:1] + "•••" + e[at:]
}
