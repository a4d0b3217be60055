package webauthntest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
)

// TestCBOR: RFC 8949 Appendix A vectors for what the encoder writes, and CTAP2's key order.
func TestCBOR(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    cborValue
		want string
	}{
		{cborInt(0), "00"}, {cborInt(23), "17"}, {cborInt(24), "1818"}, {cborInt(1000), "1903e8"},
		{cborInt(1000000), "1a000f4240"}, {cborInt(1000000000000), "1b000000e8d4a51000"},
		{cborInt(-1), "20"}, {cborInt(-7), "26"}, {cborInt(-257), "390100"}, {cborInt(-1000), "3903e7"},
		{cborBytes{}, "40"}, {cborBytes{1, 2, 3, 4}, "4401020304"}, {cborText("IETF"), "6449455446"},
		{cborMap{}, "a0"},
		{cborMap{{cborText("b"), cborInt(2)}, {cborText("a"), cborInt(1)}}, "a2616101616202"},
		{cborMap{{cborText("aa"), cborInt(1)}, {cborInt(-1), cborInt(2)}, {cborInt(3), cborInt(3)}}, "a30303200262616101"},
	} {
		if got := hex.EncodeToString(cborEncode(tc.v)); got != tc.want {
			t.Errorf("%#v: %s, want %s", tc.v, got, tc.want)
		}
	}
}

var options = []byte(`{"rp":{"id":"localhost","name":"t"},"user":{"id":"dXNlcg","name":"u","displayName":"U"},
	"challenge":"Y2hhbGxlbmdlLTAxMjM0NTY3ODk","pubKeyCredParams":[{"type":"public-key","alg":-7}]}`)

// TestCreate: the response's clientDataJSON and authenticator data (rpIdHash, flags, counter,
// AAGUID, credential id) are what the options and the Provider say; the Ceremony changes one
// thing; a second registration for the same rp.id is refused when excluded.
func TestCreate(t *testing.T) {
	t.Parallel()
	a := New(Provider{AAGUID: AAGUIDiCloudKeychain, BackupEligible: true, BackedUp: true})
	resp, err := a.CreateWith(options, Ceremony{Origin: "http://localhost:3000", Type: "webauthn.get", RPID: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		ID, RawID, Type string
		Response        struct{ ClientDataJSON, AttestationObject string }
	}
	if err := json.Unmarshal(resp, &r); err != nil || r.ID != r.RawID || r.Type != "public-key" {
		t.Fatalf("response %s: %v", resp, err)
	}
	cd, _ := base64.RawURLEncoding.DecodeString(r.Response.ClientDataJSON)
	if string(cd) != `{"type":"webauthn.get","challenge":"Y2hhbGxlbmdlLTAxMjM0NTY3ODk","origin":"http://localhost:3000","crossOrigin":false}` {
		t.Errorf("clientDataJSON %s", cd)
	}
	att, _ := base64.RawURLEncoding.DecodeString(r.Response.AttestationObject)
	c := a.Credentials()[0]
	auth := a.authData("example.com", c)
	if !bytes.Equal(att, cborEncode(cborMap{{cborText("fmt"), cborText("none")}, {cborText("attStmt"), cborMap{}}, {cborText("authData"), cborBytes(auth)}})) {
		t.Error("attestationObject is not fmt none with the authenticator data")
	}
	h := sha256.Sum256([]byte("example.com"))
	if !bytes.Equal(auth[:32], h[:]) || auth[32] != FlagUP|FlagUV|FlagBE|FlagBS|FlagAT || binary.BigEndian.Uint32(auth[33:37]) != 0 ||
		!bytes.Equal(auth[37:53], AAGUIDiCloudKeychain[:]) || binary.BigEndian.Uint16(auth[53:55]) != 16 || !bytes.Equal(auth[55:71], c.ID) ||
		!bytes.Equal(auth[71:], COSEKey(&c.Key.PublicKey)) || string(c.UserHandle) != "user" {
		t.Errorf("authenticator data %x", auth)
	}

	exclude := func(id []byte) []byte {
		return bytes.Replace(options, []byte(`"pubKeyCredParams"`),
			[]byte(`"excludeCredentials":[{"type":"public-key","id":"`+base64.RawURLEncoding.EncodeToString(id)+`"}],"pubKeyCredParams"`), 1)
	}
	// c was made for example.com: excluding it on localhost excludes nothing.
	if _, err := a.Create(exclude(c.ID), "http://localhost:3000"); err != nil || len(a.Credentials()) != 2 {
		t.Fatalf("excluding another rp.id's credential: %v", err)
	}
	local := a.Credentials()[1]
	if _, err := a.Create(exclude(local.ID), "http://localhost:3000"); !errors.Is(err, ErrExcluded) {
		t.Errorf("excluded: %v", err)
	}
	if _, err := New(Provider{}).Create(exclude(local.ID), "http://localhost:3000"); err != nil {
		t.Errorf("another authenticator: %v", err)
	}
	if _, err := a.CreateWith(exclude(local.ID), Ceremony{Origin: "http://localhost:3000", Reuse: local}); err != nil || len(a.Credentials()) != 2 {
		t.Errorf("reuse: %v, %d credentials", err, len(a.Credentials()))
	}
	if _, err := a.Create(bytes.Replace(options, []byte(`"alg":-7`), []byte(`"alg":-257`), 1), "http://localhost:3000"); !errors.Is(err, ErrNotSupported) {
		t.Errorf("RS256 only: %v", err)
	}
	if _, err := a.Create([]byte(`{}`), "http://localhost:3000"); !errors.Is(err, ErrOptions) {
		t.Errorf("empty options: %v", err)
	}
}
