package mfaapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
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
	bad := func(why string) error { return fmt.Errorf("mfaapi: New: domain %q: %s", domain, why) }
	switch {
	case domain == "":
		return errors.New("mfaapi: New: empty domain")
	case len(domain) > 260:
		return bad("too long")
	case strings.Contains(domain, "://"):
		return bad("must be a host name without scheme (use WithInsecureBaseURL for a local emulator)")
	case strings.ContainsAny(domain, "/?#@\\ \t\r\n%"):
		return bad("must be a host name with an optional port, without path, query or user info")
	}
	u, err := url.Parse("https://" + domain)
	if err != nil || u.Host != domain || u.Hostname() == "" {
		return bad("not a valid host name")
	}
	if p := u.Port(); p == "" && strings.HasSuffix(domain, ":") {
		return bad("empty port")
	}
	return nil
}

func parseInsecureBase(raw string) (*url.URL, error) {
	bad := func(why string) error {
		return fmt.Errorf("mfaapi: WithInsecureBaseURL: %s", why)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, bad("not a URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, bad("scheme must be http or https")
	case u.Host == "" || u.Hostname() == "":
		return nil, bad("missing host")
	case u.User != nil:
		return nil, bad("user info is not allowed")
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.ForceQuery, u.Fragment != "":
		return nil, bad("path, query and fragment are not allowed")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, bad("plain http is only allowed to a loopback host (localhost, 127.0.0.0/8, ::1)")
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func prepareHTTPClient(hc *http.Client) *http.Client {
	if hc == nil {
		return &http.Client{
			Transport:     defaultTransport(),
			Timeout:       DefaultTimeout,
			CheckRedirect: refuseRedirect,
		}
	}
	cp := *hc
	cp.CheckRedirect = refuseRedirect
	return &cp
}

func defaultTransport() http.RoundTripper {
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	t.TLSHandshakeTimeout = 5 * time.Second
	t.ResponseHeaderTimeout = DefaultTimeout
	t.IdleConnTimeout = 90 * time.Second
	return t
}

// refuseRedirect makes the *http.Client return the 3xx response itself, which send turns
// into an *Error wrapping ErrRedirect.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

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
	wrap := func(err error) error { return fmt.Errorf("mfaapi: %s %s: %w", r.method, opPath, err) }

	var body io.Reader
	var contentType string
	switch {
	case r.form != nil:
		body, contentType = strings.NewReader(r.form.Encode()), "application/x-www-form-urlencoded"
	case r.json != nil:
		b, err := json.Marshal(r.json)
		if err != nil {
			return nil, wrap(err)
		}
		body, contentType = bytes.NewReader(b), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, wrap(errors.New("cannot build the request"))
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if r.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	now := c.now()
	resp, err := c.hc.Do(req)
	if err != nil {
		// *url.Error repeats the method and the full URL; keep only its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		return nil, wrap(err)
	}
	defer resp.Body.Close()
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, c.maxBytes+1))
	tooLarge := int64(len(data)) > c.maxBytes
	if tooLarge {
		data = data[:c.maxBytes]
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	// A read error on a non-2xx answer is ignored: the partial body still gives an *Error
	// with the status, and parseError copes with any truncation.
	if readErr != nil && !tooLarge && ok {
		return nil, wrap(fmt.Errorf("reading the response: %w", readErr))
	}
	if !ok {
		return nil, parseError(r.method, opPath, resp.StatusCode, resp.Header, data, tooLarge, now)
	}
	if tooLarge {
		return nil, wrap(fmt.Errorf("%w (limit %d bytes)", ErrResponseTooLarge, c.maxBytes))
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// decode checks a 2xx answer's Content-Type loosely (JSON, or none) and decodes its body
// into v. Anything else is ErrMalformedResponse.
func (c *Client) decode(method, path string, resp *response, v any) error {
	malformed := func(why string) error {
		return fmt.Errorf("mfaapi: %s %s: %w: %s", method, path, ErrMalformedResponse, why)
	}
	if ct := resp.header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !(mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json")) {
			return malformed("Content-Type is not JSON")
		}
	}
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return malformed("empty body")
	}
	if err := json.Unmarshal(resp.body, v); err != nil {
		// The JSON error text may quote the body; say only where it failed.
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return malformed(fmt.Sprintf("invalid JSON at byte %d", se.Offset))
		case errors.As(err, &te):
			return malformed(fmt.Sprintf("unexpected JSON %s for %s", te.Value, te.Field))
		}
		return malformed("invalid JSON")
	}
	return nil
}
