package enroll

import "slices"

// Push and its companion OTP. When a user enrolls a push authenticator, Auth0 also enrolls an
// OTP authenticator, and deleting either deletes the other (reference, "Push and OTP"). The
// companion has an id of its own (go-auth0's TestMFAListAuthenticators recording, the docs'
// push guide), and no list says which OTP came with which push. So the core records it when
// the push enrollment starts: the OTP authenticators the list shows after the associate call
// and not before are the companion (Ledger.RecordCompanion), and every list applies the
// records (AdoptCompanions). A push whose companion is not known (enrolled elsewhere, or
// before the record existed) is shown alone, and every OTP that might be its companion says on
// its removal page that removing it may turn off the push too.

// recordCompanion remembers the OTP that the push enrollment just started created: the OTP ids
// in after that are not in before. Exactly one new push and one new OTP are needed to be sure;
// anything else records nothing (the push is then shown alone).
func (t *Tx) recordCompanion(before, after *Inventory) {
	pushes := newOf(before, after, "push")
	otps := newOf(before, after, "totp")
	if len(pushes) != 1 || len(otps) != 1 {
		t.s.Log.Info("mfahandler: could not tell which code generator came with the new push enrollment",
			"new_pushes", len(pushes), "new_otps", len(otps))
		return
	}
	if err := t.s.Ledger.RecordCompanion(t.ctx, t.sub, pushes[0], otps[0]); err != nil {
		t.s.Log.Warn("mfahandler: could not record the push enrollment's code generator", "error", err.Error())
	}
}

// newOf lists the ids of kind in after that are not in before.
func newOf(before, after *Inventory, kind string) []string {
	var ids []string
	for _, a := range after.All {
		if a.Kind != kind {
			continue
		}
		if !slices.ContainsFunc(before.All, func(b Authenticator) bool { return b.ID == a.ID }) {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// companions looks up the recorded companion of every push in inv (active or pending).
func (t *Tx) companions(inv *Inventory) map[string]string {
	known := map[string]string{}
	for _, a := range inv.All {
		if a.Kind != "push" {
			continue
		}
		otp, err := t.s.Ledger.Companion(t.ctx, t.sub, a.ID)
		if err != nil {
			t.s.Log.Warn("mfahandler: could not read a push enrollment's code generator", "error", err.Error())
			continue
		}
		if otp != "" {
			known[a.ID] = otp
		}
	}
	return known
}

// AdoptCompanions applies known (push id → its OTP's id): each companion OTP is marked in All
// and moves from its own authenticator-app method into its push's method, so it is never
// listed, counted or removed as an app of its own. Every other active OTP, while an active push
// with no known companion exists, is marked MaybeCompanion.
func (inv *Inventory) AdoptCompanions(known map[string]string) {
	companion := map[string]string{} // OTP id → push id
	for push, otp := range known {
		companion[otp] = push
	}
	for i := range inv.All {
		if _, ok := companion[inv.All[i].ID]; ok && inv.All[i].Kind == "totp" {
			inv.All[i].Companion = true
		}
	}
	unknownPush := false
	for _, a := range inv.All {
		if a.Kind == "push" && a.Active && known[a.ID] == "" {
			unknownPush = true
		}
	}
	drop := map[int]bool{}
	for i, m := range inv.Methods {
		if m.Group != "totp" || len(m.IDs) == 0 {
			continue
		}
		if push, ok := companion[m.IDs[0]]; ok && inv.mergeInto(push, m) {
			drop[i] = true
			continue
		}
		inv.Methods[i].MaybeCompanion = unknownPush
	}
	kept := inv.Methods[:0]
	for i, m := range inv.Methods {
		if !drop[i] {
			kept = append(kept, m)
		}
	}
	inv.Methods = kept
}

// mergeInto adds otp's ids to the active push method pushID; false when that push is not an
// active method (a pending push's companion stays where it is, pending and unlisted).
func (inv *Inventory) mergeInto(pushID string, otp Method) bool {
	for i := range inv.Methods {
		if inv.Methods[i].Group == "push" && inv.Methods[i].IDs[0] == pushID {
			inv.Methods[i].IDs = append(inv.Methods[i].IDs, otp.IDs...)
			return true
		}
	}
	return false
}
