package mfaapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/selfmfa/selfmfa/internal/wire"
)

// Defaults.
const (
	// DefaultMaxResponseBytes bounds every response body read (WithMaxResponseBytes).
	DefaultMaxResponseBytes int64 = 1 << 20
	// DefaultTimeout is the overall timeout of the *http.Client New builds when none is given.
	DefaultTimeout = 10 * time.Second
)

const (
	pathAuthenticators = "/mfa/authenticators"
	pathAssociate      = "/mfa/associate"
	pathChallenge      = "/mfa/challenge"
	pathToken          = "/oauth/token"

	userAgent = "selfmfa-mfaapi"
)

// Client calls Auth0's MFA API and the MFA grants of /oauth/token for one tenant. It is safe
// for concurrent use. It never retries a request (see the package doc).
type Client struct {
	base     *url.URL // scheme and host only
	hc       *http.Client
	auth     ClientAuthenticator
	maxBytes int64
	now      func() time.Time
}

// Option configures New.
type Option func(*options)

type options struct {
	hc       *http.Client
	auth     ClientAuthenticator
	base     string
	maxBytes int64
	now      func() time.Time
	errs     []error
}

func (o *options) fail(format string, args ...any) {
	o.errs = append(o.errs, fmt.Errorf("mfaapi: "+format, args...))
}

// WithHTTPClient sets the *http.Client used for every request. nil means the default: a
// client with a DefaultTimeout overall timeout. The Client works on a copy of hc whose
// CheckRedirect refuses every redirect; hc itself is never modified, and its own
// CheckRedirect is not consulted (no redirect is ever followed). hc's Timeout is kept as is.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.hc = hc } }

// WithClientSecret authenticates the application at /oauth/token and /mfa/challenge with its
// client secret in the form body (client_secret_post). Both values are required.
func WithClientSecret(clientID, clientSecret string) Option {
	return func(o *options) {
		if clientID == "" || clientSecret == "" {
			o.fail("WithClientSecret: client id and client secret must not be empty (use WithPublicClient for a public client)")
			return
		}
		o.auth = clientSecretPost{id: clientID, secret: clientSecret}
	}
}

// WithPublicClient identifies a public application (SPA or native: no secret) by its client
// id only. A regular web application is confidential and uses WithClientSecret.
func WithPublicClient(clientID string) Option {
	return func(o *options) {
		if clientID == "" {
			o.fail("WithPublicClient: client id must not be empty")
			return
		}
		o.auth = publicClient{id: clientID}
	}
}

// WithClientAuthenticator sets how the application authenticates at /oauth/token and
// /mfa/challenge; it replaces WithClientSecret. Use it for a method this package does not
// implement, such as private-key JWT (client_assertion).
func WithClientAuthenticator(a ClientAuthenticator) Option {
	return func(o *options) {
		if a == nil || a.ClientID() == "" {
			o.fail("WithClientAuthenticator: nil authenticator or empty client id")
			return
		}
		o.auth = a
	}
}

// WithInsecureBaseURL sends every request to rawURL ("http://127.0.0.1:P") instead of
// "https://{domain}". It is the only way to use plain HTTP, meant for a local emulator such as
// auth0test: an http:// URL must name a loopback host (localhost, 127.0.0.0/8, ::1); an
// https:// URL may name any host. rawURL has no path, query or user info.
//
// Production code MUST NOT use this option: tokens, client secrets and codes would cross the
// network in clear text.
func WithInsecureBaseURL(rawURL string) Option {
	return func(o *options) { o.base = rawURL }
}

// WithMaxResponseBytes bounds every response body read (default DefaultMaxResponseBytes). A
// larger body is an error (ErrResponseTooLarge), never a partial success. n must be positive.
func WithMaxResponseBytes(n int64) Option {
	return func(o *options) {
		if n <= 0 {
			o.fail("WithMaxResponseBytes: limit must be positive, got %d", n)
			return
		}
		o.maxBytes = n
	}
}

// WithClock sets the clock used to compute Token.Expiry and Error.RetryAfter from an HTTP
// date (default time.Now). nil keeps the default.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

