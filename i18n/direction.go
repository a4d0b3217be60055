package i18n

import (
	"strings"

	"golang.org/x/text/language"
)

// rtlScripts are the scripts written right to left (Unicode's strong R/AL scripts in use for
// modern languages). A language is right to left when its likely script is one of them.
var rtlScripts = map[string]bool{
	"Adlm": true, "Arab": true, "Hebr": true, "Mand": true, "Mend": true, "Nkoo": true,
	"Rohg": true, "Samr": true, "Syrc": true, "Thaa": true, "Yezi": true,
}

// directionOf returns "rtl" or "ltr" for the tag's (likely) script: ar, he, fa, ur, ps, yi, dv, …
// are right to left.
func directionOf(tag language.Tag) string {
	script, _ := tag.Script()
	if rtlScripts[script.String()] {
		return "rtl"
	}
	return "ltr"
}

// Unicode directional isolates (UAX #9): a left-to-right isolate and its terminator.
const (
	leftToRightIsolate = "\u2066"
	popDirectionalIso  = "\u2069"
)

// IsolateLTR returns s as a left-to-right run for a right-to-left page: in rtl languages it is
// wrapped in U+2066 LEFT-TO-RIGHT ISOLATE … U+2069 POP DIRECTIONAL ISOLATE, so "+49 170 ••• 12",
// a TOTP code or a recovery code keep their order inside Arabic text; in ltr languages s is
// returned unchanged. In HTML, prefer <bdi dir="ltr"> or dir="ltr" on the element; this is for
// plain text (messages, titles, attributes).
func (l *Localizer) IsolateLTR(s string) string {
	if l.dir != "rtl" || s == "" {
		return s
	}
	return leftToRightIsolate + s + popDirectionalIso
}

func writeIsolatedLTR(b *strings.Builder, rtl bool, s string) {
	if !rtl || s == "" {
		b.WriteString(s)
		return
	}
	b.WriteString(leftToRightIsolate)
	b.WriteString(s)
	b.WriteString(popDirectionalIso)
}
