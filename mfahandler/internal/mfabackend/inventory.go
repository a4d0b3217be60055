package mfabackend

import (
	"sort"
	"strings"

	"github.com/selfmfa/selfmfa/mfaapi"
	"github.com/selfmfa/selfmfa/mfahandler/internal/enroll"
)

// Inventory groups an MFA API list as a person thinks of it: an SMS and a voice authenticator
// of one number (they share an id suffix) are one phone. A push's companion OTP has an id of
// its own, so nothing in the list pairs it: the core does, from what it recorded when the push
// was enrolled (enroll.Inventory.AdoptCompanions). Pending (active:false) authenticators are
// listed in All but never as methods.
func Inventory(list []mfaapi.Authenticator) *enroll.Inventory {
	inv := &enroll.Inventory{}
	for _, a := range list {
		inv.All = append(inv.All, enroll.Authenticator{
			ID: a.ID, Kind: string(a.Kind()), Active: a.Active, PairKey: a.PairKey(),
		})
	}
	byKey := map[string]*enroll.Method{}
	var order []string
	add := func(group, key string, a mfaapi.Authenticator) *enroll.Method {
		m, ok := byKey[key]
		if !ok {
			m = &enroll.Method{Group: group}
			byKey[key] = m
			order = append(order, key)
		}
		m.IDs = append(m.IDs, a.ID)
		if a.Name != "" && m.Name == "" {
			m.Name = a.Name
		}
		if a.CreatedAt != nil && (m.CreatedAt == nil || a.CreatedAt.Before(*m.CreatedAt)) {
			t := *a.CreatedAt
			m.CreatedAt = &t
		}
		if a.LastAuth != nil && (m.LastUsed == nil || a.LastAuth.After(*m.LastUsed)) {
			t := *a.LastAuth
			m.LastUsed = &t
		}
		return m
	}
	for _, a := range list {
		if !a.Active {
			continue
		}
		sfx := suffix(a.ID)
		switch k := a.Kind(); k {
		case mfaapi.KindRecoveryCode:
			inv.RecoveryActive = true
		case mfaapi.KindSMS, mfaapi.KindVoice:
			m := add("phone", "phone:"+sfx, a)
			m.Channels = append(m.Channels, string(k))
		case mfaapi.KindPush:
			add("push", "push:"+sfx, a)
		case mfaapi.KindTOTP:
			add("totp", "totp:"+sfx, a)
		case mfaapi.KindEmail:
			add("email", "email:"+sfx, a)
		}
	}
	rank := map[string]int{"totp": 0, "push": 1, "phone": 2, "email": 3}
	for _, key := range order {
		m := byKey[key]
		sort.Strings(m.Channels)
		inv.Methods = append(inv.Methods, *m)
	}
	sort.SliceStable(inv.Methods, func(i, j int) bool {
		a, b := inv.Methods[i], inv.Methods[j]
		if rank[a.Group] != rank[b.Group] {
			return rank[a.Group] < rank[b.Group]
		}
		return a.IDs[0] < b.IDs[0]
	})
	return inv
}

func suffix(id string) string {
	if i := strings.IndexByte(id, '|'); i >= 0 {
		return id[i+1:]
	}
	return id
}
