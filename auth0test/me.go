package auth0test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/auth0test/internal/tenant"
)

// The My Account API (reference §5): /me/v1 on either host, with the audience of that host,
// the five *:me:* scopes, RFC 7807 problems, the per-user rate limits of the tenant's plan,
// and the same authenticators as the MFA API (one user, two views).

// My Account scopes.
const (
	ScopeMeCreate  = "create:me:authentication_methods"
	ScopeMeRead    = "read:me:authentication_methods"
	ScopeMeUpdate  = "update:me:authentication_methods"
	ScopeMeDelete  = "delete:me:authentication_methods"
	ScopeMeFactors = "read:me:factors"
)

func meScopes() []string {
	return []string{ScopeMeCreate, ScopeMeRead, ScopeMeUpdate, ScopeMeDelete, ScopeMeFactors}
}

// MeAudience returns the My Account API audience of the canonical domain,
// "https://127.0.0.1:P/me/"; CustomMeAudience that of the custom domain. A token is used on
// the host whose audience it carries ("use the same one throughout").
func (s *Server) MeAudience() string       { return "https://" + s.domain + "/me/" }
func (s *Server) CustomMeAudience() string { return "https://" + s.customDomain + "/me/" }

func (s *Server) isMeAudience(aud string) bool {
	return !s.meOff && (aud == s.MeAudience() || aud == s.CustomMeAudience())
}

// meGrant reports the scopes of a client's grant for the My Account API (ok false: none).
func (s *Server) meGrant(clientID string) (scopes []string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clients[clientID]
	if c == nil || c.meGrant == nil {
		return nil, false
	}
	return c.meGrant, true
}

// problem is an RFC 7807 answer of the My Account API.
type problem struct {
	status      int
	title       string
	detail      string
	retryAfter  time.Duration
	validations []map[string]string
}

// problemType is the A0E type URI of a status ([MOCK] in the reference: the suffixes are not a
// closed set, so one per status is what a client can rely on).
func problemType(status int) string {
	return fmt.Sprintf("https://auth0.com/api-errors/A0E-%d-0001", status)
}

// problemJSON is the OAS ErrorResponse, members in its order.
type problemJSON struct {
	Type        string              `json:"type"`
	Status      int                 `json:"status"`
	Title       string              `json:"title"`
	Detail      string              `json:"detail"`
	Validations []map[string]string `json:"validation_errors,omitempty"`
}

func writeProblem(w http.ResponseWriter, p *problem) {
	body := problemJSON{Type: problemType(p.status), Status: p.status, Title: p.title, Detail: p.detail, Validations: p.validations}
	if p.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(ceilSeconds(p.retryAfter), 10))
	}
	writeJSON(w, p.status, body)
}

func problemOf(e *tenant.Error) *problem {
	p := &problem{status: e.Status, title: e.Code, detail: e.Description, retryAfter: e.RetryAfter}
	switch e.Status {
	case http.StatusNotFound:
		p.title = "Not Found"
	case http.StatusTooManyRequests:
		p.title = "Too Many Requests"
	}
	for _, field := range []string{"otp_code", "auth_session", "phone_number", "email", "name", "preferred_authentication_method", "type", "authn_response", "identity_user_id"} {
		if e.Code == "validation_error" && strings.HasPrefix(strings.TrimPrefix(e.Description, "Invalid "), field) {
			p.validations = []map[string]string{{"detail": e.Description, "field": field}}
			break
		}
	}
	return p
}

// meSubject is who a /me/v1 bearer token stands for.
type meSubject struct{ sub, clientID string }

// meBearer checks a /me/v1 request's token: signature, the issuer and the audience of the
// host the request came through, expiry, the user, and scope.
func (s *Server) meBearer(r *http.Request, scope string) (*meSubject, *problem) {
	tok, ok := bearerToken(r)
	invalid := &problem{status: http.StatusUnauthorized, title: "Unauthorized", detail: descMeInvalidToken}
	if !ok {
		return nil, &problem{status: http.StatusUnauthorized, title: "Unauthorized", detail: descBearerMissing}
	}
	cl, err := s.keys.verify(tok)
	if err != nil || issuerHost(cl.Iss) != issuerHost(issuerFor(r)) {
		return nil, invalid
	}
	if !s.clock.Now().Before(time.Unix(cl.Exp, 0)) {
		return nil, &problem{status: http.StatusUnauthorized, title: "Unauthorized", detail: descBearerExpired}
	}
	want := "https://" + strings.ToLower(r.Host) + "/me/"
	var aud bool
	for _, a := range cl.Aud {
		aud = aud || a == want
	}
	if !aud {
		return nil, invalid
	}
	if !hasScope(cl.Scope, scope) {
		return nil, &problem{status: http.StatusForbidden, title: "insufficient_scope", detail: fmt.Sprintf(descMeInsufficientScope, scope)}
	}
	if _, ok := s.User(cl.Sub); !ok {
		return nil, invalid
	}
	return &meSubject{sub: cl.Sub, clientID: cl.Azp}, nil
}

