package mounting_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
	"github.com/selfmfa/selfmfa/session"
)

// TestNonDefaultBasePath mounts the handler at /settings/security on both routers and walks a
// whole enrollment: every link, form and asset the pages name stays under that path, the
// callback arrives there, and nothing answers at the default /account/mfa.
func TestNonDefaultBasePath(t *testing.T) {
	t.Parallel()
	const base = "/settings/security"
	routers := []struct {
		name  string
		mount func(sm *scs.SessionManager, h *mfahandler.Handler, signIn http.HandlerFunc) http.Handler
	}{
		{"ServeMux", func(sm *scs.SessionManager, h *mfahandler.Handler, signIn http.HandlerFunc) http.Handler {
			mux := http.NewServeMux()
			mux.Handle(h.Pattern(), h)
			mux.HandleFunc("POST /test/sign-in", signIn)
			return sm.LoadAndSave(mux)
		}},
		{"chi", func(sm *scs.SessionManager, h *mfahandler.Handler, signIn http.HandlerFunc) http.Handler {
			r := chi.NewRouter()
			r.Use(sm.LoadAndSave)
			r.Mount(h.BasePath(), h)
			r.Post("/test/sign-in", signIn)
			return r
		}},
	}
	for _, rt := range routers {
		t.Run(rt.name, func(t *testing.T) {
			t.Parallel()
			const sub = "auth0|alice"
			emu, err := auth0test.NewServer(auth0test.WithUsers(auth0test.User{ID: sub, Email: "alice@example.com"}))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(emu.Close)
			sm := scs.New()
			app := httptest.NewUnstartedServer(nil) // its address first: the callback URL needs it
			appURL := "http://" + app.Listener.Addr().String()
			h, err := mfahandler.New(mfahandler.Config{
				Domain: emu.Domain(), TenantDomain: emu.Domain(),
				ClientID: emu.ClientID(), ClientSecret: emu.ClientSecret(),
				RedirectURL: appURL + base + "/callback",
				Sessions:    session.NewSCS(sm),
				CurrentUser: func(r *http.Request) (string, bool) {
					s := sm.GetString(r.Context(), "user")
					return s, s != ""
				},
			}, mfahandler.WithInsecureLoopbackHTTP(), mfahandler.WithBasePath(base))
			if err != nil {
				t.Fatal(err)
			}
			if err := emu.AddRedirectURI(emu.ClientID(), appURL+base+"/callback"); err != nil {
				t.Fatal(err)
			}
			app.Config.Handler = rt.mount(sm, h, func(w http.ResponseWriter, r *http.Request) { sm.Put(r.Context(), "user", sub) })
			app.Start()
			t.Cleanup(app.Close)

			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar}
			get := func(path string) (int, string, *url.URL) {
				t.Helper()
				res, err := c.Get(app.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res.StatusCode, string(b), res.Request.URL
			}
			if res, err := c.Post(app.URL+"/test/sign-in", "", nil); err != nil {
				t.Fatal(err)
			} else {
				res.Body.Close()
			}
			if status, _, _ := get("/account/mfa/"); status != http.StatusNotFound {
				t.Errorf("GET /account/mfa/ answered %d; the handler is mounted at %s only", status, base)
			}

			emu.QueueLogin(sub)
			status, list, at := get(base + "/")
			if status != http.StatusOK || at.Path != base+"/" {
				t.Fatalf("the list page after the tenant's login: %d at %s", status, at)
			}
			assertUnderBase(t, list, base)

			res, err := c.PostForm(app.URL+base+"/enroll/totp", nil)
			if err != nil {
				t.Fatal(err)
			}
			setup, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Request.URL.Path, base+"/") {
				t.Fatalf("TOTP setup: %d at %s", res.StatusCode, res.Request.URL)
			}
			assertUnderBase(t, string(setup), base)

			var pending string
			for _, a := range emu.Authenticators(sub) {
				if strings.HasPrefix(a.ID, "totp|") && !a.Active {
					pending = a.ID
				}
			}
			code, err := emu.TOTPCode(pending)
			if err != nil {
				t.Fatalf("no pending TOTP after the setup page: %v", err)
			}
			form := regexp.MustCompile(`action="` + regexp.QuoteMeta(base) + `/enroll/confirm"><input type="hidden" name="enrollment" value="([^"]+)"`).FindStringSubmatch(string(setup))
			if form == nil {
				t.Fatalf("no confirm form posting to %s/enroll/confirm on the setup page", base)
			}
			res, err = c.PostForm(app.URL+base+"/enroll/confirm", url.Values{"enrollment": {form[1]}, "code": {code}})
			if err != nil {
				t.Fatal(err)
			}
			done, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Request.URL.Path, base+"/") || !strings.Contains(string(done), "recovery code") {
				t.Fatalf("after confirming: %d at %s, want the recovery code page", res.StatusCode, res.Request.URL)
			}
			assertUnderBase(t, string(done), base)
			active := false
			for _, a := range emu.Authenticators(sub) {
				active = active || (strings.HasPrefix(a.ID, "totp|") && a.Active)
			}
			if !active {
				t.Error("the tenant lists no active TOTP after the confirmation")
			}
		})
	}
}

var pathAttr = regexp.MustCompile(`(?:href|action|src)="(/[^"]*)"`)

// assertUnderBase fails for every same-site path a page names outside base.
func assertUnderBase(t *testing.T, body, base string) {
	t.Helper()
	found := pathAttr.FindAllStringSubmatch(body, -1)
	if len(found) == 0 {
		t.Fatal("the page names no path at all")
	}
	for _, m := range found {
		if p := m[1]; p != base && !strings.HasPrefix(p, base+"/") {
			t.Errorf("the page names %q, outside %s", p, base)
		}
	}
}
