package mfabackend

import "testing"

func TestMaskEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"dlozanomarti@gmail.com", "dloz********@gmai*****"}, // Auth0's documented example
		{"alice@example.com", "alic*@exam*******"},
		{"bob@x.io", "***@****"},
		{"ünïcode@exämple.com", "ünïc***@exäm*******"},
		{"not-an-address", ""},
	} {
		if got := MaskEmail(tc.in); got != tc.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
