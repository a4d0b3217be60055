package i18n

import (
	"net/http"
	"sort"
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
	desired, excluded := parseAcceptLanguage(accept)
	for _, tag := range desired {
		if l := b.matchOne(tag, excluded); l != nil {
			return l
		}
	}
	return b.byTag[language.English.String()]
}

// Localizer returns the localizer for tag: the loaded language itself, its nearest match, or
// English.
func (b *Bundle) Localizer(tag language.Tag) *Localizer { return b.Match("", tag) }

func (b *Bundle) matchOne(tag language.Tag, excluded []string) *Localizer {
	_, index, confidence := b.matcher.Match(tag)
	if confidence < minMatchConfidence {
		return nil
	}
	got := b.negotiable[index]
	if isExcluded(got, excluded) {
		return nil
	}
	return b.byTag[got.String()]
}

// isExcluded reports whether a q=0 range covers tag: "pt" covers pt and pt-BR.
func isExcluded(tag language.Tag, excluded []string) bool {
	s := strings.ToLower(tag.String())
	for _, e := range excluded {
		if s == e || strings.HasPrefix(s, e+"-") {
			return true
		}
	}
	return false
}

type weightedTag struct {
	tag language.Tag
	q   float64
}

// parseAcceptLanguage returns the requested languages by descending q (stable for equal q) and
// the lower-cased ranges excluded with q=0. It never fails: malformed entries are skipped.
func parseAcceptLanguage(header string) (desired []language.Tag, excluded []string) {
	if len(header) > maxAcceptLanguageBytes {
		header = header[:maxAcceptLanguageBytes]
		if i := strings.LastIndexByte(header, ','); i >= 0 {
			header = header[:i]
		}
	}
	var tags []weightedTag
	for n := 0; header != "" && n < maxAcceptLanguageEntries; n++ {
		var entry string
		entry, header, _ = strings.Cut(header, ",")
		rangeText, params, _ := strings.Cut(strings.TrimSpace(entry), ";")
		rangeText = strings.TrimSpace(rangeText)
		if rangeText == "" || rangeText == "*" || len(rangeText) > maxLanguageRangeBytes {
			continue
		}
		q, ok := parseQuality(params)
		if !ok {
			continue
		}
		tag, err := language.Parse(rangeText)
		if err != nil || tag == language.Und {
			continue
		}
		if q == 0 {
			excluded = append(excluded, strings.ToLower(tag.String()))
			continue
		}
		tags = append(tags, weightedTag{tag: tag, q: q})
	}
	sort.SliceStable(tags, func(i, j int) bool { return tags[i].q > tags[j].q })
	for _, t := range tags {
		desired = append(desired, t.tag)
	}
	return desired, excluded
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
