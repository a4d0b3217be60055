package enroll

import (
	"slices"
	"testing"
)

// TestAdoptCompanions uses the ids of Auth0's own examples: a push and its OTP with suffixes of
// their own (docs' push guide: push|dev_ZUla9SQ6tAIHSz6y beside totp|dev_gJ6Y6vpSrjnKeT67).
func TestAdoptCompanions(t *testing.T) {
	t.Parallel()
	const push, companion, ownApp = "push|dev_ZUla9SQ6tAIHSz6y", "totp|dev_gJ6Y6vpSrjnKeT67", "totp|dev_NU1Ofuw3Cw0XCt5x"
	inventory := func() *Inventory {
		return &Inventory{
			All: []Authenticator{
				{ID: push, Kind: "push", Active: true, PairKey: push},
				{ID: companion, Kind: "totp", Active: true, PairKey: companion},
				{ID: ownApp, Kind: "totp", Active: true, PairKey: ownApp},
			},
			Methods: []Method{
				{Group: "push", IDs: []string{push}},
				{Group: "totp", IDs: []string{companion}},
				{Group: "totp", IDs: []string{ownApp}},
			},
		}
	}
	tests := []struct {
		name    string
		known   map[string]string
		methods [][]string
		maybe   []bool
	}{
		{"companion known", map[string]string{push: companion}, [][]string{{push, companion}, {ownApp}}, []bool{false, false}},
		{"companion unknown", nil, [][]string{{push}, {companion}, {ownApp}}, []bool{false, true, true}},
		{"record of another push", map[string]string{"push|dev_gone": companion}, [][]string{{push}, {companion}, {ownApp}}, []bool{false, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			inv := inventory()
			inv.AdoptCompanions(tt.known)
			var got [][]string
			var maybe []bool
			for _, m := range inv.Methods {
				got = append(got, m.IDs)
				maybe = append(maybe, m.MaybeCompanion)
			}
			if !slices.EqualFunc(got, tt.methods, slices.Equal[[]string]) || !slices.Equal(maybe, tt.maybe) {
				t.Errorf("methods %v maybe %v, want %v maybe %v", got, maybe, tt.methods, tt.maybe)
			}
			if n := inv.RealFactors(); n != len(tt.methods) {
				t.Errorf("RealFactors = %d, want %d (the companion is no factor of its own)", n, len(tt.methods))
			}
		})
	}
}
