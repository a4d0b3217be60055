package session_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/selfmfa/selfmfa/session"
)

// plainStore is an scs store that cannot list its sessions.
type plainStore struct{ scs.Store }

// TestSignOutOtherSCS: the user's other sessions end; the current one and other users' stay;
// a store that cannot list its sessions is reported, not ignored.
func TestSignOutOtherSCS(t *testing.T) {
	t.Parallel()
	sm := scs.New()
	var tokens = map[string]string{}
	mux := http.NewServeMux()
	mux.HandleFunc("/signin", func(w http.ResponseWriter, r *http.Request) {
		sm.Put(r.Context(), "user_sub", r.URL.Query().Get("sub"))
	})
	var ended int
	var endErr error
	mux.HandleFunc("/signout-others", func(w http.ResponseWriter, r *http.Request) {
		ended, endErr = session.SignOutOtherSCS(sm, "user_sub")(r, sm.GetString(r.Context(), "user_sub"))
	})
	h := sm.LoadAndSave(mux)
	signIn := func(name, sub string) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/signin?sub="+sub, nil))
		for _, c := range w.Result().Cookies() {
			tokens[name] = c.Value
		}
	}
	signIn("laptop", "auth0|bob")
	signIn("phone", "auth0|bob")
	signIn("alice", "auth0|alice")
	r := httptest.NewRequest(http.MethodPost, "/signout-others", nil)
	r.AddCookie(&http.Cookie{Name: sm.Cookie.Name, Value: tokens["laptop"]})
	h.ServeHTTP(httptest.NewRecorder(), r)
	if endErr != nil || ended != 1 {
		t.Fatalf("ended %d, err %v; want 1", ended, endErr)
	}
	for name, want := range map[string]bool{"laptop": true, "phone": false, "alice": true} {
		_, found, err := sm.Store.Find(tokens[name])
		if err != nil || found != want {
			t.Errorf("%s session present %v (err %v), want %v", name, found, err, want)
		}
	}

	plain := scs.New()
	plain.Store = plainStore{plain.Store}
	plain.Lifetime = time.Hour
	var perr error
	ph := plain.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, perr = session.SignOutOtherSCS(plain, "user_sub")(r, "auth0|bob")
	}))
	ph.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil))
	if perr == nil || !strings.Contains(perr.Error(), "cannot list") {
		t.Fatalf("a store without iteration: err %v", perr)
	}
}
