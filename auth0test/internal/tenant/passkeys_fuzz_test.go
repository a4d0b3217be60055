package tenant

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/selfmfa/selfmfa/auth0test/webauthntest"
)

// fuzzEnrollment is the same tenant and passkey enrollment every time (fixed clock and seed),
// so that a seed made for its challenge is an honest response in every run.
func fuzzEnrollment(tb testing.TB) (*Tenant, PasskeyStart) {
	tb.Helper()
	tn := New(func() time.Time { return t0 }, rand.NewChaCha8([32]byte{1}), DefaultSettings())
	if err := tn.AddUser(User{ID: alice, Email: "user@example.com", Name: "Alice"}); err != nil {
		tb.Fatal(err)
	}
	st, e := tn.StartPasskey(alice, client, "", pkRP)
	if e != nil {
		tb.Fatal(e)
	}
	return tn, st
}

// FuzzPasskeyVerify: whatever authn_response a client posts, the verification answers a 400
// (or stores the passkey it verified) and never panics; a refused one stores nothing. Seeds: an
// honest response and its usual breakages.
func FuzzPasskeyVerify(f *testing.F) {
	_, st := fuzzEnrollment(f)
	opts, err := json.Marshal(st.Options)
	if err != nil {
		f.Fatal(err)
	}
	a := webauthntest.New(webauthntest.Provider{BackupEligible: true})
	for _, c := range []webauthntest.Ceremony{{Origin: pkOrigin}, {Origin: pkOrigin, Type: "webauthn.get"}, {Origin: "https://x"}} {
		resp, err := a.CreateWith(opts, c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(resp))
	}
	f.Add([]byte(`{"id":"AA","rawId":"AA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, resp []byte) {
		tn, st := fuzzEnrollment(t)
		m, e := tn.VerifyPasskey(alice, client, PasskeyNewID, st.AuthSession, resp, pkUA)
		switch {
		case e == nil && (m.Passkey == nil || countPasskeys(tn, alice) != 1):
			t.Fatalf("verified %+v, %d stored", m, countPasskeys(tn, alice))
		case e != nil && (e.Status != 400 || countPasskeys(tn, alice) != 0):
			t.Fatalf("%v, %d stored", e, countPasskeys(tn, alice))
		}
	})
}
