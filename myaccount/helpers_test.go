package myaccount

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Values the tests treat as secrets: none may appear in URLs, error strings or output.
const (
	testToken       = "at-SECRET-me-access-token"
	testAuthSession = "Fe26.2**05c400ed-SECRET-session"
	testOTP         = "123456"
	testDomain      = "tenant.example.auth0.com"
)

// testNow is the fixed clock of every test client.
func testNow() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }

// capture is one request as the fake server saw it, RequestURI exactly as on the wire.
type capture struct {
	Method        string
	RequestURI    string
	ContentType   string
	Authorization string
	Accept        string
	UserAgent     string
	Body          string
}

// stub is the fake server's fixed answer.
type stub struct {
	status      int
	contentType string // default application/json
	noCT        bool   // send no Content-Type at all
	body        string
	header      map[string]string
}

func (s stub) write(w http.ResponseWriter) {
	for k, v := range s.header {
		w.Header().Set(k, v)
	}
	switch {
	case s.noCT:
		w.Header()["Content-Type"] = nil // stop net/http from sniffing one
	case s.contentType != "":
		w.Header().Set("Content-Type", s.contentType)
	default:
		w.Header().Set("Content-Type", "application/json")
	}
	status := s.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, s.body)
}

// recorder records requests, safe for the server's goroutines.
type recorder struct {
	mu   sync.Mutex
	reqs []capture
}

func (r *recorder) add(req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, capture{
		Method:        req.Method,
		RequestURI:    req.RequestURI,
		ContentType:   req.Header.Get("Content-Type"),
		Authorization: req.Header.Get("Authorization"),
		Accept:        req.Header.Get("Accept"),
		UserAgent:     req.Header.Get("User-Agent"),
		Body:          string(b),
	})
}

func (r *recorder) all() []capture {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]capture(nil), r.reqs...)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// serveStub starts a server that records every request and answers s.
func serveStub(t *testing.T, s stub, opts ...Option) (*Client, *recorder) {
	t.Helper()
	rec := &recorder{}
	return serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		s.write(w)
	}, opts...), rec
}

// serveFunc starts a server running h and returns a client for it with the test clock; opts
// come last and can override it.
func serveFunc(t *testing.T, h http.HandlerFunc, opts ...Option) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return newTestClient(t, srv.URL, opts...)
}

func newTestClient(t *testing.T, baseURL string, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{WithInsecureBaseURL(baseURL), WithClock(testNow)}, opts...)
	c, err := New(testDomain, all...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
