package i18n

import (
	"testing"
	"time"

	"golang.org/x/text/language"
)

var (
	day  = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	hour = time.Hour
)

func TestPlurals(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	tests := []struct {
		lang  string
		count int
		want  string
	}{
		{"pl", 1, "Pozostał 1 kod odzyskiwania"},
		{"pl", 2, "Pozostały 2 kody odzyskiwania"},
		{"pl", 5, "Pozostało 5 kodów odzyskiwania"},
		{"pl", 12, "Pozostało 12 kodów odzyskiwania"},
		{"pl", 22, "Pozostały 22 kody odzyskiwania"},
		{"pl", 25, "Pozostało 25 kodów odzyskiwania"},
		{"ar", 0, "لم يتبقَّ أي رمز استرداد"},
		{"ar", 1, "تبقّى رمز استرداد واحد"},
		{"ar", 2, "تبقّى رمزا استرداد"},
		{"ar", 3, "تبقّت 3 رموز استرداد"},
		{"ar", 11, "تبقّى 11 رمزًا للاسترداد"},
		{"ar", 100, "تبقّى 100 رمز استرداد"},
		{"en", 1, "1 recovery code left"},
		{"en", 0, "0 recovery codes left"},
		{"fr", 0, "0 code de récupération restant"},
		{"fr", 1000000, "1\u202f000\u202f000 de codes de récupération restants"},
		{"pt-BR", 0, "Resta 0 código de recuperação"},
		{"es", 1234, "Quedan 1234 códigos de recuperación"}, // es groups from 5 digits
		{"ja", 1, "残りの復旧コード: 1 個"},
		{"de", 10000, "Noch 10.000 Wiederherstellungscodes"},
	}
	for _, tt := range tests {
		l := b.Localizer(language.MustParse(tt.lang))
		if got := l.N("mfa.recovery.codes_left", tt.count); got != tt.want {
			t.Errorf("%s %d: got %q, want %q", tt.lang, tt.count, got, tt.want)
		}
	}
}

func TestPluralRuleOfTheFallbackLanguage(t *testing.T) {
	t.Parallel()
	b := newBundle(t,
		WithLanguage(language.English, []byte(`{"host.things": {"one": "{{.Count}} thing", "other": "{{.Count}} things"}}`)),
		WithLanguage(language.MustParse("br"), []byte(`{}`)), // CLDR plural rules, but no formatting data here
	)
	// fr has no text for host.things: the English text is shown with English plural rules
	// (French would call 0 "one").
	if got := b.Localizer(language.French).N("host.things", 0); got != "0 things" {
		t.Errorf("fr fallback: got %q, want %q", got, "0 things")
	}
	// Breton formats as English, so its relative times follow English plurals (Breton 21 is
	// "one", which would give "21 minute ago").
	if got := b.Localizer(language.MustParse("br")).RelativeTime(day.Add(-21*time.Minute), day); got != "21 minutes ago" {
		t.Errorf("br relative time: got %q", got)
	}
}

