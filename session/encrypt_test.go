package session_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/alexedwards/scs/v2"

	"github.com/selfmfa/selfmfa/session"
	"github.com/selfmfa/selfmfa/session/sessiontest"
)

func newKey(t testing.TB) []byte {
	t.Helper()
	k := make([]byte, session.EncryptionKeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func mustEncrypt(t testing.TB, inner session.Store, log *slog.Logger, keys ...[]byte) session.Store {
	t.Helper()
	s, err := session.EncryptWithLogger(inner, log, keys...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEncryptConformance(t *testing.T) {
	t.Parallel()
	for name, keys := range map[string]int{"one key": 1, "rotating": 3} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sessiontest.TestStore(t, func(t *testing.T) (session.Store, func(http.Handler) http.Handler) {
				sm := scs.New()
				var ks [][]byte
				for range keys {
					ks = append(ks, newKey(t))
				}
				return mustEncrypt(t, session.NewSCS(sm), nil, ks...), sm.LoadAndSave
			})
		})
	}
}

// browser runs requests through one scs manager with one session cookie, the way a browser
// would, and hands each request's (w, r) to a function.
type browser struct {
	t      *testing.T
	sm     *scs.SessionManager
	cookie *http.Cookie
}

func (b *browser) do(f func(w http.ResponseWriter, r *http.Request)) {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/account/mfa/", nil)
	if b.cookie != nil {
		req.AddCookie(b.cookie)
	}
	rec := httptest.NewRecorder()
	b.sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f(w, r)
		w.WriteHeader(http.StatusNoContent)
	})).ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == b.sm.Cookie.Name {
			b.cookie = c
		}
	}
}

func (b *browser) get(s session.Store, key string) (val []byte, ok bool) {
	b.t.Helper()
	b.do(func(_ http.ResponseWriter, r *http.Request) {
		var err error
		if val, ok, err = s.Get(r, key); err != nil {
			b.t.Fatalf("Get(%q): %v", key, err)
		}
	})
	return val, ok
}

func (b *browser) put(s session.Store, key string, val []byte) {
	b.t.Helper()
	b.do(func(w http.ResponseWriter, r *http.Request) {
		if err := s.Put(w, r, key, val); err != nil {
			b.t.Fatalf("Put(%q): %v", key, err)
		}
	})
}

// The session store holds ciphertext: neither the value read past the wrapper nor the
// session blob the scs store keeps contains the secret, and two writes of one value differ.
func TestEncryptStoresCiphertext(t *testing.T) {
	t.Parallel()
	sm := scs.New()
	raw := session.NewSCS(sm)
	enc := mustEncrypt(t, raw, nil, newKey(t))
	b := &browser{t: t, sm: sm}
	secret := []byte(`{"secret":"JBSWY3DPEHPK3PXP","token":"eyJhbGciOi.mfa-token"}`)
	b.put(enc, "mfa.pending", secret)

	stored, ok := b.get(raw, "mfa.pending")
	if !ok || bytes.Contains(stored, []byte("JBSWY3DPEHPK3PXP")) || bytes.Contains(stored, []byte("mfa-token")) {
		t.Fatalf("value behind the wrapper = %q; want ciphertext", stored)
	}
	blob, found, err := sm.Store.Find(b.cookie.Value)
	if err != nil || !found {
		t.Fatalf("session not in the scs store: %v %v", found, err)
	}
	if bytes.Contains(blob, []byte("JBSWY3DPEHPK3PXP")) {
		t.Fatal("the scs store's session blob holds the TOTP secret in plaintext")
	}
	if got, ok := b.get(enc, "mfa.pending"); !ok || !bytes.Equal(got, secret) {
		t.Fatalf("Get through the wrapper = %q, %v; want the secret back", got, ok)
	}

	b.put(enc, "mfa.pending", secret)
	again, _ := b.get(raw, "mfa.pending")
	if bytes.Equal(again, stored) {
		t.Fatal("two writes of the same value stored the same bytes: the nonce is not fresh")
	}
}

// Records written in plaintext before encryption was turned on still load; the next write
// encrypts them.
func TestEncryptReadsPlaintextWrittenBefore(t *testing.T) {
	t.Parallel()
	sm := scs.New()
	raw := session.NewSCS(sm)
	b := &browser{t: t, sm: sm}
	old := []byte(`{"access_token":"before-encryption","exp":1}`)
	b.put(raw, "mfa.tok", old) // a deployment without encryption

	enc := mustEncrypt(t, raw, nil, newKey(t)) // the host turns it on
	if got, ok := b.get(enc, "mfa.tok"); !ok || !bytes.Equal(got, old) {
		t.Fatalf("plaintext record through the wrapper = %q, %v; want it loaded as it was", got, ok)
	}
	b.put(enc, "mfa.tok", old)
	if stored, _ := b.get(raw, "mfa.tok"); bytes.Contains(stored, []byte("before-encryption")) {
		t.Fatalf("after a write through the wrapper the record is still plaintext: %q", stored)
	}
}

