package auth0test

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// The tenant's addresses and credentials, its clock and its randomness.

// Addr returns the listener's address.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Domain returns the canonical tenant domain, "127.0.0.1:P".
func (s *Server) Domain() string { return s.domain }

// CustomDomain returns the custom domain, "localhost:P" (same listener).
func (s *Server) CustomDomain() string { return s.customDomain }

// URL returns "http://" + Domain() ("https://" WithTLS).
func (s *Server) URL() string { return s.scheme + "://" + s.domain }

// CustomURL returns "http://" + CustomDomain() ("https://" WithTLS).
func (s *Server) CustomURL() string { return s.scheme + "://" + s.customDomain }

// Issuer returns the issuer of tokens obtained through the canonical
// domain, "http://127.0.0.1:P/" (with Auth0's trailing slash; https WithTLS).
func (s *Server) Issuer() string { return s.URL() + "/" }

// CustomIssuer returns the issuer of tokens obtained through the custom
// domain, "http://localhost:P/".
func (s *Server) CustomIssuer() string { return s.CustomURL() + "/" }

// MFAAudience returns the canonical MFA API audience,
// "https://127.0.0.1:P/mfa/" (Auth0's form: https, trailing slash).
func (s *Server) MFAAudience() string { return "https://" + s.domain + "/mfa/" }

// CustomMFAAudience returns "https://localhost:P/mfa/", the audience of the
// custom-domain trap: /mfa/* accept it, the MFA grants refuse it with
// invalid_grant "invalid audience" (reference §1.6).
func (s *Server) CustomMFAAudience() string { return "https://" + s.customDomain + "/mfa/" }

// ClientID returns the first registered client's id.
func (s *Server) ClientID() string { return s.firstID }

// ClientSecret returns the first registered client's secret.
func (s *Server) ClientSecret() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clients[s.firstID].secret
}

// Client returns an HTTP client for the server, which trusts its certificate WithTLS (no cookie jar, follows
// redirects). Its idle connections are closed by Close.
func (s *Server) Client() *http.Client { return &http.Client{Transport: s.transport} }

type clock struct {
	mu     sync.Mutex
	base   func() time.Time
	frozen bool
	fixed  time.Time
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.fixed
	}
	return c.base().Add(c.offset)
}

// Now returns the server's current time; everything (tokens, codes, TOTP,
// limits, expiry) uses it.
func (s *Server) Now() time.Time { return s.clock.Now() }

// SetNow freezes the server's clock at t. It moves only with SetNow and
// Advance from then on.
func (s *Server) SetNow(t time.Time) {
	s.clock.mu.Lock()
	defer s.clock.mu.Unlock()
	s.clock.frozen, s.clock.fixed = true, t
}

// Advance moves the server's clock forward by d (frozen or not).
func (s *Server) Advance(d time.Duration) {
	s.clock.mu.Lock()
	defer s.clock.mu.Unlock()
	if s.clock.frozen {
		s.clock.fixed = s.clock.fixed.Add(d)
	} else {
		s.clock.offset += d
	}
}

// FastForward is Advance under miniredis's and mockoidc's name.
func (s *Server) FastForward(d time.Duration) { s.Advance(d) }

// --- randomness --------------------------------------------------------------

type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return io.ReadFull(l.r, p)
}

const alnumChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString draws n characters uniformly from chars. A failing random
// source is fatal, as with crypto/rand.
func (s *Server) randomString(chars string, n int) string {
	out := make([]byte, 0, n)
	limit := 256 - 256%len(chars)
	var buf [32]byte
	for len(out) < n {
		if _, err := s.random.Read(buf[:]); err != nil {
			panic(fmt.Sprintf("auth0test: random source failed: %v", err))
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < n {
				out = append(out, chars[int(c)%len(chars)])
			}
		}
	}
	return string(out)
}

func (s *Server) randomAlnum(n int) string { return s.randomString(alnumChars, n) }

// randomToken returns 256 bits as base64url-safe characters.
func (s *Server) randomToken() string {
	return s.randomString(alnumChars+"-_", 43)
}
