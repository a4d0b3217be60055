package app

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/selfmfa/selfmfa/auth0test"
)

const testSecret = "s3cret-client-value"

// fakeTenant answers discovery with issuer and the MFA grant probe with status and error.
func fakeTenant(t *testing.T, issuer string, status int, code string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if issuer == "" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": issuer})
	})
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Errorf("probe form: %v", err)
		}
		for k, want := range map[string]string{
			"grant_type": "http://auth0.com/oauth/grant-type/mfa-otp", "client_id": "cid", "client_secret": testSecret,
			"mfa_token": "selfmfa-startup-check", "otp": "000000",
		} {
			if got := r.PostForm.Get(k); got != want {
				t.Errorf("probe %s = %q, want %q", k, got, want)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": "from the fake"})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestCheckTenant(t *testing.T) {
	t.Parallel()
	const iss = "https://acme.eu.auth0.com/"
	good := Auth0Config{Domain: "acme.eu.auth0.com", ClientID: "cid", ClientSecret: testSecret}
	for _, tc := range []struct {
		name   string
		a      Auth0Config
		issuer string // announced by discovery; "" answers 404
		status int
		code   string
		want   []string // one substring per expected finding; none = no finding
		// myAccount: the handler runs on the My Account API, which needs neither the MFA
		// grant nor a canonical tenant domain.
		myAccount bool
	}{
		{name: "all fine (invalid_grant: Malformed mfa_token)", a: good, issuer: iss, status: 401, code: "invalid_grant"},
		{name: "MFA grant not enabled", a: good, issuer: iss, status: 403, code: "unauthorized_client",
			want: []string{"Grant Types > MFA"}},
		{name: "wrong secret (access_denied)", a: good, issuer: iss, status: 401, code: "access_denied",
			want: []string{"AUTH0_CLIENT_SECRET"}},
		{name: "wrong secret (invalid_client)", a: good, issuer: iss, status: 401, code: "invalid_client",
			want: []string{"AUTH0_CLIENT_SECRET"}},
		{name: "something else", a: good, issuer: iss, status: 500, code: "server_error",
			want: []string{`unexpected answer to the MFA grant check: HTTP 500 "server_error"`}},
		{name: "issuer differs", a: good, issuer: "https://other.auth0.com/", status: 401, code: "invalid_grant",
			want: []string{`issuer is "https://other.auth0.com/"`}},
		{name: "no discovery", a: good, status: 401, code: "invalid_grant", want: []string{"(Not Found): check AUTH0_DOMAIN"}},
		{name: "custom tenant domain", issuer: iss, status: 401, code: "invalid_grant",
			a:    Auth0Config{Domain: "acme.eu.auth0.com", TenantDomain: "login.example.com", ClientID: "cid", ClientSecret: testSecret},
			want: []string{`"login.example.com" does not end in .auth0.com`}},
		{name: "my account: custom domain alone, no MFA grant", issuer: iss, status: 403, code: "unauthorized_client", myAccount: true,
			a: Auth0Config{Domain: "login.example.com", ClientID: "cid", ClientSecret: testSecret}},
		{name: "my account: wrong secret", a: good, issuer: iss, status: 401, code: "invalid_client", myAccount: true,
			want: []string{"AUTH0_CLIENT_SECRET"}},
		{name: "several at once", a: good, issuer: "https://x/", status: 403, code: "unauthorized_client",
			want: []string{"issuer", "Grant Types > MFA"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := fakeTenant(t, tc.issuer, tc.status, tc.code)
			got := checkTenant(context.Background(), srv.Client(), srv.URL, iss, tc.a, tc.myAccount)
			if len(got) != len(tc.want) {
				t.Fatalf("findings %q, want %d matching %q", got, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("finding %q lacks %q", got[i], w)
				}
			}
			for _, f := range got {
				if strings.Contains(f, testSecret) {
					t.Errorf("finding shows the client secret: %q", f)
				}
			}
		})
	}
}

func TestCheckTenantUnreachable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	got := checkTenant(context.Background(), http.DefaultClient, srv.URL, "https://acme.auth0.com/",
		Auth0Config{Domain: "acme.auth0.com", ClientID: "cid", ClientSecret: testSecret}, false)
	if len(got) != 2 || !strings.Contains(got[0], "could not read") || !strings.Contains(got[1], "could not reach") {
		t.Errorf("findings %q, want discovery and token endpoint unreachable", got)
	}
}

// The emulator answers the probe as Auth0 does (contract "Wire decisions").
func TestCheckTenantAgainstTheEmulator(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		opts   []auth0test.Option
		setup  func(*auth0test.Server)
		secret func(*auth0test.Server) string
		want   string
	}{
		{name: "fine"},
		{name: "grant off", setup: func(s *auth0test.Server) { _ = s.SetMFAGrantEnabled(s.ClientID(), false) }, want: "Grant Types > MFA"},
		{name: "wrong secret", secret: func(*auth0test.Server) string { return "wrong" }, want: "AUTH0_CLIENT_SECRET"},
		{name: "wrong secret, invalid_client", opts: []auth0test.Option{auth0test.WithInvalidClientErrors()},
			secret: func(*auth0test.Server) string { return "wrong" }, want: "AUTH0_CLIENT_SECRET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			emu := auth0test.RunT(t, append([]auth0test.Option{auth0test.WithSigningKey(testKey())}, tc.opts...)...)
			if tc.setup != nil {
				tc.setup(emu)
			}
			secret := emu.ClientSecret()
			if tc.secret != nil {
				secret = tc.secret(emu)
			}
			a := Auth0Config{Domain: "acme.eu.auth0.com", ClientID: emu.ClientID(), ClientSecret: secret}
			got := checkTenant(context.Background(), emu.Client(), emu.URL(), emu.Issuer(), a, false)
			switch {
			case tc.want == "" && len(got) != 0:
				t.Errorf("findings %q, want none", got)
			case tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)):
				t.Errorf("findings %q, want one naming %q", got, tc.want)
			}
		})
	}
}
