package phone

import (
	"errors"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinDigits and MaxDigits bound the digits of a normalised number, country code included.
// E.164 allows at most 15; 7 covers the shortest national numbering plans.
const (
	MinDigits = 7
	MaxDigits = 15
)

// maxInput bounds the raw input Normalize looks at; longer input is rejected without scanning.
const maxInput = 64

// e164Pattern is the shape of every number Normalize returns.
var e164Pattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// ErrInvalid is matched (errors.Is) by every error Normalize returns.
var ErrInvalid = errors.New("phone: invalid phone number")

// Error is the error Normalize returns. Reason is a lowercase sentence fragment addressed to
// the user; it never contains the number.
type Error struct {
	Reason string
}

// Error returns "phone: " followed by the reason.
func (e *Error) Error() string { return "phone: " + e.Reason }

// Is reports whether target is [ErrInvalid].
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// UserMessage returns the reason as a sentence for a form's error text.
func (e *Error) UserMessage() string {
	r, n := utf8.DecodeRuneInString(e.Reason)
	return string(unicode.ToUpper(r)) + e.Reason[n:] + "."
}

const example = "e.g. +44 20 7946 0958"

// The reasons Normalize gives. Each is a complete instruction.
const (
	whyEmpty      = "enter your phone number in international format, starting with + and the country code, " + example
	whyNoPlus     = "enter the number in international format, starting with + and the country code, " + example
	whyDoubleZero = "start the number with + instead of 00, " + example
	whyChars      = "use only the digits 0-9, spaces, dashes, dots and parentheses after the +, " + example
	whySeparators = "put a single space, dash or dot between groups of digits, " + example
	whyParens     = "put parentheses only around one group of digits after the country code, " + example
	whyTrunkZero  = "leave out the (0) after the country code, " + example
	whyZeroCC     = "country codes never start with 0; enter the number starting with + and the country code, " + example
	whyTooShort   = "the number is too short: enter the country code and the full number, " + example
	whyTooLong    = "the number is too long: international numbers have at most 15 digits, country code included"
)

// fail returns a fresh *Error, so that callers can never alter a shared value.
func fail(reason string) error { return &Error{Reason: reason} }

// Normalize turns what a user typed into an E.164 number such as "+442079460958", following
// the rule in the package documentation, or returns an [*Error] (matching [ErrInvalid]).
func Normalize(raw string) (string, error) {
	if len(raw) > maxInput {
		return "", fail(whyTooLong)
	}
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return "", fail(whyEmpty)
	case strings.HasPrefix(s, "00"):
		return "", fail(whyDoubleZero)
	case s[0] != '+':
		if hasOnlyAllowed(s) {
			return "", fail(whyNoPlus)
		}
		return "", fail(whyChars)
	}

	const (
		stStart = iota // just after '+'
		stDigit
		stSep
		stOpen
		stClose
	)
	digits := make([]byte, 0, MaxDigits)
	prev := stStart
	inParens := false
	var group []byte // digits of the current parenthesised group
	for _, r := range s[1:] {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
			if inParens {
				group = append(group, byte(r))
			}
			prev = stDigit
		case r == ' ' || r == '-' || r == '.':
			if prev != stDigit && prev != stClose {
				return "", fail(whySeparators)
			}
			prev = stSep
		case r == '(':
			if inParens || (prev != stDigit && prev != stSep) {
				return "", fail(whyParens)
			}
			inParens, group, prev = true, group[:0], stOpen
		case r == ')':
			if !inParens || prev != stDigit {
				return "", fail(whyParens)
			}
			if string(group) == "0" {
				return "", fail(whyTrunkZero)
			}
			inParens, prev = false, stClose
		default:
			return "", fail(whyChars)
		}
		if len(digits) > MaxDigits {
			return "", fail(whyTooLong)
		}
	}
	switch {
	case inParens:
		return "", fail(whyParens)
	case prev == stSep:
		return "", fail(whySeparators)
	case len(digits) > 0 && digits[0] == '0':
		return "", fail(whyZeroCC)
	case len(digits) < MinDigits:
		return "", fail(whyTooShort)
	}
	return "+" + string(digits), nil
}

// hasOnlyAllowed reports whether s uses only the characters a well-formed number may contain,
// so that a number missing only its "+" gets the more precise message.
func hasOnlyAllowed(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || strings.ContainsRune(" -.()", r)) {
			return false
		}
	}
	return true
}

// Valid reports whether s is a normalised number: "+", then 7 to 15 ASCII digits, the first
// not 0.
func Valid(s string) bool { return e164Pattern.MatchString(s) }

// Mask hides all but the last four digits of a normalised number the way Auth0 names phone
// authenticators: every other character, the "+" included, becomes "X", so the length is
// kept: Mask("+442079460958") == "XXXXXXXXX0958". Input that is not a normalised number gives
// "XXXX", revealing nothing.
func Mask(e164 string) string {
	if !Valid(e164) {
		return "XXXX"
	}
	return strings.Repeat("X", len(e164)-4) + e164[len(e164)-4:]
}

// Last4 returns the last four digits of a normalised number, for labels such as "phone
// ending in 0958", or "" when e164 is not a normalised number.
func Last4(e164 string) string {
	if !Valid(e164) {
		return ""
	}
	return e164[len(e164)-4:]
}

// Readable rewrites a phone authenticator's name as Auth0 masks it ("XXXXXXXX0123": every
// character but the last digits replaced by X) the way people write a hidden number: "•••• 0123".
// Any other name is returned unchanged.
func Readable(name string) string {
	trimmed := strings.TrimLeft(name, "X")
	if n := len(name) - len(trimmed); n < 4 || len(trimmed) < 2 || len(trimmed) > 4 || strings.Trim(trimmed, "0123456789") != "" {
		return name
	}
	return "•••• " + trimmed
}
