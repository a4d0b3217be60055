package mfaapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/internal/wire"
)

// Sentinel errors. Match them with errors.Is.
var (
	// ErrInvalidInput wraps every argument error found before a request is sent (empty token,
	// empty id, unknown kind, …). No request was made.
	ErrInvalidInput = errors.New("mfaapi: invalid input")
	// ErrNoClientAuth is returned by the calls that need client authentication
	// (/oauth/token, /mfa/challenge) when the Client was built without WithClientSecret,
	// WithClientAuthenticator or WithPublicClient. No request was made.
	ErrNoClientAuth = errors.New("mfaapi: no client authentication configured")
	// ErrRedirect is the cause (errors.Is) of the *Error returned when the server answers
	// with a redirect. Redirects are never followed.
	ErrRedirect = errors.New("mfaapi: redirect refused")
	// ErrResponseTooLarge: the response body exceeded the limit (WithMaxResponseBytes). On a
	// non-2xx answer it is the cause of an *Error that still carries the status.
	ErrResponseTooLarge = errors.New("mfaapi: response body too large")
	// ErrMalformedResponse: a 2xx answer whose body is not the JSON the endpoint documents
	// (bad JSON, wrong Content-Type, required member missing). It is never treated as success.
	ErrMalformedResponse = errors.New("mfaapi: malformed response")
)

// maxDescriptionBytes caps Error.Description, and maxCodeBytes Error.Code, so a hostile or
// broken server cannot flood logs through them.
const (
	maxDescriptionBytes = 200
	maxCodeBytes        = 64
	// maxRetryAfter bounds a server-sent Retry-After.
	maxRetryAfter = wire.MaxRetryAfter
)

// RateLimit holds the X-RateLimit-* headers of an error response. Auth0 documents them as the
// tenant's global rate limit. Limit is 0 when the headers were absent.
type RateLimit struct {
	Limit     int       // X-RateLimit-Limit
	Remaining int       // X-RateLimit-Remaining
	Reset     time.Time // X-RateLimit-Reset (Unix epoch seconds); zero when absent
}

// Error is a non-2xx answer of Auth0 (and of any 3xx: redirects are refused). Auth0 error
// bodies are {"error": …, "error_description": …}, plus mfa_token on mfa_required.
//
// Bodies that are not JSON, or are empty, still give an *Error with the status: Code is then
// empty and Description a short, sanitised summary (never a large raw body). Description and
// Code are always stripped of control characters and capped (200 and 64 bytes).
//
// MFAToken is a secret: Error(), String(), every fmt verb and LogValue redact it. Read the
// field directly to use it.
type Error struct {
	StatusCode  int           // HTTP status
	Code        string        // "error" member, e.g. "invalid_grant"
	Description string        // "error_description" member, e.g. "Invalid otp_code."
	MFAToken    string        // "mfa_token" member of an mfa_required answer; secret
	RetryAfter  time.Duration // Retry-After (seconds or HTTP date); on a 429 without it, until X-RateLimit-Reset
	RateLimit   RateLimit     // X-RateLimit-* headers
	Method      string        // request method
	Path        string        // request path as sent (escaped); never the query or the body

	cause error // ErrRedirect, ErrResponseTooLarge, or nil
}

// Error returns "mfaapi: POST /oauth/token: 403 invalid_grant: Invalid otp_code.", followed by
// "; fix: …" when the error has a known operator cause (see Fix). It never contains MFAToken.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("mfaapi: ")
	if e.Method != "" || e.Path != "" {
		b.WriteString(e.Method)
		if e.Method != "" && e.Path != "" {
			b.WriteByte(' ')
		}
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteByte(' ')
		b.WriteString(e.Code)
	}
	if e.Description != "" {
		b.WriteString(": ")
		b.WriteString(e.Description)
	}
	if fix := e.Fix(); fix != "" {
		b.WriteString("; fix: ")
		b.WriteString(fix)
	}
	return b.String()
}

