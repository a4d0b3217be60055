// Package sessiontest is a conformance suite for [session.Store] adapters.
//
// [TestStore] serves a small handler through the adapter's own middleware on an
// httptest TLS server and drives it with real HTTP clients that keep cookies in a jar, the
// way a browser would. It checks:
//
//   - put, get and delete round-trip across requests, and a value put is readable later in the
//     same request;
//   - values come back byte-exact: empty, nil (stored as empty), NUL bytes, every byte value,
//     invalid UTF-8, and a 16 KiB value (more than any cookie can hold, so a cookie-backed
//     store fails here, as it should);
//   - the store copies values in and out (mutating a slice after Put or after Get changes
//     nothing stored);
//   - a missing key gives ok=false and no error, also on a brand-new session; deleting a
//     missing key is not an error; Put replaces;
//   - keys are stored exactly as given (case, dots, slashes, non-ASCII) and do not affect
//     each other; two clients (two cookie jars) do not see each other's values;
//   - if the store implements [session.Renewer]: Renew changes the session cookie, keeps the
//     data, and the old cookie no longer loads it;
//   - without the middleware every method returns [session.ErrNoSession] and does not panic;
//   - concurrent requests on one session succeed and never return torn values (run with -race).
//
// Use it from the adapter's tests:
//
//	func TestSCS(t *testing.T) {
//		sessiontest.TestStore(t, func(t *testing.T) (session.Store, func(http.Handler) http.Handler) {
//			sm := scs.New()
//			return session.NewSCS(sm), sm.LoadAndSave
//		})
//	}
//
// newStore is called once per subtest, so each subtest gets its own store and server.
package sessiontest

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"github.com/selfmfa/selfmfa/session"
)

// NewStoreFunc builds a fresh store and the middleware that loads and saves its session.
type NewStoreFunc func(t *testing.T) (session.Store, func(http.Handler) http.Handler)

