package phone

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// pattern is the documented shape of every result, spelled out independently of the package.
var pattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"compact", "+14155552671", "+14155552671"},
		{"spaces", "+44 20 7946 0958", "+442079460958"},
		{"surrounding space", "  +44 20 7946 0958\t\n", "+442079460958"},
		{"surrounding nbsp", "\u00a0+44 20 7946 0958\u00a0", "+442079460958"},
		{"dashes", "+1-415-555-2671", "+14155552671"},
		{"dots", "+1.415.555.2671", "+14155552671"},
		{"parens with spaces", "+1 (415) 555-2671", "+14155552671"},
		{"parens tight", "+1(415)555.2671", "+14155552671"},
		{"parens then dash", "+1 (415)-555-2671", "+14155552671"},
		{"seven digits", "+2901234", "+2901234"},
		{"fifteen digits", "+123456789012345", "+123456789012345"},
		{"italian leading 0 kept", "+39 06 1234 5678", "+390612345678"},
		{"parens with 00 group", "+1 (00) 555 2671", "+1005552671"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Normalize(tt.in)
			if err != nil {
				t.Fatalf("Normalize(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !pattern.MatchString(got) || !Valid(got) {
				t.Fatalf("Normalize(%q) = %q does not match %s", tt.in, got, pattern)
			}
		})
	}
}

func TestNormalizeRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string // want: the reason constant
	}{
		{"empty", "", whyEmpty},
		{"blank", "   ", whyEmpty},
		{"no plus", "14155552671", whyNoPlus},
		{"no plus, formatted", "(415) 555-2671", whyNoPlus},
		{"00 prefix", "0044 20 7946 0958", whyDoubleZero},
		{"trunk zero", "+44 (0)20 7946 0958", whyTrunkZero},
		{"trunk zero tight", "+44(0)2079460958", whyTrunkZero},
		{"country code 0", "+0441234567", whyZeroCC},
		{"plus 00", "+00441234567", whyZeroCC},
		{"letters", "+1 415 CALL NOW", whyChars},
		{"letters without plus", "call me", whyChars},
		{"extension", "+1 415 555 2671 ext 12", whyChars},
		{"hash", "+1415555#2671", whyChars},
		{"slash", "+1 415/555 2671", whyChars},
		{"tab inside", "+1\t4155552671", whyChars},
		{"arabic-indic digits", "+١٢٣٤٥٦٧٨٩", whyChars},
		{"full-width digits", "+１４１５５５５２６７１", whyChars},
		{"full-width plus", "＋14155552671", whyChars},
		{"rlo override", "+1415\u202e5552671", whyChars},
		{"leading lrm", "\u200e+14155552671", whyChars},
		{"zero-width space", "+1415\u200b5552671", whyChars},
		{"nul", "+1415\x005552671", whyChars},
		{"invalid utf-8", "+1415\xff5552671", whyChars},
		{"two plus", "+1+4155552671", whyChars},
		{"double space", "+1  415 555 2671", whySeparators},
		{"space dash", "+1 -415 555 2671", whySeparators},
		{"space after plus", "+ 14155552671", whySeparators},
		{"trailing dash", "+14155552671-", whySeparators},
		{"space inside parens", "+1 ( 415) 5552671", whySeparators},
		{"parens first", "+(1) 4155552671", whyParens},
		{"empty parens", "+1 () 4155552671", whyParens},
		{"nested parens", "+1 ((415)) 5552671", whyParens},
		{"unclosed", "+1 (415 5552671", whyParens},
		{"unopened", "+1 415) 5552671", whyParens},
		{"two groups adjacent", "+1(415)(555)2671", whyParens},
		{"plus only", "+", whyTooShort},
		{"six digits", "+123456", whyTooShort},
		{"sixteen digits", "+1234567890123456", whyTooLong},
		{"very long", "+1" + strings.Repeat(" 1", 40), whyTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Normalize(tt.in)
			if err == nil {
				t.Fatalf("Normalize(%q) = %q, want an error", tt.in, got)
			}
			if got != "" {
				t.Errorf("Normalize(%q) returned %q with its error", tt.in, got)
			}
			var perr *Error
			if !errors.As(err, &perr) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Normalize(%q) error %T %v is not a *phone.Error matching ErrInvalid", tt.in, err, err)
			}
			if perr.Reason != tt.want {
				t.Fatalf("Normalize(%q) reason\n got  %q\n want %q", tt.in, perr.Reason, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "phone: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestErrorsAreFresh(t *testing.T) {
	t.Parallel()
	_, err := Normalize("")
	var perr *Error
	errors.As(err, &perr)
	perr.Reason = "changed"
	_, err = Normalize("")
	if strings.Contains(err.Error(), "changed") {
		t.Fatal("Normalize returns a shared *Error that callers can alter")
	}
}

func TestUserMessage(t *testing.T) {
	t.Parallel()
	_, err := Normalize("0044 20 7946 0958")
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatal(err)
	}
	want := "Start the number with + instead of 00, e.g. +44 20 7946 0958."
	if got := perr.UserMessage(); got != want {
		t.Fatalf("UserMessage() = %q, want %q", got, want)
	}
	if _, err := Normalize("+44 (0)20 7946 0958"); err.Error() != "phone: leave out the (0) after the country code, e.g. +44 20 7946 0958" {
		t.Fatalf("Error() = %q", err)
	}
}

func TestMaskAndLast4(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, mask, last4 string
	}{
		{"+447700909167", "XXXXXXXXX9167", "9167"}, // Auth0's recorded name has this shape
		{"+14155552671", "XXXXXXXX2671", "2671"},
		{"+2901234", "XXXX1234", "1234"},
		{"+123456789012345", "XXXXXXXXXXXX2345", "2345"},
		{"", "XXXX", ""},
		{"+44 20 7946 0958", "XXXX", ""}, // not normalised: reveal nothing
		{"4155552671", "XXXX", ""},
		{"+1234", "XXXX", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := Mask(tt.in); got != tt.mask {
				t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.mask)
			}
			if got := Last4(tt.in); got != tt.last4 {
				t.Errorf("Last4(%q) = %q, want %q", tt.in, got, tt.last4)
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"+14155552671", "+44 20 7946 0958", "+1 (415) 555-2671", "+1.415.555.2671",
		"0044 20 7946 0958", "+44 (0)20 7946 0958", "+١٢٣٤٥٦٧٨٩", "+１４１５５５５２６７１",
		"+1415\u202e5552671", "+0441234567", "+123456", "+1234567890123456", "", "+",
		"+1 ((415)) 5552671", "+1  415", "\u00a0+14155552671 ", "+1(415)(555)2671",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Normalize(in)
		if err != nil {
			var perr *Error
			if out != "" || !errors.As(err, &perr) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Normalize(%q) = %q, %v: want \"\" and a *phone.Error", in, out, err)
			}
			// The message is one of the fixed reasons: it never echoes what the user typed.
			if !reasons[perr.Reason] {
				t.Fatalf("Normalize(%q): reason %q is not one of the fixed reasons", in, perr.Reason)
			}
			return
		}
		if !pattern.MatchString(out) {
			t.Fatalf("Normalize(%q) = %q, which does not match %s", in, out, pattern)
		}
		if digitsOf(in) != out[1:] {
			t.Fatalf("Normalize(%q) = %q: digits changed", in, out)
		}
		if again, err := Normalize(out); err != nil || again != out {
			t.Fatalf("Normalize is not idempotent on %q: %q, %v", out, again, err)
		}
		if m := Mask(out); len(m) != len(out) || !strings.HasSuffix(m, Last4(out)) || strings.Trim(m[:len(m)-4], "X") != "" {
			t.Fatalf("Mask(%q) = %q", out, m)
		}
	})
}

var reasons = map[string]bool{
	whyEmpty: true, whyNoPlus: true, whyDoubleZero: true, whyChars: true, whySeparators: true,
	whyParens: true, whyTrunkZero: true, whyZeroCC: true, whyTooShort: true, whyTooLong: true,
}

func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func TestReadable(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"XXXXXXXX0123", "•••• 0123"},
		{Mask("+442079460958"), "•••• 0958"},
		{"XXXXXXXXX58", "•••• 58"},
		{"Work phone", "Work phone"},
		{"XXXX", "XXXX"},
		{"XX0123", "XX0123"},
		{"XXXXXXXX01234", "XXXXXXXX01234"},
		{"XXXXXXXX01a3", "XXXXXXXX01a3"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Readable(tt.in); got != tt.want {
			t.Errorf("Readable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