// Unwrap returns the cause: ErrRedirect, ErrResponseTooLarge or nil.
func (e *Error) Unwrap() error { return e.cause }

// Fix returns what the operator (not the end user) must change when the error has a known
// configuration cause, or "" otherwise:
//
//   - wrong audience (invalid audience / Invalid audience.): build the audience from the
//     canonical tenant domain, https://{tenant}.auth0.com/mfa/, never the custom domain;
//   - grant not allowed (unauthorized_client): enable Grant Types > MFA on the application;
//   - wrong client credentials (access_denied "Unauthorized", invalid_client);
//   - insufficient scope: request "enroll read:authenticators remove:authenticators";
//   - factor not enabled on the tenant;
//   - an /mfa/ access token sent to /mfa/challenge (Malformed mfa_token there).
func (e *Error) Fix() string {
	switch {
	case e == nil:
		return ""
	case isWrongAudience(e):
		return "request the MFA API token with audience https://{canonical tenant domain}/mfa/ " +
			"(the canonical tenant domain such as your-tenant.eu.auth0.com, never the custom domain, with the trailing slash)"
	case isGrantNotAllowed(e):
		return "enable Grant Types > MFA on the application (Applications > the app > Advanced Settings > Grant Types); " +
			"it turns on the mfa-otp, mfa-oob and mfa-recovery-code grants; third-party applications cannot use them"
	case isInvalidClient(e):
		return "check the application's client ID and client secret (sent as client_secret_post); " +
			"the application must be a confidential (regular web) application"
	case isInsufficientScope(e):
		return `request the scopes "enroll read:authenticators remove:authenticators" with the MFA audience`
	case isFactorDisabled(e):
		return "enable the factor under Security > Multi-factor Auth on the tenant, or stop offering it"
	case isTokenMalformed(e) && e.Path == pathChallenge:
		return "send /mfa/challenge the opaque mfa_token of an mfa_required answer; the /mfa/ access token is refused there " +
			"(to confirm an enrollment, skip /mfa/challenge and use the associate response)"
	}
	return ""
}

// String is Error() (nil-safe); it never reveals MFAToken.
func (e Error) String() string { return e.Error() }

// GoString is a Go-syntax view with MFAToken redacted.
func (e Error) GoString() string {
	return fmt.Sprintf("&mfaapi.Error{StatusCode:%d, Code:%q, Description:%q, MFAToken:%q, RetryAfter:%d, "+
		"RateLimit:mfaapi.RateLimit{Limit:%d, Remaining:%d, Reset:%s}, Method:%q, Path:%q}",
		e.StatusCode, e.Code, e.Description, redact(e.MFAToken), int64(e.RetryAfter),
		e.RateLimit.Limit, e.RateLimit.Remaining, goTime(e.RateLimit.Reset), e.Method, e.Path)
}

// Format makes every fmt verb safe: %v and %s print Error(), %+v adds the retry hints, %#v
// prints GoString, %q quotes Error().
func (e Error) Format(f fmt.State, verb rune) {
	s := e.Error()
	if verb == 'v' && f.Flag('+') {
		var extra []string
		if e.MFAToken != "" {
			extra = append(extra, "mfa_token="+redacted)
		}
		if e.RetryAfter > 0 {
			extra = append(extra, "retry_after="+e.RetryAfter.String())
		}
		if e.RateLimit.Limit > 0 {
			extra = append(extra, fmt.Sprintf("rate_limit=%d/%d", e.RateLimit.Remaining, e.RateLimit.Limit))
			if !e.RateLimit.Reset.IsZero() {
				extra = append(extra, "rate_limit_reset="+e.RateLimit.Reset.UTC().Format(time.RFC3339))
			}
		}
		if len(extra) > 0 {
			s += " (" + strings.Join(extra, " ") + ")"
		}
	}
	formatValue(f, verb, s, e.GoString())
}

