package auth0test_test

import (
	"crypto/tls"
	"net/http"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/selfmfa/selfmfa/auth0test"
	"github.com/selfmfa/selfmfa/mfaapi"
)

// TestTLS: WithTLS serves https with a certificate only Client (or CertPool) trusts, the
// issuer is https, and an MFA API client works with the production configuration: the domain
// alone, no Insecure… option.
func TestTLS(t *testing.T) {
	t.Parallel()
	emu := auth0test.RunT(t, auth0test.WithTLS(), auth0test.WithUsers(auth0test.User{ID: "auth0|tls", Email: "tls@example.com", Password: "pw-tls-1"}))
	if !strings.HasPrefix(emu.URL(), "https://") || !strings.HasPrefix(emu.CustomURL(), "https://localhost:") || emu.Issuer() != emu.URL()+"/" {
		t.Fatalf("URL %q, custom %q, issuer %q", emu.URL(), emu.CustomURL(), emu.Issuer())
	}
	// Discovery through both domains: each names its own https issuer.
	for _, iss := range []string{emu.Issuer(), emu.CustomIssuer()} {
		p, err := oidc.NewProvider(oidc.ClientContext(t.Context(), emu.Client()), iss)
		if err != nil {
			t.Fatalf("discovery at %s: %v", iss, err)
		}
		if !strings.HasPrefix(p.Endpoint().TokenURL, iss) {
			t.Errorf("token endpoint %q is not under %q", p.Endpoint().TokenURL, iss)
		}
	}
	// A client that does not trust the test CA is refused.
	_, err := (&http.Client{Transport: &http.Transport{}}).Get(emu.URL() + "/.well-known/jwks.json")
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("an untrusting client got %v, want a certificate error", err)
	}
	// CertPool makes any client trust it.
	own := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: emu.CertPool()}}}
	res, err := own.Get(emu.URL() + "/.well-known/jwks.json")
	if err != nil {
		t.Fatalf("with CertPool: %v", err)
	}
	res.Body.Close()
	if len(emu.CACertPEM()) == 0 || !strings.Contains(string(emu.CACertPEM()), "BEGIN CERTIFICATE") {
		t.Error("CACertPEM is empty")
	}
	// The MFA API client with the production configuration.
	api, err := mfaapi.New(emu.Domain(), mfaapi.WithHTTPClient(emu.Client()), mfaapi.WithClientSecret(emu.ClientID(), emu.ClientSecret()))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := emu.IssueAccessToken("auth0|tls", auth0test.TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.Authenticators(t.Context(), tok); err != nil {
		t.Fatalf("the MFA API over https: %v", err)
	}
	// Without WithTLS nothing changes: http, no CA.
	plain := auth0test.RunT(t)
	if !strings.HasPrefix(plain.URL(), "http://") || plain.CertPool() != nil || plain.CACertPEM() != nil {
		t.Errorf("a plain tenant: %q, pool %v", plain.URL(), plain.CertPool())
	}
}
