package webauthntest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
)

// AAGUIDs of passkey providers, from the community list
// (github.com/passkeydeveloper/passkey-authenticator-aaguids).
var (
	AAGUIDGooglePasswordManager = [16]byte{0xea, 0x9b, 0x8d, 0x66, 0x4d, 0x01, 0x1d, 0x21, 0x3c, 0xe4, 0xb6, 0xb4, 0x8c, 0xb5, 0x75, 0xd4}
	AAGUIDiCloudKeychain        = [16]byte{0xfb, 0xfc, 0x30, 0x07, 0x15, 0x4e, 0x4e, 0xcc, 0x8c, 0x0b, 0x6e, 0x02, 0x05, 0x57, 0xd7, 0xbd}
)

// Errors of Create, named after the DOMException a browser throws.
var (
	// ErrExcluded is InvalidStateError: the authenticator already holds a credential listed in
	// excludeCredentials.
	ErrExcluded = errors.New("webauthntest: InvalidStateError: a credential in excludeCredentials is on this authenticator")
	// ErrNotSupported is NotSupportedError: pubKeyCredParams has no ES256 (-7).
	ErrNotSupported = errors.New("webauthntest: NotSupportedError: no supported algorithm in pubKeyCredParams")
	// ErrOptions: the options are not PublicKeyCredentialCreationOptions JSON.
	ErrOptions = errors.New("webauthntest: TypeError: invalid creation options")
)

// Authenticator flags (WebAuthn §6.1 authenticator data).
const (
	FlagUP = 0x01 // user present
	FlagUV = 0x04 // user verified
	FlagBE = 0x08 // backup eligible
	FlagBS = 0x10 // backup state
	FlagAT = 0x40 // attested credential data included
)

// coseES256 is the COSE algorithm of the credentials (ECDSA P-256 with SHA-256).
const coseES256 = -7

// Provider describes the passkey provider an Authenticator stands for.
type Provider struct {
	AAGUID [16]byte
	// BackupEligible and BackedUp set the BE and BS flags: a synced passkey (iCloud Keychain,
	// Google Password Manager) has both, a security key neither.
	BackupEligible, BackedUp bool
	// SkipUserVerification clears the UV flag (a security key without a PIN).
	SkipUserVerification bool
	// Transports is response.transports (default ["internal", "hybrid"]).
	Transports []string
	// Attachment is authenticatorAttachment (default "platform").
	Attachment string
}

// Credential is one credential the Authenticator created.
type Credential struct {
	ID         []byte
	RPID       string
	UserHandle []byte
	Key        *ecdsa.PrivateKey
	SignCount  uint32
}

// Authenticator is a virtual passkey provider. It is safe for concurrent use.
type Authenticator struct {
	p     Provider
	mu    sync.Mutex
	creds []*Credential
}

// New returns an authenticator with no credentials.
func New(p Provider) *Authenticator {
	if p.Transports == nil {
		p.Transports = []string{"internal", "hybrid"}
	}
	if p.Attachment == "" {
		p.Attachment = "platform"
	}
	return &Authenticator{p: p}
}

// Credentials returns the credentials created so far, oldest first.
func (a *Authenticator) Credentials() []*Credential {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.creds)
}

