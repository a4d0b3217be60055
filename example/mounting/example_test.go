package mounting_test

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
	"github.com/selfmfa/selfmfa/session"
	"github.com/selfmfa/selfmfa/views"
)

// The standard library's mux: mux.Handle(h.Pattern(), h).
func Example_serveMux() {
	emu, err := auth0test.NewServer(auth0test.WithUsers(auth0test.User{ID: "auth0|alice", Email: "alice@example.com"}))
	if err != nil {
		panic(err)
	}
	defer emu.Close()

	sm := scs.New()
	mux := http.NewServeMux()
	app := httptest.NewServer(sm.LoadAndSave(mux))
	defer app.Close()

	h, err := mfahandler.New(mfahandler.Config{
		Domain:       emu.Domain(), // a real app: "login.example.com", the custom domain users log in through
		TenantDomain: emu.Domain(), // a real app: "acme.eu.auth0.com", the tenant's canonical domain
		ClientID:     emu.ClientID(),
		ClientSecret: emu.ClientSecret(),
		RedirectURL:  app.URL + "/account/mfa/callback",
		Sessions:     session.NewSCS(sm),
		CurrentUser: func(r *http.Request) (string, bool) {
			sub := sm.GetString(r.Context(), "user")
			return sub, sub != ""
		},
	}, mfahandler.WithInsecureLoopbackHTTP()) // the emulator speaks plain HTTP on loopback
	if err != nil {
		panic(err)
	}
	if err := emu.AddRedirectURI(emu.ClientID(), app.URL+"/account/mfa/callback"); err != nil {
		panic(err)
	}

	mux.Handle(h.Pattern(), h) // "/account/mfa/", no http.StripPrefix
	mux.HandleFunc("POST /test/sign-in", func(w http.ResponseWriter, r *http.Request) {
		sm.Put(r.Context(), "user", "auth0|alice") // stands in for the app's own login
	})

	visit(app.URL, emu)
	// Output:
	// GET /account/mfa/: 303 to /authorize
	// audience is the canonical MFA audience: true
	// scope: openid email enroll read:authenticators remove:authenticators
	// stylesheet under the base path: 200
}

// chi: r.Mount(h.BasePath(), h), inside the session middleware.
func Example_chi() {
	emu, err := auth0test.NewServer(auth0test.WithUsers(auth0test.User{ID: "auth0|alice", Email: "alice@example.com"}))
	if err != nil {
		panic(err)
	}
	defer emu.Close()

	sm := scs.New()
	r := chi.NewRouter()
	app := httptest.NewServer(r)
	defer app.Close()

	h, err := mfahandler.New(mfahandler.Config{
		Domain:       emu.Domain(),
		TenantDomain: emu.Domain(),
		ClientID:     emu.ClientID(),
		ClientSecret: emu.ClientSecret(),
		RedirectURL:  app.URL + "/account/mfa/callback",
		Sessions:     session.NewSCS(sm),
		CurrentUser: func(r *http.Request) (string, bool) {
			sub := sm.GetString(r.Context(), "user")
			return sub, sub != ""
		},
	}, mfahandler.WithInsecureLoopbackHTTP())
	if err != nil {
		panic(err)
	}
	if err := emu.AddRedirectURI(emu.ClientID(), app.URL+"/account/mfa/callback"); err != nil {
		panic(err)
	}

	r.Use(sm.LoadAndSave)
	r.Mount(h.BasePath(), h) // "/account/mfa", no http.StripPrefix
	r.Post("/test/sign-in", func(w http.ResponseWriter, r *http.Request) {
		sm.Put(r.Context(), "user", "auth0|alice")
	})

	visit(app.URL, emu)
	// Output:
	// GET /account/mfa/: 303 to /authorize
	// audience is the canonical MFA audience: true
	// scope: openid email enroll read:authenticators remove:authenticators
	// stylesheet under the base path: 200
}

// visit signs in and opens the security settings. A signed-in user without a fresh MFA API
// token is sent to the tenant's /authorize for the audience https://{TenantDomain}/mfa/.
func visit(appURL string, emu *auth0test.Server) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Post(appURL+"/test/sign-in", "", nil)
	if err != nil {
		panic(err)
	}
	res.Body.Close()

	res, err = c.Get(appURL + "/account/mfa/")
	if err != nil {
		panic(err)
	}
	res.Body.Close()
	loc, _ := res.Location()
	fmt.Printf("GET /account/mfa/: %d to %s\n", res.StatusCode, loc.Path)
	fmt.Println("audience is the canonical MFA audience:", loc.Query().Get("audience") == emu.MFAAudience())
	fmt.Println("scope:", loc.Query().Get("scope"))

	res, err = c.Get(appURL + "/account/mfa/static/" + views.StylesheetFile())
	if err != nil {
		panic(err)
	}
	res.Body.Close()
	fmt.Println("stylesheet under the base path:", res.StatusCode)
}
