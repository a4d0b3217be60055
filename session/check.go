package session

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// maxLifetime is the longest absolute session lifetime CheckConfig accepts over HTTPS.
const maxLifetime = 24 * time.Hour

// CheckConfig reports settings of the scs manager that are unsafe for a session holding an MFA
// API token (ASVS 3.3, 7.3; NIST SP 800-63B §7): over HTTPS (https true) the cookie must be
// Secure and HttpOnly, SameSite must not be None, IdleTimeout must be set and Lifetime at most
// 24 hours. Plain-HTTP development on loopback (https false) is not checked. mfahandler.New
// calls it with https set from Config.RedirectURL.
func (s *SCS) CheckConfig(https bool) error {
	if s.sm == nil {
		return errNilManager
	}
	if !https {
		return nil
	}
	c := s.sm.Cookie
	var errs []error
	if !c.Secure {
		errs = append(errs, errors.New("session: scs Cookie.Secure is false; set it to true (the app is served over HTTPS)"))
	}
	if !c.HttpOnly {
		errs = append(errs, errors.New("session: scs Cookie.HttpOnly is false; set it to true so scripts cannot read the session cookie"))
	}
	if c.SameSite == http.SameSiteNoneMode {
		errs = append(errs, errors.New("session: scs Cookie.SameSite is None; use http.SameSiteLaxMode (Strict breaks the return from Auth0)"))
	}
	if s.sm.IdleTimeout <= 0 {
		errs = append(errs, errors.New("session: scs IdleTimeout is not set; set one (for example 30 minutes) so an abandoned session ends"))
	}
	if s.sm.Lifetime <= 0 || s.sm.Lifetime > maxLifetime {
		errs = append(errs, fmt.Errorf("session: scs Lifetime is %v; bound it to at most %v", s.sm.Lifetime, maxLifetime))
	}
	return errors.Join(errs...)
}

// CookieNameAdvice returns a suggestion when the session cookie's name lacks the "__Host-"
// prefix (which makes browsers refuse it unless Secure, host-only and Path=/), or "".
func (s *SCS) CookieNameAdvice() string {
	if s.sm == nil || strings.HasPrefix(s.sm.Cookie.Name, "__Host-") {
		return ""
	}
	return fmt.Sprintf("session: consider naming the scs cookie %q (the __Host- prefix pins it to this host, Secure and Path=/)", "__Host-"+s.sm.Cookie.Name)
}
