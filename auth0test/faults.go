package auth0test

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault describes a failure injected into requests for one path. Fields
// combine: Latency delays the request, then Hang, OversizedBody,
// MalformedBody or Status (in that order) replaces the answer; with only
// Latency the request is then served normally.
type Fault struct {
	// Method restricts the fault to one method ("" = any).
	Method string
	// Latency delays the request by real time (not the server clock),
	// cut short when the client gives up or the server closes.
	Latency time.Duration
	// Hang holds the request until the client gives up or the server closes.
	Hang bool
	// Status, Code and Description answer an Auth0-shaped error. Code
	// defaults to too_many_requests for 429 and server_error otherwise.
	Status      int
	Code        string
	Description string
	// RetryAfter adds a Retry-After header (whole seconds, rounded up).
	RetryAfter time.Duration
	// MalformedBody answers truncated JSON (status Status, default 200).
	MalformedBody bool
	// OversizedBody answers a JSON body of this many bytes (status Status,
	// default 200), e.g. 2<<20 to test a client's response bound.
	OversizedBody int64
	// Times is how many matching requests the fault applies to; 0 means
	// until ClearFaults.
	Times int
}

type faultEntry struct {
	path string
	f    Fault
	left int
}

// InjectFault adds a fault for requests whose path is path, or starts with
// path when it ends in "/" (e.g. "/mfa/authenticators/" for DELETE). The
// oldest matching fault applies.
func (s *Server) InjectFault(path string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultEntry{path: path, f: f, left: f.Times})
}

// ClearFaults removes all injected faults.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *Server) takeFault(r *http.Request) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range s.faults {
		match := r.URL.Path == e.path || (strings.HasSuffix(e.path, "/") && strings.HasPrefix(r.URL.Path, e.path))
		if !match || (e.f.Method != "" && !strings.EqualFold(e.f.Method, r.Method)) {
			continue
		}
		if e.left > 0 {
			e.left--
			if e.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return e.f, true
	}
	return Fault{}, false
}

func (s *Server) faulty(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := s.takeFault(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if f.Latency > 0 {
			t := time.NewTimer(f.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			case <-s.closing:
				t.Stop()
				panic(http.ErrAbortHandler) // drop the connection, answer nothing
			}
		}
		status := f.Status
		switch {
		case f.Hang:
			select {
			case <-r.Context().Done():
			case <-s.closing:
				panic(http.ErrAbortHandler) // drop the connection, answer nothing
			}
			return
		case f.OversizedBody > 0:
			if status == 0 {
				status = http.StatusOK
			}
			writeRaw(w, status, contentTypeJSON, oversized(f.OversizedBody))
		case f.MalformedBody:
			if status == 0 {
				status = http.StatusOK
			}
			writeRaw(w, status, contentTypeJSON, []byte(`{"error":"server_error","error_description":`))
		case status != 0:
			code := f.Code
			if code == "" {
				code = ErrCodeServerError
				if status == http.StatusTooManyRequests {
					code = ErrCodeTooManyRequests
				}
			}
			desc := f.Description
			if desc == "" {
				desc = http.StatusText(status)
				if status == http.StatusTooManyRequests {
					desc = descRateLimited
				}
			}
			e := newAPIError(status, code, desc)
			e.retryAfter = f.RetryAfter
			writeAPIError(w, e)
		default:
			if f.RetryAfter > 0 {
				w.Header().Set("Retry-After", strconv.FormatInt(ceilSeconds(f.RetryAfter), 10))
			}
			next.ServeHTTP(w, r)
		}
	})
}

// oversized returns a valid JSON error body of exactly n bytes (at least
// its fixed part).
func oversized(n int64) []byte {
	head := `{"error":"server_error","error_description":"`
	tail := `"}`
	pad := n - int64(len(head)+len(tail))
	if pad < 0 {
		pad = 0
	}
	b := make([]byte, 0, int64(len(head)+len(tail))+pad)
	b = append(b, head...)
	for range pad {
		b = append(b, 'x')
	}
	return append(b, tail...)
}
