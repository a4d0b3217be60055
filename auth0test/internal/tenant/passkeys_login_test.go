package tenant

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test/webauthntest"
)

const loginOrigin = "http://localhost:8443"

var loginRP = PasskeyRP{ID: "localhost", Name: "My Test Tenant", Origins: []string{loginOrigin, "https://login.example"}}

// TestPasskeyLogin: a discoverable assertion of a registered passkey signs its user in and moves
// last_auth_at and the counter; every other assertion is refused and moves nothing.
func TestPasskeyLogin(t *testing.T) {
	t.Parallel()
	type env struct {
		tn   *Tenant
		a    *webauthntest.Authenticator
		opts []byte
		chal string
		rp   PasskeyRP
	}
	get := func(c webauthntest.Ceremony) func(*testing.T, *env) []byte {
		return func(t *testing.T, e *env) []byte {
			t.Helper()
			if c.Origin == "" {
				c.Origin = loginOrigin
			}
			resp, err := e.a.GetWith(e.opts, c)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
	}
	for _, tc := range []struct {
		name    string
		prepare func(*testing.T, *env)
		resp    func(*testing.T, *env) []byte
		desc    string // "" signs in
	}{
		{name: "honest", resp: get(webauthntest.Ceremony{})},
		{name: "wrong challenge", resp: get(webauthntest.Ceremony{Challenge: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}), desc: descPasskeyLoginFailed},
		{name: "type webauthn.create", resp: get(webauthntest.Ceremony{Type: "webauthn.create"}), desc: descPasskeyLoginFailed},
		{name: "origin not allowed", resp: get(webauthntest.Ceremony{Origin: "http://localhost:9999"}), desc: descPasskeyLoginFailed},
		{name: "allowed origin not under rp.id", resp: get(webauthntest.Ceremony{Origin: "https://login.example"}), desc: descPasskeyLoginFailed},
		{name: "rpIdHash of another rp.id", resp: get(webauthntest.Ceremony{RPID: "example.com"}), desc: descPasskeyLoginFailed},
		{name: "replayed assertion", prepare: func(t *testing.T, e *env) {
			resp := get(webauthntest.Ceremony{})(t, e)
			if _, err := e.tn.PasskeyLogin(e.chal, loginRP, resp); err != nil {
				t.Fatal(err)
			}
			e.a.Credentials()[0].SignCount-- // the same counter again: a cloned authenticator
		}, resp: get(webauthntest.Ceremony{}), desc: descPasskeyLoginFailed},
		{name: "credential never registered", prepare: func(t *testing.T, e *env) {
			_, opts := startPasskey(t, e.tn, bob)
			if _, err := e.a.Create(opts, pkOrigin); err != nil { // made for bob, never verified: the newest
				t.Fatal(err)
			}
		}, resp: get(webauthntest.Ceremony{}), desc: descPasskeyLoginUnknown},
		{name: "passkey removed", prepare: func(t *testing.T, e *env) {
			if err := e.tn.DeleteMethod(alice, e.tn.Methods(alice, MethodPasskey)[0].ID); err != nil {
				t.Fatal(err)
			}
		}, resp: get(webauthntest.Ceremony{}), desc: descPasskeyLoginUnknown},
		{name: "passkey of another rp.id", prepare: func(t *testing.T, e *env) {
			o, chal := e.tn.PasskeyLoginOptions("app.localhost")
			e.opts, e.chal, e.rp = mustMarshalT(t, o), chal, PasskeyRP{ID: "app.localhost", Origins: []string{"http://app.localhost:8443"}}
		}, resp: func(t *testing.T, e *env) []byte {
			// the key registered for localhost signs for app.localhost: a valid signature, the
			// wrong relying party
			return get(webauthntest.Ceremony{Origin: "http://app.localhost:8443", Reuse: e.a.Credentials()[0]})(t, e)
		}, desc: descPasskeyLoginUnknown},
		{name: "not JSON", resp: func(*testing.T, *env) []byte { return []byte("{") }, desc: descPasskeyLoginFailed},
		{name: "passkeys off", prepare: func(t *testing.T, e *env) {
			s := e.tn.Settings()
			s.Passkeys = false
			e.tn.SetSettings(s)
		}, resp: get(webauthntest.Ceremony{}), desc: descPasskeyDisabled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tn, clk := newTestTenant(t)
			e := &env{tn: tn, a: webauthntest.New(webauthntest.Provider{BackupEligible: true, BackedUp: true}), rp: loginRP}
			addPasskey(t, tn, alice, e.a)
			clk.Advance(time.Hour)
			o, chal := tn.PasskeyLoginOptions("localhost")
			e.opts, e.chal = mustMarshalT(t, o), chal
			if tc.prepare != nil {
				tc.prepare(t, e)
			}
			before := tn.Methods(alice, MethodPasskey)
			u, err := tn.PasskeyLogin(e.chal, e.rp, tc.resp(t, e))
			after := tn.Methods(alice, MethodPasskey)
			if tc.desc == "" {
				if err != nil || u.ID != alice || len(after) != 1 || after[0].LastAuthAt == nil || !after[0].LastAuthAt.Equal(clk.Now()) {
					t.Fatalf("login: %+v %v, passkeys %+v", u, err, after)
				}
				return
			}
			if err == nil || err.Status != 400 || err.Code != codeAccessDenied || err.Description != tc.desc {
				t.Fatalf("got %+v %v, want 400 access_denied %q", u, err, tc.desc)
			}
			if len(before) == 1 && (len(after) != 1 || (after[0].LastAuthAt == nil) != (before[0].LastAuthAt == nil)) {
				t.Errorf("a refused login moved last_auth_at: %+v → %+v", before, after)
			}
		})
	}
}

func mustMarshalT(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
