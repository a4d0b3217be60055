package session_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/selfmfa/selfmfa/session"
)

// TestCheckConfig: over HTTPS every unsafe scs setting is named; plain-HTTP development is not
// checked (T34).
func TestCheckConfig(t *testing.T) {
	t.Parallel()
	safe := func() *scs.SessionManager {
		sm := scs.New()
		sm.Cookie.Secure, sm.IdleTimeout, sm.Lifetime = true, 30*time.Minute, 12*time.Hour
		return sm
	}
	cases := []struct {
		name string
		mod  func(*scs.SessionManager)
		want string // "" = accepted
	}{
		{"safe", func(*scs.SessionManager) {}, ""},
		{"not secure", func(sm *scs.SessionManager) { sm.Cookie.Secure = false }, "Cookie.Secure"},
		{"script-readable", func(sm *scs.SessionManager) { sm.Cookie.HttpOnly = false }, "HttpOnly"},
		{"SameSite None", func(sm *scs.SessionManager) { sm.Cookie.SameSite = http.SameSiteNoneMode }, "SameSite"},
		{"no idle timeout", func(sm *scs.SessionManager) { sm.IdleTimeout = 0 }, "IdleTimeout"},
		{"a month", func(sm *scs.SessionManager) { sm.Lifetime = 30 * 24 * time.Hour }, "Lifetime"},
		{"24 hours", func(sm *scs.SessionManager) { sm.Lifetime = 24 * time.Hour }, ""},
	}
	for _, c := range cases {
		sm := safe()
		c.mod(sm)
		err := session.NewSCS(sm).CheckConfig(true)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want an error naming %s", c.name, err, c.want)
		}
		if err := session.NewSCS(sm).CheckConfig(false); err != nil {
			t.Errorf("%s: plain-HTTP development refused: %v", c.name, err)
		}
	}
	if err := session.NewSCS(nil).CheckConfig(true); err == nil {
		t.Error("a nil manager passed")
	}
	sm := safe()
	if a := session.NewSCS(sm).CookieNameAdvice(); !strings.Contains(a, "__Host-session") {
		t.Errorf("advice %q", a)
	}
	sm.Cookie.Name = "__Host-session"
	if a := session.NewSCS(sm).CookieNameAdvice(); a != "" {
		t.Errorf("advice for a __Host- name: %q", a)
	}
}
