package session_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/selfmfa/selfmfa/session"
	"github.com/selfmfa/selfmfa/session/sessiontest"
)

func TestSCSConformance(t *testing.T) {
	t.Parallel()
	sessiontest.TestStore(t, func(t *testing.T) (session.Store, func(http.Handler) http.Handler) {
		sm := scs.New() // memstore
		return session.NewSCS(sm), sm.LoadAndSave
	})
}

func TestSCSSecureCookie(t *testing.T) {
	t.Parallel()
	// Hosts are told to set Cookie.Secure; the suite serves over TLS, so it must still pass.
	sessiontest.TestStore(t, func(t *testing.T) (session.Store, func(http.Handler) http.Handler) {
		sm := scs.New()
		sm.Cookie.Secure = true
		sm.Cookie.Name = "__Host-app"
		return session.NewSCS(sm), sm.LoadAndSave
	})
}

// Another manager's middleware does not carry this manager's session: ErrNoSession, no panic.
func TestSCSOtherManagersMiddleware(t *testing.T) {
	t.Parallel()
	mine, other := scs.New(), scs.New()
	store := session.NewSCS(mine)
	var err error
	h := other.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err = store.Put(w, r, "mfa.tok", []byte("x"))
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("Put under another manager's middleware: err = %v, want ErrNoSession", err)
	}
}

func TestSCSNilManager(t *testing.T) {
	t.Parallel()
	store := session.NewSCS(nil)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	w := httptest.NewRecorder()
	if _, _, err := store.Get(r, "k"); err == nil {
		t.Error("Get on NewSCS(nil): no error")
	}
	if err := store.Put(w, r, "k", nil); err == nil {
		t.Error("Put on NewSCS(nil): no error")
	}
	if err := store.Delete(w, r, "k"); err == nil {
		t.Error("Delete on NewSCS(nil): no error")
	}
	if err := store.Renew(w, r); err == nil {
		t.Error("Renew on NewSCS(nil): no error")
	}
}

// A value the host put with scs directly (not []byte) is an error, not a silent miss.
func TestSCSForeignValueType(t *testing.T) {
	t.Parallel()
	sm := scs.New()
	store := session.NewSCS(sm)
	var err error
	var ok bool
	h := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sm.Put(r.Context(), "mfa.tok", "a string")
		_, ok, err = store.Get(r, "mfa.tok")
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if err == nil || ok {
		t.Fatalf("Get of a string value: ok=%v err=%v, want an error", ok, err)
	}
}

// Panics other than scs's missing-session panic are not swallowed.
func TestSCSRepanicsOtherPanics(t *testing.T) {
	t.Parallel()
	sm := scs.New()
	sm.Store = panicStore{}
	store := session.NewSCS(sm)
	defer func() {
		if v := recover(); v != "boom" {
			t.Fatalf("recovered %v, want the store's own panic \"boom\"", v)
		}
	}()
	h := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = store.Renew(w, r) // RenewToken deletes the old token from the store: panics
	}))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: sm.Cookie.Name, Value: "tok"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	t.Fatalf("no panic reached the caller (status %d %s)", rec.Code, rec.Body)
}

type panicStore struct{}

func (panicStore) Delete(string) error { panic("boom") }
func (panicStore) Find(string) ([]byte, bool, error) {
	b, err := scs.GobCodec{}.Encode(time.Now().Add(time.Hour), map[string]any{})
	return b, err == nil, err
}
func (panicStore) Commit(string, []byte, time.Time) error { return nil }
