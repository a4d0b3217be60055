package e2e

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The suite's own RFC 6238 (TOTP) implementation: what an authenticator app does with the secret
// it scanned. It deliberately shares no code with the emulator (pquerna/otp), so the QR code, the
// otpauth URI and the codes are checked end to end.

// otpauth is the part of an otpauth:// URI (Key Uri Format) an authenticator app uses.
type otpauth struct {
	Label, Issuer string
	Secret        []byte
	Digits        int
	Period        time.Duration
}

// parseOTPAuth parses an otpauth://totp/… URI and refuses anything but HMAC-SHA1 TOTP.
func parseOTPAuth(raw string) (otpauth, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return otpauth{}, fmt.Errorf("e2e: otpauth URI: %w", err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" {
		return otpauth{}, fmt.Errorf("e2e: not an otpauth://totp URI (scheme %q, type %q)", u.Scheme, u.Host)
	}
	q := u.Query()
	key, err := decodeBase32Secret(q.Get("secret"))
	if err != nil {
		return otpauth{}, err
	}
	o := otpauth{Label: strings.TrimPrefix(u.Path, "/"), Issuer: q.Get("issuer"), Secret: key, Digits: 6, Period: 30 * time.Second}
	if a := q.Get("algorithm"); a != "" && !strings.EqualFold(a, "SHA1") {
		return otpauth{}, fmt.Errorf("e2e: otpauth algorithm %q is not SHA1", a)
	}
	if d := q.Get("digits"); d != "" {
		if o.Digits, err = strconv.Atoi(d); err != nil || o.Digits < 6 || o.Digits > 8 {
			return otpauth{}, fmt.Errorf("e2e: otpauth digits %q", d)
		}
	}
	if p := q.Get("period"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 {
			return otpauth{}, fmt.Errorf("e2e: otpauth period %q", p)
		}
		o.Period = time.Duration(n) * time.Second
	}
	return o, nil
}

// decodeBase32Secret decodes an RFC 4648 base32 secret, with or without padding and spaces.
func decodeBase32Secret(s string) ([]byte, error) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	s = strings.TrimRight(s, "=")
	if s == "" {
		return nil, fmt.Errorf("e2e: empty TOTP secret")
	}
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("e2e: TOTP secret is not base32: %w", err)
	}
	return key, nil
}

// code is the TOTP value at t (RFC 6238 §4 with HMAC-SHA1 and RFC 4226 §5.3 truncation).
func (o otpauth) code(t time.Time) string {
	return hotp(o.Secret, uint64(t.Unix())/uint64(o.Period/time.Second), o.Digits)
}

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

// TestTOTPImplementation checks the suite's TOTP against RFC 6238 Appendix B (SHA1 rows) and its
// URI parser against the Key Uri Format.
func TestTOTPImplementation(t *testing.T) {
	t.Parallel()
	key := []byte("12345678901234567890")
	for _, tc := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		o := otpauth{Secret: key, Digits: 8, Period: 30 * time.Second}
		if got := o.code(time.Unix(tc.unix, 0)); got != tc.want {
			t.Errorf("TOTP at %d = %s, want %s (RFC 6238 Appendix B)", tc.unix, got, tc.want)
		}
	}

	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(key)
	o, err := parseOTPAuth("otpauth://totp/Example:alice@example.com?secret=" + secret + "&issuer=Example&algorithm=SHA1&digits=6&period=30")
	if err != nil {
		t.Fatal(err)
	}
	if o.Issuer != "Example" || o.Digits != 6 || o.Period != 30*time.Second || string(o.Secret) != string(key) {
		t.Fatalf("parsed %+v", o)
	}
	if got := o.code(time.Unix(59, 0)); got != "287082" {
		t.Errorf("6-digit TOTP at 59 = %s, want 287082", got)
	}
	for _, bad := range []string{
		"https://example.com/?secret=" + secret,
		"otpauth://hotp/x?secret=" + secret,
		"otpauth://totp/x?secret=" + secret + "&algorithm=SHA256",
		"otpauth://totp/x?secret=not-base32!",
		"otpauth://totp/x",
	} {
		if _, err := parseOTPAuth(bad); err == nil {
			t.Errorf("parseOTPAuth(%q) accepted it", bad)
		}
	}
}

// b32 is the secret as an otpauth URI carries it, for looking for it in logs.
func b32(key []byte) string {
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(key)
}
