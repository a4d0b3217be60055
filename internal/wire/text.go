package wire

import (
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sanitize removes control and format characters (including bidi overrides), replaces
// invalid UTF-8 with U+FFFD (ranging over a string does that), collapses white space and caps
// the result at maxBytes on a rune boundary, ending it with "…" when cut.
func Sanitize(s string, maxBytes int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if len(out) <= maxBytes {
		return out
	}
	const ellipsis = "…"
	cut := maxBytes - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(out[cut]) {
		cut--
	}
	return out[:cut] + ellipsis
}

// SummarizeBody describes a non-JSON error body safely: a small plain-text body (such as a
// proxy's "Bad Gateway") of at most maxBytes is kept, sanitised; HTML and anything larger is
// only described by its media type and size.
func SummarizeBody(contentType string, body []byte, maxBytes int) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	html := mt == "text/html" || bytes.HasPrefix(bytes.ToLower(body[:min(len(body), 16)]), []byte("<"))
	if !html && len(body) <= maxBytes && utf8.Valid(body) {
		if s := Sanitize(string(body), maxBytes); s != "" {
			return s
		}
	}
	if mt == "" {
		mt = "no content type"
	}
	return fmt.Sprintf("non-JSON response body (%s, %d bytes)", Sanitize(mt, 64), len(body))
}

// ParamProblem is what CheckParam finds wrong with a caller-supplied token, code or id.
type ParamProblem int

// The problems CheckParam reports.
const (
	ParamOK       ParamProblem = iota
	ParamEmpty                 // ""
	ParamTooLong               // longer than the limit
	ParamHasSpace              // white space or control characters: a copy-paste or header-injection accident
)

// Describe says what is wrong with the parameter named what ("empty access token"), never
// quoting its value; "" for ParamOK.
func (p ParamProblem) Describe(what string) string {
	switch p {
	case ParamEmpty:
		return "empty " + what
	case ParamTooLong:
		return what + " too long"
	case ParamHasSpace:
		return what + " contains white space or control characters"
	}
	return ""
}

// CheckParam checks a value that is sent verbatim (a bearer token, a code, an id).
func CheckParam(v string, maxBytes int) ParamProblem {
	switch {
	case v == "":
		return ParamEmpty
	case len(v) > maxBytes:
		return ParamTooLong
	case strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		return ParamHasSpace
	}
	return ParamOK
}

// MaskEmail keeps the first character of the local part and of the domain:
// "alice@example.com" is "a****@e****".
func MaskEmail(e string) string {
	if e == "" {
		return ""
	}
	at := strings.LastIndexByte(e, '@')
	if at <= 0 || at == len(e)-1 {
		return "****"
	}
	first := func(s string) string {
		for _, r := range s {
			return Sanitize(string(r), 4)
		}
		return ""
	}
	return first(e[:at]) + "****@" + first(e[at+1:]) + "****"
}

// ValidEmail accepts a bare address (no display name) of at most 254 bytes that net/mail
// parses back to itself.
func ValidEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}
