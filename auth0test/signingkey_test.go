package auth0test

import (
	"net/http"
	"testing"
)

// TestSigningKeys: tenants share the process's key by default (a fast start), still refuse
// each other's tokens (their issuers and audiences differ), and WithFreshSigningKey gives a
// tenant a key of its own, whose signatures no other tenant accepts.
func TestSigningKeys(t *testing.T) {
	t.Parallel()
	alice := User{ID: aliceID, Email: "alice@example.com", Password: alicePass}
	a, b := RunT(t, WithUsers(alice)), RunT(t, WithUsers(alice))
	fresh := RunT(t, WithFreshSigningKey(), WithUsers(alice))
	if a.keys.kid != b.keys.kid {
		t.Error("two default tenants have different keys: each start pays for a new key")
	}
	if fresh.keys.kid == a.keys.kid {
		t.Error("WithFreshSigningKey kept the process's key")
	}
	tok, err := a.IssueAccessToken(aliceID, TokenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.keys.verify(tok); err != nil {
		t.Errorf("a tenant with the process key refused its signature: %v", err)
	}
	if _, err := fresh.keys.verify(tok); err == nil {
		t.Error("a tenant with a fresh key accepted another tenant's signature")
	}
	for _, tc := range []struct {
		name string
		s    *Server
		want int
	}{{"own tenant", a, http.StatusOK}, {"same key, other tenant", b, http.StatusUnauthorized}, {"fresh key", fresh, http.StatusUnauthorized}} {
		req, _ := http.NewRequest(http.MethodGet, tc.s.URL()+"/mfa/authenticators", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := tc.s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("%s: a's token got %d, want %d", tc.name, res.StatusCode, tc.want)
		}
	}
}

// BenchmarkNewServer: starting (and closing) a tenant with the process's key, next to one
// that generates its own.
func BenchmarkNewServer(b *testing.B) {
	for _, bc := range []struct {
		name string
		opts []Option
	}{{"process-key", nil}, {"fresh-key", []Option{WithFreshSigningKey()}}} {
		b.Run(bc.name, func(b *testing.B) {
			if _, err := processKey(); err != nil { // the one generation, outside the timing
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				s, err := NewServer(bc.opts...)
				if err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
		})
	}
}
