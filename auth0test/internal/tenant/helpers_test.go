package tenant

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// t0 is aligned on a 30-second TOTP step.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	alice  = "auth0|alice"
	bob    = "auth0|bob"
	client = "client-1"
	phone  = "+447700909167"
)

// fakeClock is a clock tests advance by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newTestTenant returns a tenant with deterministic randomness, default
// settings (unless given) and two users: alice (verified email) and bob.
func newTestTenant(t *testing.T, settings ...Settings) (*Tenant, *fakeClock) {
	t.Helper()
	s := DefaultSettings()
	s.FriendlyName = "My Test Tenant"
	if len(settings) > 0 {
		s = settings[0]
	}
	clk := &fakeClock{now: t0}
	var seed [32]byte
	copy(seed[:], t.Name())
	tn := New(clk.Now, rand.NewChaCha8(seed), s)
	for _, u := range []User{
		{ID: alice, Email: "user@example.com", Password: "alice-pw", Name: "Alice", EmailVerified: true},
		{ID: bob, Email: "bob@example.org", Password: "bob-pw", Name: "Bob"},
	} {
		if err := tn.AddUser(u); err != nil {
			t.Fatal(err)
		}
	}
	return tn, clk
}

// rfc6238 computes a 6-digit TOTP (HMAC-SHA1, 30 s) without pquerna/otp.
func rfc6238(secret string, at time.Time) string {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(strings.ToUpper(secret), "="))
	if err != nil {
		panic(err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1000000)
}

func wantErr(t *testing.T, got *Error, status int, code, desc string) {
	t.Helper()
	if got == nil {
		t.Fatalf("got no error, want %d %s %q", status, code, desc)
	}
	if got.Status != status || got.Code != code || (desc != "" && got.Description != desc) {
		t.Fatalf("got %d %s %q, want %d %s %q", got.Status, got.Code, got.Description, status, code, desc)
	}
}

func noErr(t *testing.T, err *Error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

var (
	reqOTP   = AssociateRequest{AuthenticatorTypes: []string{"otp"}}
	reqSMS   = AssociateRequest{AuthenticatorTypes: []string{"oob"}, OOBChannels: []string{"sms"}, PhoneNumber: phone}
	reqVoice = AssociateRequest{AuthenticatorTypes: []string{"oob"}, OOBChannels: []string{"voice"}, PhoneNumber: phone}
	reqEmail = AssociateRequest{AuthenticatorTypes: []string{"oob"}, OOBChannels: []string{"email"}, Email: "other@example.net"}
	reqPush  = AssociateRequest{AuthenticatorTypes: []string{"oob"}, OOBChannels: []string{"auth0"}}
)

// byPrefix returns the listed authenticators whose id starts with kind+"|".
func byPrefix(list []Authenticator, kind string) []Authenticator {
	var out []Authenticator
	for _, a := range list {
		if strings.HasPrefix(a.ID, kind+"|") {
			out = append(out, a)
		}
	}
	return out
}

func find(list []Authenticator, id string) (Authenticator, bool) {
	for _, a := range list {
		if a.ID == id {
			return a, true
		}
	}
	return Authenticator{}, false
}

// pendingTOTP returns the newest pending standalone totp of the user.
func pendingTOTP(t *testing.T, tn *Tenant, user string) Authenticator {
	t.Helper()
	var out Authenticator
	for _, a := range tn.List(user) {
		if strings.HasPrefix(a.ID, "totp|") && !a.Active {
			out = a
		}
	}
	if out.ID == "" {
		t.Fatal("no pending totp")
	}
	return out
}

func secretOf(t *testing.T, tn *Tenant, id string) string {
	t.Helper()
	s, ok := tn.TOTPSecret(id)
	if !ok {
		t.Fatalf("no secret for %s", id)
	}
	return s
}

func TestRFC6238Helper(t *testing.T) {
	t.Parallel()
	// RFC 6238 Appendix B, SHA1, T=59: 94287082 (8 digits) -> 287082.
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	if got := rfc6238(secret, time.Unix(59, 0)); got != "287082" {
		t.Fatalf("rfc6238 = %s, want 287082", got)
	}
	if got := rfc6238(secret, time.Unix(1111111109, 0)); got != "081804" {
		t.Fatalf("rfc6238 = %s, want 081804", got)
	}
}
