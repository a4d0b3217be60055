package mfahandler_test

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"

	"github.com/alexedwards/scs/v2"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
	"github.com/selfmfa/selfmfa/session"
)

// Mounting on the standard library's ServeMux, against the emulated tenant: the handler
// routes on full paths, so it is registered with its own Pattern and no http.StripPrefix.
func Example_serveMux() {
	tenant, err := auth0test.NewServer(auth0test.WithUsers(
		auth0test.User{ID: "auth0|ada", Email: "ada@example.com", Password: "correct horse battery"}))
	if err != nil {
		log.Fatal(err)
	}
	defer tenant.Close()

	// The host app: its scs sessions, its own sign-in, and selfmfa under /account/mfa/.
	sm := scs.New()
	mux := http.NewServeMux()
	app := httptest.NewServer(sm.LoadAndSave(mux))
	defer app.Close()
	mux.HandleFunc("GET /signin", func(w http.ResponseWriter, r *http.Request) {
		sm.Put(r.Context(), "sub", "auth0|ada") // the host's login decides who this is
		w.WriteHeader(http.StatusNoContent)
	})

	callback := app.URL + "/account/mfa/callback"
	if err := tenant.AddRedirectURI(tenant.ClientID(), callback); err != nil {
		log.Fatal(err)
	}
	mfa, err := mfahandler.New(mfahandler.Config{
		Domain:       tenant.Domain(),
		TenantDomain: tenant.Domain(),
		ClientID:     tenant.ClientID(),
		ClientSecret: tenant.ClientSecret(),
		RedirectURL:  callback,
		Sessions:     session.NewSCS(sm),
		CurrentUser: func(r *http.Request) (string, bool) {
			sub := sm.GetString(r.Context(), "sub")
			return sub, sub != ""
		},
	}, mfahandler.WithInsecureLoopbackHTTP()) // the emulator speaks plain HTTP on loopback
	if err != nil {
		log.Fatal(err)
	}
	mux.Handle(mfa.Pattern(), mfa)
	fmt.Println("mounted at", mfa.Pattern())

	// A browser: a cookie jar, following redirects through the tenant's login.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Path == "/authorize" {
			fmt.Println("step-up for", req.URL.Query().Get("audience") == tenant.MFAAudience())
		}
		return nil
	}}
	get := func(path string) (*http.Response, string) {
		res, err := browser.Get(app.URL + path)
		if err != nil {
			log.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}

	res, _ := get("/account/mfa/")
	fmt.Println("not signed in:", res.StatusCode)

	get("/signin")
	tenant.QueueLogin("auth0|ada") // answers the tenant's login page for this test
	res, body := get("/account/mfa/")
	fmt.Println("signed in:", res.StatusCode, res.Request.URL.Path)
	fmt.Println("offers an authenticator app:", strings.Contains(body, `action="/account/mfa/enroll/totp"`))
	// Output:
	// mounted at /account/mfa/
	// not signed in: 401
	// step-up for true
	// signed in: 200 /account/mfa/
	// offers an authenticator app: true
}
