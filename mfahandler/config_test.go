package mfahandler_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/selfmfa/selfmfa/mfahandler"
	"github.com/selfmfa/selfmfa/session"
	"github.com/selfmfa/selfmfa/views"
)

const configSecret = "s3cr3t-client-secret-value"

// storeOnly hides every method of a store but session.Store's (no Renew).
type storeOnly struct{ session.Store }

// safeSCS is an scs manager configured as the README asks for production.
func safeSCS() *scs.SessionManager {
	sm := scs.New()
	sm.Cookie.Secure = true
	sm.IdleTimeout = 30 * time.Minute
	sm.Lifetime = 12 * time.Hour
	return sm
}

func validConfig() mfahandler.Config {
	return mfahandler.Config{
		Domain:       "acme.eu.auth0.com",
		ClientID:     "client-id",
		ClientSecret: configSecret,
		RedirectURL:  "https://app.example.com/account/mfa/callback",
		Sessions:     session.NewSCS(safeSCS()),
		CurrentUser:  func(*http.Request) (string, bool) { return "", false },
	}
}

// TestNewValidation is New's validation table: every misconfiguration an operator can make is
// refused at start with a message that says what to do, and New never panics.
func TestNewValidation(t *testing.T) {
	t.Parallel()
	type tc struct {
		name    string
		mod     func(c *mfahandler.Config)
		opts    []mfahandler.Option
		wantErr []string // substrings of the error; nil = success
		is      error    // errors.Is target
		aud     string   // expected Audience on success
	}
	cases := []tc{
		{name: "canonical domain alone", aud: "https://acme.eu.auth0.com/mfa/"},
		{name: "custom domain with tenant domain", mod: func(c *mfahandler.Config) {
			c.Domain, c.TenantDomain = "login.example.com", "acme.eu.auth0.com"
		}, aud: "https://acme.eu.auth0.com/mfa/"},
		{name: "custom domain without tenant domain", mod: func(c *mfahandler.Config) { c.Domain = "login.example.com" },
			is: mfahandler.ErrCustomDomainAudience, wantErr: []string{"TenantDomain", "invalid audience", "auth0.com/mfa/"}},
		{name: "tenant domain is a custom domain", mod: func(c *mfahandler.Config) {
			c.Domain, c.TenantDomain = "login.example.com", "login.example.com"
		}, wantErr: []string{"TenantDomain", "not a canonical *.auth0.com"}},
		{name: "tenant domain suffix trick", mod: func(c *mfahandler.Config) {
			c.Domain, c.TenantDomain = "login.example.com", "acme.auth0.com.evil.example"
		}, wantErr: []string{"not a canonical"}},
		{name: "tenant domain with scheme", mod: func(c *mfahandler.Config) { c.TenantDomain = "https://acme.eu.auth0.com" },
			wantErr: []string{"TenantDomain", "without scheme"}},
		{name: "domain with scheme", mod: func(c *mfahandler.Config) { c.Domain = "https://acme.eu.auth0.com" },
			wantErr: []string{"Config.Domain", "without scheme"}},
		{name: "domain with path", mod: func(c *mfahandler.Config) { c.Domain = "acme.eu.auth0.com/x" },
			wantErr: []string{"Config.Domain"}},
		{name: "domain with newline", mod: func(c *mfahandler.Config) { c.Domain = "acme.eu.auth0.com\r\nX: y" },
			wantErr: []string{"Config.Domain"}},
		{name: "missing domain", mod: func(c *mfahandler.Config) { c.Domain = "" }, wantErr: []string{"Config.Domain is required"}},
		{name: "loopback without the insecure option", mod: func(c *mfahandler.Config) {
			c.Domain, c.TenantDomain = "127.0.0.1:8081", "127.0.0.1:8081"
		}, wantErr: []string{"loopback", "WithInsecureLoopbackHTTP"}},
		{name: "loopback with the insecure option", mod: func(c *mfahandler.Config) {
			c.Domain, c.TenantDomain = "127.0.0.1:8081", "127.0.0.1:8081"
			c.RedirectURL = "http://127.0.0.1:8080/account/mfa/callback"
		}, opts: []mfahandler.Option{mfahandler.WithInsecureLoopbackHTTP()}, aud: "https://127.0.0.1:8081/mfa/"},
		{name: "emulator custom domain needs a tenant domain", mod: func(c *mfahandler.Config) {
			c.Domain = "localhost:8081"
		}, opts: []mfahandler.Option{mfahandler.WithInsecureLoopbackHTTP()}, is: mfahandler.ErrCustomDomainAudience},
		{name: "insecure option with a real tenant", opts: []mfahandler.Option{mfahandler.WithInsecureLoopbackHTTP()},
			wantErr: []string{"WithInsecureLoopbackHTTP", "loopback"}},
		{name: "loopback tenant over https", mod: func(c *mfahandler.Config) {
			c.Domain, c.TenantDomain = "127.0.0.1:8081", "127.0.0.1:8081"
		}, opts: []mfahandler.Option{mfahandler.WithLoopbackTenant()}, aud: "https://127.0.0.1:8081/mfa/"},
		{name: "loopback tenant option with a real tenant", opts: []mfahandler.Option{mfahandler.WithLoopbackTenant()},
			wantErr: []string{"WithLoopbackTenant", "loopback"}},
		{name: "insecure option does not allow a public tenant domain", mod: func(c *mfahandler.Config) {
			c.Domain, c.TenantDomain = "127.0.0.1:8081", "login.example.com"
		}, opts: []mfahandler.Option{mfahandler.WithInsecureLoopbackHTTP()}, wantErr: []string{"not a canonical"}},
		{name: "redirect over http", mod: func(c *mfahandler.Config) { c.RedirectURL = "http://app.example.com/account/mfa/callback" },
			wantErr: []string{"RedirectURL", "https"}},
		{name: "redirect over http on loopback", mod: func(c *mfahandler.Config) {
			c.RedirectURL = "http://127.0.0.1:8080/account/mfa/callback"
		}, aud: "https://acme.eu.auth0.com/mfa/"},
		{name: "redirect not under the base path", mod: func(c *mfahandler.Config) { c.RedirectURL = "https://app.example.com/callback" },
			wantErr: []string{"RedirectURL", "/account/mfa/callback"}},
		{name: "redirect under another prefix", mod: func(c *mfahandler.Config) {
			c.RedirectURL = "https://app.example.com/x/account/mfa/callback"
		}, wantErr: []string{"RedirectURL"}},
		{name: "redirect with trailing slash", mod: func(c *mfahandler.Config) {
			c.RedirectURL = "https://app.example.com/account/mfa/callback/"
		}, wantErr: []string{"RedirectURL"}},
		{name: "redirect with query", mod: func(c *mfahandler.Config) {
			c.RedirectURL = "https://app.example.com/account/mfa/callback?next=/admin"
		}, wantErr: []string{"RedirectURL", "query"}},
		{name: "redirect with fragment", mod: func(c *mfahandler.Config) {
			c.RedirectURL = "https://app.example.com/account/mfa/callback#x"
		}, wantErr: []string{"RedirectURL"}},
		{name: "redirect with user info", mod: func(c *mfahandler.Config) {
			c.RedirectURL = "https://user:pw@app.example.com/account/mfa/callback"
		}, wantErr: []string{"RedirectURL"}},
		{name: "relative redirect", mod: func(c *mfahandler.Config) { c.RedirectURL = "/account/mfa/callback" },
			wantErr: []string{"RedirectURL", "absolute"}},
		{name: "javascript redirect", mod: func(c *mfahandler.Config) { c.RedirectURL = "javascript:alert(1)" },
			wantErr: []string{"RedirectURL"}},
		{name: "missing redirect", mod: func(c *mfahandler.Config) { c.RedirectURL = "" }, wantErr: []string{"RedirectURL is required"}},
		{name: "redirect under a custom base path", mod: func(c *mfahandler.Config) {
			c.RedirectURL = "https://app.example.com/settings/2fa/callback"
		}, opts: []mfahandler.Option{mfahandler.WithBasePath("/settings/2fa")}, aud: "https://acme.eu.auth0.com/mfa/"},
		{name: "missing client id", mod: func(c *mfahandler.Config) { c.ClientID = "" }, wantErr: []string{"ClientID is required"}},
		{name: "missing client secret", mod: func(c *mfahandler.Config) { c.ClientSecret = "" }, wantErr: []string{"ClientSecret is required"}},
		{name: "missing sessions", mod: func(c *mfahandler.Config) { c.Sessions = nil }, wantErr: []string{"Sessions is required"}},
		{name: "sessions that cannot renew", mod: func(c *mfahandler.Config) { c.Sessions = storeOnly{c.Sessions} },
			wantErr: []string{"session.Renewer", "WithoutSessionRenewal"}},
		{name: "sessions that cannot renew, accepted explicitly", mod: func(c *mfahandler.Config) { c.Sessions = storeOnly{c.Sessions} },
			opts: []mfahandler.Option{mfahandler.WithoutSessionRenewal()}, aud: "https://acme.eu.auth0.com/mfa/"},
		{name: "insecure session cookie over https", mod: func(c *mfahandler.Config) {
			sm := safeSCS()
			sm.Cookie.Secure, sm.Cookie.HttpOnly, sm.Cookie.SameSite = false, false, http.SameSiteNoneMode
			sm.IdleTimeout, sm.Lifetime = 0, 30*24*time.Hour
			c.Sessions = session.NewSCS(sm)
		}, wantErr: []string{"not configured safely", "Cookie.Secure", "HttpOnly", "SameSite", "IdleTimeout", "Lifetime"}},
		{name: "plain scs manager on loopback http", mod: func(c *mfahandler.Config) {
			c.RedirectURL = "http://127.0.0.1:8080/account/mfa/callback"
			c.Sessions = session.NewSCS(scs.New())
		}, aud: "https://acme.eu.auth0.com/mfa/"},
		{name: "missing current user", mod: func(c *mfahandler.Config) { c.CurrentUser = nil }, wantErr: []string{"CurrentUser is required"}},
		{name: "everything missing", mod: func(c *mfahandler.Config) { *c = mfahandler.Config{} },
			wantErr: []string{"Domain", "ClientID", "ClientSecret", "Sessions", "CurrentUser", "RedirectURL"}},
		{name: "unknown factor", opts: []mfahandler.Option{mfahandler.WithFactors("webauthn")}, wantErr: []string{"unknown factor", "webauthn"}},
		{name: "factor with different case", opts: []mfahandler.Option{mfahandler.WithFactors("TOTP")}, wantErr: []string{"unknown factor"}},
		{name: "no factor", opts: []mfahandler.Option{mfahandler.WithFactors()}, wantErr: []string{"no factor"}},
		{name: "phone codes alone", opts: []mfahandler.Option{mfahandler.WithFactors(mfahandler.FactorSMS, mfahandler.FactorVoice)},
			wantErr: []string{"FactorTOTP or FactorPush", "SIM swap"}},
		{name: "email alone", opts: []mfahandler.Option{mfahandler.WithFactors(mfahandler.FactorEmail)}, wantErr: []string{"FactorTOTP or FactorPush"}},
		{name: "push with phone codes", opts: []mfahandler.Option{mfahandler.WithFactors(mfahandler.FactorPush, mfahandler.FactorSMS)},
			aud: "https://acme.eu.auth0.com/mfa/"},
		{name: "max age zero", opts: []mfahandler.Option{mfahandler.WithMaxAge(0)}, wantErr: []string{"WithMaxAge"}},
		{name: "max age too long", opts: []mfahandler.Option{mfahandler.WithMaxAge(2 * time.Hour)}, wantErr: []string{"WithMaxAge"}},
		{name: "zero limits", opts: []mfahandler.Option{mfahandler.WithLimits(mfahandler.Limits{})},
			wantErr: []string{"WithLimits", "CodesPerEnrollment"}},
		{name: "limits sharing a rule name", opts: []mfahandler.Option{mfahandler.WithLimits(func() mfahandler.Limits {
			l := mfahandler.DefaultLimits()
			l.Sends.Name = l.Codes.Name
			return l
		}())}, wantErr: []string{"WithLimits", "used twice"}},
		{name: "default limits", opts: []mfahandler.Option{mfahandler.WithLimits(mfahandler.DefaultLimits())}, aud: "https://acme.eu.auth0.com/mfa/"},
		{name: "nil options", opts: []mfahandler.Option{nil, nil}, aud: "https://acme.eu.auth0.com/mfa/"},
		{name: "nil options among others", opts: []mfahandler.Option{nil, mfahandler.WithLogger(nil), mfahandler.WithHTTPClient(nil),
			mfahandler.WithClock(nil), mfahandler.WithEvents(nil), mfahandler.WithLimiter(nil), mfahandler.WithViews(views.Views{}), mfahandler.WithLayout(nil), mfahandler.WithPhoneValidator(nil)},
			aud: "https://acme.eu.auth0.com/mfa/"},
	}
	for _, p := range []string{"", "account/mfa", "/account/mfa/", "/", "/a b", "/a//b", "/a?x", "/a#x", "/{x}", "/a*", "/a\nb"} {
		cases = append(cases, tc{name: fmt.Sprintf("base path %q", p), opts: []mfahandler.Option{mfahandler.WithBasePath(p)},
			wantErr: []string{"base path"}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			cfg := validConfig()
			if c.mod != nil {
				c.mod(&cfg)
			}
			var h *mfahandler.Handler
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("New panicked: %v", r)
					}
				}()
				h, err = mfahandler.New(cfg, c.opts...)
			}()
			if c.wantErr == nil && c.is == nil {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if h.Audience() != c.aud {
					t.Errorf("Audience() = %q, want %q", h.Audience(), c.aud)
				}
				if !strings.HasSuffix(h.Pattern(), "/") || h.Pattern() != h.BasePath()+"/" {
					t.Errorf("Pattern() = %q, BasePath() = %q", h.Pattern(), h.BasePath())
				}
				return
			}
			if err == nil {
				t.Fatal("New accepted the configuration")
			}
			if h != nil {
				t.Error("New returned a handler with an error")
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %q is not %v", err, c.is)
			}
			for _, s := range c.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			if !strings.HasPrefix(err.Error(), "mfahandler: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if strings.Contains(err.Error(), configSecret) {
				t.Errorf("error %q carries the client secret", err)
			}
		})
	}
}

// TestErrCustomDomainAudienceExplains checks the operator message itself.
func TestErrCustomDomainAudienceExplains(t *testing.T) {
	t.Parallel()
	msg := mfahandler.ErrCustomDomainAudience.Error()
	for _, s := range []string{"custom domain", "TenantDomain", "https://{TENANT}.auth0.com/mfa/", "invalid audience", "/mfa/associate"} {
		if !strings.Contains(msg, s) {
			t.Errorf("ErrCustomDomainAudience does not mention %q: %s", s, msg)
		}
	}
}
