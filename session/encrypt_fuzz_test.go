package session

import (
	"bytes"
	"net/http"
	"testing"
)

// FuzzOpenRecord feeds arbitrary stored bytes to the decoder of encrypted records. It must
// never panic; bytes without the encrypted marker come back unchanged (a plaintext record);
// bytes with it either decrypt or give a reason and no value; and whatever the value, sealing
// it and opening the result gives it back, under that session key name only.
func FuzzOpenRecord(f *testing.F) {
	key := bytes.Repeat([]byte{7}, EncryptionKeySize)
	s, err := Encrypt(nopStore{}, key)
	if err != nil {
		f.Fatal(err)
	}
	enc := unwrap(s)
	valid := enc.seal("mfa.tok", []byte(`{"access_token":"x"}`))
	for _, seed := range [][]byte{
		valid,
		valid[:encryptedHeader],
		valid[:len(valid)-1],
		[]byte(`{"kind":"totp","secret":"JBSWY3DPEHPK3PXP"}`),
		{},
		[]byte("\x00SME"),
		[]byte("\x00SME\x02abcd"),
		append([]byte("\x00SME\x01"), make([]byte, 40)...),
	} {
		f.Add(seed, "mfa.tok")
	}
	f.Fuzz(func(t *testing.T, stored []byte, name string) {
		val, problem := enc.open(name, stored)
		if !bytes.HasPrefix(stored, encryptedMarker) {
			if problem != "" || !bytes.Equal(val, stored) {
				t.Fatalf("plaintext record %q: got %q, problem %q; want it unchanged", stored, val, problem)
			}
		} else if (problem == "") == (val == nil) {
			t.Fatalf("encrypted record %q: value %q with problem %q; want exactly one", stored, val, problem)
		}
		sealed := enc.seal(name, stored)
		back, problem := enc.open(name, sealed)
		if problem != "" || !bytes.Equal(back, stored) {
			t.Fatalf("round trip of %q: %q, problem %q", stored, back, problem)
		}
		if _, problem := enc.open(name+"x", sealed); problem == "" {
			t.Fatal("a record opened under another session key name")
		}
	})
}

func unwrap(s Store) *encryptedStore {
	enc, ok := s.(*encryptedStore)
	if !ok {
		panic("Encrypt of a store without optional interfaces returned a wrapper type")
	}
	return enc
}

// nopStore is a Store with no optional interfaces, so Encrypt returns the bare wrapper.
type nopStore struct{}

func (nopStore) Get(*http.Request, string) ([]byte, bool, error)              { return nil, false, nil }
func (nopStore) Put(http.ResponseWriter, *http.Request, string, []byte) error { return nil }
func (nopStore) Delete(http.ResponseWriter, *http.Request, string) error      { return nil }
