package app

import (
	"strings"
	"testing"
)

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	realEnv := map[string]string{
		"AUTH0_DOMAIN":        "login.example.com",
		"AUTH0_TENANT_DOMAIN": "acme.eu.auth0.com",
		"AUTH0_CLIENT_ID":     "client-id",
		"AUTH0_CLIENT_SECRET": "s3cret-value",
		"AUTH0_CALLBACK_BASE": "https://app.example.com",
	}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range realEnv {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    Auth0Config // zero: offline
		wantErr []string    // substrings of the error
	}{
		{name: "empty is offline", env: map[string]string{}},
		{name: "offline with addresses and redis", env: map[string]string{"APP_ADDR": ":9000", "TENANT_ADDR": "127.0.0.1:9001", "REDIS_URL": "redis://r:6379/0"}},
		{name: "APP_URL alone stays offline", env: map[string]string{"APP_URL": "https://app.example.com"}},
		{name: "real tenant", env: realEnv, want: Auth0Config{Domain: "login.example.com", TenantDomain: "acme.eu.auth0.com",
			ClientID: "client-id", ClientSecret: "s3cret-value", CallbackBase: "https://app.example.com"}},
		{name: "APP_URL as the callback base", env: with("AUTH0_CALLBACK_BASE", "", "APP_URL", "https://other.example.com"),
			want: Auth0Config{Domain: "login.example.com", TenantDomain: "acme.eu.auth0.com", ClientID: "client-id",
				ClientSecret: "s3cret-value", CallbackBase: "https://other.example.com"}},
		{name: "canonical domain needs no tenant domain", env: with("AUTH0_DOMAIN", "acme.eu.auth0.com", "AUTH0_TENANT_DOMAIN", ""),
			want: Auth0Config{Domain: "acme.eu.auth0.com", ClientID: "client-id", ClientSecret: "s3cret-value", CallbackBase: "https://app.example.com"}},
		{name: "missing secret", env: with("AUTH0_CLIENT_SECRET", ""), wantErr: []string{"AUTH0_CLIENT_SECRET", "offline"}},
		{name: "custom domain without tenant domain", env: with("AUTH0_TENANT_DOMAIN", ""), wantErr: []string{"AUTH0_TENANT_DOMAIN", "custom domain"}},
		{name: "only a domain", env: map[string]string{"AUTH0_DOMAIN": "acme.auth0.com"},
			wantErr: []string{"AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "AUTH0_CALLBACK_BASE (or APP_URL)"}},
		{name: "only a secret", env: map[string]string{"AUTH0_CLIENT_SECRET": "s3cret-value"},
			wantErr: []string{"AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CALLBACK_BASE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := ConfigFromEnv(func(k string) string { return tc.env[k] })
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("no error, want one naming %q", tc.wantErr)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not name %q", err, w)
					}
				}
				if strings.Contains(err.Error(), "s3cret-value") {
					t.Errorf("error %q shows the secret", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ConfigFromEnv: %v", err)
			}
			if cfg.Addr != tc.env["APP_ADDR"] || cfg.TenantAddr != tc.env["TENANT_ADDR"] || cfg.RedisURL != tc.env["REDIS_URL"] {
				t.Errorf("addresses and redis: %q %q %q", cfg.Addr, cfg.TenantAddr, cfg.RedisURL)
			}
			switch {
			case tc.want == (Auth0Config{}) && cfg.Auth0 != nil:
				t.Errorf("Auth0 = %+v, want offline (nil)", *cfg.Auth0)
			case tc.want != (Auth0Config{}) && (cfg.Auth0 == nil || *cfg.Auth0 != tc.want):
				t.Errorf("Auth0 = %+v, want %+v", cfg.Auth0, tc.want)
			}
		})
	}
}
