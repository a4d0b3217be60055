package i18n

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPseudoAccents(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	xa := b.Localizer(PseudoAccents)
	tests := []struct{ name, got, want string }{
		{"accented, lengthened, bracketed", xa.T("mfa.list.add"), "⟦Åðð å ɱéţĥöð öñé ţ⟧"},
		{"placeholders keep their values", xa.T("mfa.factor.remove", Str("Name", "Work phone")), "⟦Ŕéɱöṽé Work phone öñé⟧"},
		{"plural forms and the count", xa.N("mfa.recovery.codes_left", 1), "⟦1 ŕéçöṽéŕý çöðé ļéƒţ öñé ţŵö⟧"},
		{"placeholder-only message", pseudoRender(t, "{{.X}}", Str("X", "v")), "⟦v⟧"},
		{"ar-XB forces literal runs right to left", b.Localizer(PseudoBidi).T("mfa.list.add"), "⟦\u202eÅðð å ɱéţĥöð\u202c öñé ţ⟧"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	for _, id := range []string{"mfa.list.title", "mfa.sms.sent", "mfa.code.expires"} {
		source := utf8.RuneCountInString(b.Match("").T(id, Str("Phone", "x")))
		pseudo := utf8.RuneCountInString(xa.T(id, Str("Phone", "x"))) - 2 // brackets
		if ratio := float64(pseudo) / float64(source); ratio < 1.3 || ratio > 1.45 {
			t.Errorf("%s: pseudo text is %.2f× the English length, want about 1.35", id, ratio)
		}
	}
}

// pseudoRender compiles s and renders its en-XA form.
func pseudoRender(t *testing.T, s string, args ...Arg) string {
	t.Helper()
	src, err := compileText(s)
	if err != nil {
		t.Fatal(err)
	}
	return pseudoText(src, pseudoAccents).render(&Localizer{dir: "ltr"}, args, false, 0)
}

func TestPseudoLeaks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []string
	}{
		{"⟦Åðð öñé⟧", nil},
		{"  ⟦Åðð⟧ · 3 · ⟦Ŕéɱöṽé⟧ ", nil},                             // separators, digits
		{"⟦Ļåšţ ûšéð ⟦2 ɱîñûţéš åĝö⟧ öñé⟧", nil},                     // nested
		{"⟦Ŕéɱöṽé Work phone öñé⟧", nil},                             // user data inside a message
		{"Remove ⟦Ŵöŕķ⟧ now", []string{"Remove", "now"}},             // literals around a message
		{"Two-step verification", []string{"Two-step verification"}}, // no catalog at all
		{"⟦Åðð öñé", []string{"⟦Åðð öñé"}},                           // unclosed (truncated) message
		{"x ⟧ y", []string{"x ⟧ y"}},                                 // a stray closing bracket is text
		{"", nil},
	}
	for _, tt := range tests {
		if got := PseudoLeaks(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("PseudoLeaks(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	if !IsPseudo("⟦Åðð⟧ 3") || IsPseudo("3") || IsPseudo("Add ⟦Åðð⟧") {
		t.Error("IsPseudo is wrong")
	}
}

// TestEveryPseudoMessageIsCovered renders every message of the bundle in en-XA and checks the
// page-walk helper accepts all of it (so a walk only reports text from outside the catalog).
func TestEveryPseudoMessageIsCovered(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	xa := b.Localizer(PseudoAccents)
	for id := range b.Localizer(PseudoAccents).messages {
		args := []Arg{Str("Name", "N"), Str("Old", "A"), Str("New", "B"), Str("Date", xa.Date(day)), Str("When", xa.RelativeTime(day, day)), LTR("Phone", "+1 555")}
		for _, n := range []int{0, 1, 2, 5} {
			if s := xa.N(id, n, args...); !IsPseudo(s) || strings.Contains(s, "{{") {
				t.Errorf("%s (%d): %q is not fully pseudo-localized (leaks %q)", id, n, s, PseudoLeaks(s))
			}
		}
	}
}
