package cldr

import (
	"fmt"
	"testing"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// x/text's plural package carries an older CLDR; integers 0–1000 have kept their categories in
// these languages since, so it is an independent check of the generated rules. (he, mt and mk
// changed in CLDR 42 and are left out.)
var crossCheckedLanguages = []string{
	"en", "de", "fr", "es", "pt", "pt-PT", "ja", "pl", "ar", "ru", "uk", "cs", "sk", "lt", "lv",
	"cy", "ga", "gd", "sl", "ro", "is", "br", "zh", "ko", "hi", "fa", "tr",
}

func TestPluralRulesAgreeWithXText(t *testing.T) {
	t.Parallel()
	xtextForms := map[plural.Form]Plural{
		plural.Zero: Zero, plural.One: One, plural.Two: Two, plural.Few: Few, plural.Many: Many, plural.Other: Other,
	}
	for _, id := range crossCheckedLanguages {
		rule, ok := FindPluralRule(id)
		if !ok {
			t.Errorf("%s: no plural rule", id)
			continue
		}
		tag := language.MustParse(id)
		for n := 0; n <= 1000; n++ {
			want := xtextForms[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)]
			if got := rule.Select(int64(n)); got != want {
				t.Errorf("%s: %d is %s, x/text says %s", id, n, got, want)
				break
			}
		}
	}
}

func TestPluralSelect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang string
		n    int64
		want Plural
	}{
		{"pl", 1, One}, {"pl", 2, Few}, {"pl", 5, Many}, {"pl", 12, Many}, {"pl", 22, Few}, {"pl", 25, Many},
		{"pl", 0, Many}, {"pl", 112, Many}, {"pl", 104, Few},
		{"ar", 0, Zero}, {"ar", 1, One}, {"ar", 2, Two}, {"ar", 3, Few}, {"ar", 11, Many}, {"ar", 100, Other},
		{"ar", 103, Few}, {"ar", 111, Many}, {"ar", 102, Other},
		{"en", 1, One}, {"en", 0, Other}, {"en", -1, One},
		{"fr", 0, One}, {"fr", 1, One}, {"fr", 2, Other}, {"fr", 1000000, Many}, {"fr", 2000000, Many},
		{"es", 1000000, Many}, {"es", 1000001, Other}, {"pt", 0, One}, {"pt-PT", 0, Other},
		{"ja", 1, Other}, {"ru", 21, One}, {"ru", 11, Many}, {"cy", 6, Many}, {"cy", 3, Few},
	}
	for _, tt := range tests {
		rule, ok := FindPluralRule(tt.lang)
		if !ok {
			t.Fatalf("%s: no plural rule", tt.lang)
		}
		if got := rule.Select(tt.n); got != tt.want {
			t.Errorf("%s %d: got %s, want %s", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestPluralCategories(t *testing.T) {
	t.Parallel()
	tests := map[string][]Plural{
		"en": {One, Other}, "de": {One, Other}, "fr": {One, Many, Other}, "es": {One, Many, Other},
		"pt": {One, Many, Other}, "ja": {Other}, "pl": {One, Few, Many, Other},
		"ar": {Zero, One, Two, Few, Many, Other},
	}
	for lang, want := range tests {
		rule, _ := FindPluralRule(lang)
		if got := rule.Categories().List(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: categories %v, want %v", lang, got, want)
		}
	}
	if got := OtherOnlyRule().Select(1); got != Other {
		t.Errorf("OtherOnlyRule: 1 is %s", got)
	}
}

func TestParsePlural(t *testing.T) {
	t.Parallel()
	for p := Zero; p <= Other; p++ {
		if got, ok := ParsePlural(p.String()); !ok || got != p {
			t.Errorf("ParsePlural(%q) = %v, %v", p.String(), got, ok)
		}
	}
	if _, ok := ParsePlural("several"); ok {
		t.Error(`ParsePlural("several") succeeded`)
	}
}

func TestLocalesAreComplete(t *testing.T) {
	t.Parallel()
	for _, id := range LocaleIDs() {
		l, _ := FindLocale(id)
		if l.ID != id || l.Now == "" || len(l.DateMedium) == 0 || len(l.DateAbbrev) == 0 || l.PrimaryGroup == 0 || l.SecondaryGroup == 0 {
			t.Errorf("%s: incomplete formatting data: %+v", id, l)
		}
		for u := Second; u < UnitCount; u++ {
			if !l.Relative[u].Past[Other].Present || !l.Relative[u].Future[Other].Present {
				t.Errorf("%s: unit %d has no other pattern", id, u)
			}
		}
	}
}
