package myaccount

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The benchmarks list the OAS example (seven methods) from a loopback server: through the
// Client, and through the baseline a host would hand-write (one GET, one json.Unmarshal into a
// plain struct, no checks). The ratio is the Client's cost for its checks, lenient decoding and
// redaction-ready types. Run:
//
//	go test -run '^$' -bench Methods -benchmem -count 6 ./myaccount/ | benchstat -col /impl -

func benchServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, oasList)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func BenchmarkMethods(b *testing.B) {
	b.Run("impl=client", func(b *testing.B) {
		srv := benchServer(b)
		c, err := New(testDomain, WithInsecureBaseURL(srv.URL), WithHTTPClient(srv.Client()))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if list, err := c.Methods(b.Context(), testToken, ""); err != nil || len(list) != 7 {
				b.Fatal(len(list), err)
			}
		}
	})
	b.Run("impl=baseline", func(b *testing.B) {
		srv := benchServer(b)
		hc := srv.Client()
		type method struct {
			ID                   string   `json:"id"`
			Type                 string   `json:"type"`
			CreatedAt            string   `json:"created_at"`
			LastAuthAt           string   `json:"last_auth_at"`
			Usage                []string `json:"usage"`
			Confirmed            bool     `json:"confirmed"`
			Name                 string   `json:"name"`
			PhoneNumber          string   `json:"phone_number"`
			PreferredChannel     string   `json:"preferred_authentication_method"`
			Email                string   `json:"email"`
			KeyID                string   `json:"key_id"`
			PublicKey            string   `json:"public_key"`
			CredentialDeviceType string   `json:"credential_device_type"`
			CredentialBackedUp   bool     `json:"credential_backed_up"`
			IdentityUserID       string   `json:"identity_user_id"`
			Transports           []string `json:"transports"`
			UserAgent            string   `json:"user_agent"`
			UserHandle           string   `json:"user_handle"`
			RelyingPartyID       string   `json:"relying_party_id"`
		}
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, srv.URL+"/me/v1/authentication-methods", nil)
			req.Header.Set("Authorization", "Bearer "+testToken)
			req.Header.Set("Accept", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			data, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			var w struct {
				Methods []method `json:"authentication_methods"`
			}
			if err != nil || json.Unmarshal(data, &w) != nil || len(w.Methods) != 7 {
				b.Fatal(err)
			}
		}
	})
}
