package auth0test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
)

// signer signs and verifies the tenant's RS256 JWTs.
type signer struct {
	key *rsa.PrivateKey
	kid string
}

// processKey is the signing key of every Server started without WithSigningKey or
// WithFreshSigningKey: a 2048-bit RSA key takes tens of milliseconds to generate, which a host
// with hundreds of parallel tests would pay for each tenant (issue 9). It is the one value the
// package keeps across Servers; it is generated on first use and never changes.
var processKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return generateKey() })

func generateKey() (*rsa.PrivateKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("auth0test: generating signing key: %w", err)
	}
	return k, nil
}

// newSigner signs with k, or with a key of its own when fresh, or with the process's key.
func newSigner(k *rsa.PrivateKey, fresh bool) (*signer, error) {
	if k == nil {
		var err error
		if fresh {
			k, err = generateKey()
		} else {
			k, err = processKey()
		}
		if err != nil {
			return nil, err
		}
	}
	sum := sha256.Sum256(k.N.Bytes())
	return &signer{key: k, kid: base64.RawURLEncoding.EncodeToString(sum[:12])}, nil
}

type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ,omitempty"`
	Kid string `json:"kid,omitempty"`
}

func (s *signer) sign(claims any) (string, error) {
	h, err := json.Marshal(jwtHeader{Alg: "RS256", Typ: "JWT", Kid: s.kid})
	if err != nil {
		return "", fmt.Errorf("auth0test: encoding JWT header: %w", err)
	}
	p, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("auth0test: encoding JWT claims: %w", err)
	}
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(h) + "." + enc.EncodeToString(p)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("auth0test: signing JWT: %w", err)
	}
	return signing + "." + enc.EncodeToString(sig), nil
}

var errBadJWT = errors.New("auth0test: invalid JWT")

// looksLikeJWT reports whether tok has a JWS compact shape with a JSON
// header, so it is judged as a JWT rather than as an opaque token.
func looksLikeJWT(tok string) bool {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return false
	}
	h, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return false
	}
	var hdr jwtHeader
	return json.Unmarshal(h, &hdr) == nil && hdr.Alg != ""
}

// verify checks the signature and decodes the claims. It does not check any
// claim.
func (s *signer) verify(tok string) (*tokenClaims, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errBadJWT
	}
	enc := base64.RawURLEncoding
	h, err := enc.DecodeString(parts[0])
	if err != nil {
		return nil, errBadJWT
	}
	var hdr jwtHeader
	if err := json.Unmarshal(h, &hdr); err != nil || hdr.Alg != "RS256" || hdr.Kid != s.kid {
		return nil, errBadJWT
	}
	sig, err := enc.DecodeString(parts[2])
	if err != nil {
		return nil, errBadJWT
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return nil, errBadJWT
	}
	p, err := enc.DecodeString(parts[1])
	if err != nil {
		return nil, errBadJWT
	}
	var c tokenClaims
	if err := json.Unmarshal(p, &c); err != nil {
		return nil, errBadJWT
	}
	return &c, nil
}

// jwks returns the JSON Web Key Set of the public key.
func (s *signer) jwks() map[string]any {
	enc := base64.RawURLEncoding
	pub := s.key.PublicKey
	return map[string]any{"keys": []map[string]any{{
		"kty": "RSA",
		"use": "sig",
		"alg": "RS256",
		"kid": s.kid,
		"n":   enc.EncodeToString(pub.N.Bytes()),
		"e":   enc.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}

// audience is a JWT aud claim: one string or an array.
type audience []string

func (a audience) MarshalJSON() ([]byte, error) {
	if len(a) == 1 {
		return json.Marshal(a[0])
	}
	return json.Marshal([]string(a))
}

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*a = many
	return nil
}

func (a audience) contains(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

// tokenClaims are the claims of access and ID tokens.
type tokenClaims struct {
	Iss           string   `json:"iss"`
	Sub           string   `json:"sub"`
	Aud           audience `json:"aud"`
	Azp           string   `json:"azp,omitempty"`
	Scope         string   `json:"scope,omitempty"`
	Iat           int64    `json:"iat"`
	Exp           int64    `json:"exp"`
	Nonce         string   `json:"nonce,omitempty"`
	AuthTime      int64    `json:"auth_time,omitempty"`
	Acr           string   `json:"acr,omitempty"`
	Amr           []string `json:"amr,omitempty"`
	Email         string   `json:"email,omitempty"`
	EmailVerified *bool    `json:"email_verified,omitempty"`
	Name          string   `json:"name,omitempty"`
	Nickname      string   `json:"nickname,omitempty"`
}
