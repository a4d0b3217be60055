package e2e

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfahandler"
	"github.com/selfmfa/selfmfa/session"
	"github.com/selfmfa/selfmfa/views"
)

// testHost is a minimal host app built in the test, for what example/app's Config cannot express:
// a replaced page (mfahandler.WithViews), the last-factor guard, and pages no flow reaches. Its
// "login" is a test shortcut (GET /test-signin?sub=…); the step-up still goes through the
// emulated tenant's real login page in the browser.
type testHost struct {
	URL  string
	emu  *auth0test.Server
	clk  *clock
	user auth0test.User
}

// customListMarker is rendered only by the host's replacement list page.
const customListMarker = "host-custom-list"

func startHost(t *testing.T, clk *clock, opts ...mfahandler.Option) *testHost {
	t.Helper()
	return startHostOn(t, clk, false, opts...)
}

// startHostOn starts the host; with customDomain it makes the classic mistake of building the
// MFA audience from the custom domain: Domain and TenantDomain both name the emulator's custom
// domain (localhost:P), so the audience is https://localhost:P/mfa/.
func startHostOn(t *testing.T, clk *clock, customDomain bool, opts ...mfahandler.Option) *testHost {
	t.Helper()
	emu := auth0test.RunT(t,
		auth0test.WithClock(clk.Now),
		auth0test.WithDevPages(true),
		auth0test.WithSigningKey(sharedKey(t)),
		auth0test.WithClient("test-host", "test-host-secret"),
		auth0test.WithLogger(slog.New(slog.DiscardHandler)),
	)
	sm := scs.New()
	sm.Cookie.Name = "host_session"
	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(sm.LoadAndSave(mux))
	srv.Start()
	t.Cleanup(srv.Close)
	if err := emu.AddRedirectURI("test-host", srv.URL+"/account/mfa/callback"); err != nil {
		t.Fatal(err)
	}
	all := []mfahandler.Option{
		mfahandler.WithInsecureLoopbackHTTP(),
		mfahandler.WithClock(clk.Now),
		mfahandler.WithLogger(slog.New(slog.DiscardHandler)),
		mfahandler.WithHTTPClient(&http.Client{Timeout: 10 * time.Second}),
		mfahandler.WithFactors(mfahandler.FactorTOTP, mfahandler.FactorSMS),
	}
	domain := emu.Domain()
	if customDomain {
		domain = emu.CustomDomain()
	}
	h, err := mfahandler.New(mfahandler.Config{
		Domain:       domain,
		TenantDomain: domain,
		ClientID:     "test-host",
		ClientSecret: "test-host-secret",
		RedirectURL:  srv.URL + "/account/mfa/callback",
		Sessions:     session.NewSCS(sm),
		CurrentUser: func(r *http.Request) (string, bool) {
			sub := sm.GetString(r.Context(), "sub")
			return sub, sub != ""
		},
	}, append(all, opts...)...)
	if err != nil {
		t.Fatalf("mfahandler.New: %v", err)
	}
	mux.Handle(h.Pattern(), h)
	mux.HandleFunc("GET /test-signin", func(w http.ResponseWriter, r *http.Request) {
		if err := sm.RenewToken(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		sm.Put(r.Context(), "sub", r.URL.Query().Get("sub"))
		http.Redirect(w, r, "/account/mfa/", http.StatusSeeOther)
	})
	// A page no handler flow renders: the push enrollment's "approved" state (an approved push
	// goes straight on to the recovery code or the list). Rendered with the default layout and
	// stylesheet, under selfmfa's own Content-Security-Policy.
	mux.HandleFunc("GET /gallery/push-approved", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", mfahandler.DefaultContentSecurityPolicy)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		meta := views.PageMeta{
			BasePath:      "/account/mfa",
			AppName:       "Test host",
			StylesheetURL: templ.SafeURL("/account/mfa/static/" + views.StylesheetFile()),
		}
		page := views.PushPage{Meta: meta, State: views.PushApproved,
			Next: views.Action{Label: "Continue", Href: "/account/mfa/"}}
		_ = views.Push(page).Render(r.Context(), w)
	})
	return &testHost{URL: srv.URL, emu: emu, clk: clk, user: newUser(t, emu)}
}

// customList replaces the list page: the host's own markup around selfmfa's reusable parts
// (FactorTable and the "add" forms), wrapped in the configured layout through PageMeta.Wrap.
func customList(p views.ListPage) templ.Component {
	// A replaced page names its document itself: PageMeta.Title is empty for the default pages'
	// own headings, and DefaultLayout would render an empty <title>.
	p.Meta.Title = "Your account's second factors"
	body := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		c := p.Meta.Classes
		if _, err := io.WriteString(w, `<div class="`+customListMarker+`"><h1>Your account's second factors</h1>`+
			`<p>This list is the host's own page, built from selfmfa's parts.</p>`); err != nil {
			return err
		}
		if err := views.FlashMessage(c, p.Flash).Render(ctx, w); err != nil {
			return err
		}
		if len(p.Groups) > 0 {
			if err := views.FactorTable(c, p.Groups).Render(ctx, w); err != nil {
				return err
			}
		} else if _, err := io.WriteString(w, `<p>No second factor yet.</p>`); err != nil {
			return err
		}
		if _, err := io.WriteString(w, `<h2>Add one</h2><ul>`); err != nil {
			return err
		}
		for _, ch := range p.Add {
			if _, err := io.WriteString(w, `<li>`); err != nil {
				return err
			}
			label := html.EscapeString(ch.Kind.Label())
			switch {
			case ch.Start.Form != nil:
				btn := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
					_, err := io.WriteString(w, `<button type="submit" class="host-add">Add `+label+`</button>`)
					return err
				})
				if err := views.FormElement(c, *ch.Start.Form, nil).Render(templ.WithChildren(ctx, btn), w); err != nil {
					return err
				}
			case ch.Start.Href != "":
				if _, err := io.WriteString(w, `<a class="host-add" href="`+html.EscapeString(string(ch.Start.Href))+`">Add `+label+`</a>`); err != nil {
					return err
				}
			}
			if _, err := io.WriteString(w, `</li>`); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, `</ul></div>`)
		return err
	})
	return p.Meta.Wrap(body)
}
