package webauthntest

import (
	"encoding/binary"
	"sort"
)

// A minimal CBOR encoder (RFC 8949) for what an authenticator writes: unsigned and negative
// integers, byte and text strings, and maps, in CTAP2's canonical form (shortest heads, map
// keys sorted by their encoding, shorter first).

type cborValue interface{ appendCBOR([]byte) []byte }

type cborInt int64
type cborBytes []byte
type cborText string

// cborMap is a map; its entries are sorted by their encoded keys when written.
type cborMap []cborEntry

type cborEntry struct{ key, value cborValue }

func cborHead(b []byte, major byte, n uint64) []byte {
	switch {
	case n < 24:
		return append(b, major<<5|byte(n))
	case n <= 0xff:
		return append(b, major<<5|24, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, major<<5|25), uint16(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, major<<5|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, major<<5|27), n)
}

func (v cborInt) appendCBOR(b []byte) []byte {
	if v < 0 {
		return cborHead(b, 1, uint64(-1-v))
	}
	return cborHead(b, 0, uint64(v))
}

func (v cborBytes) appendCBOR(b []byte) []byte { return append(cborHead(b, 2, uint64(len(v))), v...) }
func (v cborText) appendCBOR(b []byte) []byte  { return append(cborHead(b, 3, uint64(len(v))), v...) }

func (m cborMap) appendCBOR(b []byte) []byte {
	type enc struct{ k, v []byte }
	entries := make([]enc, 0, len(m))
	for _, e := range m {
		entries = append(entries, enc{e.key.appendCBOR(nil), e.value.appendCBOR(nil)})
	}
	sort.Slice(entries, func(i, j int) bool {
		ki, kj := entries[i].k, entries[j].k
		if len(ki) != len(kj) {
			return len(ki) < len(kj)
		}
		return string(ki) < string(kj)
	})
	b = cborHead(b, 5, uint64(len(entries)))
	for _, e := range entries {
		b = append(append(b, e.k...), e.v...)
	}
	return b
}

func cborEncode(v cborValue) []byte { return v.appendCBOR(nil) }