// LogValue implements slog.LogValuer: a group of the safe fields, MFAToken redacted.
func (e Error) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.Int("status", e.StatusCode),
		slog.String("code", e.Code),
		slog.String("description", e.Description),
		slog.String("method", e.Method),
		slog.String("path", e.Path),
	}
	if e.MFAToken != "" {
		attrs = append(attrs, slog.String("mfa_token", redacted))
	}
	if e.RetryAfter > 0 {
		attrs = append(attrs, slog.Duration("retry_after", e.RetryAfter))
	}
	if e.RateLimit.Limit > 0 {
		attrs = append(attrs, slog.Int("rate_limit", e.RateLimit.Limit), slog.Int("rate_limit_remaining", e.RateLimit.Remaining))
	}
	if fix := e.Fix(); fix != "" {
		attrs = append(attrs, slog.String("fix", fix))
	}
	return slog.GroupValue(attrs...)
}

// parseError builds the *Error of a non-2xx answer. body is at most the configured limit;
// tooLarge says the body was cut. It never fails and never keeps a large raw body.
func parseError(method, path string, status int, h http.Header, body []byte, tooLarge bool, now time.Time) *Error {
	e := &Error{StatusCode: status, Method: method, Path: path}
	e.RateLimit = parseRateLimit(h)
	e.RetryAfter = parseRetryAfter(h.Get("Retry-After"), now)
	if e.RetryAfter == 0 && status == http.StatusTooManyRequests && !e.RateLimit.Reset.IsZero() {
		if d := e.RateLimit.Reset.Sub(now); d > 0 {
			e.RetryAfter = min(d, maxRetryAfter)
		}
	}
	switch {
	case status >= 300 && status < 400:
		e.cause = ErrRedirect
		e.Description = "redirect refused (not followed)"
		return e
	case tooLarge:
		e.cause = ErrResponseTooLarge
		e.Description = "response body too large"
		return e
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		e.Description = "empty response body"
		return e
	}
	if trimmed[0] == '{' {
		var m map[string]json.RawMessage
		if json.Unmarshal(trimmed, &m) == nil {
			fillFromJSON(e, m)
			if e.Code == "" && e.Description == "" {
				e.Description = "JSON error body without error code"
			}
			return e
		}
	}
	e.Description = summarizeBody(h.Get("Content-Type"), trimmed)
	return e
}

// fillFromJSON reads Auth0's {"error","error_description","mfa_token"}, the legacy
// {"name"|"code","description"} shape, and RFC 7807 {"title","detail"} (My Account API).
// Members of an unexpected JSON type are ignored rather than failing the parse.
func fillFromJSON(e *Error, m map[string]json.RawMessage) {
	str := func(keys ...string) string {
		for _, k := range keys {
			var s string
			if raw, ok := m[k]; ok && json.Unmarshal(raw, &s) == nil && s != "" {
				return s
			}
		}
		return ""
	}
	e.Code = sanitize(str("error", "code", "name", "title"), maxCodeBytes)
	e.Description = sanitize(str("error_description", "description", "message", "detail"), maxDescriptionBytes)
	e.MFAToken = str("mfa_token")
}

// summarizeBody describes a non-JSON body safely: a small plain-text body (such as a proxy's
// "Bad Gateway") is kept, sanitised; HTML and anything larger than the cap is only described.
func summarizeBody(contentType string, body []byte) string {
	return wire.SummarizeBody(contentType, body, maxDescriptionBytes)
}

// sanitize removes control and format characters (including bidi overrides), replaces
// invalid UTF-8, collapses white space and caps the result at maxBytes on a rune boundary.
func sanitize(s string, maxBytes int) string { return wire.Sanitize(s, maxBytes) }

func parseRetryAfter(v string, now time.Time) time.Duration { return wire.ParseRetryAfter(v, now) }

func parseRateLimit(h http.Header) RateLimit {
	rl := wire.ParseRateLimit(h)
	return RateLimit{Limit: rl.Limit, Remaining: rl.Remaining, Reset: rl.Reset}
}
