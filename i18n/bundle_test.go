package i18n

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/text/language"
)

// shippedLanguages are the languages the package promises complete.
var shippedLanguages = []string{"en", "ar", "de", "es", "fr", "ja", "pl", "pt-BR"}

func newBundle(t testing.TB, opts ...Option) *Bundle {
	t.Helper()
	b, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestShippedCatalogsComplete fails for every message, or plural form, missing in a shipped
// language, and says where it falls back.
func TestShippedCatalogsComplete(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	var got []string
	for _, tag := range b.Languages() {
		got = append(got, tag.String())
	}
	if !slices.Equal(got, shippedLanguages) {
		t.Errorf("Languages() = %v, want %v", got, shippedLanguages)
	}
	for _, g := range b.Gaps() {
		t.Errorf("incomplete catalog: %s", g)
	}
}

func TestGapsReportWhereALanguageFallsBack(t *testing.T) {
	t.Parallel()
	b := newBundle(t,
		WithLanguage(language.MustParse("de-AT"), []byte(`{"mfa.list.add": "Methode dazugeben"}`)),
		WithLanguage(language.Italian, []byte(`{"mfa.list.add": "Aggiungi", "mfa.code.expires": {"other": "Scade tra {{.Count}} minuti."}}`)),
		WithLanguage(language.MustParse("gsw"), []byte(`{"mfa.list.add": "Hinzuefüege"}`)),
		WithLanguage(language.MustParse("pt-PT"), []byte(`{"mfa.list.add": "Adicionar um método"}`)),
	)
	gaps := map[string]bool{}
	for _, g := range b.Gaps() {
		gaps[g.String()] = true
	}
	for _, want := range []string{
		"de-AT: mfa.list.title: missing; falls back to de",
		"it: mfa.list.title: missing; falls back to en",
		`it: mfa.code.expires: plural form "one" missing; the "other" form is used`,
		`it: mfa.code.expires: plural form "many" missing; the "other" form is used`,
		"gsw: no CLDR formatting data; dates and numbers use en",
		"gsw: mfa.list.title: missing; falls back to en",      // CLDR gives Swiss German no parent
		"pt-PT: mfa.list.title: missing; falls back to pt-BR", // pt-PT's parent pt is pt-BR
	} {
		if !gaps[want] {
			t.Errorf("Gaps() lacks %q; has:\n%s", want, strings.Join(sortedKeys(gaps), "\n"))
		}
	}
	if gaps["de-AT: mfa.list.add: missing; falls back to de"] {
		t.Error("de-AT's own message is reported missing")
	}

	at := b.Localizer(language.MustParse("de-AT"))
	for _, tt := range []struct{ got, want string }{
		{at.T("mfa.list.add"), "Methode dazugeben"},
		{at.T("mfa.list.title"), "Bestätigung in zwei Schritten"}, // de, not English
		{at.N("mfa.code.expires", 2), "Der Code läuft in 2 Minuten ab."},
		{b.Localizer(language.Italian).T("mfa.list.title"), "Two-step verification"},    // never the raw id
		{b.Localizer(language.Italian).N("mfa.code.expires", 1), "Scade tra 1 minuti."}, // missing "one": Italian "other"
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestHostOverridesWin(t *testing.T) {
	t.Parallel()
	b := newBundle(t,
		WithOverrides(language.German, map[string]string{"mfa.list.title": "Anmeldeschutz"}),
		WithOverrides(language.English, map[string]string{"mfa.list.title": "Sign-in protection", "host.only": "Host text"}),
		WithLanguageFS(fstest.MapFS{"fr.json": {Data: []byte(`{"mfa.code.expires": {"one": "Valable {{.Count}} minute.", "many": "Valable {{.Count}} de minutes.", "other": "Valable {{.Count}} minutes."}}`)}}, "fr.json"),
	)
	tests := []struct {
		lang, got, want string
	}{
		{"de", b.Localizer(language.German).T("mfa.list.title"), "Anmeldeschutz"},
		{"en", b.Localizer(language.English).T("mfa.list.title"), "Sign-in protection"},
		{"de", b.Localizer(language.German).T("host.only"), "Host text"}, // a host id falls back to the host's English
		{"fr", b.Localizer(language.French).N("mfa.code.expires", 3), "Valable 3 minutes."},
		{"fr", b.Localizer(language.French).T("mfa.list.title"), "Validation en deux étapes"}, // the rest of fr stays
		{"en-XA", b.Localizer(PseudoAccents).T("mfa.list.title"), "⟦Šîĝñ-îñ þŕöţéçţîöñ öñé ţŵö⟧"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.lang, tt.got, tt.want)
		}
	}
}

func TestHostAddsALanguage(t *testing.T) {
	t.Parallel()
	it := language.Italian
	b := newBundle(t, WithLanguage(it, []byte(`{"mfa.list.title": "Verifica in due passaggi"}`)))
	if !slices.Contains(b.Languages(), it) {
		t.Fatalf("Languages() = %v lacks it", b.Languages())
	}
	l := b.Match("it-CH,it;q=0.9")
	if l.Lang() != "it" || l.T("mfa.list.title") != "Verifica in due passaggi" {
		t.Errorf("it-CH got %s %q", l.Lang(), l.T("mfa.list.title"))
	}
	if got := l.RelativeTime(day.Add(-3*hour), day); got != "3 ore fa" {
		t.Errorf("Italian relative time %q", got)
	}
}

func TestUnknownIDsAreRecorded(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	l := b.Localizer(language.German)
	if got := l.T("mfa.no.such"); got != "mfa.no.such" {
		t.Errorf("T of an unknown id = %q", got)
	}
	if got := l.N("mfa.no.plural", 2); got != "mfa.no.plural" {
		t.Errorf("N of an unknown id = %q", got)
	}
	l.T("mfa.list.title")
	if got := fmt.Sprint(b.Unknown()); got != "[mfa.no.plural mfa.no.such]" {
		t.Errorf("Unknown() = %s", got)
	}
	if l.Has("mfa.no.such") || !l.Has("mfa.list.title") {
		t.Error("Has is wrong")
	}
}

func TestPseudoLocaleShadowedByHostCatalog(t *testing.T) {
	t.Parallel()
	b := newBundle(t, WithLanguage(PseudoAccents, []byte(`{"mfa.list.title": "Host's en-XA"}`)))
	if got := b.Localizer(PseudoAccents).T("mfa.list.title"); got != "Host's en-XA" {
		t.Errorf("got %q", got)
	}
}
