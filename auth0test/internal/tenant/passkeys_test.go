package tenant

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"

	"github.com/selfmfa/selfmfa/auth0test/webauthntest"
)

const (
	pkOrigin = "http://localhost:3000"
	pkUA     = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0"
)

var pkRP = PasskeyRP{ID: "localhost", Name: "My Test Tenant", Origins: []string{pkOrigin, "https://app.localhost", "https://app.example"}}

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
				AAGUID: formatUUID(tc.p.AAGUID[:]), DeviceType: tc.device, BackedUp: tc.backedUp, Transports: tc.transports, UserAgent: "Chrome 140.0.0 / Linux",
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

// TestPasskeyVerifyRefusals: each check of a verification on its own, with a response that
// differs from an honest one in that one thing; each answers 400 with its sentence and leaves
// nothing stored.
func TestPasskeyVerifyRefusals(t *testing.T) {
	t.Parallel()
	type env struct {
		tn    *Tenant
		clk   *fakeClock
		a     *webauthntest.Authenticator
		start PasskeyStart
		opts  []byte
	}
	honest := func(t *testing.T, e *env) []byte {
		t.Helper()
		resp, err := e.a.Create(e.opts, pkOrigin)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	with := func(c webauthntest.Ceremony) func(*testing.T, *env) []byte {
		return func(t *testing.T, e *env) []byte {
			t.Helper()
			if c.Origin == "" {
				c.Origin = pkOrigin
			}
			resp, err := e.a.CreateWith(e.opts, c)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
	}
	// edit changes the honest response's JSON.
	edit := func(f func(map[string]any)) func(*testing.T, *env) []byte {
		return func(t *testing.T, e *env) []byte {
			t.Helper()
			var m map[string]any
			if err := json.Unmarshal(honest(t, e), &m); err != nil {
				t.Fatal(err)
			}
			f(m)
			b, _ := json.Marshal(m)
			return b
		}
	}
	raw := func(s string) func(*testing.T, *env) []byte {
		return func(*testing.T, *env) []byte { return []byte(s) }
	}
	for _, tc := range []struct {
		name    string
		prepare func(*testing.T, *env) (user, clientID, session string) // "" user: alice, client, the start's session
		resp    func(*testing.T, *env) []byte
		desc    string
		stored  int // alice's passkeys after the attempt
	}{
		{name: "wrong challenge", resp: with(webauthntest.Ceremony{Challenge: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}), desc: descPasskeyChallenge},
		{name: "origin not allowed", resp: with(webauthntest.Ceremony{Origin: "http://localhost:4000"}), desc: descPasskeyOrigin},
		{name: "origin of another site", resp: with(webauthntest.Ceremony{Origin: "https://evil.example"}), desc: descPasskeyOrigin},
		{name: "allowed origin not under rp.id", resp: with(webauthntest.Ceremony{Origin: "https://app.example"}), desc: descPasskeyOrigin},
		{name: "origin with a path", resp: with(webauthntest.Ceremony{Origin: pkOrigin + "/account"}), desc: descPasskeyOrigin},
		{name: "type webauthn.get", resp: with(webauthntest.Ceremony{Type: "webauthn.get"}), desc: descPasskeyType},
		{name: "rpIdHash of another rp.id", resp: with(webauthntest.Ceremony{RPID: "example.com"}), desc: descPasskeyInvalid},
		{name: "id is not rawId", resp: edit(func(m map[string]any) { m["id"] = "AAAA" }), desc: descPasskeyMalformed},
		{name: "type is not public-key", resp: edit(func(m map[string]any) { m["type"] = "password" }), desc: descPasskeyMalformed},
		{name: "no clientDataJSON", resp: edit(func(m map[string]any) { delete(m["response"].(map[string]any), "clientDataJSON") }), desc: descPasskeyMalformed},
		{name: "no attestationObject", resp: edit(func(m map[string]any) { delete(m["response"].(map[string]any), "attestationObject") }), desc: descPasskeyMalformed},
		{name: "attestationObject not CBOR", resp: edit(func(m map[string]any) { m["response"].(map[string]any)["attestationObject"] = "bm90IGNib3I" }), desc: descPasskeyMalformed},
		{name: "clientDataJSON not base64url", resp: edit(func(m map[string]any) { m["response"].(map[string]any)["clientDataJSON"] = "%%%" }), desc: descPasskeyMalformed},
		{name: "not JSON", resp: raw(`{"id":`), desc: descPasskeyMalformed},
		{name: "a JSON string", resp: raw(`"hello"`), desc: descPasskeyMalformed},
		{name: "empty object", resp: raw(`{}`), desc: descPasskeyMalformed},
		{name: "unknown auth_session", prepare: func(*testing.T, *env) (string, string, string) { return alice, client, "Fe26.2**nope" },
			resp: honest, desc: descMeInvalidSession},
		{name: "auth_session of another user", prepare: func(*testing.T, *env) (string, string, string) { return bob, client, "" },
			resp: honest, desc: descMeInvalidSession},
		{name: "auth_session of another client", prepare: func(*testing.T, *env) (string, string, string) { return alice, "client-2", "" },
			resp: honest, desc: descMeInvalidSession},
		{name: "auth_session of a totp enrollment", prepare: func(t *testing.T, e *env) (string, string, string) {
			st, err := e.tn.StartMethod(alice, client, MethodTOTP, "", "", "")
			if err != nil {
				t.Fatal(err)
			}
			return alice, client, st.AuthSession
		}, resp: honest, desc: descMeInvalidSession},
		{name: "expired auth_session", prepare: func(_ *testing.T, e *env) (string, string, string) {
			e.clk.Advance(passkeyAuthSessionTTL)
			return "", "", ""
		}, resp: honest, desc: descMeSessionExpired},
		{name: "auth_session already used", prepare: func(t *testing.T, e *env) (string, string, string) {
			if _, err := e.tn.VerifyPasskey(alice, client, PasskeyNewID, e.start.AuthSession, honest(t, e), pkUA); err != nil {
				t.Fatal(err)
			}
			return "", "", ""
		}, resp: honest, desc: descMeInvalidSession, stored: 1},
		{name: "credential already registered (excludeCredentials ignored)", prepare: func(t *testing.T, e *env) (string, string, string) {
			addPasskey(t, e.tn, alice, e.a)
			e.start, e.opts = startPasskey(t, e.tn, alice)
			return "", "", ""
		}, resp: func(t *testing.T, e *env) []byte {
			return with(webauthntest.Ceremony{Reuse: e.a.Credentials()[0]})(t, e)
		}, desc: descPasskeyDuplicate, stored: 1},
		{name: "credential of another user", prepare: func(t *testing.T, e *env) (string, string, string) {
			addPasskey(t, e.tn, bob, e.a)
			return "", "", ""
		}, resp: func(t *testing.T, e *env) []byte {
			return with(webauthntest.Ceremony{Reuse: e.a.Credentials()[0]})(t, e)
		}, desc: descPasskeyDuplicate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tn, clk := newTestTenant(t)
			e := &env{tn: tn, clk: clk, a: webauthntest.New(webauthntest.Provider{BackupEligible: true, BackedUp: true})}
			e.start, e.opts = startPasskey(t, tn, alice)
			user, clientID, session := alice, client, ""
			if tc.prepare != nil {
				user, clientID, session = tc.prepare(t, e)
			}
			user, clientID, session = or(user, alice), or(clientID, client), or(session, e.start.AuthSession)
			m, err := tn.VerifyPasskey(user, clientID, PasskeyNewID, session, tc.resp(t, e), pkUA)
			if err == nil {
				t.Fatalf("verified: %+v", m)
			}
			if err.Status != 400 || err.Code != codeValidation || err.Description != tc.desc {
				t.Errorf("got %d %s %q, want 400 validation_error %q", err.Status, err.Code, err.Description, tc.desc)
			}
			if n := countPasskeys(tn, alice); n != tc.stored {
				t.Errorf("alice has %d passkeys, want %d", n, tc.stored)
			}
		})
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TestPasskeyStartRefusals: passkeys off on the connection, an identity that is not the
// user's, an unknown user, a user of a social connection.
func TestPasskeyStartRefusals(t *testing.T) {
	t.Parallel()
	off := DefaultSettings()
	off.Passkeys = false
	tn, _ := newTestTenant(t, off)
	if _, e := tn.StartPasskey(alice, client, "", pkRP); e == nil || e.Status != 400 || e.Description != descPasskeyDisabled {
		t.Errorf("passkeys off: %v", e)
	}
	if slices.Contains(tn.Factors(), MethodPasskey) {
		t.Error("factors list passkey while it is off")
	}
	tn, _ = newTestTenant(t)
	if _, e := tn.StartPasskey(alice, client, "bob", pkRP); e == nil || e.Status != 400 || e.Description != descPasskeyIdentity {
		t.Errorf("another identity: %v", e)
	}
	if _, e := tn.StartPasskey(alice, client, "alice", pkRP); e != nil {
		t.Errorf("own identity: %v", e)
	}
	if _, e := tn.StartPasskey("auth0|nobody", client, "", pkRP); e == nil || e.Status != 404 {
		t.Errorf("unknown user: %v", e)
	}
	if err := tn.AddUser(User{ID: "google-oauth2|1", Email: "g@example.com", Connection: "google-oauth2"}); err != nil {
		t.Fatal(err)
	}
	if _, e := tn.StartPasskey("google-oauth2|1", client, "", pkRP); e == nil || e.Status != 400 || e.Description != descPasskeyNotDatabase {
		t.Errorf("social user: %v", e)
	}
}

// TestPasskeyVerifyRace: one auth_session verified by many requests at once (each with a
// credential of its own) stores exactly one passkey; enrollments of many users at once each
// store theirs.
func TestPasskeyVerifyRace(t *testing.T) {
	t.Parallel()
	tn, _ := newTestTenant(t)
	st, opts := startPasskey(t, tn, alice)
	const n = 8
	resps := make([][]byte, n)
	for i := range resps {
		var err error
		if resps[i], err = webauthntest.New(webauthntest.Provider{}).Create(opts, pkOrigin); err != nil {
			t.Fatal(err)
		}
	}
	ok := make(chan bool, n)
	for i := range n {
		go func() {
			_, e := tn.VerifyPasskey(alice, client, PasskeyNewID, st.AuthSession, resps[i], pkUA)
			ok <- e == nil
		}()
	}
	wins := 0
	for range n {
		if <-ok {
			wins++
		}
	}
	if wins != 1 || countPasskeys(tn, alice) != 1 {
		t.Errorf("%d verifications succeeded, %d passkeys stored; want 1 and 1", wins, countPasskeys(tn, alice))
	}

	users := make([]string, n)
	for i := range users {
		users[i] = "auth0|racer" + string(rune('a'+i))
		if err := tn.AddUser(User{ID: users[i], Email: "racer" + string(rune('a'+i)) + "@example.com"}); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	for _, u := range users {
		go func() {
			defer func() { done <- struct{}{} }()
			s, e := tn.StartPasskey(u, client, "", pkRP)
			if e != nil {
				t.Error(e)
				return
			}
			o, _ := json.Marshal(s.Options)
			resp, err := webauthntest.New(webauthntest.Provider{}).Create(o, pkOrigin)
			if err != nil {
				t.Error(err)
				return
			}
			if _, e := tn.VerifyPasskey(u, client, PasskeyNewID, s.AuthSession, resp, pkUA); e != nil {
				t.Error(e)
			}
			tn.Methods(u, "")
		}()
	}
	for range users {
		<-done
	}
	for _, u := range users {
		if countPasskeys(tn, u) != 1 {
			t.Errorf("%s has %d passkeys", u, countPasskeys(tn, u))
		}
	}
}

// TestPasskeySessionLifetime: an auth_session verifies until just before passkeyAuthSessionTTL,
// only on passkey|new and only through VerifyPasskey, and a failed attempt leaves it usable (as
// the other enrollments' do).
func TestPasskeySessionLifetime(t *testing.T) {
	t.Parallel()
	tn, clk := newTestTenant(t)
	a := webauthntest.New(webauthntest.Provider{})
	st, opts := startPasskey(t, tn, alice)
	bad, _ := a.CreateWith(opts, webauthntest.Ceremony{Origin: pkOrigin, Type: "webauthn.get"})
	if _, e := tn.VerifyPasskey(alice, client, PasskeyNewID, st.AuthSession, bad, pkUA); e == nil {
		t.Fatal("verified a webauthn.get")
	}
	if _, e := tn.VerifyMethod(alice, client, PasskeyNewID, st.AuthSession, "123456"); e == nil || e.Description != descMeInvalidSession {
		t.Errorf("VerifyMethod took a passkey's auth_session: %v", e)
	}
	if _, e := tn.VerifyPasskey(alice, client, "passkey|dev_x", st.AuthSession, bad, pkUA); e == nil || e.Description != descMeInvalidSession {
		t.Errorf("another id: %v", e)
	}
	clk.Advance(passkeyAuthSessionTTL - time.Second)
	good, _ := a.Create(opts, pkOrigin)
	if _, e := tn.VerifyPasskey(alice, client, PasskeyNewID, st.AuthSession, good, strings.Repeat("é", maxUserAgent)); e != nil {
		t.Fatalf("a second before expiry: %v", e)
	}
	if ua := tn.Methods(alice, MethodPasskey)[0].Passkey.UserAgent; len(ua) > maxUserAgent || !utf8.ValidString(ua) {
		t.Errorf("user agent of %d bytes kept", len(ua))
	}
}
