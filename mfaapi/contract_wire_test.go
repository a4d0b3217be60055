package mfaapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/selfmfa/selfmfa/mfaapi"
)

// wireEvent is what the contract suite keeps of one response: enough to check what the typed
// client cannot show (a member that must be absent, a 204) and to report what a real tenant
// answered. It never holds a member's value, except the error and error_description of an
// error body, which carry no secret.
type wireEvent struct {
	Method      string
	Path        string // escaped path, never the query
	Status      int
	Keys        []string // sorted member names of the JSON object, or the union over an array's objects
	Code        string   // "error" of an error body
	Description string   // "error_description" of an error body
}

// wireRecorder is an http.RoundTripper that records a wireEvent per response and hands the body
// on untouched.
type wireRecorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	events []wireEvent
}

func newWireRecorder(next http.RoundTripper) *wireRecorder {
	if next == nil {
		next = http.DefaultTransport
	}
	return &wireRecorder{next: next}
}

// maxRecordedBody bounds what the recorder buffers; larger bodies are passed on unparsed.
const maxRecordedBody = 2 << 20

func (r *wireRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRecordedBody))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("contract recorder: reading the response: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	ev := wireEvent{Method: req.Method, Path: req.URL.EscapedPath(), Status: resp.StatusCode}
	ev.Keys, ev.Code, ev.Description = jsonShape(body)
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	return resp, nil
}

// jsonShape returns the member names of a JSON object (or of the objects of an array) and the
// error members of an error body.
func jsonShape(body []byte) (keys []string, code, desc string) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) == nil {
		for k := range obj {
			keys = append(keys, k)
		}
		_ = json.Unmarshal(obj["error"], &code)
		_ = json.Unmarshal(obj["error_description"], &desc)
		slices.Sort(keys)
		return keys, code, desc
	}
	var arr []map[string]json.RawMessage
	if json.Unmarshal(body, &arr) == nil {
		for _, o := range arr {
			for k := range o {
				if !slices.Contains(keys, k) {
					keys = append(keys, k)
				}
			}
		}
		slices.Sort(keys)
	}
	return keys, "", ""
}

// last returns the newest event for method and a path starting with prefix.
func (r *wireRecorder) last(method, prefix string) (wireEvent, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.events) - 1; i >= 0; i-- {
		if e := r.events[i]; e.Method == method && strings.HasPrefix(e.Path, prefix) {
			return e, true
		}
	}
	return wireEvent{}, false
}

// wantWire checks an error's status, code and description against the value the project's
// contract chose (many are [UNK] in the reference). On the emulator (strict) a difference fails
// the test; on a real tenant it is logged as an observation that settles the question, for the
// coordinator to fold back into the contract and the emulator.
func (e *contractEnv) wantWire(t *testing.T, what string, err error, status int, code, desc string) {
	t.Helper()
	var ae *mfaapi.Error
	if !errors.As(err, &ae) {
		t.Errorf("%s: want an *mfaapi.Error, got %v", what, err)
		return
	}
	got := fmt.Sprintf("%d %s %q", ae.StatusCode, ae.Code, ae.Description)
	want := fmt.Sprintf("%d %s %q", status, code, desc)
	switch {
	case got == want && e.strict:
	case got == want:
		t.Logf("observed %s: %s (as the contract chose)", what, got)
	case e.strict:
		t.Errorf("%s: got %s, the contract says %s", what, got, want)
	default:
		t.Logf("observed %s: %s (DIFFERS from the contract's %s)", what, got, want)
	}
}

// expect checks a behaviour the reference only infers ([INF] or [UNK]): required on the
// emulator, reported on a real tenant.
func (e *contractEnv) expect(t *testing.T, what string, ok bool) {
	t.Helper()
	switch {
	case ok && !e.strict:
		t.Logf("observed %s: yes", what)
	case ok:
	case e.strict:
		t.Errorf("%s: no", what)
	default:
		t.Logf("observed %s: NO (the emulator says yes)", what)
	}
}
