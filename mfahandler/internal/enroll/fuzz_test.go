package enroll

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
)

// FuzzValidID: an id that passes ValidID is safe to put into a URL path and query and to show:
// one "kind|suffix" of known kinds and plain characters, which escaping round-trips.
func FuzzValidID(f *testing.F) {
	for _, s := range []string{"totp|dev_WzMZ2sZbUw1wbC2F", "sms|dev_x", "recovery-code|dev_1", "totp|", "totp|a/b", "x|y",
		"totp|dev_\u202e", "push|dev_" + strings.Repeat("a", 70), "email|dev_a|b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if !ValidID(id) {
			return
		}
		kind, suffix, ok := strings.Cut(id, "|")
		if !ok || suffix == "" || strings.Contains(suffix, "|") || len(suffix) > 64 {
			t.Fatalf("ValidID(%q) with kind %q suffix %q", id, kind, suffix)
		}
		switch kind {
		case "totp", "sms", "voice", "push", "email", "recovery-code":
		default:
			t.Fatalf("ValidID(%q): unknown kind %q", id, kind)
		}
		for _, r := range id {
			if r > unicode.MaxASCII || unicode.IsControl(r) || r == '/' || r == '?' || r == '#' || r == '%' {
				t.Fatalf("ValidID(%q) lets %q through", id, r)
			}
		}
		if back, err := url.QueryUnescape(url.QueryEscape(id)); err != nil || back != id {
			t.Fatalf("query escaping of %q does not round-trip", id)
		}
		if back, err := url.PathUnescape(url.PathEscape(id)); err != nil || back != id {
			t.Fatalf("path escaping of %q does not round-trip", id)
		}
	})
}

// FuzzName: a name that passes validName is short plain text without control or format
// characters (no bidi overrides that could disguise the list).
func FuzzName(f *testing.F) {
	for _, s := range []string{"Work phone", "iPhone 15", "", " ", "a\u202eb", "\x00", strings.Repeat("é", 65), "\ufffd", "日本語の名前"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !validName(name) {
			return
		}
		if name == "" || len([]rune(name)) > MaxNameLength {
			t.Fatalf("validName(%q): bad length", name)
		}
		for _, r := range name {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("validName(%q) lets %U through", name, r)
			}
		}
	})
}
