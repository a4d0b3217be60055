package auth0test

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", s.handleDiscovery)
	mux.HandleFunc("GET /.well-known/jwks.json", s.handleJWKS)
	mux.HandleFunc("GET /authorize", s.handleAuthorize)
	mux.HandleFunc("GET /u/login", s.handleLoginPage)
	mux.HandleFunc("POST /u/login", s.handleLoginPost)
	mux.HandleFunc("GET /u/passkey.js", handlePasskeyScript)
	mux.HandleFunc("GET /u/mfa", s.handleMFAPage)
	mux.HandleFunc("POST /u/mfa", s.handleMFAPost)
	mux.HandleFunc("GET /v2/logout", s.handleLogout)
	mux.HandleFunc("GET /userinfo", s.handleUserinfo)
	mux.HandleFunc("POST /userinfo", s.handleUserinfo)
	mux.HandleFunc("POST /oauth/token", s.handleToken)
	mux.HandleFunc("POST /oauth/revoke", s.handleRevoke)
	mux.HandleFunc("GET /mfa/authenticators", s.handleListAuthenticators)
	mux.HandleFunc("POST /mfa/associate", s.handleAssociate)
	mux.HandleFunc("DELETE /mfa/authenticators/{id}", s.handleDeleteAuthenticator)
	mux.HandleFunc("POST /mfa/challenge", s.handleChallenge)
	mux.HandleFunc("GET /me/v1/factors", s.handleMeFactors)
	mux.HandleFunc("GET /me/v1/authentication-methods", s.handleMeList)
	mux.HandleFunc("POST /me/v1/authentication-methods", s.handleMeCreate)
	mux.HandleFunc("GET /me/v1/authentication-methods/{id}", s.handleMeGet)
	mux.HandleFunc("PATCH /me/v1/authentication-methods/{id}", s.handleMePatch)
	mux.HandleFunc("DELETE /me/v1/authentication-methods/{id}", s.handleMeDelete)
	mux.HandleFunc("POST /me/v1/authentication-methods/{id}/verify", s.handleMeVerify)
	mux.HandleFunc("GET /_dev/inbox", s.handleDevInbox)
	mux.HandleFunc("GET /_dev/guardian", s.handleDevGuardian)
	mux.HandleFunc("POST /_dev/guardian", s.handleDevGuardianPost)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, newAPIError(http.StatusNotFound, ErrCodeNotFound, "Not Found"))
	})

	// Browser form posts are checked for cross-origin requests (Go 1.25).
	cop := http.NewCrossOriginProtection()
	var h http.Handler = mux
	h = s.rateLimited(h)
	h = s.faulty(h)
	h = securityHeaders(h)
	h = s.logged(h)
	h = s.knownHost(h)
	h = browserOnly(cop, h)
	h = s.recovered(h)
	return h
}

// browserOnly applies cross-origin protection to the HTML pages' form
// posts (/u/*, /_dev/*); the API endpoints are called by servers (and by
// SPAs through CORS on a real tenant).
func browserOnly(cop *http.CrossOriginProtection, next http.Handler) http.Handler {
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/u/") || strings.HasPrefix(r.URL.Path, "/_dev/") {
			protected.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// recovered answers 500 server_error instead of letting a panic kill the
// connection.
func (s *Server) recovered(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("auth0emu: handler panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				writeAPIError(w, newAPIError(http.StatusInternalServerError, ErrCodeServerError, descServerError))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// knownHost refuses requests for hosts other than the two domains: the
// issuer is derived from the Host header, and refusing other names keeps
// DNS-rebinding pages away from the dev inbox.
func (s *Server) knownHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Host, s.domain) && !strings.EqualFold(r.Host, s.customDomain) {
			http.Error(w, "auth0emu: unknown host; use "+s.domain+" or "+s.customDomain, http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logged logs one line per request with WithRequestLog: method, path,
// status, duration. Never the query string (state, nonce, codes), bodies or
// headers.
func (s *Server) logged(next http.Handler) http.Handler {
	if !s.requestLog {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		s.log.Info("auth0emu", "method", r.Method, "host", r.Host, "path", r.URL.Path,
			"status", rec.status, "duration", time.Since(start).Round(time.Microsecond))
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		// No form-action: the login form's response redirects to the
		// application's callback on another origin. script-src 'self': the
		// login page's passkey script (/u/passkey.js), never inline.
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}

// --- rate limit --------------------------------------------------------------

// bucket is a token bucket refilled continuously by the server clock.
type bucket struct {
	limit  float64
	window time.Duration
	tokens float64
	last   time.Time
}

func newBucket(limit int, window time.Duration, now time.Time) *bucket {
	return &bucket{limit: float64(limit), window: window, tokens: float64(limit), last: now}
}

func (b *bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.tokens += now.Sub(b.last).Seconds() * b.limit / b.window.Seconds()
		if b.tokens > b.limit {
			b.tokens = b.limit
		}
	}
	b.last = now
}

// take consumes one token; it returns the headers' values and, when
// empty, how long until the next token.
func (b *bucket) take(now time.Time) (ok bool, remaining int, reset time.Time, retry time.Duration) {
	b.refill(now)
	perToken := time.Duration(float64(b.window) / b.limit)
	if b.tokens >= 1 {
		b.tokens--
		ok = true
	} else {
		retry = time.Duration((1 - b.tokens) * float64(perToken))
	}
	missing := b.limit - b.tokens
	reset = now.Add(time.Duration(missing * float64(perToken)))
	return ok, int(b.tokens), reset, retry
}

func (s *Server) rateLimited(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_dev/") {
			next.ServeHTTP(w, r)
			return
		}
		now := s.clock.Now()
		s.mu.Lock()
		b := s.bucket
		var ok bool
		var remaining int
		var reset time.Time
		var retry time.Duration
		if b != nil {
			ok, remaining, reset, retry = b.take(now)
		}
		s.mu.Unlock()
		if b == nil {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(int(b.limit)))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(ceilUnix(reset), 10))
		if !ok {
			e := newAPIError(http.StatusTooManyRequests, ErrCodeTooManyRequests, descRateLimited)
			e.retryAfter = retry
			writeAPIError(w, e)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func ceilUnix(t time.Time) int64 {
	u := t.Unix()
	if t.Nanosecond() > 0 {
		u++
	}
	return u
}
