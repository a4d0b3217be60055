package auth0test

import (
	"net/http"
	"time"
)

// Single-sign-on sessions and the browser-binding cookie of the hosted
// login pages.

// ssoSession is a browser's single-sign-on session on one host.
type ssoSession struct {
	id, sub, issuer string
	authTime        time.Time
	mfaDone         bool
	expires         time.Time
}

func cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil}
}

// browserID returns the browser-binding cookie's value, setting it when
// missing.
func (s *Server) browserID(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(BrowserCookieName); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	v := s.randomToken()
	http.SetCookie(w, cookie(r, BrowserCookieName, v, 0))
	return v
}

// session returns the live SSO session of this browser on this host.
func (s *Server) session(r *http.Request) *ssoSession {
	c, err := r.Cookie(SSOCookieName)
	if err != nil {
		return nil
	}
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[c.Value]
	if ss == nil || ss.issuer != issuerFor(r) {
		return nil
	}
	if !now.Before(ss.expires) {
		delete(s.sessions, ss.id)
		return nil
	}
	cp := *ss
	return &cp
}

// newSession starts an SSO session (replacing this browser's old one).
func (s *Server) newSession(w http.ResponseWriter, r *http.Request, sub string, now time.Time) *ssoSession {
	ss := &ssoSession{id: s.randomToken(), sub: sub, issuer: issuerFor(r), authTime: now, expires: now.Add(SSOSessionTTL)}
	s.mu.Lock()
	if c, err := r.Cookie(SSOCookieName); err == nil {
		delete(s.sessions, c.Value)
	}
	for id, old := range s.sessions {
		if !now.Before(old.expires) {
			delete(s.sessions, id)
		}
	}
	s.sessions[ss.id] = ss
	s.mu.Unlock()
	http.SetCookie(w, cookie(r, SSOCookieName, ss.id, 0))
	cp := *ss
	return &cp
}

func (s *Server) markSessionMFA(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ss := s.sessions[id]; ss != nil {
		ss.mfaDone = true
	}
}
