package i18n

import (
	"cmp"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/selfmfa/selfmfa/i18n/internal/cldr"
	"golang.org/x/text/language"
)

// Gap is one place where a language falls back (see Bundle.Gaps).
type Gap struct {
	Lang language.Tag // the language with the gap
	ID   string       // the message id; "" when the language has no CLDR formatting data
	Form string       // the missing plural category ("few"); "" when the whole message is missing
	Used language.Tag // whose text (or formatting data) is shown instead
}

func (g Gap) String() string {
	switch {
	case g.ID == "":
		return fmt.Sprintf("%s: no CLDR formatting data; dates and numbers use %s", g.Lang, g.Used)
	case g.Form != "":
		return fmt.Sprintf("%s: %s: plural form %q missing; the %q form is used", g.Lang, g.ID, g.Form, "other")
	default:
		return fmt.Sprintf("%s: %s: missing; falls back to %s", g.Lang, g.ID, g.Used)
	}
}

// build compiles every catalog against English, resolves each language's fallback chain and
// creates the localizers.
func build(c *config, raw map[language.Tag]rawCatalog, files map[language.Tag]string) (*Bundle, error) {
	english, err := compileCatalog(files[language.English], language.English, raw[language.English], nil)
	if err != nil {
		return nil, err
	}
	compiled := map[language.Tag]map[string]*message{language.English: english}
	var errs []error
	for tag, cat := range raw {
		if tag == language.English {
			continue
		}
		msgs, err := compileCatalog(files[tag], tag, cat, english)
		errs = append(errs, err)
		compiled[tag] = msgs
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	b := &Bundle{byTag: map[string]*Localizer{}}
	tags := make([]language.Tag, 0, len(compiled))
	for tag := range compiled {
		tags = append(tags, tag)
	}
	sort.Slice(tags, func(i, j int) bool {
		if (tags[i] == language.English) != (tags[j] == language.English) {
			return tags[i] == language.English
		}
		return tags[i].String() < tags[j].String()
	})
	ids := sortedIDs(english)
	for _, tag := range tags {
		msgs, gaps := resolve(tag, ids, compiled)
		l := newLocalizer(b, tag, msgs, pseudoNone)
		if !l.hasFormatData {
			gaps = append(gaps, Gap{Lang: tag, Used: language.English})
		}
		b.gaps = append(b.gaps, gaps...)
		b.byTag[tag.String()] = l
		b.languages = append(b.languages, tag)
	}
	for _, p := range []struct {
		tag  language.Tag
		kind pseudoKind
	}{{PseudoAccents, pseudoAccents}, {PseudoBidi, pseudoBidi}} {
		if _, shadowed := compiled[p.tag]; shadowed {
			continue // a host catalog of that name wins
		}
		b.byTag[p.tag.String()] = newLocalizer(b, p.tag, pseudoCatalog(english, p.kind), p.kind)
	}
	b.negotiable = negotiable(c, b)
	b.matcher = language.NewMatcher(b.negotiable)
	b.negotiableByTag = map[string]*Localizer{}
	for _, t := range b.negotiable {
		b.negotiableByTag[t.String()] = b.byTag[t.String()]
	}
	b.allMatcher = language.NewMatcher(b.languages)
	return b, nil
}

func sortedIDs(msgs map[string]*message) []string {
	ids := make([]string, 0, len(msgs))
	for id := range msgs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// negotiable returns the languages Accept-Language may select: English first, then the offered
// (default: all) loaded languages, then the pseudo-locales if enabled.
func negotiable(c *config, b *Bundle) []language.Tag {
	out := []language.Tag{language.English}
	if len(c.offered) == 0 {
		out = append(out, b.languages[1:]...)
	} else {
		for _, t := range c.offered {
			if _, ok := b.byTag[t.String()]; ok && t != language.English {
				out = append(out, t)
			}
		}
	}
	if c.negotiablePseudo {
		for _, t := range []language.Tag{PseudoAccents, PseudoBidi} {
			if _, ok := b.byTag[t.String()]; ok {
				out = append(out, t)
			}
		}
	}
	return out
}

// chain returns the languages tag falls back through, most specific first, ending with English:
// de-AT → de → en; pt-PT → pt (= pt-BR) → en. A parent counts as a loaded catalog when it is
// that catalog's tag or means the same language (pt and pt-BR both maximize to pt-Latn-BR).
func chain(tag language.Tag, compiled map[language.Tag]map[string]*message) []language.Tag {
	var out []language.Tag
	seen := map[language.Tag]bool{}
	add := func(t language.Tag) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	add(tag)
	for p := tag.Parent(); p != language.Und; p = p.Parent() {
		if _, ok := compiled[p]; ok {
			add(p)
			continue
		}
		if same, ok := sameLanguage(p, compiled); ok {
			add(same)
		}
	}
	add(language.English)
	return out
}

// sameLanguage returns the loaded catalog whose likely language, script and region are t's.
func sameLanguage(t language.Tag, compiled map[language.Tag]map[string]*message) (language.Tag, bool) {
	want := likely(t)
	for c := range compiled {
		if likely(c) == want {
			return c, true
		}
	}
	return language.Und, false
}

// likely returns the tag's likely base, script and region ("pt" and "pt-BR" give pt Latn BR).
func likely(t language.Tag) [3]string {
	b, _ := t.Base()
	s, _ := t.Script()
	r, _ := t.Region()
	return [3]string{b.String(), s.String(), r.String()}
}

// resolve picks, for every English id, the first language of tag's chain that has it, and
// records the gaps.
func resolve(tag language.Tag, ids []string, compiled map[language.Tag]map[string]*message) (map[string]*message, []Gap) {
	langs := chain(tag, compiled)
	rule := pluralRuleOf(tag)
	out := make(map[string]*message, len(ids))
	var gaps []Gap
	for _, id := range ids {
		for _, l := range langs {
			m, ok := compiled[l][id]
			if !ok {
				continue
			}
			out[id] = m
			if l != tag {
				gaps = append(gaps, Gap{Lang: tag, ID: id, Used: l})
				break
			}
			if m.plural {
				for _, cat := range rule.Categories().List() {
					if m.forms[cat] == nil {
						gaps = append(gaps, Gap{Lang: tag, ID: id, Form: cat.String(), Used: tag})
					}
				}
			}
			break
		}
	}
	return out, gaps
}

// compileCatalog checks one raw catalog (against English unless it is English) and compiles it.
func compileCatalog(file string, tag language.Tag, cat rawCatalog, english map[string]*message) (map[string]*message, error) {
	rule := pluralRuleOf(tag)
	out := make(map[string]*message, len(cat))
	var errs []error
	for _, id := range sortedRawIDs(cat) {
		raw := cat[id]
		fail := func(id, format string, args ...any) {
			errs = append(errs, &CatalogError{File: cmp.Or(raw.file, file), ID: id, Problem: fmt.Sprintf(format, args...)})
		}
		var ref *message
		if english != nil {
			if ref = english[id]; ref == nil {
				fail(id, "not in the English catalog (en.json): a translation needs an English message of the same id")
				continue
			}
			if raw.plural && !ref.plural {
				fail(id, "plural forms given, but the English message is not plural (give only a text)")
				continue
			}
			if raw.override && ref.plural {
				fail(id, "is a plural message: override it with WithLanguage and its plural forms")
				continue
			}
		}
		m := &message{plural: raw.plural || (ref != nil && ref.plural), rule: rule}
		for c := range raw.forms {
			cat := cldr.Plural(c)
			if !raw.has[c] {
				continue
			}
			if m.plural && !rule.Categories().Has(cat) {
				fail(id, "plural category %q is not used by %s (CLDR categories: %s)", cat, tag, categoryNames(rule.Categories()))
				continue
			}
			if raw.forms[c] == "" {
				continue // untranslated: falls back
			}
			t, err := compileText(raw.forms[c])
			if err != nil {
				fail(id, "%s: %v", cat, err)
				continue
			}
			if ref != nil {
				if bad := unknownPlaceholders(t, ref); len(bad) > 0 {
					fail(id, "%s: placeholder {{.%s}} is not in the English text (English has: %s)", cat, bad[0], strings.Join(allowedPlaceholders(ref), ", "))
					continue
				}
			}
			m.forms[c] = t
		}
		if m.forms[cldr.Other] == nil {
			continue // nothing usable: the language falls back for this id
		}
		out[id] = m
	}
	return out, errors.Join(errs...)
}

func sortedRawIDs(cat rawCatalog) []string {
	ids := make([]string, 0, len(cat))
	for id := range cat {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

func categoryNames(s cldr.PluralSet) string {
	var names []string
	for _, c := range s.List() {
		names = append(names, c.String())
	}
	return strings.Join(names, ", ")
}

// allowedPlaceholders are the placeholders a translation of ref may use: those of any English
// form, and Count for plural messages.
func allowedPlaceholders(ref *message) []string {
	set := map[string]bool{}
	if ref.plural {
		set[countArg] = true
	}
	for _, f := range ref.forms {
		if f != nil {
			for _, p := range f.placeholders() {
				set[p] = true
			}
		}
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func unknownPlaceholders(t *text, ref *message) []string {
	allowed := allowedPlaceholders(ref)
	var bad []string
	for _, p := range t.placeholders() {
		if sort.SearchStrings(allowed, p) == len(allowed) || allowed[sort.SearchStrings(allowed, p)] != p {
			bad = append(bad, p)
		}
	}
	return bad
}