// TestStore runs the conformance suite against the stores newStore builds.
func TestStore(t *testing.T, newStore NewStoreFunc) {
	t.Helper()

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		h := start(t, newStore)
		c := h.client(t)
		c.wantMissing(t, "mfa.tok")
		c.put(t, "mfa.tok", []byte(`{"access_token":"x"}`))
		c.wantValue(t, "mfa.tok", []byte(`{"access_token":"x"}`))
		c.put(t, "mfa.tok", []byte("second"))
		c.wantValue(t, "mfa.tok", []byte("second"))
		c.del(t, "mfa.tok")
		c.wantMissing(t, "mfa.tok")
		c.del(t, "mfa.tok") // deleting a missing key is fine
		c.wantMissing(t, "mfa.tok")
	})

	t.Run("MissingKeyOnNewSession", func(t *testing.T) {
		t.Parallel()
		h := start(t, newStore)
		c := h.client(t)
		c.wantMissing(t, "mfa.pending")
		c.del(t, "mfa.pending")
	})

	t.Run("ReadYourWritesInOneRequest", func(t *testing.T) {
		t.Parallel()
		h := start(t, newStore)
		c := h.client(t)
		got := c.do(t, http.MethodPost, "/put-get", "k", []byte("same request"), http.StatusOK)
		if !bytes.Equal(got, []byte("same request")) {
			t.Fatalf("Get after Put in the same request = %q, want %q", got, "same request")
		}
		c.wantValue(t, "k", []byte("same request"))
	})

	t.Run("ByteExact", func(t *testing.T) {
		t.Parallel()
		all := make([]byte, 256)
		for i := range all {
			all[i] = byte(i)
		}
		big := make([]byte, 16<<10)
		if _, err := rand.Read(big); err != nil {
			t.Fatal(err)
		}
		values := []struct {
			name string
			val  []byte
		}{
			{"empty", []byte{}},
			{"nul", []byte{0}},
			{"every-byte", all},
			{"invalid-utf8", []byte{0xff, 0xfe, 0xc3, 0x28, 'a'}},
			{"json", []byte(`{"secret":"JBSWY3DPEHPK3PXP","n":1}`)},
			{"trailing-newline", []byte("v\n")},
			{"16KiB-random", big},
		}
		h := start(t, newStore)
		c := h.client(t)
		for _, v := range values {
			c.put(t, "v."+v.name, v.val)
		}
		for _, v := range values {
			c.wantValue(t, "v."+v.name, v.val)
		}
		// nil is stored as an empty value, not as "missing".
		c.do(t, http.MethodPost, "/put-nil", "v.nil", nil, http.StatusNoContent)
		c.wantValue(t, "v.nil", []byte{})
	})

	t.Run("CopiesValues", func(t *testing.T) {
		t.Parallel()
		h := start(t, newStore)
		c := h.client(t)
		c.do(t, http.MethodPost, "/put-mutate", "k", []byte("original"), http.StatusNoContent)
		c.wantValue(t, "k", []byte("original"))
		c.do(t, http.MethodGet, "/get-mutate", "k", nil, http.StatusOK)
		c.wantValue(t, "k", []byte("original"))
	})

	t.Run("KeysExactAndIsolated", func(t *testing.T) {
		t.Parallel()
		keys := []string{"mfa.tok", "MFA.TOK", "mfa", "mfa.tok.x", "mfa.tok ", "a/b?c=d&e", "ключ", "mfa.login", "mfa.pending"}
		h := start(t, newStore)
		c := h.client(t)
		for i, k := range keys {
			c.put(t, k, []byte("value "+strconv.Itoa(i)))
		}
		for i, k := range keys {
			c.wantValue(t, k, []byte("value "+strconv.Itoa(i)))
		}
		c.del(t, "mfa.tok")
		c.wantMissing(t, "mfa.tok")
		for i, k := range keys[1:] {
			c.wantValue(t, k, []byte("value "+strconv.Itoa(i+1)))
		}
	})

	t.Run("ClientsIsolated", func(t *testing.T) {
		t.Parallel()
		h := start(t, newStore)
		alice, bob := h.client(t), h.client(t)
		alice.put(t, "mfa.tok", []byte("alice"))
		bob.wantMissing(t, "mfa.tok")
		bob.put(t, "mfa.tok", []byte("bob"))
		alice.wantValue(t, "mfa.tok", []byte("alice"))
		bob.wantValue(t, "mfa.tok", []byte("bob"))
		alice.del(t, "mfa.tok")
		bob.wantValue(t, "mfa.tok", []byte("bob"))
	})

	t.Run("Renew", func(t *testing.T) {
		t.Parallel()
		h := start(t, newStore)
		if _, ok := h.store.(session.Renewer); !ok {
			t.Skipf("%T does not implement session.Renewer", h.store)
		}
		c := h.client(t)
		c.put(t, "mfa.tok", []byte("keep me"))
		before := c.cookies()
		if len(before) == 0 {
			t.Fatal("no cookie after Put: the store's middleware did not set a session cookie")
		}
		c.do(t, http.MethodPost, "/renew", "", nil, http.StatusNoContent)
		after := c.cookies()
		if !changed(before, after) {
			t.Fatalf("Renew did not change the session cookie: before %s, after %s", names(before), names(after))
		}
		c.wantValue(t, "mfa.tok", []byte("keep me"))

		old := h.client(t)
		old.setCookies(t, before)
		old.wantMissing(t, "mfa.tok")
		// The renewed session is unaffected by a request on the old cookie.
		c.wantValue(t, "mfa.tok", []byte("keep me"))
	})

	t.Run("NoMiddleware", func(t *testing.T) {
		t.Parallel()
		store, _ := newStore(t)
		r := httptest.NewRequest(http.MethodPost, "/account/mfa/", nil)
		w := httptest.NewRecorder()
		checks := []struct {
			name string
			call func() error
		}{
			{"Get", func() error { _, _, err := store.Get(r, "mfa.tok"); return err }},
			{"Put", func() error { return store.Put(w, r, "mfa.tok", []byte("x")) }},
			{"Delete", func() error { return store.Delete(w, r, "mfa.tok") }},
		}
		if rn, ok := store.(session.Renewer); ok {
			checks = append(checks, struct {
				name string
				call func() error
			}{"Renew", func() error { return rn.Renew(w, r) }})
		}
		for _, c := range checks {
			err := noPanic(t, c.name, c.call)
			if !errors.Is(err, session.ErrNoSession) {
				t.Errorf("%s without middleware: err = %v, want session.ErrNoSession", c.name, err)
			}
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		h := start(t, newStore)
		c := h.client(t)
		c.put(t, "shared", []byte("constant"))
		const workers, rounds = 16, 8
		var wg sync.WaitGroup
		errs := make(chan error, workers*rounds*2)
		for i := range workers {
			wg.Go(func() {
				for j := range rounds {
					want := []byte(fmt.Sprintf("worker %d round %d", i, j))
					got, status, err := c.try(http.MethodPost, "/put-get", "w."+strconv.Itoa(i), want)
					if err != nil || status != http.StatusOK || !bytes.Equal(got, want) {
						errs <- fmt.Errorf("put-get: status %d, body %q, err %v; want %q", status, got, err, want)
					}
					got, status, err = c.try(http.MethodGet, "/get", "shared", nil)
					if err != nil || status != http.StatusOK || !bytes.Equal(got, []byte("constant")) {
						errs <- fmt.Errorf("get shared: status %d, body %q, err %v; want \"constant\"", status, got, err)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		c.wantValue(t, "shared", []byte("constant"))
	})
}

// harness is one store served through its middleware on a TLS test server.
type harness struct {
	store session.Store
	srv   *httptest.Server
}

func start(t *testing.T, newStore NewStoreFunc) *harness {
	t.Helper()
	store, mw := newStore(t)
	if store == nil || mw == nil {
		t.Fatal("sessiontest: newStore returned a nil store or middleware")
	}
	h := &harness{store: store}
	h.srv = httptest.NewTLSServer(mw(http.HandlerFunc(h.serve)))
	t.Cleanup(h.srv.Close)
	return h
}

// serve is the application under test. Every change happens before the first byte is written,
// as the session package requires.
func (h *harness) serve(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("key")
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fail := func(err error) { http.Error(w, err.Error(), http.StatusInternalServerError) }
	switch r.URL.Path {
	case "/put":
		if err := h.store.Put(w, r, key, body); err != nil {
			fail(err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case "/put-nil":
		if err := h.store.Put(w, r, key, nil); err != nil {
			fail(err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case "/put-mutate":
		if err := h.store.Put(w, r, key, body); err != nil {
			fail(err)
			return
		}
		orig := bytes.Clone(body)
		for i := range body {
			body[i] = 'X'
		}
		again, ok, err := h.store.Get(r, key)
		if err != nil || !ok || !bytes.Equal(again, orig) {
			fail(fmt.Errorf("mutating the slice given to Put changed the stored value: ok=%v err=%v", ok, err))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case "/put-get":
		if err := h.store.Put(w, r, key, body); err != nil {
			fail(err)
			return
		}
		h.writeValue(w, r, key)
	case "/get":
		h.writeValue(w, r, key)
	case "/get-mutate":
		v, ok, err := h.store.Get(r, key)
		if err != nil || !ok {
			fail(fmt.Errorf("get-mutate: ok=%v err=%v", ok, err))
			return
		}
		orig := bytes.Clone(v)
		for i := range v {
			v[i] = 'X'
		}
		again, ok, err := h.store.Get(r, key)
		if err != nil || !ok || !bytes.Equal(again, orig) {
			fail(fmt.Errorf("mutating the slice Get returned changed the stored value: ok=%v err=%v", ok, err))
			return
		}
		w.WriteHeader(http.StatusOK)
	case "/delete":
		if err := h.store.Delete(w, r, key); err != nil {
			fail(err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case "/renew":
		if err := h.store.(session.Renewer).Renew(w, r); err != nil {
			fail(err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

func (h *harness) writeValue(w http.ResponseWriter, r *http.Request, key string) {
	v, ok, err := h.store.Get(r, key)
	switch {
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	case !ok:
		if v != nil {
			http.Error(w, "Get returned ok=false with a non-nil value", http.StatusInternalServerError)
			return
		}
		w.Header().Set("X-Sessiontest", "missing")
		w.WriteHeader(http.StatusNotFound)
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(v)
	}
}

// client is one browser: an HTTP client with its own cookie jar.
type client struct {
	hc   *http.Client
	base *url.URL
}

func (h *harness) client(t *testing.T) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	hc := *h.srv.Client() // a copy: srv.Client returns one shared *http.Client
	hc.Jar = jar
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	base, err := url.Parse(h.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &client{hc: &hc, base: base}
}

func (c *client) try(method, path, key string, body []byte) ([]byte, int, error) {
	u := *c.base
	u.Path = path
	if key != "" {
		u.RawQuery = url.Values{"key": {key}}.Encode()
	}
	req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusNotFound && resp.Header.Get("X-Sessiontest") != "missing" {
		return b, resp.StatusCode, fmt.Errorf("unexpected 404 for %s (not from the suite's handler)", path)
	}
	return b, resp.StatusCode, err
}

func (c *client) do(t *testing.T, method, path, key string, body []byte, want int) []byte {
	t.Helper()
	b, status, err := c.try(method, path, key, body)
	if err != nil {
		t.Fatalf("%s %s key %q: %v", method, path, key, err)
	}
	if status != want {
		t.Fatalf("%s %s key %q: status %d (%s), want %d", method, path, key, status, bytes.TrimSpace(b), want)
	}
	return b
}

func (c *client) put(t *testing.T, key string, val []byte) {
	t.Helper()
	c.do(t, http.MethodPost, "/put", key, val, http.StatusNoContent)
}

func (c *client) del(t *testing.T, key string) {
	t.Helper()
	c.do(t, http.MethodPost, "/delete", key, nil, http.StatusNoContent)
}

func (c *client) wantValue(t *testing.T, key string, want []byte) {
	t.Helper()
	got := c.do(t, http.MethodGet, "/get", key, nil, http.StatusOK)
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%q) = %s, want %s", key, short(got), short(want))
	}
}

func (c *client) wantMissing(t *testing.T, key string) {
	t.Helper()
	c.do(t, http.MethodGet, "/get", key, nil, http.StatusNotFound)
}

func (c *client) cookies() []*http.Cookie { return c.hc.Jar.Cookies(c.base) }

func (c *client) setCookies(t *testing.T, cs []*http.Cookie) {
	t.Helper()
	c.hc.Jar.SetCookies(c.base, cs)
}

// changed reports whether some cookie in after has a value it did not have in before.
func changed(before, after []*http.Cookie) bool {
	old := map[string]string{}
	for _, c := range before {
		old[c.Name] = c.Value
	}
	for _, c := range after {
		if v, ok := old[c.Name]; !ok || v != c.Value {
			return true
		}
	}
	return false
}

// names lists cookie names only: values are session identifiers and stay out of test logs.
func names(cs []*http.Cookie) string {
	var b bytes.Buffer
	for i, c := range cs {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(c.Name)
	}
	return "[" + b.String() + "]"
}

func short(b []byte) string {
	if len(b) > 64 {
		return fmt.Sprintf("%d bytes %q…", len(b), b[:64])
	}
	return fmt.Sprintf("%q", b)
}

func noPanic(t *testing.T, name string, f func() error) (err error) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			t.Errorf("%s without middleware panicked: %v", name, v)
			err = nil
		}
	}()
	return f()
}
