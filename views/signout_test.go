package views

import (
	"strings"
	"testing"
)

// TestSignOutOfferIsQuiet (first-hour review: the card above the list after every change): the
// offer to sign out other sessions comes after the list of methods, as a note without a
// heading of its own, and its buttons are secondary.
func TestSignOutOfferIsQuiet(t *testing.T) {
	t.Parallel()
	groups := []FactorGroup{{ID: "totp|dev_a", Kinds: []Kind{KindTOTP}, RemoveURL: RemoveHref(base, "totp|dev_a")}}
	out := render(t, List(ListPage{Meta: testMeta(), Groups: groups, SignOutOthers: formp(base + "/sessions/others")}))
	offer, table := strings.Index(out, "mfa-signout-others"), strings.Index(out, "<table")
	if offer < 0 || table < 0 || offer < table {
		t.Fatalf("the offer (at %d) is not after the list (at %d)", offer, table)
	}
	rest := out[offer:]
	rest = rest[:strings.Index(rest, "</form>")]
	if strings.Contains(rest, "<h2") || strings.Contains(rest, "mfa-btn-primary") || strings.Contains(out[:table], "Sign out your other sessions?") {
		t.Errorf("the offer is not quiet:\n%s", rest)
	}
	if !strings.Contains(rest, "Sign out other sessions") || !strings.Contains(rest, "Keep them signed in") {
		t.Errorf("the offer lacks its two choices:\n%s", rest)
	}
}
