package main

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"time"

	"github.com/selfmfa/selfmfa/auth0test"
)

// maxControlBody bounds a control request body; every body here is a few hundred bytes.
const maxControlBody = 64 << 10

// control is the JSON control interface: tests in any language drive the tenant through it
// as Go tests do through auth0test's methods (users, seeded factors, the clock, the inbox,
// push decisions, faults). It listens on a port of its own, so no path of it can be mistaken
// for one of Auth0's, and every request must carry the bearer token printed in the startup
// line: a web page in the developer's browser cannot send that header to it.
type control struct {
	s     *auth0test.Server
	token string
}

// controlRoutes lists every endpoint; README and -help show the same list.
func (c *control) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /users", c.users)
	m.HandleFunc("POST /users", c.addUser)
	m.HandleFunc("GET /users/{sub}/authenticators", c.authenticators)
	m.HandleFunc("POST /users/{sub}/authenticators", c.seed)
	m.HandleFunc("POST /users/{sub}/access-token", c.accessToken)
	m.HandleFunc("GET /users/{sub}/pushes", c.pushes)
	m.HandleFunc("POST /pushes/{id}/approve", c.decide(true))
	m.HandleFunc("POST /pushes/{id}/reject", c.decide(false))
	m.HandleFunc("GET /authenticators/{id}/totp-code", c.totpCode)
	m.HandleFunc("GET /inbox", c.inbox)
	m.HandleFunc("GET /clock", c.clock)
	m.HandleFunc("POST /clock", c.setClock)
	m.HandleFunc("POST /faults", c.addFault)
	m.HandleFunc("DELETE /faults", c.clearFaults)
	return m
}

// serveControl listens on addr and serves the control interface until ctx is done.
func serveControl(ctx context.Context, addr string, c *control) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("auth0emu: control interface: %w", err)
	}
	mux := c.routes()
	srv := &http.Server{Handler: c.guard(mux), ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// guard checks the bearer token and, for bodies, the JSON content type and size.
func (c *control) guard(next http.Handler) http.Handler {
	want := []byte("Bearer " + c.token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			writeControlError(w, http.StatusUnauthorized, "send Authorization: Bearer {control_token} (printed in the startup line)")
			return
		}
		if r.Method == http.MethodPost {
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); r.ContentLength != 0 && mt != "application/json" {
				writeControlError(w, http.StatusUnsupportedMediaType, "bodies are JSON: send Content-Type: application/json")
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxControlBody)
		}
		next.ServeHTTP(w, r)
	})
}

// readJSON decodes an optional body strictly: unknown fields are an error, not ignored.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		writeControlError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

func writeControlJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeControlError(w http.ResponseWriter, status int, msg string) {
	writeControlJSON(w, status, map[string]string{"error": msg})
}

// Wire forms: snake_case, as Auth0's own APIs.

type userJSON struct {
	Sub           string `json:"sub"`
	Email         string `json:"email"`
	Password      string `json:"password,omitempty"`
	Name          string `json:"name,omitempty"`
	EmailVerified bool   `json:"email_verified"`
}

type authenticatorJSON struct {
	ID                string     `json:"id"`
	AuthenticatorType string     `json:"authenticator_type"`
	OOBChannel        string     `json:"oob_channel,omitempty"`
	Name              string     `json:"name,omitempty"`
	Active            bool       `json:"active"`
	CreatedAt         time.Time  `json:"created_at"`
	LastAuth          *time.Time `json:"last_auth,omitempty"`
	// Secret is the TOTP key of an otp authenticator, so that a test can compute codes itself.
	Secret string `json:"secret,omitempty"`
}

func (c *control) authenticatorJSON(a auth0test.Authenticator) authenticatorJSON {
	out := authenticatorJSON{ID: a.ID, AuthenticatorType: a.AuthenticatorType, OOBChannel: a.OOBChannel,
		Name: a.Name, Active: a.Active, CreatedAt: a.CreatedAt, LastAuth: a.LastAuth}
	if a.AuthenticatorType == "otp" {
		out.Secret, _ = c.s.TOTPSecret(a.ID)
	}
	return out
}

