package myaccount

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
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
	// basePath is the OAS server path: https://{host}/me/v1.
	basePath  = "/me/v1"
	userAgent = "selfmfa-myaccount"
	// maxParamBytes bounds every caller-supplied token, code or id.
	maxParamBytes = 16 << 10
)

// Client calls Auth0's My Account API (https://{domain}/me/v1) for one domain. It is safe for
// concurrent use. It holds no token: every call takes the user's access token. It never
// retries a request (see the package doc).
type Client struct {
	domain   string
	base     *url.URL // scheme and host only
	hc       *http.Client
	maxBytes int64
	now      func() time.Time
	observe  func(context.Context, Observation)
}

// Option configures New.
type Option func(*options)

type options struct {
	hc       *http.Client
	base     string
	maxBytes int64
	now      func() time.Time
	observe  func(context.Context, Observation)
	errs     []error
}

// WithHTTPClient sets the *http.Client used for every request. nil means the default: a
// client with a DefaultTimeout overall timeout. The Client works on a copy of hc whose
// CheckRedirect refuses every redirect; hc itself is never modified.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.hc = hc } }

// WithInsecureBaseURL sends every request to rawURL ("http://127.0.0.1:P") instead of
// "https://{domain}"; the API path /me/v1 is appended as usual, and Audience still names
// https://{domain}/me/. It is the only way to use plain HTTP, meant for a local emulator: an
// http:// URL must name a loopback host (localhost, 127.0.0.0/8, ::1); an https:// URL may
// name any host. rawURL has no path, query or user info.
//
// Production code MUST NOT use this option: access tokens and codes would cross the network
// in clear text.
func WithInsecureBaseURL(rawURL string) Option { return func(o *options) { o.base = rawURL } }

// WithMaxResponseBytes bounds every response body read (default DefaultMaxResponseBytes). A
// larger body is an error (ErrResponseTooLarge), never a partial success. n must be positive.
func WithMaxResponseBytes(n int64) Option {
	return func(o *options) {
		if n <= 0 {
			o.errs = append(o.errs, fmt.Errorf("myaccount: WithMaxResponseBytes: limit must be positive, got %d", n))
			return
		}
		o.maxBytes = n
	}
}

// WithClock sets the clock used to compute Error.RetryAfter from an HTTP date or from
// X-RateLimit-Reset (default time.Now). nil keeps the default.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

// WithRateLimitObserver calls observe after every answer the Client receives, success or not,
// with Auth0's X-RateLimit-* headers (Observation.RateLimit; Limit 0 when absent). A host's
// local limiter can use it to stop before a call Auth0 would refuse: the per-user write limit
// is as low as 2 a minute on free tenants (reference §5.4). observe runs synchronously on the
// calling goroutine with the call's context, before the call returns; it must be quick and must
// not call the Client.
func WithRateLimitObserver(observe func(context.Context, Observation)) Option {
	return func(o *options) { o.observe = observe }
}

// Observation is what WithRateLimitObserver's function receives.
type Observation struct {
	Op        Op        // the call; Op.Write tells writes from reads
	Status    int       // the HTTP status of the answer
	RateLimit RateLimit // the X-RateLimit-* headers
}

// New returns a Client for https://{domain}/me/v1. domain is a host name with an optional port
// (the canonical "your-tenant.eu.auth0.com" or a custom domain), without scheme or path. The
// My Account API accepts either domain, but one must be used throughout: the token's audience
// https://{domain}/me/ (Audience), the /authorize and /oauth/token calls that got it, and the
// API calls.
func New(domain string, opts ...Option) (*Client, error) {
	if domain == "" {
		return nil, errors.New("myaccount: New: empty domain")
	}
	if why := wire.HostProblem(domain); why != "" {
		return nil, fmt.Errorf("myaccount: New: domain %q: %s", domain, why)
	}
	o := options{maxBytes: DefaultMaxResponseBytes, now: time.Now}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	base := &url.URL{Scheme: "https", Host: domain}
	if o.base != "" {
		u, why := wire.ParseInsecureBase(o.base)
		if why != "" {
			o.errs = append(o.errs, fmt.Errorf("myaccount: WithInsecureBaseURL: %s", why))
		}
		base = u
	}
	if len(o.errs) > 0 {
		return nil, errors.Join(o.errs...)
	}
	return &Client{
		domain:   domain,
		base:     base,
		hc:       wire.HTTPClient(o.hc, DefaultTimeout),
		maxBytes: o.maxBytes,
		now:      o.now,
		observe:  o.observe,
	}, nil
}

