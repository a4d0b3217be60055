package i18n

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/language"
)

//go:embed locales/*.json
var shippedLocales embed.FS

// Pseudo-locales, derived from English at load (see Pseudo).
var (
	// PseudoAccents (en-XA) accents every letter, lengthens each message by about 35 % and wraps
	// it in ⟦ ⟧, so untranslated text and truncation stand out.
	PseudoAccents = language.MustParse("en-XA")
	// PseudoBidi (ar-XB) is PseudoAccents written right to left (dir="rtl", each literal run
	// forced right to left), for checking mirrored layouts without reading Arabic.
	PseudoBidi = language.MustParse("ar-XB")
)

// Bundle holds every language's messages and formatting data. It is immutable after New (only
// the record of unknown ids grows) and safe for concurrent use.
type Bundle struct {
	byTag      map[string]*Localizer // every language, pseudo-locales included
	languages  []language.Tag        // real languages, English first
	negotiable []language.Tag        // what Accept-Language can select, English first
	// negotiableByTag maps each negotiable tag's string to its localizer (Accept-Language fast path).
	negotiableByTag map[string]*Localizer
	matcher         language.Matcher // over negotiable, for Accept-Language
	allMatcher      language.Matcher // over languages, for the host's choice
	gaps            []Gap
	unknown         sync.Map // message ids asked for but absent from every catalog
}

type config struct {
	additions        []catalogSource // host files, in option order
	overrides        []overrideSource
	offered          []language.Tag
	negotiablePseudo bool
	errs             []error
}

type catalogSource struct {
	tag  language.Tag
	file string
	data []byte
}

type overrideSource struct {
	tag      language.Tag
	messages map[string]string
}

// Option configures New.
type Option func(*config)

// WithLanguage adds a language, or replaces messages of a shipped one, from a catalog in the
// shipped format (go-i18n v2 JSON, see the package documentation). Messages it lacks fall back
// along the language's chain (de-AT → de → en).
func WithLanguage(tag language.Tag, catalogJSON []byte) Option {
	return func(c *config) {
		c.additions = append(c.additions, catalogSource{tag: tag, file: tag.String() + " (WithLanguage)", data: catalogJSON})
	}
}

// WithLanguageFS is WithLanguage for a file in fsys named <bcp47>.json ("it.json", "pt-PT.json");
// the language is the file's base name.
func WithLanguageFS(fsys fs.FS, name string) Option {
	return func(c *config) {
		tag, err := tagOfFile(name)
		if err != nil {
			c.errs = append(c.errs, err)
			return
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			c.errs = append(c.errs, fmt.Errorf("i18n: %w", err))
			return
		}
		c.additions = append(c.additions, catalogSource{tag: tag, file: name, data: data})
	}
}

// WithOverrides replaces messages of one language (the host's wording wins over the shipped
// one). Values are plain messages with {{.Name}} placeholders; to override a plural message give
// its forms in a WithLanguage file instead.
func WithOverrides(tag language.Tag, messages map[string]string) Option {
	return func(c *config) {
		c.overrides = append(c.overrides, overrideSource{tag: tag, messages: messages})
	}
}

// WithOffered restricts the languages Accept-Language negotiation can pick to tags (English is
// always offered, as the last resort). The host's own choice (Match's preferred tags) can still
// pick any loaded language.
func WithOffered(tags ...language.Tag) Option {
	return func(c *config) { c.offered = append(c.offered, tags...) }
}

// WithNegotiablePseudo lets Accept-Language select the pseudo-locales (en-XA, ar-XB), for
// development and translation QA. Without it they are reachable only through the host's choice.
func WithNegotiablePseudo() Option {
	return func(c *config) { c.negotiablePseudo = true }
}

// New loads the shipped catalogs, applies the options, checks every catalog against English
// and compiles all messages. The error lists every problem found (as *CatalogError values
// joined with errors.Join).
func New(opts ...Option) (*Bundle, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	raw, files, err := loadCatalogs(&c)
	if err != nil {
		return nil, err
	}
	return build(&c, raw, files)
}

// loadCatalogs reads the shipped files, then the host's additions and overrides, into raw
// catalogs by language.
func loadCatalogs(c *config) (map[language.Tag]rawCatalog, map[language.Tag]string, error) {
	errs := append([]error(nil), c.errs...)
	raw := map[language.Tag]rawCatalog{}
	files := map[language.Tag]string{}
	names, err := fs.Glob(shippedLocales, "locales/*.json")
	if err != nil {
		return nil, nil, fmt.Errorf("i18n: %w", err)
	}
	for _, name := range names {
		tag, err := tagOfFile(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		data, err := shippedLocales.ReadFile(name)
		if err != nil {
			return nil, nil, fmt.Errorf("i18n: %w", err)
		}
		cat, err := parseCatalog(path.Base(name), data)
		errs = append(errs, err)
		raw[tag], files[tag] = cat, path.Base(name)
	}
	for _, a := range c.additions {
		cat, err := parseCatalog(a.file, a.data)
		errs = append(errs, err)
		if raw[a.tag] == nil {
			raw[a.tag], files[a.tag] = rawCatalog{}, a.file
		}
		raw[a.tag].merge(cat)
	}
	for _, o := range c.overrides {
		if raw[o.tag] == nil {
			raw[o.tag], files[o.tag] = rawCatalog{}, o.tag.String()+" (WithOverrides)"
		}
		for id, s := range o.messages {
			m := &rawMessage{override: true, file: o.tag.String() + " (WithOverrides)"}
			m.forms[otherForm], m.has[otherForm] = s, true
			raw[o.tag][id] = m
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	if raw[language.English] == nil {
		return nil, nil, errors.New("i18n: no English catalog (en.json)")
	}
	return raw, files, nil
}

// tagOfFile returns the language of a catalog file named <bcp47>.json, in canonical form.
func tagOfFile(name string) (language.Tag, error) {
	base := path.Base(name)
	if !strings.HasSuffix(base, ".json") {
		return language.Und, fmt.Errorf("i18n: %s: a catalog file is named <language>.json", name)
	}
	tag, err := language.Parse(strings.TrimSuffix(base, ".json"))
	if err != nil || tag == language.Und {
		return language.Und, fmt.Errorf("i18n: %s: the file name is not a BCP 47 language tag", name)
	}
	if tag.String() != strings.TrimSuffix(base, ".json") {
		return language.Und, fmt.Errorf("i18n: %s: name the file %s.json (canonical BCP 47)", name, tag)
	}
	return tag, nil
}

// Languages returns the loaded languages (pseudo-locales excluded), English first.
func (b *Bundle) Languages() []language.Tag { return append([]language.Tag(nil), b.languages...) }

// Gaps returns every place a language falls back: a message missing in a language (its text
// comes from the next language of the chain, at last English), a plural form missing (the
// language's "other" form is used), or formatting data missing (English formats are used).
// The shipped catalogs have none; the completeness test fails otherwise.
func (b *Bundle) Gaps() []Gap { return append([]Gap(nil), b.gaps...) }

// Unknown returns the message ids asked for since New that no catalog has, sorted. T and N
// return such an id as is.
func (b *Bundle) Unknown() []string {
	var ids []string
	b.unknown.Range(func(k, _ any) bool {
		ids = append(ids, k.(string))
		return true
	})
	sort.Strings(ids)
	return ids
}
