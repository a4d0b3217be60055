package auth0test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// TestIDTokenClaimsFollowScopes: the ID token carries email and email_verified only with the
// email scope, name and nickname only with profile (OpenID Connect Core §5.4), as Auth0 does.
func TestIDTokenClaimsFollowScopes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		scope string
		want  []string // of email, email_verified, name, nickname
	}{
		{"openid", nil},
		{"openid email", []string{"email", "email_verified"}},
		{"openid profile", []string{"name", "nickname"}},
		{"openid profile email", []string{"email", "email_verified", "name", "nickname"}},
	} {
		t.Run(tc.scope, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			base := h.s.URL()
			code := callbackCode(t, h.login(h.browser(), base, url.Values{"scope": {tc.scope}}, "alice@example.com", alicePass))
			r := h.exchange(base, code, "")
			if r.status != http.StatusOK {
				t.Fatalf("exchange: %d %s", r.status, r.body)
			}
			c := h.claims(base, r.json(t)["id_token"].(string))
			for _, k := range []string{"email", "email_verified", "name", "nickname"} {
				if _, has := c[k]; has != slices.Contains(tc.want, k) {
					t.Errorf("claim %s present: %v, want %v (claims %v)", k, has, slices.Contains(tc.want, k), c)
				}
			}
			if slices.Contains(tc.want, "email") && (c["email"] != "alice@example.com" || c["email_verified"] != true) {
				t.Errorf("email claims %v %v", c["email"], c["email_verified"])
			}
		})
	}
}
