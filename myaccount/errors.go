package myaccount

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
	// unknown type, a phone number not in E.164, …). No request was made.
	ErrInvalidInput = errors.New("myaccount: invalid input")
	// ErrRedirect is the cause (errors.Is) of the *Error returned when the server answers with
	// a redirect. Redirects are never followed.
	ErrRedirect = errors.New("myaccount: redirect refused")
	// ErrResponseTooLarge: the response body exceeded the limit (WithMaxResponseBytes). On a
	// non-2xx answer it is the cause of an *Error that still carries the status.
	ErrResponseTooLarge = errors.New("myaccount: response body too large")
	// ErrMalformedResponse: a 2xx answer that is not what the endpoint documents (bad JSON,
	// wrong Content-Type, a required member or the Location header missing). It is never
	// treated as success.
	ErrMalformedResponse = errors.New("myaccount: malformed response")
)

// Caps on the server text an Error keeps, so a hostile or broken server cannot flood logs.
const (
	maxTitleBytes       = 100
	maxDetailBytes      = 300
	maxTypeBytes        = 200
	maxValidationErrors = 10
	maxValidationBytes  = 200
)

// RateLimit holds the X-RateLimit-* headers of an answer. Limit is 0 when they were absent.
type RateLimit struct {
	Limit     int       // x-ratelimit-limit: requests allowed in the window
	Remaining int       // x-ratelimit-remaining
	Reset     time.Time // x-ratelimit-reset (Unix epoch seconds): when the bucket refills; zero when absent
}

func fromWire(rl wire.RateLimit) RateLimit {
	return RateLimit{Limit: rl.Limit, Remaining: rl.Remaining, Reset: rl.Reset}
}

// ValidationError is one element of an error's validation_errors: which part of the request
// failed validation and why.
type ValidationError struct {
	Detail  string `json:"detail"`
	Field   string `json:"field,omitempty"`
	Pointer string `json:"pointer,omitempty"` // a JSON pointer such as "/otp_code"
	Source  string `json:"source,omitempty"`
}

// Error is a non-2xx answer of the My Account API (and any 3xx: redirects are refused). Its
// body is an RFC 7807 problem: {"type","status","title","detail","validation_errors"?}.
//
// Status is the HTTP status, the only stable signal: the A0E-… suffixes of Type are not a
// closed set, so the classifiers (IsNotFound, …) go by Status and name their guesses. Bodies
// that are not JSON, or are empty, still give an *Error with the status and a short, sanitised
// Detail. Every text member is stripped of control characters and capped, and any secret the
// request carried (token, auth_session, code, phone number) is replaced by [REDACTED] should
// the server echo it.
type Error struct {
	Status           int               // HTTP status
	Type             string            // problem type URI, e.g. https://auth0.com/api-errors/A0E-403-0002
	Title            string            // e.g. "Forbidden", "insufficient_scope"
	Detail           string            // e.g. "Token lacks required scope."
	ValidationErrors []ValidationError // validation_errors, at most 10 kept
	// RetryAfter is how long to wait: Retry-After (seconds or HTTP date) or, on a 429
	// without it, the time until x-ratelimit-reset.
	RetryAfter time.Duration
	RateLimit  RateLimit // x-ratelimit-* headers
	// GlobalRateLimit is set when x-auth0-error-kind is "global-rate-limit": the tenant-wide
	// limit, not this user's, was hit.
	GlobalRateLimit bool
	Op              Op     // the call
	Method          string // request method
	Path            string // request path as sent (escaped); never the query or the body

	audience string // the Client's audience, for Fix
	cause    error  // ErrRedirect, ErrResponseTooLarge, or nil
}

