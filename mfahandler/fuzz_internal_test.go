package mfahandler

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/selfmfa/selfmfa/session"
)

// fuzzHandler is a Handler for fuzzing pure functions (New never contacts Auth0).
func fuzzHandler(f *testing.F) *Handler {
	h, err := New(Config{Domain: "acme.eu.auth0.com", ClientID: "id", ClientSecret: "secret",
		RedirectURL: "https://app.example.com/account/mfa/callback", Sessions: fuzzStore{},
		CurrentUser: func(*http.Request) (string, bool) { return "", false }}, WithoutSessionRenewal())
	if err != nil {
		f.Fatal(err)
	}
	return h
}

type fuzzStore struct{}

func (fuzzStore) Get(*http.Request, string) ([]byte, bool, error)              { return nil, false, nil }
func (fuzzStore) Put(http.ResponseWriter, *http.Request, string, []byte) error { return nil }
func (fuzzStore) Delete(http.ResponseWriter, *http.Request, string) error      { return nil }

var _ session.Store = fuzzStore{}

// FuzzSafeResume: whatever a login's return target says, the redirect after the step-up is a
// same-origin path under the base path that a browser cannot turn into another origin or a
// path outside it.
func FuzzSafeResume(f *testing.F) {
	h := fuzzHandler(f)
	for _, s := range []string{"/account/mfa/", "/account/mfa/remove?id=totp%7Cdev_1", "//evil.example",
		"/account/mfa/%2e%2e/%2e%2e/admin", "/account/mfa/../x", `/account/mfa/\evil`, "https://evil.example/account/mfa/",
		"/account/mfa/?a=%0d%0a", "/account/mfa/callback", "/account/mfa/#x", "/account/mfax"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got := h.safeResume(p)
		if got == h.path("/") {
			return
		}
		if got != p {
			t.Fatalf("safeResume(%q) = %q: neither the input nor the default", p, got)
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(got, "//") {
			t.Fatalf("safeResume(%q) = %q leaves the origin", p, got)
		}
		if strings.ContainsAny(got, "\\\r\n\t") {
			t.Fatalf("safeResume(%q) = %q has a backslash or control character", p, got)
		}
		// Browsers decode %2e as a dot: the decoded path must stay under the base path.
		clean := path.Clean(u.Path)
		if !strings.HasPrefix(clean+"/", h.opts.basePath+"/") {
			t.Fatalf("safeResume(%q) = %q resolves to %q, outside %s", p, got, clean, h.opts.basePath)
		}
	})
}

// FuzzPostForm: a POST body of any content type and bytes is either accepted as a bounded,
// single-valued form or refused with a 4xx failure; never a panic or a 5xx.
func FuzzPostForm(f *testing.F) {
	h := fuzzHandler(f)
	f.Add("application/x-www-form-urlencoded", "code=123456&enrollment=abc")
	f.Add("application/x-www-form-urlencoded; charset=utf-8", "a=1&a=2")
	f.Add("multipart/form-data; boundary=x", "--x\r\n")
	f.Add("application/x-www-form-urlencoded", "%zz=1")
	f.Add("APPLICATION/X-WWW-FORM-URLENCODED", strings.Repeat("k=v&", 20))
	f.Fuzz(func(t *testing.T, contentType, body string) {
		r, err := http.NewRequest(http.MethodPost, "https://app.example.com/account/mfa/enroll/confirm", strings.NewReader(body))
		if err != nil {
			return
		}
		r.Header.Set("Content-Type", contentType)
		r.Body = http.MaxBytesReader(nil, r.Body, maxBodyBytes)
		err = h.parsePostForm(r)
		if err == nil {
			if len(r.PostForm) > maxFormFields {
				t.Fatalf("accepted %d fields", len(r.PostForm))
			}
			for k, v := range r.PostForm {
				if len(v) != 1 {
					t.Fatalf("accepted field %q %d times", k, len(v))
				}
			}
			return
		}
		fl, ok := err.(*Failure)
		if !ok || fl.Status < 400 || fl.Status >= 500 || fl.Title == "" || fl.Message == "" {
			t.Fatalf("refusal %v is not a plain 4xx failure", err)
		}
	})
}

// FuzzSessionRecords: whatever bytes sit under a key of selfmfa's in the session (an older
// version, a damaged store), reading them never panics and gives either a record or nothing.
func FuzzSessionRecords(f *testing.F) {
	store := &oneValueStore{}
	h, err := New(Config{Domain: "acme.eu.auth0.com", ClientID: "id", ClientSecret: "secret",
		RedirectURL: "https://app.example.com/account/mfa/callback", Sessions: store,
		CurrentUser: func(*http.Request) (string, bool) { return "", false }}, WithoutSessionRenewal())
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"id":"x","sub":"auth0|a","factor":"totp","started":"2026-01-02T03:04:05Z"}`))
	f.Add([]byte(`{"sub":42}`))
	f.Add([]byte("null"))
	f.Add([]byte{0xff, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, _ := http.NewRequest(http.MethodGet, "https://app.example.com/account/mfa/", nil)
		store.b = b
		for _, key := range []string{keyPending, keyToken, keyLogin, keyFlash, keySignOut} {
			var v any
			switch key {
			case keyPending:
				p, err := (records{h: h, r: r, sub: "auth0|a"}).Pending()
				if err != nil {
					t.Fatalf("Pending on bad bytes: %v (undecodable records read as absent)", err)
				}
				_ = p
				continue
			case keyToken:
				v = &tokenRecord{}
			case keyLogin:
				v = &[]loginRecord{}
			case keyFlash:
				v = &flashRecord{}
			case keySignOut:
				v = &signOutOffer{}
			}
			_ = h.load(r, key, v)
		}
	})
}

// oneValueStore answers every Get with the same bytes.
type oneValueStore struct{ b []byte }

func (s oneValueStore) Get(*http.Request, string) ([]byte, bool, error)            { return s.b, true, nil }
func (oneValueStore) Put(http.ResponseWriter, *http.Request, string, []byte) error { return nil }
func (oneValueStore) Delete(http.ResponseWriter, *http.Request, string) error      { return nil }
