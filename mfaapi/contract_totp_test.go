package mfaapi_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The contract suite computes TOTP codes itself, from RFC 4226 and RFC 6238, instead of asking
// the emulator (auth0test.TOTPCode, built on pquerna/otp): a code the emulator accepts then
// proves that its secret and barcode_uri work with any authenticator app, and the same code path
// works against a real tenant.

// totpStep is Auth0's TOTP period (barcode_uri: period=30).
const totpStep = 30 * time.Second

// hotp is RFC 4226 §5.3: HMAC-SHA1 over the 8-byte big-endian counter, dynamic truncation,
// modulo 10^digits, zero-padded.
func hotp(key []byte, counter uint64, digits int) string {
	mac := hmac.New(sha1.New, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// totpCounter is RFC 6238 §4.2's T for T0 = 0 and a 30-second step.
func totpCounter(at time.Time) uint64 { return uint64(at.Unix() / int64(totpStep/time.Second)) }

// decodeTOTPSecret decodes the base32 secret of an OTP association (no padding, any case).
func decodeTOTPSecret(secret string) ([]byte, error) {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		return nil, fmt.Errorf("contract: TOTP secret is not base32: %w", err)
	}
	return key, nil
}

// totpCode is the 6-digit code an authenticator app shows at time at.
func totpCode(secret string, at time.Time) (string, error) {
	key, err := decodeTOTPSecret(secret)
	if err != nil {
		return "", err
	}
	return hotp(key, totpCounter(at), 6), nil
}

// wrongTOTPCode returns a 6-digit code that is not the code of any step within ±3 of at (the
// tenant accepts some clock drift), so it must be refused.
func wrongTOTPCode(secret string, at time.Time) (string, error) {
	key, err := decodeTOTPSecret(secret)
	if err != nil {
		return "", err
	}
	near := map[string]bool{}
	c := totpCounter(at)
	for d := uint64(0); d <= 3; d++ {
		near[hotp(key, c+d, 6)], near[hotp(key, c-d, 6)] = true, true
	}
	for i := uint32(0); ; i++ {
		code := fmt.Sprintf("%06d", (i*7919+123457)%1000000)
		if !near[code] {
			return code, nil
		}
	}
}

// TestContractTOTPVectors checks the suite's own HOTP/TOTP against the RFCs' test vectors, so a
// failed confirmation in the contract suite can only be the tenant's fault.
func TestContractTOTPVectors(t *testing.T) {
	t.Parallel()
	key := []byte("12345678901234567890") // RFC 4226 Appendix D and RFC 6238 Appendix B (SHA1)
	for i, want := range []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"} {
		if got := hotp(key, uint64(i), 6); got != want {
			t.Errorf("HOTP(counter %d) = %s, want %s", i, got, want)
		}
	}
	for _, tc := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	} {
		if got := hotp(key, totpCounter(time.Unix(tc.unix, 0)), 8); got != tc.want {
			t.Errorf("TOTP(%d) = %s, want %s", tc.unix, got, tc.want)
		}
	}
	// The same key as an association would carry it: base32, 32 characters.
	secret := base32.StdEncoding.EncodeToString(key)
	if len(secret) != 32 {
		t.Fatalf("base32 of a 20-byte key has %d characters", len(secret))
	}
	got, err := totpCode(strings.ToLower(secret), time.Unix(59, 0))
	if err != nil || got != "287082" {
		t.Fatalf("totpCode = %q, %v; want 287082", got, err)
	}
	wrong, err := wrongTOTPCode(secret, time.Unix(59, 0))
	if err != nil || wrong == got || len(wrong) != 6 {
		t.Fatalf("wrongTOTPCode = %q, %v", wrong, err)
	}
	if _, err := totpCode("not base32!", time.Unix(59, 0)); err == nil {
		t.Fatal("totpCode accepted a secret that is not base32")
	}
}