// Error returns "myaccount: POST /me/v1/authentication-methods: 403 insufficient_scope: Token
// lacks required scope. (A0E-403-0002)", followed by "; fix: …" when the error has a known
// operator cause (see Fix).
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("myaccount: ")
	if e.Method != "" || e.Path != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.Path))
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.Status))
	if e.Title != "" {
		b.WriteByte(' ')
		b.WriteString(e.Title)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	for i, v := range e.ValidationErrors {
		if i == 3 {
			fmt.Fprintf(&b, "; %d more validation errors", len(e.ValidationErrors)-i)
			break
		}
		b.WriteString("; ")
		if where := v.where(); where != "" {
			b.WriteString(where)
			b.WriteString(": ")
		}
		b.WriteString(v.Detail)
	}
	if code := e.Code(); code != "" {
		b.WriteString(" (")
		b.WriteString(code)
		b.WriteByte(')')
	}
	if fix := e.Fix(); fix != "" {
		b.WriteString("; fix: ")
		b.WriteString(fix)
	}
	return b.String()
}

func (v ValidationError) where() string {
	switch {
	case v.Field != "":
		return v.Field
	case v.Pointer != "":
		return v.Pointer
	}
	return v.Source
}

// Code returns the last path segment of Type ("A0E-403-0002"), or "" when Type is empty.
func (e *Error) Code() string {
	if e == nil || e.Type == "" {
		return ""
	}
	t := strings.TrimSuffix(e.Type, "/")
	return t[strings.LastIndexByte(t, '/')+1:]
}

// Unwrap returns the cause: ErrRedirect, ErrResponseTooLarge or nil.
func (e *Error) Unwrap() error { return e.cause }

// String is Error() (nil-safe through the pointer's method set).
func (e Error) String() string { return e.Error() }

// GoString is a Go-syntax view of the safe fields.
func (e Error) GoString() string {
	return fmt.Sprintf("&myaccount.Error{Status:%d, Type:%q, Title:%q, Detail:%q, ValidationErrors:%d, RetryAfter:%d, "+
		"RateLimit:myaccount.RateLimit{Limit:%d, Remaining:%d, Reset:%s}, GlobalRateLimit:%t, Op:%q, Method:%q, Path:%q}",
		e.Status, e.Type, e.Title, e.Detail, len(e.ValidationErrors), int64(e.RetryAfter),
		e.RateLimit.Limit, e.RateLimit.Remaining, wire.GoTime(e.RateLimit.Reset), e.GlobalRateLimit, e.Op, e.Method, e.Path)
}

// Format prints Error() for %v and %s, adds the retry hints for %+v, GoString for %#v.
func (e Error) Format(f fmt.State, verb rune) {
	s := e.Error()
	if verb == 'v' && f.Flag('+') {
		var extra []string
		if e.RetryAfter > 0 {
			extra = append(extra, "retry_after="+e.RetryAfter.String())
		}
		if e.RateLimit.Limit > 0 {
			extra = append(extra, fmt.Sprintf("rate_limit=%d/%d", e.RateLimit.Remaining, e.RateLimit.Limit))
		}
		if e.GlobalRateLimit {
			extra = append(extra, "global_rate_limit")
		}
		if len(extra) > 0 {
			s += " (" + strings.Join(extra, " ") + ")"
		}
	}
	wire.FormatValue(f, verb, s, e.GoString())
}

// LogValue implements slog.LogValuer: a group of the fields.
func (e Error) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.Int("status", e.Status),
		slog.String("type", e.Type),
		slog.String("title", e.Title),
		slog.String("detail", e.Detail),
		slog.String("op", string(e.Op)),
		slog.String("method", e.Method),
		slog.String("path", e.Path),
	}
	if n := len(e.ValidationErrors); n > 0 {
		attrs = append(attrs, slog.Int("validation_errors", n))
	}
	if e.RetryAfter > 0 {
		attrs = append(attrs, slog.Duration("retry_after", e.RetryAfter))
	}
	if e.RateLimit.Limit > 0 {
		attrs = append(attrs, slog.Int("rate_limit", e.RateLimit.Limit), slog.Int("rate_limit_remaining", e.RateLimit.Remaining))
	}
	if e.GlobalRateLimit {
		attrs = append(attrs, slog.Bool("global_rate_limit", true))
	}
	if fix := e.Fix(); fix != "" {
		attrs = append(attrs, slog.String("fix", fix))
	}
	return slog.GroupValue(attrs...)
}

