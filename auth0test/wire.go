package auth0test

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/selfmfa/selfmfa/auth0test/internal/tenant"
)

// apiError is an Auth0-shaped JSON error.
type apiError struct {
	status     int
	code, desc string
	retryAfter time.Duration
	// extra members (mfa_token, mfa_requirements) of mfa_required.
	extra map[string]any
	// wwwAuth adds a WWW-Authenticate header (bearer errors on /mfa/*).
	wwwAuth bool
}

func newAPIError(status int, code, desc string) *apiError {
	return &apiError{status: status, code: code, desc: desc}
}

func fromTenant(e *tenant.Error) *apiError {
	return &apiError{status: e.Status, code: e.Code, desc: e.Description, retryAfter: e.RetryAfter}
}

const (
	contentTypeJSON        = "application/json"
	contentTypeJSONCharset = "application/json; charset=utf-8"
)

// writeAPIError writes e. Error bodies carry "Content-Type: application/json"
// as recorded for /oauth/token errors (reference §2); mfa_required carries
// the charset, as in go-auth0's recording
// test/data/recordings/authentication/TestPasswordlessLoginWithOTPChallengeErrors/returns_the_mfa_token_when_mfa_is_required.yaml
// (a passwordless-OTP login answered 403 mfa_required,
// "Content-Type: application/json; charset=utf-8").
func writeAPIError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"error": e.code, "error_description": e.desc}
	for k, v := range e.extra {
		body[k] = v
	}
	ct := contentTypeJSON
	if e.code == ErrCodeMFARequired {
		ct = contentTypeJSONCharset
	}
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(ceilSeconds(e.retryAfter), 10))
	}
	if e.wwwAuth {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf("Bearer error=%q, error_description=%q", e.code, e.desc))
	}
	writeRaw(w, e.status, ct, mustJSON(body))
}

func ceilSeconds(d time.Duration) int64 {
	return int64(math.Ceil(d.Seconds()))
}

// writeJSON writes a success body with "application/json; charset=utf-8"
// (recorded on /mfa/* and /oauth/token successes).
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeRaw(w, status, contentTypeJSONCharset, mustJSON(v))
}

func writeRaw(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// mustJSON encodes an API body as Auth0 does: without Go's HTML escaping, so a barcode_uri
// carries a literal "&" as in the recorded real-tenant bodies, not "\u0026".
func mustJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only maps and structs of strings, numbers and slices are encoded here.
		panic(fmt.Sprintf("auth0test: encoding JSON: %v", err))
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// readBody reads the whole body, bounded by MaxBodyBytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, newAPIError(http.StatusRequestEntityTooLarge, ErrCodeInvalidRequest, descBodyTooLarge)
		}
		return nil, newAPIError(http.StatusBadRequest, ErrCodeInvalidRequest, "Could not read the request body.")
	}
	return b, nil
}

func mediaType(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return mt
}

// readParams reads a form or JSON body of string members (/oauth/token,
// /mfa/challenge) into url.Values. Repeated form parameters are refused
// (RFC 6749 §3.1: "Request and response parameters MUST NOT be included
// more than once").
func readParams(w http.ResponseWriter, r *http.Request) (url.Values, *apiError) {
	mt := mediaType(r)
	if mt != "application/x-www-form-urlencoded" && mt != contentTypeJSON {
		return nil, newAPIError(http.StatusBadRequest, ErrCodeInvalidRequest, descContentTypeAny)
	}
	body, e := readBody(w, r)
	if e != nil {
		return nil, e
	}
	if mt == contentTypeJSON {
		return jsonParams(body)
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, newAPIError(http.StatusBadRequest, ErrCodeInvalidRequest, "Invalid form body.")
	}
	for k, vs := range v {
		if len(vs) > 1 {
			return nil, newAPIError(http.StatusBadRequest, ErrCodeInvalidRequest, "Parameter "+strconv.Quote(k)+" is repeated.")
		}
	}
	return v, nil
}

func jsonParams(body []byte) (url.Values, *apiError) {
	var m map[string]json.RawMessage
	if err := decodeStrictJSON(body, &m); err != nil || m == nil {
		return nil, newAPIError(http.StatusBadRequest, ErrCodeInvalidRequest, descBadJSON)
	}
	v := url.Values{}
	for k, raw := range m {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			if string(bytes.TrimSpace(raw)) == "null" {
				continue
			}
			return nil, newAPIError(http.StatusBadRequest, ErrCodeInvalidRequest, k+" must be a string.")
		}
		v.Set(k, s)
	}
	return v, nil
}

// decodeStrictJSON decodes exactly one JSON value.
func decodeStrictJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// clientAuthError is the answer to a failed client authentication.
func (s *Server) clientAuthError() *apiError {
	if s.invalidCli {
		return newAPIError(http.StatusUnauthorized, ErrCodeInvalidClient, descUnauthorized)
	}
	return newAPIError(http.StatusUnauthorized, ErrCodeAccessDenied, descUnauthorized)
}

// authenticateClient applies client_secret_basic or client_secret_post (one
// of them, never both) or, for a public client, client_id alone.
func (s *Server) authenticateClient(r *http.Request, p url.Values) (*client, *apiError) {
	if p.Has("client_assertion") || p.Has("client_assertion_type") {
		// Private-key JWT is not emulated: no client has a registered key.
		return nil, s.clientAuthError()
	}
	id, secret := p.Get("client_id"), p.Get("client_secret")
	if bu, bp, ok := r.BasicAuth(); ok {
		if p.Has("client_secret") {
			return nil, s.clientAuthError() // two methods in one request
		}
		bu, bp = unescapeBasic(bu), unescapeBasic(bp)
		if id != "" && id != bu {
			return nil, s.clientAuthError()
		}
		id, secret = bu, bp
	}
	if id == "" {
		return nil, s.clientAuthError()
	}
	s.mu.Lock()
	c := s.clients[id]
	s.mu.Unlock()
	if c == nil {
		return nil, s.clientAuthError()
	}
	if c.public() {
		if secret != "" {
			return nil, s.clientAuthError()
		}
		return c, nil
	}
	if !secretEqual(secret, c.secret) {
		return nil, s.clientAuthError()
	}
	return c, nil
}

// unescapeBasic undoes the form encoding RFC 6749 §2.3.1 applies to Basic
// credentials.
func unescapeBasic(v string) string {
	if u, err := url.QueryUnescape(v); err == nil {
		return u
	}
	return v
}

func secretEqual(got, want string) bool {
	a := sha256.Sum256([]byte(got))
	b := sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1 && want != ""
}