// meAuthorize is the common start of every /me/v1 handler.
func (s *Server) meAuthorize(w http.ResponseWriter, r *http.Request, scope string, kind meRate) (*meSubject, bool) {
	sub, p := s.meBearer(r, scope)
	if p == nil {
		p = s.meLimited(w, sub.sub, kind)
	}
	if p != nil {
		writeProblem(w, p)
		return nil, false
	}
	return sub, true
}

// meBody decodes a JSON body strictly (additionalProperties false in the OAS).
func meBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if mediaType(r) != contentTypeJSON {
		writeProblem(w, &problem{status: http.StatusUnsupportedMediaType, title: "Unsupported Media Type", detail: descContentTypeJSON})
		return false
	}
	raw, e := readBody(w, r)
	if e != nil {
		writeProblem(w, &problem{status: e.status, title: e.code, detail: e.desc})
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		detail := "The request body is not valid JSON for this operation."
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			detail = te.Field + " has the wrong type."
		} else if strings.HasPrefix(err.Error(), "json: unknown field ") {
			detail = "Unknown member " + strings.TrimPrefix(err.Error(), "json: unknown field ") + "."
		}
		writeProblem(w, &problem{status: http.StatusBadRequest, title: "validation_error", detail: detail})
		return false
	}
	return true
}

// methodJSON is a method on the wire.
type methodJSON struct {
	ID          string   `json:"id"`
	Type        string   `json:"type"`
	Confirmed   bool     `json:"confirmed"`
	Usage       []string `json:"usage"`
	CreatedAt   string   `json:"created_at"`
	LastAuthAt  string   `json:"last_auth_at,omitempty"`
	Name        string   `json:"name,omitempty"`
	PhoneNumber string   `json:"phone_number,omitempty"`
	Preferred   string   `json:"preferred_authentication_method,omitempty"`
	Email       string   `json:"email,omitempty"`
	passkeyJSON
}

// meTime is the OAS examples' form, "2025-01-15T10:30:00.000Z".
func meTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func toMethodJSON(m tenant.Method) methodJSON {
	j := methodJSON{ID: m.ID, Type: m.Type, Confirmed: m.Confirmed, Usage: usageOf(m.Type),
		CreatedAt: meTime(m.CreatedAt), Name: m.Name, PhoneNumber: m.PhoneNumber, Preferred: m.Preferred, Email: m.Email,
		passkeyJSON: toPasskeyJSON(m.Passkey)}
	if m.LastAuthAt != nil {
		j.LastAuthAt = meTime(*m.LastAuthAt)
	}
	return j
}

// methodLocation is the Location of a method: its id escaped, under the request's host.
func methodLocation(r *http.Request, id string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/me/v1/authentication-methods/" + url.PathEscape(id)
}

