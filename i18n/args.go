package i18n

import "strconv"

// Arg is a named argument of a message: the text that replaces {{.Name}}. Values are plain text;
// the views escape them. Build one with Str, Int or LTR.
type Arg struct {
	name string
	kind argKind
	text string
	num  int64
}

type argKind uint8

const (
	argText argKind = iota // inserted as is
	argInt                 // formatted with the localizer's Number
	argLTR                 // isolated as a left-to-right run in right-to-left languages
)

// Str is a text argument: Str("Name", "Work phone") fills {{.Name}}.
func Str(name, value string) Arg { return Arg{name: name, kind: argText, text: value} }

// Int is a number argument, written in the language's digits and grouping.
func Int(name string, n int) Arg { return Arg{name: name, kind: argInt, num: int64(n)} }

// LTR is a text argument that must read left to right in every language (a phone number, a
// code, an e-mail address): in right-to-left languages it is wrapped in Unicode directional
// isolates (U+2066 … U+2069) so the surrounding sentence does not reorder it.
func LTR(name, value string) Arg { return Arg{name: name, kind: argLTR, text: value} }

// Name returns the argument's placeholder name.
func (a Arg) Name() string { return a.name }

// String returns the argument's value as the English localizer would write it (for logs and
// tests).
func (a Arg) String() string {
	if a.kind == argInt {
		return strconv.FormatInt(a.num, 10)
	}
	return a.text
}