func TestArguments(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	en, ar := b.Localizer(language.English), b.Localizer(language.Arabic)
	tests := []struct{ name, got, want string }{
		{"text", en.T("mfa.factor.remove", Str("Name", "Work phone")), "Remove Work phone"},
		{"args are plain text, not HTML", en.T("mfa.factor.remove", Str("Name", "<b>&")), "Remove <b>&"},
		{"missing argument stays visible", en.T("mfa.factor.remove"), "Remove {{.Name}}"},
		{"extra argument is ignored", en.T("mfa.list.add", Str("Name", "x")), "Add a method"},
		{"LTR is unchanged in ltr languages", en.T("mfa.sms.sent", LTR("Phone", "+49 170 ••• 12")), "We sent a code to +49 170 ••• 12."},
		{"LTR is isolated in rtl languages", ar.T("mfa.sms.sent", LTR("Phone", "+49 170 ••• 12")), "أرسلنا رمزًا إلى \u2066+49 170 ••• 12\u2069."},
		{"Str is not isolated", ar.T("mfa.factor.remove", Str("Name", "Phone")), "إزالة Phone"},
		{"Int is a localized number", b.Localizer(language.German).T("mfa.recovery.codes_left", Int("Count", 1234)), "Noch 1.234 Wiederherstellungscodes"},
		{"IsolateLTR in rtl", ar.IsolateLTR("123 456"), "\u2066123 456\u2069"},
		{"IsolateLTR in ltr", en.IsolateLTR("123 456"), "123 456"},
		{"Arg.String", Int("Count", -3).String() + Str("A", "b").String(), "-3b"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestLangAndDir(t *testing.T) {
	t.Parallel()
	b := newBundle(t,
		WithLanguage(language.Hebrew, []byte(`{}`)), WithLanguage(language.Persian, []byte(`{}`)),
		WithLanguage(language.Urdu, []byte(`{}`)), WithLanguage(language.MustParse("az-Arab"), []byte(`{}`)),
	)
	tests := []struct{ tag, lang, dir string }{
		{"en", "en", "ltr"}, {"pt-BR", "pt-BR", "ltr"}, {"ja", "ja", "ltr"}, {"ar", "ar", "rtl"},
		{"he", "he", "rtl"}, {"fa", "fa", "rtl"}, {"ur", "ur", "rtl"}, {"az-Arab", "az-Arab", "rtl"},
		{"en-XA", "en-XA", "ltr"}, {"ar-XB", "ar-XB", "rtl"},
	}
	for _, tt := range tests {
		l := b.Localizer(language.MustParse(tt.tag))
		if l.Lang() != tt.lang || l.Dir() != tt.dir || l.Tag().String() != tt.lang {
			t.Errorf("%s: Lang %q Dir %q Tag %s, want %q %q", tt.tag, l.Lang(), l.Dir(), l.Tag(), tt.lang, tt.dir)
		}
	}
}

func TestRelativeTimeUnits(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	en := b.Localizer(language.English)
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "now"},
		{-44 * time.Second, "now"},
		{44 * time.Second, "now"},
		{-45 * time.Second, "1 minute ago"},
		{-2*time.Minute - 29*time.Second, "2 minutes ago"},
		{-2*time.Minute - 31*time.Second, "3 minutes ago"},
		{-44*time.Minute - 59*time.Second, "45 minutes ago"},
		{-45 * time.Minute, "1 hour ago"},
		{-21*hour - 59*time.Minute, "22 hours ago"},
		{-22 * hour, "1 day ago"},
		{-6*24*hour - 23*hour, "7 days ago"},
		{-7 * 24 * hour, "1 week ago"},
		{-29 * 24 * hour, "4 weeks ago"},
		{-30 * 24 * hour, "1 month ago"},
		{-344 * 24 * hour, "11 months ago"},
		{-345 * 24 * hour, "1 year ago"},
		{-3 * 365 * 24 * hour, "3 years ago"},
		{2 * time.Minute, "in 2 minutes"},
		{3 * 24 * hour, "in 3 days"},
	}
	for _, tt := range tests {
		if got := en.RelativeTime(day.Add(tt.d), day); got != tt.want {
			t.Errorf("%v: got %q, want %q", tt.d, got, tt.want)
		}
	}
	shipped := []struct{ lang, want string }{
		{"de", "vor 2 Minuten"}, {"fr", "il y a 2 minutes"}, {"ja", "2 分前"}, {"pl", "2 minuty temu"},
		{"ar", "قبل دقيقتين"}, {"es", "hace 2 minutos"}, {"pt-BR", "há 2 minutos"}, {"en-XA", "⟦2 ɱîñûţéš åĝö⟧"},
	}
	for _, tt := range shipped {
		if got := b.Localizer(language.MustParse(tt.lang)).RelativeTime(day.Add(-2*time.Minute), day); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.lang, got, tt.want)
		}
	}
}

func TestShippedFormats(t *testing.T) {
	t.Parallel()
	b := newBundle(t, WithLanguage(language.MustParse("ar-EG"), []byte(`{}`)))
	tests := []struct{ lang, date, abbrev, number string }{
		{"en", "Dec 3, 2026", "Dec 3, 2026", "1,234,567"},
		{"de", "03.12.2026", "3. Dez. 2026", "1.234.567"},
		{"fr", "3 déc. 2026", "3 déc. 2026", "1\u202f234\u202f567"},
		{"es", "3 dic 2026", "3 dic 2026", "1.234.567"},
		{"pt-BR", "3 de dez. de 2026", "3 de dez. de 2026", "1.234.567"},
		{"ja", "2026/12/03", "2026年12月3日", "1,234,567"},
		{"pl", "3 gru 2026", "3 gru 2026", "1\u00a0234\u00a0567"},
		{"ar", "03\u200f/12\u200f/2026", "3 ديسمبر 2026", "1,234,567"},
		{"ar-EG", "٠٣\u200f/١٢\u200f/٢٠٢٦", "٣ ديسمبر ٢٠٢٦", "١٬٢٣٤٬٥٦٧"},
		{"en-XA", "⟦Ðéç 3, 2026⟧", "⟦Ðéç 3, 2026⟧", "1,234,567"},
	}
	for _, tt := range tests {
		l := b.Localizer(language.MustParse(tt.lang))
		if got := l.Date(day); got != tt.date {
			t.Errorf("%s Date: got %q, want %q", tt.lang, got, tt.date)
		}
		if got := l.DateAbbrev(day); got != tt.abbrev {
			t.Errorf("%s DateAbbrev: got %q, want %q", tt.lang, got, tt.abbrev)
		}
		if got := l.Number(1234567); got != tt.number {
			t.Errorf("%s Number: got %q, want %q", tt.lang, got, tt.number)
		}
	}
	// The date is t's own calendar day: 23:30 in UTC-5 is the next day in UTC.
	ny := time.FixedZone("UTC-5", -5*3600)
	if got := b.Localizer(language.English).Date(time.Date(2026, 12, 3, 23, 30, 0, 0, ny)); got != "Dec 3, 2026" {
		t.Errorf("Date in t's zone: %q", got)
	}
}

func TestNumberEdges(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	en := b.Localizer(language.English)
	tests := []struct{ got, want string }{
		{en.Number(-9223372036854775808), "-9,223,372,036,854,775,808"},
		{en.Number(0), "0"},
		{en.Decimal(-0.0001, 2), "-0.00"},
		{en.Decimal(999.9999, 3), "1,000.000"},
		{en.Decimal(1e21, 0), "1,000,000,000,000,000,000,000"},
		{en.Decimal(1234.5, 20), en.Decimal(1234.5, 15)}, // at most 15 fraction digits
		{en.Decimal(2.5, -1), "3"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