func (c *control) users(w http.ResponseWriter, _ *http.Request) {
	out := []userJSON{}
	for _, u := range c.s.Users() {
		out = append(out, userJSON{Sub: u.ID, Email: u.Email, Name: u.Name, EmailVerified: u.EmailVerified})
	}
	writeControlJSON(w, http.StatusOK, out)
}

func (c *control) addUser(w http.ResponseWriter, r *http.Request) {
	var in userJSON
	if !readJSON(w, r, &in) {
		return
	}
	u, err := c.s.AddUser(auth0test.User{ID: in.Sub, Email: in.Email, Password: in.Password, Name: in.Name, EmailVerified: in.EmailVerified})
	if err != nil {
		writeControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeControlJSON(w, http.StatusCreated, userJSON{Sub: u.ID, Email: u.Email, Name: u.Name, EmailVerified: u.EmailVerified})
}

// knownUser answers 404 for an unknown sub.
func (c *control) knownUser(w http.ResponseWriter, r *http.Request) (string, bool) {
	sub := r.PathValue("sub")
	if _, ok := c.s.User(sub); !ok {
		writeControlError(w, http.StatusNotFound, fmt.Sprintf("no user %q", sub))
		return "", false
	}
	return sub, true
}

func (c *control) authenticators(w http.ResponseWriter, r *http.Request) {
	sub, ok := c.knownUser(w, r)
	if !ok {
		return
	}
	out := []authenticatorJSON{}
	for _, a := range c.s.Authenticators(sub) {
		out = append(out, c.authenticatorJSON(a))
	}
	writeControlJSON(w, http.StatusOK, out)
}

func (c *control) seed(w http.ResponseWriter, r *http.Request) {
	sub, ok := c.knownUser(w, r)
	if !ok {
		return
	}
	var in struct {
		Kind         string `json:"kind"` // otp, sms, voice, email, push, recovery-code
		Phone        string `json:"phone,omitempty"`
		Email        string `json:"email,omitempty"`
		Secret       string `json:"secret,omitempty"`
		RecoveryCode string `json:"recovery_code,omitempty"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	a, err := c.s.SeedAuthenticator(sub, auth0test.Factor(in.Kind), auth0test.SeedOptions{
		Phone: in.Phone, Email: in.Email, Secret: in.Secret, RecoveryCode: in.RecoveryCode})
	if err != nil {
		writeControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeControlJSON(w, http.StatusCreated, c.authenticatorJSON(a))
}

func (c *control) accessToken(w http.ResponseWriter, r *http.Request) {
	sub, ok := c.knownUser(w, r)
	if !ok {
		return
	}
	var in struct {
		Audience   string `json:"audience,omitempty"` // default: the MFA API
		Scope      string `json:"scope,omitempty"`
		TTLSeconds int    `json:"ttl_seconds,omitempty"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	tok, err := c.s.IssueAccessToken(sub, auth0test.TokenOptions{Audience: in.Audience, Scope: in.Scope, TTL: time.Duration(in.TTLSeconds) * time.Second})
	if err != nil {
		writeControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeControlJSON(w, http.StatusOK, map[string]string{"access_token": tok, "token_type": "Bearer"})
}

type pushJSON struct {
	ID         string    `json:"id"`
	Sub        string    `json:"sub"`
	Enrollment bool      `json:"enrollment"`
	CreatedAt  time.Time `json:"created_at"`
	State      string    `json:"state"`
}

func (c *control) pushes(w http.ResponseWriter, r *http.Request) {
	sub, ok := c.knownUser(w, r)
	if !ok {
		return
	}
	out := []pushJSON{}
	for _, p := range c.s.PendingPushes(sub) {
		out = append(out, pushJSON{ID: p.ID, Sub: p.UserID, Enrollment: p.Enrollment, CreatedAt: p.CreatedAt, State: p.State})
	}
	writeControlJSON(w, http.StatusOK, out)
}

func (c *control) decide(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		decide := c.s.RejectPush
		if approve {
			decide = c.s.ApprovePush
		}
		if err := decide(r.PathValue("id")); err != nil {
			writeControlError(w, http.StatusNotFound, err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func (c *control) totpCode(w http.ResponseWriter, r *http.Request) {
	code, err := c.s.TOTPCode(r.PathValue("id"))
	if err != nil {
		writeControlError(w, http.StatusNotFound, err.Error())
		return
	}
	writeControlJSON(w, http.StatusOK, map[string]string{"code": code})
}

func (c *control) inbox(w http.ResponseWriter, r *http.Request) {
	type messageJSON struct {
		To      string    `json:"to"`
		Channel string    `json:"channel"`
		Code    string    `json:"code"`
		Sub     string    `json:"sub"`
		SentAt  time.Time `json:"sent_at"`
	}
	to := r.URL.Query().Get("to")
	out := []messageJSON{}
	for _, m := range c.s.Outbox() {
		if to == "" || m.To == to {
			out = append(out, messageJSON{To: m.To, Channel: m.Channel, Code: m.Code, Sub: m.UserID, SentAt: m.SentAt})
		}
	}
	writeControlJSON(w, http.StatusOK, out)
}

func (c *control) clock(w http.ResponseWriter, _ *http.Request) {
	writeControlJSON(w, http.StatusOK, map[string]time.Time{"now": c.s.Now()})
}

func (c *control) setClock(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Now     *time.Time `json:"now,omitempty"`     // set the clock (RFC 3339)
		Advance string     `json:"advance,omitempty"` // or move it on, e.g. "30s", "10m"
	}
	if !readJSON(w, r, &in) {
		return
	}
	switch {
	case in.Now != nil && in.Advance == "":
		c.s.SetNow(*in.Now)
	case in.Now == nil && in.Advance != "":
		d, err := time.ParseDuration(in.Advance)
		if err != nil || d <= 0 {
			writeControlError(w, http.StatusBadRequest, fmt.Sprintf("advance %q is not a positive duration such as \"30s\"", in.Advance))
			return
		}
		c.s.Advance(d)
	default:
		writeControlError(w, http.StatusBadRequest, `send one of "now" (RFC 3339) or "advance" (e.g. "30s")`)
		return
	}
	c.clock(w, r)
}

func (c *control) addFault(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Path              string `json:"path"` // "/mfa/authenticators"; ending in "/" matches a prefix
		Method            string `json:"method,omitempty"`
		Status            int    `json:"status,omitempty"`
		Code              string `json:"code,omitempty"`
		Description       string `json:"description,omitempty"`
		LatencyMS         int    `json:"latency_ms,omitempty"`
		RetryAfterSeconds int    `json:"retry_after_seconds,omitempty"`
		Hang              bool   `json:"hang,omitempty"`
		MalformedBody     bool   `json:"malformed_body,omitempty"`
		OversizedBody     int64  `json:"oversized_body,omitempty"`
		Times             int    `json:"times,omitempty"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.Path == "" || in.Path[0] != '/' {
		writeControlError(w, http.StatusBadRequest, `"path" must start with "/"`)
		return
	}
	if in.Status != 0 && (in.Status < 100 || in.Status > 599) {
		writeControlError(w, http.StatusBadRequest, fmt.Sprintf("status %d is not an HTTP status", in.Status))
		return
	}
	c.s.InjectFault(in.Path, auth0test.Fault{Method: in.Method, Status: in.Status, Code: in.Code, Description: in.Description,
		Latency: time.Duration(in.LatencyMS) * time.Millisecond, RetryAfter: time.Duration(in.RetryAfterSeconds) * time.Second,
		Hang: in.Hang, MalformedBody: in.MalformedBody, OversizedBody: in.OversizedBody, Times: in.Times})
	w.WriteHeader(http.StatusNoContent)
}

func (c *control) clearFaults(w http.ResponseWriter, _ *http.Request) {
	c.s.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
}
