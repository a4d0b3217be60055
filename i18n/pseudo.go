package i18n

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type pseudoKind uint8

const (
	pseudoNone    pseudoKind = iota
	pseudoAccents            // en-XA
	pseudoBidi               // ar-XB
)

// The brackets around every pseudo-localized message. They are rare in real text, so text
// outside them on a pseudo-localized page did not come from the catalog.
const (
	PseudoOpen  = "⟦"
	PseudoClose = "⟧"
)

// pseudoLengthening is how much longer a pseudo-localized message is than its English text:
// translations run about a third longer than English (German, French), so layouts must take it.
const pseudoLengthening = 0.35

// Right-to-left override and its terminator (UAX #9), used by ar-XB around literal text.
const (
	rightToLeftOverride = "\u202e"
	popDirectional      = "\u202c"
)

var pseudoLetters = map[rune]rune{
	'a': 'å', 'b': 'ƀ', 'c': 'ç', 'd': 'ð', 'e': 'é', 'f': 'ƒ', 'g': 'ĝ', 'h': 'ĥ', 'i': 'î',
	'j': 'ĵ', 'k': 'ķ', 'l': 'ļ', 'm': 'ɱ', 'n': 'ñ', 'o': 'ö', 'p': 'þ', 'q': 'ǫ', 'r': 'ŕ',
	's': 'š', 't': 'ţ', 'u': 'û', 'v': 'ṽ', 'w': 'ŵ', 'x': 'ẋ', 'y': 'ý', 'z': 'ž',
	'A': 'Å', 'B': 'Ɓ', 'C': 'Ç', 'D': 'Ð', 'E': 'É', 'F': 'Ƒ', 'G': 'Ĝ', 'H': 'Ĥ', 'I': 'Î',
	'J': 'Ĵ', 'K': 'Ķ', 'L': 'Ļ', 'M': 'Ṁ', 'N': 'Ñ', 'O': 'Ö', 'P': 'Þ', 'Q': 'Ǫ', 'R': 'Ŕ',
	'S': 'Š', 'T': 'Ţ', 'U': 'Û', 'V': 'Ṽ', 'W': 'Ŵ', 'X': 'Ẋ', 'Y': 'Ý', 'Z': 'Ž',
}

// pseudoFiller lengthens messages; it is accented like the rest.
const pseudoFiller = "one two three four five six seven eight nine ten eleven twelve thirteen"

func accent(s string) string {
	return strings.Map(func(r rune) rune {
		if a, ok := pseudoLetters[r]; ok {
			return a
		}
		return r
	}, s)
}

// pseudoCatalog derives a pseudo-locale from the compiled English messages (host overrides
// included): literal parts are accented (ar-XB also forces them right to left), placeholders
// stay intact, and each form is lengthened and wrapped in ⟦ ⟧.
func pseudoCatalog(english map[string]*message, kind pseudoKind) map[string]*message {
	out := make(map[string]*message, len(english))
	for id, m := range english {
		p := &message{plural: m.plural, rule: m.rule}
		for c, f := range m.forms {
			if f != nil {
				p.forms[c] = pseudoText(f, kind)
			}
		}
		out[id] = p
	}
	return out
}

func pseudoText(t *text, kind pseudoKind) *text {
	parts := t.parts
	if parts == nil {
		parts = []part{{literal: t.literal}}
	}
	letters := 0
	var out []part
	out = append(out, part{literal: PseudoOpen})
	for _, p := range parts {
		if p.arg != "" {
			out = append(out, p)
			continue
		}
		letters += utf8.RuneCountInString(p.literal)
		lit := accent(p.literal)
		if kind == pseudoBidi {
			lit = rightToLeftOverride + lit + popDirectional
		}
		out = append(out, part{literal: lit})
	}
	if extra := int(float64(letters)*pseudoLengthening + 0.999); extra > 0 {
		filler := []rune(pseudoFiller)
		out = append(out, part{literal: " " + accent(strings.TrimSpace(string(filler[:min(extra, len(filler))])))})
	}
	out = append(out, part{literal: PseudoClose})
	return compactText(out)
}

// compactText merges adjacent literal parts; a text without placeholders becomes a literal.
func compactText(parts []part) *text {
	t := &text{}
	for _, p := range parts {
		if p.arg == "" && len(t.parts) > 0 && t.parts[len(t.parts)-1].arg == "" {
			t.parts[len(t.parts)-1].literal += p.literal
		} else {
			t.parts = append(t.parts, p)
		}
		t.size += len(p.literal)
	}
	if len(t.parts) == 1 && t.parts[0].arg == "" {
		return &text{literal: t.parts[0].literal}
	}
	return t
}

// pseudoFormat wraps a formatted date or relative time in a pseudo-locale, so a page walk sees
// it as localized text.
func (l *Localizer) pseudoFormat(s string) string {
	switch l.pseudo {
	case pseudoAccents:
		return PseudoOpen + accent(s) + PseudoClose
	case pseudoBidi:
		return PseudoOpen + rightToLeftOverride + accent(s) + popDirectional + PseudoClose
	}
	return s
}

// PseudoLeaks returns the runs of s outside pseudo-locale brackets (⟦ … ⟧, nested or not) that
// contain a letter: on a page rendered in en-XA, each is text that did not come from the
// catalog (a literal left in a template, an untranslated error). Digits, punctuation and
// symbols alone are not reported; neither is user data inside a message's brackets.
func PseudoLeaks(s string) []string {
	var leaks []string
	depth, start, openedAt := 0, 0, 0
	flush := func(end int) {
		run := strings.TrimSpace(s[start:end])
		if strings.IndexFunc(run, unicode.IsLetter) >= 0 {
			leaks = append(leaks, run)
		}
	}
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], PseudoOpen):
			if depth == 0 {
				flush(i)
				openedAt = i
			}
			depth++
			i += len(PseudoOpen)
		case strings.HasPrefix(s[i:], PseudoClose) && depth > 0:
			depth--
			i += len(PseudoClose)
			if depth == 0 {
				start = i
			}
		default:
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
	}
	if depth == 0 {
		flush(len(s))
	} else {
		leaks = append(leaks, strings.TrimSpace(s[openedAt:])) // an unclosed bracket is a leak too
	}
	return leaks
}

// IsPseudo reports whether s is entirely pseudo-localized: it has a bracketed message and
// PseudoLeaks finds nothing.
func IsPseudo(s string) bool {
	return strings.Contains(s, PseudoOpen) && len(PseudoLeaks(s)) == 0
}