func (s *Server) handleMeFactors(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.meAuthorize(w, r, ScopeMeFactors, meRead); !ok {
		return
	}
	out := []map[string]any{}
	for _, f := range s.tenant.Factors() {
		out = append(out, map[string]any{"type": f, "usage": usageOf(f)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"factors": out})
}

func (s *Server) handleMeList(w http.ResponseWriter, r *http.Request) {
	typ := r.URL.Query().Get("type")
	kind := meRead
	if typ != "" {
		kind = meFilteredRead
	}
	sub, ok := s.meAuthorize(w, r, ScopeMeRead, kind)
	if !ok {
		return
	}
	out := []methodJSON{}
	for _, m := range s.tenant.Methods(sub.sub, typ) {
		out = append(out, toMethodJSON(m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"authentication_methods": out})
}

func (s *Server) handleMeGet(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.meAuthorize(w, r, ScopeMeRead, meRead)
	if !ok {
		return
	}
	m, e := s.tenant.MethodByID(sub.sub, r.PathValue("id"))
	if e != nil {
		writeProblem(w, problemOf(e))
		return
	}
	writeJSON(w, http.StatusOK, toMethodJSON(m))
}

func (s *Server) handleMeCreate(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.meAuthorize(w, r, ScopeMeCreate, meWrite)
	if !ok {
		return
	}
	var body struct {
		Type           string `json:"type"`
		PhoneNumber    string `json:"phone_number"`
		Preferred      string `json:"preferred_authentication_method"`
		Email          string `json:"email"`
		Connection     string `json:"connection"`
		IdentityUserID string `json:"identity_user_id"`
	}
	if !meBody(w, r, &body) {
		return
	}
	if body.Type == tenant.MethodPasskey {
		s.startPasskey(w, r, sub, body.Connection, body.IdentityUserID)
		return
	}
	if body.Connection != "" || body.IdentityUserID != "" {
		writeProblem(w, &problem{status: http.StatusBadRequest, title: "validation_error", detail: descPasskeyOnlyMembers})
		return
	}
	st, e := s.tenant.StartMethod(sub.sub, sub.clientID, body.Type, body.PhoneNumber, body.Preferred, body.Email)
	if e != nil {
		writeProblem(w, problemOf(e))
		return
	}
	// The 202 body, members in the OAS order.
	out := struct {
		ID           string `json:"id"`
		AuthSession  string `json:"auth_session"`
		BarcodeURI   string `json:"barcode_uri,omitempty"`
		ManualCode   string `json:"manual_input_code,omitempty"`
		RecoveryCode string `json:"recovery_code,omitempty"`
	}{st.ID, st.AuthSession, st.BarcodeURI, st.ManualCode, st.RecoveryCode}
	w.Header().Set("Location", methodLocation(r, st.ID))
	writeJSON(w, http.StatusAccepted, out)
}

func (s *Server) handleMeVerify(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.meAuthorize(w, r, ScopeMeCreate, meWrite)
	if !ok {
		return
	}
	var body struct {
		AuthSession   string          `json:"auth_session"`
		OTPCode       string          `json:"otp_code"`
		AuthnResponse json.RawMessage `json:"authn_response"`
	}
	if !meBody(w, r, &body) {
		return
	}
	if body.AuthSession == "" {
		writeProblem(w, &problem{status: http.StatusBadRequest, title: "validation_error", detail: "auth_session is required."})
		return
	}
	if isPasskeyEnrollment(r.PathValue("id")) {
		s.verifyPasskey(w, r, sub, body.AuthSession, body.AuthnResponse)
		return
	}
	if body.AuthnResponse != nil {
		writeProblem(w, fieldProblem(descAuthnResponseOnly, "authn_response"))
		return
	}
	m, e := s.tenant.VerifyMethod(sub.sub, sub.clientID, r.PathValue("id"), body.AuthSession, body.OTPCode)
	if e != nil {
		writeProblem(w, problemOf(e))
		return
	}
	w.Header().Set("Location", methodLocation(r, m.ID))
	writeJSON(w, http.StatusCreated, toMethodJSON(m))
}

func (s *Server) handleMePatch(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.meAuthorize(w, r, ScopeMeUpdate, meWrite)
	if !ok {
		return
	}
	var body struct {
		Name      *string `json:"name"`
		Preferred *string `json:"preferred_authentication_method"`
	}
	if !meBody(w, r, &body) {
		return
	}
	if body.Name == nil && body.Preferred == nil {
		writeProblem(w, &problem{status: http.StatusBadRequest, title: "validation_error", detail: "Send name or preferred_authentication_method."})
		return
	}
	m, e := s.tenant.UpdateMethod(sub.sub, r.PathValue("id"), body.Name, body.Preferred)
	if e != nil {
		writeProblem(w, problemOf(e))
		return
	}
	writeJSON(w, http.StatusOK, toMethodJSON(m))
}

func (s *Server) handleMeDelete(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.meAuthorize(w, r, ScopeMeDelete, meWrite)
	if !ok {
		return
	}
	if e := s.tenant.DeleteMethod(sub.sub, r.PathValue("id")); e != nil {
		writeProblem(w, problemOf(e))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
