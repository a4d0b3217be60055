package i18n

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/text/language"
)

func TestMatchAcceptLanguage(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	tests := []struct {
		name, accept, want string
	}{
		{"regional German gets German", "de-CH,de;q=0.9,en;q=0.5", "de"},
		{"Brazilian Portuguese", "pt-BR", "pt-BR"},
		{"plain pt is Brazilian (CLDR's pt)", "pt", "pt-BR"},
		{"European Portuguese reads the Brazilian catalog", "pt-PT", "pt-BR"},
		{"unknown language", "xx", "en"},
		{"wildcard", "*", "en"},
		{"empty", "", "en"},
		{"q order beats header order", "en;q=0.1, ja;q=0.8, fr;q=0.5", "ja"},
		{"equal q keeps header order", "pl, fr", "pl"},
		{"unsupported first, supported next", "it-IT,it;q=0.9,es;q=0.8", "es"},
		{"q=0 excludes a language", "fr;q=0, fr-CA, de;q=0.5", "de"},
		{"q=0 excludes subtags", "pt;q=0, pt-BR, es;q=0.2", "es"},
		{"q=0 on English still ends in English", "en;q=0, xx", "en"},
		{"uppercase and spaces", "  DE-at ; Q=0.9 ,  ", "de"},
		{"Arabic region", "ar-EG", "ar"},
		{"Japanese with script", "ja-Jpan-JP", "ja"},
		{"garbage", "!!!,;;;q=,==", "en"},
		{"garbage entries are skipped", "%%%, q=1, fr;q=abc, es;q=2, de;q=0.7", "de"},
		{"malformed q is skipped", "fr;q=0.5.5, es", "es"},
		{"too many q decimals", "fr;q=0.1234, pl;q=0.1", "pl"},
		{"other parameters ignored", "fr;level=1;q=0.9", "fr"},
		{"low-confidence match is refused", "ca", "en"},
		{"x/text maps Galician to Spanish with high confidence", "gl", "es"},
		{"pseudo-locales are not negotiable by default", "en-XA", "en"},
	}
	for _, tt := range tests {
		if got := b.Match(tt.accept).Lang(); got != tt.want {
			t.Errorf("%s: Match(%q) = %s, want %s", tt.name, tt.accept, got, tt.want)
		}
	}
}

func TestMatchBoundsLongHeaders(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	tests := []struct {
		name, accept, want string
	}{
		{"a supported language past the byte limit is ignored", strings.Repeat("xx,", maxAcceptLanguageBytes/3) + "de", "en"},
		{"a supported language past the entry limit is ignored", strings.Repeat("xx,", maxAcceptLanguageEntries) + "de", "en"},
		{"within the entry limit is read", strings.Repeat("xx,", maxAcceptLanguageEntries-1) + "de", "de"},
		{"an over-long range is skipped", "de-" + strings.Repeat("x", maxLanguageRangeBytes) + ",fr", "fr"},
		{"a megabyte header", strings.Repeat("a", 1<<20), "en"},
		{"few entries, many bytes", strings.Repeat("xx;p="+strings.Repeat("v", 200)+",", 5) + "de", "en"},
		{"few entries, within the bytes", strings.Repeat("xx;p="+strings.Repeat("v", 150)+",", 5) + "de", "de"},
	}
	for _, tt := range tests {
		if got := b.Match(tt.accept).Lang(); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestMatchHostChoiceFirst(t *testing.T) {
	t.Parallel()
	b := newBundle(t, WithOffered(language.German, language.French))
	tests := []struct {
		name   string
		choice func(r *http.Request) (language.Tag, bool)
		accept string
		want   string
	}{
		{"host choice beats the header", choose("ja"), "de", "ja"},
		{"host choice is matched (regional)", choose("fr-BE"), "de", "fr"},
		{"host choice may pick a pseudo-locale", choose("en-XA"), "de", "en-XA"},
		{"host choice may pick a language WithOffered leaves out", choose("pl"), "de", "pl"},
		{"unsupported host choice falls through to the header", choose("it"), "fr", "fr"},
		{"host says no", func(*http.Request) (language.Tag, bool) { return language.German, false }, "fr", "fr"},
		{"nil host choice", nil, "de", "de"},
		{"WithOffered limits the header", nil, "ja, es;q=0.5", "en"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", tt.accept)
		if got := b.MatchRequest(r, tt.choice).Lang(); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestMatchRefusesLowConfidence(t *testing.T) {
	t.Parallel()
	b := newBundle(t, WithLanguage(language.Chinese, []byte(`{}`)), WithLanguage(language.Serbian, []byte(`{}`)))
	tests := map[string]string{
		"zh-TW, fr;q=0.5":   "fr", // Traditional Chinese readers are not given Simplified
		"sr-Latn, de;q=0.5": "de", // nor Latin-script Serbian readers Cyrillic
		"zh-CN, fr;q=0.5":   "zh",
	}
	for accept, want := range tests {
		if got := b.Match(accept).Lang(); got != want {
			t.Errorf("Match(%q) = %s, want %s", accept, got, want)
		}
	}
}

func TestMatchJoinsRepeatedHeaders(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Add("Accept-Language", "xx")
	r.Header.Add("Accept-Language", "pl")
	if got := b.MatchRequest(r, nil).Lang(); got != "pl" {
		t.Errorf("got %s, want pl", got)
	}
}

func TestNegotiablePseudo(t *testing.T) {
	t.Parallel()
	b := newBundle(t, WithNegotiablePseudo())
	for accept, want := range map[string]string{"en-XA": "en-XA", "ar-XB,en;q=0.1": "ar-XB", "de": "de"} {
		if got := b.Match(accept).Lang(); got != want {
			t.Errorf("Match(%q) = %s, want %s", accept, got, want)
		}
	}
}

func choose(tag string) func(*http.Request) (language.Tag, bool) {
	return func(*http.Request) (language.Tag, bool) { return language.MustParse(tag), true }
}
