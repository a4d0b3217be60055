package i18n

import (
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// Limits on what Match reads of an Accept-Language header; browsers send a few dozen bytes.
const (
	maxAcceptLanguageBytes   = 1024 // the rest of a longer header is ignored
	maxAcceptLanguageEntries = 32   // further entries are ignored
	maxLanguageRangeBytes    = 64   // a longer entry is ignored as garbage
)

// minMatchConfidence is the weakest x/text match Match accepts for one requested language. High
// takes de-CH to de, pt-PT to pt-BR and gl to es; Low (which would take unrelated languages
// to some shipped one) is refused, so those fall through to the next request or to English.
const minMatchConfidence = language.High

// MatchRequest returns the localizer for r: hostChoice first (the host knows the user's
// setting; nil or false skips it), then the Accept-Language header, then English.
func (b *Bundle) MatchRequest(r *http.Request, hostChoice func(*http.Request) (language.Tag, bool)) *Localizer {
	var preferred []language.Tag
	if hostChoice != nil {
		if tag, ok := hostChoice(r); ok {
			preferred = append(preferred, tag)
		}
	}
	return b.Match(strings.Join(r.Header.Values("Accept-Language"), ","), preferred...)
}

// Match returns the localizer for the host's preferred languages (tried first, in order: a
// loaded language, pseudo-locales included, or its nearest match), then for the
// Accept-Language header value accept (RFC 9110 §12.5.4: q-values, q=0 excludes a language and
// its subtags, "*" and malformed entries are ignored), matched with x/text's language matcher,
// then English.
func (b *Bundle) Match(accept string, preferred ...language.Tag) *Localizer {
	for _, tag := range preferred {
		if l, ok := b.byTag[tag.String()]; ok {
			return l
		}
		if _, index, confidence := b.allMatcher.Match(tag); confidence >= minMatchConfidence {
			return b.byTag[b.languages[index].String()]
		}
	}
	var list acceptList
	list.parse(accept)
	for _, e := range list.entries[:list.n] {
		if l, ok := b.negotiableByTag[e.languageRange]; ok {
			if !list.excludes(l.lang) {
				return l
			}
			continue
		}
		tag, err := language.Parse(e.languageRange)
		if err != nil || tag == language.Und {
			continue
		}
		if l := b.matchOne(tag, &list); l != nil {
			return l
		}
	}
	return b.byTag[language.English.String()]
}

// Localizer returns the localizer for tag: the loaded language itself, its nearest match, or
// English.
func (b *Bundle) Localizer(tag language.Tag) *Localizer { return b.Match("", tag) }

func (b *Bundle) matchOne(tag language.Tag, list *acceptList) *Localizer {
	_, index, confidence := b.matcher.Match(tag)
	if confidence < minMatchConfidence {
		return nil
	}
	got := b.negotiable[index]
	if list.excludes(got.String()) {
		return nil
	}
	return b.byTag[got.String()]
}

// acceptList is a parsed Accept-Language header: the requested ranges by descending q (stable
// for equal q) and the ranges excluded with q=0. It lives on the stack: parsing allocates
// nothing, and tags are parsed only as far as matching needs.
type acceptList struct {
	entries  [maxAcceptLanguageEntries]acceptEntry
	n        int
	excluded [maxAcceptLanguageEntries]string
	nx       int
}

type acceptEntry struct {
	languageRange string
	q             float64
}

// parse reads header; it never fails: malformed entries are skipped.
func (a *acceptList) parse(header string) {
	if len(header) > maxAcceptLanguageBytes {
		header = header[:maxAcceptLanguageBytes]
		if i := strings.LastIndexByte(header, ','); i >= 0 {
			header = header[:i]
		}
	}
	for n := 0; header != "" && n < maxAcceptLanguageEntries; n++ {
		var entry string
		entry, header, _ = strings.Cut(header, ",")
		languageRange, params, _ := strings.Cut(strings.TrimSpace(entry), ";")
		languageRange = strings.TrimSpace(languageRange)
		if languageRange == "" || languageRange == "*" || len(languageRange) > maxLanguageRangeBytes {
			continue
		}
		q, ok := parseQuality(params)
		if !ok {
			continue
		}
		if q == 0 {
			a.excluded[a.nx] = languageRange
			a.nx++
			continue
		}
		// Insert by descending q, after entries of equal q (a stable insertion sort).
		i := a.n
		for i > 0 && a.entries[i-1].q < q {
			a.entries[i] = a.entries[i-1]
			i--
		}
		a.entries[i] = acceptEntry{languageRange: languageRange, q: q}
		a.n++
	}
}

// excludes reports whether a q=0 range covers the tag: "pt" covers pt and pt-BR (case-
// insensitively, RFC 4647 basic filtering).
func (a *acceptList) excludes(tag string) bool {
	for _, e := range a.excluded[:a.nx] {
		if len(tag) >= len(e) && strings.EqualFold(tag[:len(e)], e) && (len(tag) == len(e) || tag[len(e)] == '-') {
			return true
		}
	}
	return false
}

// parseQuality reads the parameters after a language range: empty means q=1; "q=0.8" is 0.8.
// A malformed or out-of-range weight (RFC 9110 §12.4.2: 0 to 1, at most three decimals) is
// not ok. Other parameters are ignored.
func parseQuality(params string) (float64, bool) {
	q := 1.0
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		value = strings.TrimSpace(value)
		if len(value) == 0 || len(value) > 5 || (value[0] != '0' && value[0] != '1') {
			return 0, false
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil || v < 0 || v > 1 {
			return 0, false
		}
		q = v
	}
	return q, true
}
