package i18n

import (
	"html/template"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/language"
)

// The baselines run in the same benchmark run as the engine, so ratios are meaningful:
// a bare map lookup for T without arguments, string concatenation for T with arguments, and
// text/template-style execution (what a template-based catalog would do per lookup).

var benchSink string

func BenchmarkT(b *testing.B) {
	l := newBundle(b).Localizer(language.German)
	b.ReportAllocs()
	for b.Loop() {
		benchSink = l.T("mfa.list.title")
	}
}

func BenchmarkBaselineMapLookup(b *testing.B) {
	m := map[string]string{"mfa.list.title": "Bestätigung in zwei Schritten", "mfa.list.add": "Methode hinzufügen"}
	b.ReportAllocs()
	for b.Loop() {
		benchSink = m["mfa.list.title"]
	}
}

func BenchmarkTTwoArgs(b *testing.B) {
	l := newBundle(b).Localizer(language.German)
	b.ReportAllocs()
	for b.Loop() {
		benchSink = l.T("mfa.factor.renamed", Str("Old", "Telefon"), Str("New", "Diensthandy"))
	}
}

func BenchmarkBaselineConcat(b *testing.B) {
	old, nu := "Telefon", "Diensthandy"
	b.ReportAllocs()
	for b.Loop() {
		benchSink = old + " wurde in " + nu + " umbenannt."
	}
}

func BenchmarkBaselineTemplate(b *testing.B) {
	tmpl := template.Must(template.New("m").Parse("{{.Old}} wurde in {{.New}} umbenannt."))
	data := map[string]string{"Old": "Telefon", "New": "Diensthandy"}
	var sb strings.Builder
	b.ReportAllocs()
	for b.Loop() {
		sb.Reset()
		if err := tmpl.Execute(&sb, data); err != nil {
			b.Fatal(err)
		}
		benchSink = sb.String()
	}
}

func BenchmarkN(b *testing.B) {
	l := newBundle(b).Localizer(language.Polish)
	b.ReportAllocs()
	for b.Loop() {
		benchSink = l.N("mfa.recovery.codes_left", 22)
	}
}

func BenchmarkDate(b *testing.B) {
	l := newBundle(b).Localizer(language.German)
	b.ReportAllocs()
	for b.Loop() {
		benchSink = l.DateAbbrev(day)
	}
}

func BenchmarkBaselineTimeFormat(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		benchSink = day.Format("2. Jan. 2006")
	}
}

func BenchmarkRelativeTime(b *testing.B) {
	l := newBundle(b).Localizer(language.Arabic)
	past := day.Add(-5 * time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		benchSink = l.RelativeTime(past, day)
	}
}

func BenchmarkMatch(b *testing.B) {
	bundle := newBundle(b)
	b.ReportAllocs()
	for b.Loop() {
		benchSink = bundle.Match("de-CH,de;q=0.9,en;q=0.5").Lang()
	}
}

func TestNoAllocationWithoutArguments(t *testing.T) {
	l := newBundle(t).Localizer(language.German)
	if n := testing.AllocsPerRun(100, func() { benchSink = l.T("mfa.list.title") }); n != 0 {
		t.Errorf("T without arguments allocates %.0f times per call", n)
	}
	if n := testing.AllocsPerRun(100, func() { benchSink = l.T("mfa.factor.renamed", Str("Old", "a"), Str("New", "b")) }); n > 1 {
		t.Errorf("T with two arguments allocates %.0f times per call, want 1 (the result)", n)
	}
	pl := newBundle(t).Localizer(language.Polish)
	for name, f := range map[string]func(){
		"N":            func() { benchSink = pl.N("mfa.recovery.codes_left", 22) },
		"Date":         func() { benchSink = pl.Date(day) },
		"RelativeTime": func() { benchSink = pl.RelativeTime(day.Add(-5*time.Minute), day) },
		"Number":       func() { benchSink = pl.Number(-1234567) },
	} {
		if n := testing.AllocsPerRun(100, f); n > 1 {
			t.Errorf("%s allocates %.0f times per call, want 1 (the result)", name, n)
		}
	}
}

// TestConcurrentUse shares one bundle between goroutines that negotiate, render, format and
// record unknown ids at once (run with -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	b := newBundle(t)
	accepts := []string{"de", "pl", "ar", "ja", "pt-BR", "fr", "es", "xx"}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				l := b.Match(accepts[(g+i)%len(accepts)])
				_ = l.T("mfa.list.title") + l.N("mfa.code.expires", i) + l.Date(day) + l.RelativeTime(day.Add(-time.Duration(i)*time.Minute), day)
				l.T("unknown." + accepts[i%len(accepts)])
			}
		}()
	}
	wg.Wait()
	if got := len(b.Unknown()); got != len(accepts) {
		t.Errorf("Unknown() has %d ids, want %d", got, len(accepts))
	}
}
