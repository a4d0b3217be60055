package i18n

import (
	"github.com/selfmfa/selfmfa/i18n/internal/cldr"
	"golang.org/x/text/language"
)

// Localizer renders messages, dates, relative times and numbers in one language. Get one from
// Bundle.Match or Bundle.MatchRequest; it is immutable and safe for concurrent use.
type Localizer struct {
	bundle        *Bundle
	tag           language.Tag
	lang          string
	dir           string
	messages      map[string]*message
	format        *cldr.Locale
	hasFormatData bool            // false: no CLDR data for the language, English formats are used
	plural        cldr.PluralRule // the language's own rule
	formatPlural  cldr.PluralRule // the rule of the formatting data's language (relative times)
	pseudo        pseudoKind
}

func newLocalizer(b *Bundle, tag language.Tag, msgs map[string]*message, pseudo pseudoKind) *Localizer {
	formatTag := tag
	if pseudo != pseudoNone {
		formatTag = language.English // pseudo-locales are English underneath
	}
	format, ok := formatLocaleOf(formatTag)
	return &Localizer{
		formatPlural:  pluralRuleOf(language.Make(format.ID)),
		bundle:        b,
		tag:           tag,
		lang:          tag.String(),
		dir:           directionOf(tag),
		messages:      msgs,
		format:        format,
		hasFormatData: ok,
		plural:        pluralRuleOf(formatTag),
		pseudo:        pseudo,
	}
}

// T returns the message id in this language with args filled in. A message missing in the
// language comes from its fallback chain (at last English); an id no catalog has is returned
// as is and recorded (Bundle.Unknown). A message without placeholders costs one map lookup and
// no allocation.
func (l *Localizer) T(id string, args ...Arg) string {
	m, ok := l.messages[id]
	if !ok {
		l.bundle.unknown.Store(id, struct{}{})
		return id
	}
	return m.forms[cldr.Other].render(l, args, false, 0)
}

// N returns the plural message id for count: the CLDR plural category of count in the
// message's language picks the form ("one", "few", "many", …), and {{.Count}} is count written
// in the language's digits.
func (l *Localizer) N(id string, count int, args ...Arg) string {
	m, ok := l.messages[id]
	if !ok {
		l.bundle.unknown.Store(id, struct{}{})
		return id
	}
	form := m.forms[m.rule.Select(int64(count))]
	if form == nil {
		form = m.forms[cldr.Other]
	}
	return form.render(l, args, true, int64(count))
}

// Has reports whether id is a message of the bundle.
func (l *Localizer) Has(id string) bool {
	_, ok := l.messages[id]
	return ok
}

// Tag returns the language.
func (l *Localizer) Tag() language.Tag { return l.tag }

// Lang returns the BCP 47 tag for <html lang> and Content-Language ("de", "pt-BR").
func (l *Localizer) Lang() string { return l.lang }

// Dir returns "rtl" for right-to-left languages (ar, he, fa, ur, …, and ar-XB) and "ltr"
// otherwise, for <html dir>.
func (l *Localizer) Dir() string { return l.dir }

// pluralRuleOf returns the CLDR plural rule of tag or its nearest parent that has one; languages
// CLDR does not know use the rule with "other" only.
func pluralRuleOf(tag language.Tag) cldr.PluralRule {
	for t := tag; t != language.Und; t = t.Parent() {
		if r, ok := cldr.FindPluralRule(t.String()); ok {
			return r
		}
	}
	return cldr.OtherOnlyRule()
}

// formatLocaleOf returns the CLDR formatting data of tag or its nearest parent that has it,
// and false (with English data) when none has.
func formatLocaleOf(tag language.Tag) (*cldr.Locale, bool) {
	for t := tag; t != language.Und; t = t.Parent() {
		if loc, ok := cldr.FindLocale(t.String()); ok {
			return loc, true
		}
	}
	loc, _ := cldr.FindLocale("en")
	return loc, false
}
