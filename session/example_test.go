package session_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/alexedwards/scs/v2"

	"github.com/selfmfa/selfmfa/session"
)

func ExampleNewSCS() {
	sm := scs.New() // the host's session manager (memstore: server-side, one process)
	store := session.NewSCS(sm)

	mux := http.NewServeMux()
	mux.HandleFunc("POST /start", func(w http.ResponseWriter, r *http.Request) {
		// Change the session before writing anything: scs commits at the first byte.
		if err := store.Put(w, r, "mfa.pending", []byte(`{"kind":"totp"}`)); err != nil {
			http.Error(w, "session unavailable", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusSeeOther)
	})
	mux.HandleFunc("GET /confirm", func(w http.ResponseWriter, r *http.Request) {
		b, ok, err := store.Get(r, "mfa.pending")
		fmt.Fprintf(w, "%s %v %v", b, ok, err)
	})
	srv := httptest.NewServer(sm.LoadAndSave(mux))
	defer srv.Close()

	resp, _ := http.Post(srv.URL+"/start", "", nil)
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/confirm", nil)
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	resp, _ = http.DefaultClient.Do(req)
	var body [64]byte
	n, _ := resp.Body.Read(body[:])
	resp.Body.Close()
	fmt.Println(string(body[:n]))

	// Without the middleware, a clear error instead of scs's panic.
	_, _, err := store.Get(httptest.NewRequest(http.MethodGet, "/", nil), "mfa.pending")
	fmt.Println(err)
	// Output:
	// {"kind":"totp"} true <nil>
	// session: no session on this request; wrap the handler in the store's middleware (for scs: sm.LoadAndSave)
}

func ExampleEncrypt() {
	sm := scs.New()
	key := make([]byte, session.EncryptionKeySize) // in production: 32 random bytes from a secret store
	store, err := session.Encrypt(session.NewSCS(sm), key)
	if err != nil {
		panic(err)
	}
	raw := session.NewSCS(sm) // the same session, read past the encryption (37 bytes of overhead)

	h := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = store.Put(w, r, "mfa.pending", []byte(`{"secret":"JBSWY3DPEHPK3PXP"}`))
		stored, _, _ := raw.Get(r, "mfa.pending")
		val, _, _ := store.Get(r, "mfa.pending")
		fmt.Printf("stored %d bytes, plaintext visible: %v\n", len(stored), strings.Contains(string(stored), "JBSWY3"))
		fmt.Printf("read back: %s\n", val)
		_, isRenewer := store.(session.Renewer) // forwarded from the SCS store
		fmt.Println("renewer:", isRenewer)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	// Output:
	// stored 66 bytes, plaintext visible: false
	// read back: {"secret":"JBSWY3DPEHPK3PXP"}
	// renewer: true
}
