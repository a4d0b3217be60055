package session

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// EncryptionKeySize is the size of every key given to [Encrypt]: AES-256.
const EncryptionKeySize = 32

// Stored record layout, version 1:
//
//	"\x00SME" | version (1) | key id (4) | nonce (12) | AES-256-GCM ciphertext | tag (16)
//
// The leading NUL marks the record as encrypted: nothing selfmfa writes (JSON) starts with one,
// so a value without the marker is a plaintext record from before encryption was turned on.
// The key id is the first 4 bytes of SHA-256 over a fixed label and the key: it picks the
// decrypting key without revealing anything usable about it. The additional data is the
// header (marker, version, key id) followed by the session key name, so a record does not
// decrypt under another name and its header cannot be altered.
var encryptedMarker = []byte("\x00SME")

const (
	encryptedVersion1 byte = 1
	keyIDSize              = 4
	encryptedHeader        = 4 + 1 + keyIDSize // len(encryptedMarker) + version + key id
)

// keyIDLabel separates the key-id hash from any other use of the key.
const keyIDLabel = "selfmfa session record key id v1\x00"

type sealingKey struct {
	id   [keyIDSize]byte
	aead cipher.AEAD // random 96-bit nonce per Seal, prefixed to the ciphertext
}

// encryptedStore is the [Store] returned by [Encrypt]; withCapabilities adds the inner
// store's optional interfaces.
type encryptedStore struct {
	inner Store
	keys  []sealingKey // keys[0] encrypts; all decrypt
	log   *slog.Logger // nil: slog.Default() at the time of the event
}

// Encrypt wraps inner so that every value is stored encrypted with AES-256-GCM, and returns
// the wrapped store. keys are 32-byte keys: the first encrypts, every one decrypts, so a key is
// rotated by putting a new one first and dropping the old one once every session written with
// it has ended (the session lifetime, at most a day with mfahandler's checks).
//
// Values stored before encryption was turned on (without the encrypted record's marker) still
// load, as they are: turning encryption on logs nobody out. A record that does not decrypt (its
// key was dropped from the list, or it was altered, or copied from another session key) is
// reported as absent, with a warning on slog.Default() naming the session key and the reason
// (see [EncryptWithLogger]): the handler then starts that step afresh (a new step-up login),
// which is safe, instead of failing every request of the session.
//
// The returned store implements [Renewer], [ConfigChecker] and [CookieAdvisor] exactly when
// inner does, forwarding to it. Encrypt keeps no reference to the key slices.
func Encrypt(inner Store, keys ...[]byte) (Store, error) {
	return EncryptWithLogger(inner, nil, keys...)
}

// EncryptWithLogger is [Encrypt] with the logger that records undecryptable values (nil:
// slog.Default()). The log line names the session key and the reason, never the value.
func EncryptWithLogger(inner Store, log *slog.Logger, keys ...[]byte) (Store, error) {
	if inner == nil {
		return nil, errors.New("session: Encrypt needs a store to wrap")
	}
	if len(keys) == 0 {
		return nil, errors.New("session: Encrypt needs at least one key")
	}
	s := &encryptedStore{inner: inner, log: log}
	for i, k := range keys {
		if len(k) != EncryptionKeySize {
			return nil, fmt.Errorf("session: Encrypt key %d is %d bytes, want %d (AES-256)", i, len(k), EncryptionKeySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("session: Encrypt key %d: %w", i, err)
		}
		aead, err := cipher.NewGCMWithRandomNonce(block)
		if err != nil {
			return nil, fmt.Errorf("session: Encrypt key %d: %w", i, err)
		}
		sk := sealingKey{id: keyID(k), aead: aead}
		for j, prev := range s.keys {
			if prev.id == sk.id {
				return nil, fmt.Errorf("session: Encrypt keys %d and %d are the same key (or share a key id); give each key once", j, i)
			}
		}
		s.keys = append(s.keys, sk)
	}
	return withCapabilities(s, inner), nil
}

func keyID(key []byte) [keyIDSize]byte {
	sum := sha256.Sum256(append([]byte(keyIDLabel), key...))
	return [keyIDSize]byte(sum[:keyIDSize])
}

// Get implements [Store]: it decrypts an encrypted record and passes a plaintext one through.
func (s *encryptedStore) Get(r *http.Request, key string) ([]byte, bool, error) {
	stored, ok, err := s.inner.Get(r, key)
	if err != nil || !ok {
		return nil, false, err
	}
	val, problem := s.open(key, stored)
	if problem != "" {
		log := s.log
		if log == nil {
			log = slog.Default()
		}
		log.LogAttrs(r.Context(), slog.LevelWarn, "session: a stored value could not be decrypted; treating it as absent",
			slog.String("key", key), slog.String("reason", problem))
		return nil, false, nil
	}
	return val, true, nil
}

// Put implements [Store]: it stores val encrypted with the first key, under a fresh nonce.
func (s *encryptedStore) Put(w http.ResponseWriter, r *http.Request, key string, val []byte) error {
	return s.inner.Put(w, r, key, s.seal(key, val))
}

// Delete implements [Store].
func (s *encryptedStore) Delete(w http.ResponseWriter, r *http.Request, key string) error {
	return s.inner.Delete(w, r, key)
}

// seal encrypts val for the session key name with the first key.
func (s *encryptedStore) seal(name string, val []byte) []byte {
	k := s.keys[0]
	header := make([]byte, 0, encryptedHeader+k.aead.Overhead()+len(val))
	header = append(header, encryptedMarker...)
	header = append(header, encryptedVersion1)
	header = append(header, k.id[:]...)
	return k.aead.Seal(header, nil, val, additionalData(header[:encryptedHeader], name))
}

// open returns the value of a stored record, or a reason (safe to log) why it has none.
// A record without the encrypted marker is a plaintext one and is returned as it is.
func (s *encryptedStore) open(name string, stored []byte) (val []byte, problem string) {
	if !bytes.HasPrefix(stored, encryptedMarker) {
		return stored, ""
	}
	if len(stored) < encryptedHeader {
		return nil, "truncated encrypted record"
	}
	if v := stored[len(encryptedMarker)]; v != encryptedVersion1 {
		return nil, fmt.Sprintf("unknown encrypted record version %d", v)
	}
	id := [keyIDSize]byte(stored[len(encryptedMarker)+1 : encryptedHeader])
	ad := additionalData(stored[:encryptedHeader], name)
	for _, k := range s.keys {
		if k.id != id {
			continue
		}
		val, err := k.aead.Open(nil, nil, stored[encryptedHeader:], ad)
		if err != nil {
			return nil, "encrypted record does not authenticate (altered, or stored under another session key)"
		}
		if val == nil {
			val = []byte{}
		}
		return val, ""
	}
	return nil, "encrypted with a key that is not in the list (dropped too early in a rotation?)"
}

func additionalData(header []byte, name string) []byte {
	ad := make([]byte, 0, len(header)+len(name))
	return append(append(ad, header...), name...)
}

var _ Store = (*encryptedStore)(nil)
