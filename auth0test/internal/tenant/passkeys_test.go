package tenant

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-webauthn/webauthn/protocol"

	"github.com/selfmfa/selfmfa/auth0test/webauthntest"
)

const (
	pkOrigin = "http://localhost:3000"
	pkUA     = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0"
)

var pkRP = PasskeyRP{ID: "localhost", Name: "My Test Tenant", Origins: []string{pkOrigin, "https://app.localhost"}}

// startPasskey starts an enrollment and returns it with its options as JSON.
func startPasskey(t *testing.T, tn *Tenant, user string) (PasskeyStart, []byte) {
	t.Helper()
	st, e := tn.StartPasskey(user, client, "", pkRP)
	if e != nil {
		t.Fatalf("StartPasskey: %v", e)
	}
	opts, err := json.Marshal(st.Options)
	if err != nil {
		t.Fatal(err)
	}
	return st, opts
}

// addPasskey enrolls a passkey of a on user.
func addPasskey(t *testing.T, tn *Tenant, user string, a *webauthntest.Authenticator) Method {
	t.Helper()
	st, opts := startPasskey(t, tn, user)
	resp, err := a.Create(opts, pkOrigin)
	if err != nil {
		t.Fatal(err)
	}
	m, e := tn.VerifyPasskey(user, client, PasskeyNewID, st.AuthSession, resp, pkUA)
	if e != nil {
		t.Fatalf("VerifyPasskey: %v", e)
	}
	return m
}

func countPasskeys(tn *Tenant, user string) int { return len(tn.Methods(user, MethodPasskey)) }

// TestPasskeyStored: a verified passkey is listed with the fields of the OAS, from the
// attestation (credential id, COSE key, AAGUID, BE and BS flags, transports) and the request
// (User-Agent); it is no MFA authenticator and no second factor; it can be renamed and removed.
func TestPasskeyStored(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		p          webauthntest.Provider
		device     string
		backedUp   bool
		transports []string
	}{
		{"synced", webauthntest.Provider{AAGUID: webauthntest.AAGUIDiCloudKeychain, BackupEligible: true, BackedUp: true},
			"multi_device", true, []string{"internal", "hybrid"}},
		{"eligible, not yet backed up", webauthntest.Provider{AAGUID: webauthntest.AAGUIDGooglePasswordManager, BackupEligible: true},
			"multi_device", false, []string{"internal", "hybrid"}},
		{"security key without UV", webauthntest.Provider{SkipUserVerification: true, Transports: []string{"usb"}, Attachment: "cross-platform"},
			"single_device", false, []string{"usb"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tn, clk := newTestTenant(t)
			a := webauthntest.New(tc.p)
			m := addPasskey(t, tn, alice, a)
			cred := a.Credentials()[0]
			p := m.Passkey
			if m.Type != MethodPasskey || !m.Confirmed || !m.CreatedAt.Equal(clk.Now()) || m.LastAuthAt != nil || m.Name != "" ||
				!strings.HasPrefix(m.ID, "passkey|dev_") || len(m.ID) != len("passkey|dev_")+16 || p == nil {
				t.Fatalf("method %+v", m)
			}
			enc := base64.RawURLEncoding
			want := Passkey{
				KeyID: enc.EncodeToString(cred.ID), PublicKey: base64.StdEncoding.EncodeToString(webauthntest.COSEKey(&cred.Key.PublicKey)),
				UserHandle: enc.EncodeToString(cred.UserHandle), IdentityUserID: "alice", RelyingPartyID: "localhost",
				AAGUID: formatUUID(tc.p.AAGUID[:]), DeviceType: tc.device, BackedUp: tc.backedUp, Transports: tc.transports, UserAgent: pkUA,
			}
			if !samePasskey(*p, want) {
				t.Errorf("passkey\n got %+v\nwant %+v", *p, want)
			}
			if list := tn.Methods(alice, ""); len(list) != 1 || list[0].ID != m.ID {
				t.Errorf("Methods %+v", list)
			}
			if got, e := tn.MethodByID(alice, m.ID); e != nil || got.Passkey == nil || got.Passkey.KeyID != p.KeyID {
				t.Errorf("MethodByID %+v %v", got, e)
			}
			if tn.HasActiveFactor(alice) || len(tn.List(alice)) != 1 { // the implicit verified email only
				t.Errorf("a passkey shows in the MFA API: %v %+v", tn.HasActiveFactor(alice), tn.List(alice))
			}
			name := "  Work laptop "
			if got, e := tn.UpdateMethod(alice, m.ID, &name, nil); e != nil || got.Name != "Work laptop" {
				t.Errorf("rename %+v %v", got, e)
			}
			sms := "sms"
			wantMeError(t, second(tn.UpdateMethod(alice, m.ID, nil, &sms)), 400, codeValidation)
			if e := tn.DeleteMethod(alice, m.ID); e != nil || countPasskeys(tn, alice) != 0 {
				t.Errorf("delete %v, %d left", e, countPasskeys(tn, alice))
			}
			wantMeError(t, tn.DeleteMethod(alice, m.ID), 404, codeNotFound)
		})
	}
}

func samePasskey(a, b Passkey) bool { return reflect.DeepEqual(a, b) }

// TestPasskeyOptions: each start has a fresh challenge; the user handle is the user's, the
// same at every start and different from another user's; excludeCredentials lists the user's
// passkeys (and only theirs); the rest is Auth0's mock of authn_params_public_key.
func TestPasskeyOptions(t *testing.T) {
	t.Parallel()
	tn, _ := newTestTenant(t)
	first, _ := startPasskey(t, tn, alice)
	o := first.Options
	if o.RelyingParty.ID != "localhost" || o.RelyingParty.Name != "My Test Tenant" || o.User.Name != "user@example.com" ||
		o.User.DisplayName != "Alice" || len(o.Challenge) != 32 || o.Timeout != 60000 || len(o.CredentialExcludeList) != 0 ||
		o.AuthenticatorSelection.ResidentKey != "required" || o.AuthenticatorSelection.UserVerification != "preferred" ||
		len(o.Parameters) != 2 || o.Parameters[0].Algorithm != -7 || o.Parameters[1].Algorithm != -257 {
		t.Errorf("options %+v", o)
	}
	a := webauthntest.New(webauthntest.Provider{BackupEligible: true, BackedUp: true})
	addPasskey(t, tn, alice, a)
	addPasskey(t, tn, bob, webauthntest.New(webauthntest.Provider{}))
	again, _ := startPasskey(t, tn, alice)
	if string(again.Options.Challenge) == string(o.Challenge) {
		t.Error("the challenge was reused")
	}
	if !slices.Equal(userHandle(again.Options), userHandle(o)) {
		t.Error("the user handle changed between enrollments")
	}
	bobs, _ := startPasskey(t, tn, bob)
	if slices.Equal(userHandle(bobs.Options), userHandle(o)) {
		t.Error("two users share a user handle")
	}
	ex := again.Options.CredentialExcludeList
	if len(ex) != 1 || string(ex[0].CredentialID) != string(a.Credentials()[0].ID) || ex[0].Type != "public-key" ||
		len(ex[0].Transport) != 2 {
		t.Errorf("excludeCredentials %+v", ex)
	}
}

func userHandle(o protocol.PublicKeyCredentialCreationOptions) []byte {
	id, _ := o.User.ID.(protocol.URLEncodedBase64)
	return id
}