// errorInput is what parseError needs of an answer.
type errorInput struct {
	op           Op
	method, path string
	status       int
	header       http.Header
	body         []byte
	tooLarge     bool
	now          time.Time
	secrets      []string
}

// parseError builds the *Error of a non-2xx answer. It never fails and never keeps a large raw
// body.
func parseError(in errorInput) *Error {
	e := &Error{Status: in.status, Op: in.op, Method: in.method, Path: in.path}
	e.RateLimit = fromWire(wire.ParseRateLimit(in.header))
	e.RetryAfter = wire.ParseRetryAfter(in.header.Get("Retry-After"), in.now)
	if e.RetryAfter == 0 && in.status == http.StatusTooManyRequests {
		e.RetryAfter = wire.UntilReset(wire.ParseRateLimit(in.header), in.now)
	}
	e.GlobalRateLimit = strings.EqualFold(strings.TrimSpace(in.header.Get("X-Auth0-Error-Kind")), "global-rate-limit")
	switch {
	case in.status >= 300 && in.status < 400:
		e.cause, e.Detail = ErrRedirect, "redirect refused (not followed)"
		return e
	case in.tooLarge:
		e.cause, e.Detail = ErrResponseTooLarge, "response body too large"
		return e
	}
	scrub := scrubber(in.secrets)
	trimmed := bytes.TrimSpace(in.body)
	if len(trimmed) == 0 {
		e.Detail = "empty response body"
		return e
	}
	var p problemWire
	if trimmed[0] == '{' && json.Unmarshal(trimmed, &p) == nil {
		e.Type = scrub(p.Type, maxTypeBytes)
		e.Title = scrub(p.Title, maxTitleBytes)
		e.Detail = scrub(p.Detail, maxDetailBytes)
		for _, v := range p.ValidationErrors {
			if len(e.ValidationErrors) == maxValidationErrors {
				break
			}
			e.ValidationErrors = append(e.ValidationErrors, ValidationError{
				Detail:  scrub(v.Detail, maxValidationBytes),
				Field:   scrub(v.Field, maxValidationBytes),
				Pointer: scrub(v.Pointer, maxValidationBytes),
				Source:  scrub(v.Source, maxValidationBytes),
			})
		}
		if e.Type == "" && e.Title == "" && e.Detail == "" {
			e.Detail = "JSON error body without title or detail"
		}
		return e
	}
	e.Detail = scrub(lenientString(wire.SummarizeBody(in.header.Get("Content-Type"), trimmed, maxDetailBytes)), maxDetailBytes)
	return e
}

// problemWire reads an RFC 7807 body. Members of an unexpected JSON type read as empty.
type problemWire struct {
	Type             lenientString `json:"type"`
	Title            lenientString `json:"title"`
	Detail           lenientString `json:"detail"`
	ValidationErrors lenientList   `json:"validation_errors"`
}

type lenientString string

func (s *lenientString) UnmarshalJSON(b []byte) error {
	var v string
	if json.Unmarshal(b, &v) == nil {
		*s = lenientString(v)
	}
	return nil
}

type validationWire struct {
	Detail  lenientString `json:"detail"`
	Field   lenientString `json:"field"`
	Pointer lenientString `json:"pointer"`
	Source  lenientString `json:"source"`
}

// lenientList keeps the elements that are objects and drops the others.
type lenientList []validationWire

func (l *lenientList) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if json.Unmarshal(b, &raw) != nil {
		return nil
	}
	for _, r := range raw {
		var v validationWire
		if json.Unmarshal(r, &v) == nil {
			*l = append(*l, v)
		}
	}
	return nil
}

// scrubber returns a function that replaces each secret (of at least 4 bytes) by [REDACTED],
// then sanitises and caps the text.
func scrubber(secrets []string) func(lenientString, int) string {
	var olds []string
	for _, s := range secrets {
		if len(s) >= 4 {
			olds = append(olds, s, wire.Redacted)
		}
	}
	r := strings.NewReplacer(olds...)
	return func(s lenientString, maxBytes int) string {
		return wire.Sanitize(r.Replace(string(s)), maxBytes)
	}
}
