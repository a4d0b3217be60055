package webauthntest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrNoCredential is NotAllowedError: no credential of the authenticator fits the request (its
// rp.id, allowCredentials).
var ErrNoCredential = errors.New("webauthntest: NotAllowedError: no credential for this request")

// RequestOptions is the part of PublicKeyCredentialRequestOptions the authenticator reads.
type RequestOptions struct {
	Challenge        string       `json:"challenge"`
	RPID             string       `json:"rpId"`
	AllowCredentials []Descriptor `json:"allowCredentials"`
}

// Get runs navigator.credentials.get({publicKey: options}) on a page of origin with the
// authenticator's newest fitting credential (a discoverable login when allowCredentials is
// empty) and returns the assertion response JSON; the credential's counter goes up by one.
func (a *Authenticator) Get(optionsJSON []byte, origin string) (json.RawMessage, error) {
	return a.GetWith(optionsJSON, Ceremony{Origin: origin})
}

// GetWith is Get with a Ceremony that may misreport one thing (Type, Challenge, RPID, Origin;
// Reuse picks the credential).
func (a *Authenticator) GetWith(optionsJSON []byte, c Ceremony) (json.RawMessage, error) {
	var o RequestOptions
	if err := json.Unmarshal(optionsJSON, &o); err != nil || o.Challenge == "" || o.RPID == "" {
		return nil, ErrOptions
	}
	cred := c.Reuse
	if cred == nil {
		var err error
		if cred, err = a.pick(o); err != nil {
			return nil, err
		}
	}
	rpID := or(c.RPID, o.RPID)
	clientData, err := json.Marshal(struct {
		Type        string `json:"type"`
		Challenge   string `json:"challenge"`
		Origin      string `json:"origin"`
		CrossOrigin bool   `json:"crossOrigin"`
	}{or(c.Type, "webauthn.get"), or(c.Challenge, o.Challenge), c.Origin, false})
	if err != nil {
		return nil, fmt.Errorf("webauthntest: encoding clientDataJSON: %w", err)
	}
	a.mu.Lock()
	cred.SignCount++
	count := cred.SignCount
	a.mu.Unlock()
	h := sha256.Sum256([]byte(rpID))
	auth := append(h[:], a.flags())
	auth = binary.BigEndian.AppendUint32(auth, count)
	cdHash := sha256.Sum256(clientData)
	digest := sha256.Sum256(append(bytes.Clone(auth), cdHash[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, cred.Key, digest[:])
	if err != nil {
		return nil, fmt.Errorf("webauthntest: signing: %w", err)
	}
	enc := base64.RawURLEncoding
	id := enc.EncodeToString(cred.ID)
	out, err := json.Marshal(map[string]any{
		"id": id, "rawId": id, "type": "public-key",
		"response": map[string]any{
			"clientDataJSON":    enc.EncodeToString(clientData),
			"authenticatorData": enc.EncodeToString(auth),
			"signature":         enc.EncodeToString(sig),
			"userHandle":        enc.EncodeToString(cred.UserHandle),
		},
		"authenticatorAttachment": a.p.Attachment,
		"clientExtensionResults":  map[string]any{},
	})
	if err != nil {
		return nil, fmt.Errorf("webauthntest: encoding the response: %w", err)
	}
	return out, nil
}

func (a *Authenticator) pick(o RequestOptions) (*Credential, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := len(a.creds) - 1; i >= 0; i-- {
		c := a.creds[i]
		if c.RPID != o.RPID {
			continue
		}
		if len(o.AllowCredentials) == 0 {
			return c, nil
		}
		for _, d := range o.AllowCredentials {
			if id, err := base64.RawURLEncoding.DecodeString(d.ID); err == nil && bytes.Equal(id, c.ID) {
				return c, nil
			}
		}
	}
	return nil, ErrNoCredential
}

// flags are the assertion's flags: UP, UV unless skipped, BE and BS as the Provider says.
func (a *Authenticator) flags() byte {
	f := byte(FlagUP)
	if !a.p.SkipUserVerification {
		f |= FlagUV
	}
	if a.p.BackupEligible {
		f |= FlagBE
	}
	if a.p.BackedUp {
		f |= FlagBS
	}
	return f
}
