package tenant

import (
	"encoding/json"
	"testing"

	"github.com/selfmfa/selfmfa/auth0test/webauthntest"
)

// BenchmarkPasskeyVerify: one enrollment's verification (parse, checks, go-webauthn's
// attestation verification, store), the part that runs under the tenant's lock.
func BenchmarkPasskeyVerify(b *testing.B) {
	tn, _ := fuzzEnrollment(b)
	a := webauthntest.New(webauthntest.Provider{BackupEligible: true, BackedUp: true})
	type round struct {
		session string
		resp    []byte
	}
	rounds := make([]round, b.N)
	for i := range rounds {
		st, e := tn.StartPasskey(alice, client, "", pkRP)
		if e != nil {
			b.Fatal(e)
		}
		st.Options.CredentialExcludeList = nil // one authenticator, many credentials
		opts, _ := json.Marshal(st.Options)
		resp, err := a.Create(opts, pkOrigin)
		if err != nil {
			b.Fatal(err)
		}
		rounds[i] = round{st.AuthSession, resp}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, e := tn.VerifyPasskey(alice, client, PasskeyNewID, rounds[i].session, rounds[i].resp, pkUA); e != nil {
			b.Fatal(e)
		}
	}
}
