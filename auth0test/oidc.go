package auth0test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	iss := issuerFor(r)
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                iss,
		"authorization_endpoint":                iss + "authorize",
		"token_endpoint":                        iss + "oauth/token",
		"userinfo_endpoint":                     iss + "userinfo",
		"mfa_challenge_endpoint":                iss + "mfa/challenge",
		"jwks_uri":                              iss + ".well-known/jwks.json",
		"scopes_supported":                      []string{"openid", "profile", "email"},
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"code_challenge_methods_supported":      []string{"S256"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"grant_types_supported": []string{
			GrantAuthorizationCode, GrantPassword, GrantPasswordRealm, GrantMFAOTP, GrantMFAOOB, GrantMFARecoveryCode,
		},
		"claims_supported": []string{
			"acr", "amr", "aud", "auth_time", "email", "email_verified", "exp", "iat", "iss", "name", "nickname", "nonce", "sub",
		},
	})
}

func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.keys.jwks())
}

// handleUserinfo answers the OIDC userinfo for an access token whose
// audience includes "{issuer}userinfo" of the request's host.
func (s *Server) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	tok, ok := bearerToken(r)
	if !ok {
		e := newAPIError(http.StatusUnauthorized, ErrCodeInvalidToken, descBearerMissing)
		e.wwwAuth = true
		writeAPIError(w, e)
		return
	}
	iss := issuerFor(r)
	cl, err := s.keys.verify(tok)
	if err != nil || cl.Iss != iss || !cl.Aud.contains(iss+"userinfo") || !s.clock.Now().Before(time.Unix(cl.Exp, 0)) {
		e := newAPIError(http.StatusUnauthorized, ErrCodeInvalidToken, descBearerInvalid)
		e.wwwAuth = true
		writeAPIError(w, e)
		return
	}
	u, ok := s.User(cl.Sub)
	if !ok {
		e := newAPIError(http.StatusUnauthorized, ErrCodeInvalidToken, descBearerInvalid)
		e.wwwAuth = true
		writeAPIError(w, e)
		return
	}
	name := u.Name
	if name == "" {
		name = u.Email
	}
	nick, _, _ := strings.Cut(u.Email, "@")
	writeJSON(w, http.StatusOK, map[string]any{
		"sub": u.ID, "email": u.Email, "email_verified": u.EmailVerified, "name": name, "nickname": nick,
	})
}

func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// handleLogout ends the SSO session of this host. returnTo must be an
// allowed logout URL of the client (by default: an origin of its redirect
// URIs); without client_id, of any client. Anything else is an error page,
// never a redirect.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	returnTo := q.Get("returnTo")
	clientID := q.Get("client_id")
	if returnTo != "" {
		if !s.logoutAllowed(clientID, returnTo) {
			s.renderError(w, http.StatusBadRequest, "Invalid logout URL",
				"The returnTo URL is not in the application's list of Allowed Logout URLs.", "", "")
			return
		}
	} else if clientID != "" {
		s.mu.Lock()
		known := s.clients[clientID] != nil
		s.mu.Unlock()
		if !known {
			s.renderError(w, http.StatusBadRequest, "Unknown application", "The client_id names no application of this tenant.", "", "")
			return
		}
	}
	if c, err := r.Cookie(SSOCookieName); err == nil {
		s.mu.Lock()
		delete(s.sessions, c.Value)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: SSOCookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	if returnTo != "" {
		http.Redirect(w, r, returnTo, http.StatusFound)
		return
	}
	s.renderPage(w, http.StatusOK, pageData{Title: "Signed out", Message: "You are signed out of " + s.tenantName + "."})
}

func (s *Server) logoutAllowed(clientID, returnTo string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cands []*client
	if clientID != "" {
		c := s.clients[clientID]
		if c == nil {
			return false
		}
		cands = []*client{c}
	} else {
		for _, c := range s.clients {
			cands = append(cands, c)
		}
	}
	for _, c := range cands {
		if slices.Contains(c.allowedLogoutURLs(), returnTo) {
			return true
		}
	}
	return false
}

func (c *client) allowedLogoutURLs() []string {
	if c.logoutSet {
		return c.logoutURLs
	}
	var out []string
	for _, ru := range c.redirectURIs {
		u, err := url.Parse(ru)
		if err != nil {
			continue
		}
		origin := u.Scheme + "://" + u.Host
		out = append(out, origin, origin+"/")
	}
	return out
}