// New returns a Client for the tenant at https://{domain}. domain is a host name with an
// optional port ("your-tenant.eu.auth0.com" or a custom domain), without scheme or path.
//
// The MFA audience of the tokens passed to the Client must still be built from the canonical
// tenant domain (https://{tenant}.auth0.com/mfa/), even when domain is a custom domain; see
// the package doc.
func New(domain string, opts ...Option) (*Client, error) {
	if err := checkDomain(domain); err != nil {
		return nil, err
	}
	o := options{maxBytes: DefaultMaxResponseBytes, now: time.Now}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	base := &url.URL{Scheme: "https", Host: domain}
	if o.base != "" {
		u, err := parseInsecureBase(o.base)
		if err != nil {
			o.errs = append(o.errs, err)
		}
		base = u
	}
	if len(o.errs) > 0 {
		return nil, errors.Join(o.errs...)
	}
	return &Client{
		base:     base,
		hc:       prepareHTTPClient(o.hc),
		auth:     o.auth,
		maxBytes: o.maxBytes,
		now:      o.now,
	}, nil
}

// ClientID returns the configured application's client id, or "" when none is configured.
func (c *Client) ClientID() string {
	if c.auth == nil {
		return ""
	}
	return c.auth.ClientID()
}

func checkDomain(domain string) error {
	if domain == "" {
		return errors.New("mfaapi: New: empty domain")
	}
	if why := wire.HostProblem(domain); why != "" {
		return fmt.Errorf("mfaapi: New: domain %q: %s", domain, why)
	}
	return nil
}

func parseInsecureBase(raw string) (*url.URL, error) {
	u, why := wire.ParseInsecureBase(raw)
	if why != "" {
		return nil, fmt.Errorf("mfaapi: WithInsecureBaseURL: %s", why)
	}
	return u, nil
}

// prepareHTTPClient returns the client every request uses: hc's copy (or a client of its own
// with a DefaultTimeout) that refuses redirects, which send turns into an *Error wrapping
// ErrRedirect.
func prepareHTTPClient(hc *http.Client) *http.Client { return wire.HTTPClient(hc, DefaultTimeout) }

// request is one call to Auth0.
type request struct {
	method  string
	path    string // decoded path
	rawPath string // escaped path when it differs from the default encoding of path
	bearer  string
	form    url.Values // sent form-encoded when non-nil
	json    any        // sent as JSON when non-nil
}

// response is a 2xx answer, body fully read (bounded).
type response struct {
	status int
	header http.Header
	body   []byte
}

// send performs r. A non-2xx answer is an *Error; a transport failure is wrapped with the
// method and path (never the URL's query or the body). Nothing is retried.
func (c *Client) send(ctx context.Context, r request) (*response, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", ErrInvalidInput)
	}
	u := *c.base
	u.Path = r.path
	u.RawPath = r.rawPath
	opPath := u.EscapedPath()

	call := wire.Call{Method: r.method, URL: &u, Bearer: r.bearer, UserAgent: userAgent}
	switch {
	case r.form != nil:
		call.Body, call.ContentType = []byte(r.form.Encode()), "application/x-www-form-urlencoded"
	case r.json != nil:
		b, err := json.Marshal(r.json)
		if err != nil {
			return nil, wrapErr(r.method, opPath, err)
		}
		call.Body, call.ContentType = b, "application/json"
	}
	now := c.now()
	resp, err := wire.Send(ctx, c.hc, call, c.maxBytes)
	if err != nil {
		return nil, wrapErr(r.method, opPath, err)
	}
	ok := resp.Status >= 200 && resp.Status < 300
	// A read error on a non-2xx answer is ignored: the partial body still gives an *Error
	// with the status, and parseError copes with any truncation.
	if resp.ReadErr != nil && !resp.TooLarge && ok {
		return nil, wrapErr(r.method, opPath, fmt.Errorf("reading the response: %w", resp.ReadErr))
	}
	if !ok {
		return nil, parseError(r.method, opPath, resp.Status, resp.Header, resp.Body, resp.TooLarge, now)
	}
	if resp.TooLarge {
		return nil, wrapErr(r.method, opPath, fmt.Errorf("%w (limit %d bytes)", ErrResponseTooLarge, c.maxBytes))
	}
	return &response{status: resp.Status, header: resp.Header, body: resp.Body}, nil
}

// wrapErr names the call an error came from: "mfaapi: GET /mfa/authenticators: …".
func wrapErr(method, path string, err error) error {
	return fmt.Errorf("mfaapi: %s %s: %w", method, path, err)
}

// decode checks a 2xx answer's Content-Type loosely (JSON, or none) and decodes its body
// into v. Anything else is ErrMalformedResponse.
func (c *Client) decode(method, path string, resp *response, v any) error {
	if why := wire.DecodeJSON(resp.header, resp.body, v); why != "" {
		return fmt.Errorf("mfaapi: %s %s: %w: %s", method, path, ErrMalformedResponse, why)
	}
	return nil
}