// syncBuffer is a log destination safe for the handler's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestEncryptUndecryptableIsAbsent(t *testing.T) {
	t.Parallel()
	oldKey, newKeyB := newKey(t), newKey(t)
	secret := []byte("recovery code ABCD-EFGH")
	tests := []struct {
		name string
		// tamper changes what the raw store holds, given the ciphertext written under mfa.tok
		tamper  func(b *browser, raw session.Store, stored []byte)
		readKey string
		keys    [][]byte
		ok      bool
		reason  string
	}{
		{name: "rotation: new key first, old one still listed", readKey: "mfa.tok", keys: [][]byte{newKeyB, oldKey}, ok: true},
		{name: "old key dropped", readKey: "mfa.tok", keys: [][]byte{newKeyB}, reason: "not in the list"},
		{name: "moved to another session key", readKey: "mfa.pending", keys: [][]byte{oldKey}, reason: "does not authenticate",
			tamper: func(b *browser, raw session.Store, stored []byte) { b.put(raw, "mfa.pending", stored) }},
		{name: "one bit flipped", readKey: "mfa.tok", keys: [][]byte{oldKey}, reason: "does not authenticate",
			tamper: func(b *browser, raw session.Store, stored []byte) {
				bad := bytes.Clone(stored)
				bad[len(bad)-1] ^= 1
				b.put(raw, "mfa.tok", bad)
			}},
		{name: "unknown version", readKey: "mfa.tok", keys: [][]byte{oldKey}, reason: "unknown encrypted record version",
			tamper: func(b *browser, raw session.Store, stored []byte) {
				bad := bytes.Clone(stored)
				bad[4] = 2
				b.put(raw, "mfa.tok", bad)
			}},
		{name: "truncated", readKey: "mfa.tok", keys: [][]byte{oldKey}, reason: "truncated",
			tamper: func(b *browser, raw session.Store, stored []byte) { b.put(raw, "mfa.tok", stored[:6]) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sm := scs.New()
			raw := session.NewSCS(sm)
			b := &browser{t: t, sm: sm}
			b.put(mustEncrypt(t, raw, nil, oldKey), "mfa.tok", secret)
			stored, _ := b.get(raw, "mfa.tok")
			if tt.tamper != nil {
				tt.tamper(b, raw, stored)
			}
			var logs syncBuffer
			enc := mustEncrypt(t, raw, slog.New(slog.NewTextHandler(&logs, nil)), tt.keys...)
			got, ok := b.get(enc, tt.readKey)
			if ok != tt.ok || (ok && !bytes.Equal(got, secret)) || (!ok && got != nil) {
				t.Fatalf("Get(%q) = %q, %v; want ok=%v", tt.readKey, got, ok, tt.ok)
			}
			out := logs.String()
			if tt.reason == "" {
				if out != "" {
					t.Fatalf("unexpected log: %s", out)
				}
				return
			}
			if !strings.Contains(out, tt.reason) || !strings.Contains(out, "key="+tt.readKey) {
				t.Fatalf("log %q lacks the key name and the reason %q", out, tt.reason)
			}
			if strings.Contains(out, "ABCD") {
				t.Fatalf("log holds the value: %s", out)
			}
		})
	}
}

func TestEncryptRefusesBadKeys(t *testing.T) {
	t.Parallel()
	k := newKey(t)
	inner := session.NewSCS(scs.New())
	tests := []struct {
		name  string
		inner session.Store
		keys  [][]byte
	}{
		{"no key", inner, nil},
		{"AES-128 key", inner, [][]byte{make([]byte, 16)}},
		{"33 bytes", inner, [][]byte{make([]byte, 33)}},
		{"second key short", inner, [][]byte{k, k[:31]}},
		{"same key twice", inner, [][]byte{k, bytes.Clone(k)}},
		{"nil store", nil, [][]byte{k}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := session.Encrypt(tt.inner, tt.keys...)
			if err == nil || s != nil {
				t.Fatalf("Encrypt = %v, %v; want an error", s, err)
			}
			if !strings.HasPrefix(err.Error(), "session: ") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
		})
	}
}

// The wrapper has exactly the optional interfaces of the store it wraps, and forwards them.
func TestEncryptForwardsCapabilities(t *testing.T) {
	t.Parallel()
	base := session.NewSCS(scs.New())
	k := newKey(t)
	for mask := range 8 {
		hasR, hasC, hasA := mask&1 != 0, mask&2 != 0, mask&4 != 0
		inner := compose(base, hasR, hasC, hasA)
		enc, err := session.Encrypt(inner, k)
		if err != nil {
			t.Fatal(err)
		}
		r, isR := enc.(session.Renewer)
		c, isC := enc.(session.ConfigChecker)
		a, isA := enc.(session.CookieAdvisor)
		if isR != hasR || isC != hasC || isA != hasA {
			t.Errorf("inner Renewer=%v ConfigChecker=%v CookieAdvisor=%v; wrapper has %v %v %v", hasR, hasC, hasA, isR, isC, isA)
			continue
		}
		if isC && c.CheckConfig(true) == nil { // scs.New(): Cookie.Secure false, no IdleTimeout
			t.Error("forwarded CheckConfig(true) accepted an unsafe manager")
		}
		if isA && !strings.Contains(a.CookieNameAdvice(), "__Host-") {
			t.Error("forwarded CookieNameAdvice gave no advice for the default cookie name")
		}
		if isR {
			err := r.Renew(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
			if !errors.Is(err, session.ErrNoSession) {
				t.Errorf("forwarded Renew without middleware: %v, want ErrNoSession from the inner store", err)
			}
		}
	}
}

// compose returns a Store with base's methods and only the chosen optional interfaces.
func compose(base *session.SCS, r, c, a bool) session.Store {
	type store = session.Store
	switch {
	case r && c && a:
		return base
	case r && c:
		return struct {
			store
			session.Renewer
			session.ConfigChecker
		}{base, base, base}
	case r && a:
		return struct {
			store
			session.Renewer
			session.CookieAdvisor
		}{base, base, base}
	case c && a:
		return struct {
			store
			session.ConfigChecker
			session.CookieAdvisor
		}{base, base, base}
	case r:
		return struct {
			store
			session.Renewer
		}{base, base}
	case c:
		return struct {
			store
			session.ConfigChecker
		}{base, base}
	case a:
		return struct {
			store
			session.CookieAdvisor
		}{base, base}
	default:
		return struct{ store }{base}
	}
}