// Audience returns the audience a token for this Client must have: https://{domain}/me/, with
// the trailing slash, on the domain given to New.
func (c *Client) Audience() string { return "https://" + c.domain + "/me/" }

// BaseURL returns the URL the calls go to, https://{domain}/me/v1 (or the WithInsecureBaseURL
// base followed by /me/v1).
func (c *Client) BaseURL() string {
	u := *c.base
	u.Path = basePath
	return u.String()
}

// request is one call.
type request struct {
	op      Op
	method  string
	path    string // decoded, below /me/v1
	rawPath string // escaped form of path when it differs from the default encoding
	query   url.Values
	bearer  string
	body    any      // sent as JSON when non-nil
	secrets []string // values scrubbed from the text of an error answer
}

// response is a 2xx answer, its body read (bounded).
type response struct {
	status int
	header http.Header
	body   []byte
}

// send performs r once. A non-2xx answer is an *Error; a transport failure is wrapped with the
// method and path (never the query or the body).
func (c *Client) send(ctx context.Context, r request) (*response, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: %s: nil context", ErrInvalidInput, r.op)
	}
	u := *c.base
	u.Path = basePath + r.path
	if r.rawPath != "" {
		u.RawPath = basePath + r.rawPath
	}
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	opPath := u.EscapedPath()
	wrap := func(err error) error { return fmt.Errorf("myaccount: %s %s: %w", r.method, opPath, err) }

	call := wire.Call{Method: r.method, URL: &u, Bearer: r.bearer, UserAgent: userAgent}
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, wrap(err)
		}
		call.Body, call.ContentType = b, "application/json"
	}
	now := c.now()
	resp, err := wire.Send(ctx, c.hc, call, c.maxBytes)
	if err != nil {
		return nil, wrap(err)
	}
	rl := fromWire(wire.ParseRateLimit(resp.Header))
	if c.observe != nil {
		c.observe(ctx, Observation{Op: r.op, Status: resp.Status, RateLimit: rl})
	}
	ok := resp.Status >= 200 && resp.Status < 300
	if !ok {
		e := parseError(errorInput{op: r.op, method: r.method, path: opPath, status: resp.Status, header: resp.Header,
			body: resp.Body, tooLarge: resp.TooLarge, now: now, secrets: append(slices.Clone(r.secrets), r.bearer)})
		e.audience = c.Audience()
		return nil, e
	}
	// A read error on a non-2xx answer is ignored above: the partial body still gives an
	// *Error with the status.
	if resp.ReadErr != nil && !resp.TooLarge {
		return nil, wrap(fmt.Errorf("reading the response: %w", resp.ReadErr))
	}
	if resp.TooLarge {
		return nil, wrap(fmt.Errorf("%w (limit %d bytes)", ErrResponseTooLarge, c.maxBytes))
	}
	return &response{status: resp.Status, header: resp.Header, body: resp.Body}, nil
}

// decode decodes a 2xx JSON answer into v; anything else is ErrMalformedResponse.
func decode(r request, resp *response, v any) error {
	if why := wire.DecodeJSON(resp.header, resp.body, v); why != "" {
		return malformed(r, why)
	}
	return nil
}

// malformed is the error of a 2xx answer that is not what the endpoint documents.
func malformed(r request, why string) error {
	return fmt.Errorf("myaccount: %s %s%s: %w: %s", r.method, basePath, pathForError(r), ErrMalformedResponse, why)
}

func pathForError(r request) string {
	if r.rawPath != "" {
		return r.rawPath
	}
	return (&url.URL{Path: r.path}).EscapedPath()
}

// checkParam refuses empty values, values with white space or control characters and absurdly
// long ones. what names the parameter, never its value.
func checkParam(op Op, what, v string) error {
	if p := wire.CheckParam(v, maxParamBytes); p != wire.ParamOK {
		return fmt.Errorf("%w: %s: %s", ErrInvalidInput, op, p.Describe(what))
	}
	return nil
}