// CreationOptions is the part of PublicKeyCredentialCreationOptions the authenticator reads.
type CreationOptions struct {
	RP struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"rp"`
	User struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		DisplayName string `json:"displayName"`
	} `json:"user"`
	Challenge          string       `json:"challenge"`
	PubKeyCredParams   []CredParam  `json:"pubKeyCredParams"`
	ExcludeCredentials []Descriptor `json:"excludeCredentials"`
}

// CredParam is one entry of pubKeyCredParams.
type CredParam struct {
	Type string `json:"type"`
	Alg  int    `json:"alg"`
}

// Descriptor is one entry of excludeCredentials.
type Descriptor struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Ceremony changes what a browser would report, one thing at a time; the zero value is an
// honest browser.
type Ceremony struct {
	Origin    string // clientDataJSON.origin (required)
	Type      string // clientDataJSON.type; "" is "webauthn.create"
	Challenge string // clientDataJSON.challenge; "" is the options' challenge
	RPID      string // the rp.id hashed into the authenticator data; "" is the options' rp.id
	// Reuse registers this existing credential again, ignoring excludeCredentials, as a
	// client that does not honour them would.
	Reuse *Credential
}

// Create runs navigator.credentials.create({publicKey: options}) on a page of origin and
// returns the registration response JSON.
func (a *Authenticator) Create(optionsJSON []byte, origin string) (json.RawMessage, error) {
	return a.CreateWith(optionsJSON, Ceremony{Origin: origin})
}

// CreateWith is Create with a Ceremony that may misreport one thing.
func (a *Authenticator) CreateWith(optionsJSON []byte, c Ceremony) (json.RawMessage, error) {
	var o CreationOptions
	if err := json.Unmarshal(optionsJSON, &o); err != nil || o.RP.ID == "" || o.Challenge == "" || o.User.ID == "" {
		return nil, ErrOptions
	}
	userHandle, err := base64.RawURLEncoding.DecodeString(o.User.ID)
	if err != nil {
		return nil, fmt.Errorf("%w: user.id is not base64url", ErrOptions)
	}
	if !slices.Contains(o.PubKeyCredParams, CredParam{Type: "public-key", Alg: coseES256}) {
		return nil, ErrNotSupported
	}
	rpID := o.RP.ID
	if c.RPID != "" {
		rpID = c.RPID
	}
	cred := c.Reuse
	if cred == nil {
		if err := a.excluded(o); err != nil {
			return nil, err
		}
		if cred, err = newCredential(rpID, userHandle); err != nil {
			return nil, err
		}
		a.mu.Lock()
		a.creds = append(a.creds, cred)
		a.mu.Unlock()
	}
	clientData, err := json.Marshal(struct {
		Type        string `json:"type"`
		Challenge   string `json:"challenge"`
		Origin      string `json:"origin"`
		CrossOrigin bool   `json:"crossOrigin"`
	}{or(c.Type, "webauthn.create"), or(c.Challenge, o.Challenge), c.Origin, false})
	if err != nil {
		return nil, fmt.Errorf("webauthntest: encoding clientDataJSON: %w", err)
	}
	attestation := cborEncode(cborMap{
		{cborText("fmt"), cborText("none")},
		{cborText("attStmt"), cborMap{}},
		{cborText("authData"), cborBytes(a.authData(rpID, cred))},
	})
	enc := base64.RawURLEncoding
	id := enc.EncodeToString(cred.ID)
	out, err := json.Marshal(map[string]any{
		"id": id, "rawId": id, "type": "public-key",
		"response": map[string]any{
			"clientDataJSON":    enc.EncodeToString(clientData),
			"attestationObject": enc.EncodeToString(attestation),
			"transports":        a.p.Transports,
		},
		"authenticatorAttachment": a.p.Attachment,
		"clientExtensionResults":  map[string]any{},
	})
	if err != nil {
		return nil, fmt.Errorf("webauthntest: encoding the response: %w", err)
	}
	return out, nil
}

func (a *Authenticator) excluded(o CreationOptions) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, ex := range o.ExcludeCredentials {
		id, err := base64.RawURLEncoding.DecodeString(ex.ID)
		if err != nil {
			return fmt.Errorf("%w: excludeCredentials id is not base64url", ErrOptions)
		}
		for _, c := range a.creds {
			if c.RPID == o.RP.ID && bytes.Equal(c.ID, id) {
				return ErrExcluded
			}
		}
	}
	return nil
}

func newCredential(rpID string, userHandle []byte) (*Credential, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("webauthntest: generating a key: %w", err)
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("webauthntest: credential id: %w", err)
	}
	return &Credential{ID: id, RPID: rpID, UserHandle: userHandle, Key: key}, nil
}

// authData is rpIdHash | flags | signCount | AAGUID | credentialIdLength | credentialId |
// credentialPublicKey (WebAuthn §6.1, §6.5.1).
func (a *Authenticator) authData(rpID string, c *Credential) []byte {
	h := sha256.Sum256([]byte(rpID))
	b := append(h[:], a.flags()|FlagAT)
	b = binary.BigEndian.AppendUint32(b, c.SignCount)
	b = append(b, a.p.AAGUID[:]...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(c.ID)))
	b = append(b, c.ID...)
	return append(b, COSEKey(&c.Key.PublicKey)...)
}

// COSEKey is the COSE_Key encoding of an ES256 public key (RFC 9053 §7.1.1: kty EC2, alg
// -7, crv P-256, x, y), as it sits in the authenticator data.
func COSEKey(k *ecdsa.PublicKey) []byte {
	raw, err := k.Bytes() // 0x04 | x | y
	if err != nil || len(raw) != 65 {
		panic("webauthntest: not a P-256 key")
	}
	return cborEncode(cborMap{
		{cborInt(1), cborInt(2)},
		{cborInt(3), cborInt(coseES256)},
		{cborInt(-1), cborInt(1)},
		{cborInt(-2), cborBytes(raw[1:33])},
		{cborInt(-3), cborBytes(raw[33:])},
	})
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
