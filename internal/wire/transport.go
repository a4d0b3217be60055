package wire

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// HTTPClient returns the *http.Client a Client uses. With hc nil it builds one with its own
// transport and timeout as the overall timeout. Otherwise it returns a copy of hc (hc itself
// is never modified) whose CheckRedirect refuses every redirect: the 3xx response itself is
// returned, so no redirect is ever followed, whatever hc's own CheckRedirect says.
func HTTPClient(hc *http.Client, timeout time.Duration) *http.Client {
	if hc == nil {
		return &http.Client{
			Transport:     newTransport(timeout),
			Timeout:       timeout,
			CheckRedirect: refuseRedirect,
		}
	}
	cp := *hc
	cp.CheckRedirect = refuseRedirect
	return &cp
}

func newTransport(responseHeaderTimeout time.Duration) http.RoundTripper {
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	t.TLSHandshakeTimeout = 5 * time.Second
	t.ResponseHeaderTimeout = responseHeaderTimeout
	t.IdleConnTimeout = 90 * time.Second
	return t
}

func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Call is one request.
type Call struct {
	Method      string
	URL         *url.URL
	Body        []byte // sent when non-nil
	ContentType string // of Body
	Bearer      string // Authorization: Bearer …, when not empty
	UserAgent   string
}

// Response is an answer, its body read up to the limit.
type Response struct {
	Status int
	Header http.Header
	// Body holds at most the limit's bytes.
	Body []byte
	// TooLarge says the body was longer than the limit and was cut.
	TooLarge bool
	// ReadErr is the error that ended reading the body early, if any. The callers ignore it
	// on a non-2xx answer (the partial body still gives an error with the status).
	ReadErr error
}

// Send performs c once (it never retries) and reads at most maxBytes of the body. The error
// of a failed round trip is its cause alone: the *url.Error that repeats the method and full
// URL is unwrapped, and a context error that caused the failure is put in front (errors.Is
// finds it).
func Send(ctx context.Context, hc *http.Client, c Call, maxBytes int64) (*Response, error) {
	var body io.Reader
	if c.Body != nil {
		body = bytes.NewReader(c.Body)
	}
	// The URL is set as built, not printed and parsed again.
	req, err := http.NewRequestWithContext(ctx, c.Method, "", body)
	if err != nil || c.URL == nil {
		return nil, errors.New("cannot build the request")
	}
	req.URL, req.Host = c.URL, c.URL.Host
	req.Header.Set("Accept", "application/json")
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	if c.ContentType != "" {
		req.Header.Set("Content-Type", c.ContentType)
	}
	if c.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.Bearer)
	}
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		return nil, err
	}
	defer resp.Body.Close()
	data, readErr := readBody(resp, maxBytes)
	tooLarge := int64(len(data)) > maxBytes
	if tooLarge {
		data = data[:maxBytes]
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: data, TooLarge: tooLarge, ReadErr: readErr}, nil
}

// readBody reads at most maxBytes+1 bytes of the body (one more tells that it was longer),
// into a buffer of the announced length when there is one instead of growing as it reads.
func readBody(resp *http.Response, maxBytes int64) ([]byte, error) {
	limited := io.LimitReader(resp.Body, maxBytes+1)
	if n := resp.ContentLength; n > 0 && n <= maxBytes {
		buf := bytes.NewBuffer(make([]byte, 0, n+1)) // +1: the read that finds the end
		_, err := buf.ReadFrom(limited)
		return buf.Bytes(), err
	}
	return io.ReadAll(limited)
}
