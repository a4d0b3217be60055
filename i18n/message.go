package i18n

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/selfmfa/selfmfa/i18n/internal/cldr"
)

// text is one compiled message form: a literal, or literal and placeholder parts. Compiled at
// load; rendering never runs text/template.
type text struct {
	literal string // the whole text when parts is nil
	parts   []part
	size    int // bytes of the literal parts, to size the builder
}

// part is a literal or a placeholder (arg != "").
type part struct {
	literal string
	arg     string
}

// message is one id's text in one language, with its plural forms.
type message struct {
	plural bool
	forms  [cldr.PluralCount]*text // nil where the language's catalog has no form
	rule   cldr.PluralRule         // the plural rule of the message's own language
}

// countArg is the placeholder N fills with the count.
const countArg = "Count"

var (
	placeholderPattern = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)
	actionPattern      = regexp.MustCompile(`\{\{.*?\}\}`)
)

// compileText splits s into literal and {{.Name}} parts. Any other template action is an error:
// messages are plain text with named placeholders only.
func compileText(s string) (*text, error) {
	for _, action := range actionPattern.FindAllString(s, -1) {
		if !placeholderPattern.MatchString(action) || placeholderPattern.FindString(action) != action {
			return nil, fmt.Errorf("%q is not a placeholder: only {{.Name}} is supported", action)
		}
	}
	if rest := actionPattern.ReplaceAllString(s, ""); strings.Contains(rest, "{{") || strings.Contains(rest, "}}") {
		return nil, fmt.Errorf("unbalanced {{ or }} in %q", s)
	}
	matches := placeholderPattern.FindAllStringSubmatchIndex(s, -1)
	if len(matches) == 0 {
		return &text{literal: s}, nil
	}
	t := &text{}
	last := 0
	for _, m := range matches {
		if m[0] > last {
			t.parts = append(t.parts, part{literal: s[last:m[0]]})
			t.size += m[0] - last
		}
		t.parts = append(t.parts, part{arg: s[m[2]:m[3]]})
		last = m[1]
	}
	if last < len(s) {
		t.parts = append(t.parts, part{literal: s[last:]})
		t.size += len(s) - last
	}
	return t, nil
}

// placeholders returns the names a text uses.
func (t *text) placeholders() []string {
	var names []string
	for _, p := range t.parts {
		if p.arg != "" {
			names = append(names, p.arg)
		}
	}
	return names
}

// render writes the text with args filled in. count is used for {{.Count}} when hasCount is set;
// a placeholder without an argument is written as "{{.Name}}", visible rather than silently
// empty.
func (t *text) render(l *Localizer, args []Arg, hasCount bool, count int64) string {
	if t.parts == nil {
		return t.literal
	}
	var b strings.Builder
	b.Grow(t.size + 16*len(args) + 8)
	for _, p := range t.parts {
		if p.arg == "" {
			b.WriteString(p.literal)
			continue
		}
		if hasCount && p.arg == countArg {
			l.appendNumber(&b, count)
			continue
		}
		found := false
		for _, a := range args {
			if a.name != p.arg {
				continue
			}
			found = true
			switch a.kind {
			case argInt:
				l.appendNumber(&b, a.num)
			case argLTR:
				writeIsolatedLTR(&b, l.dir == "rtl", a.text)
			default:
				b.WriteString(a.text)
			}
			break
		}
		if !found {
			b.WriteString("{{." + p.arg + "}}")
		}
	}
	return b.String()
}
