package enroll

import (
	"errors"
	"testing"

	"github.com/selfmfa/selfmfa/limiter"
)

func TestLedgerSealsRecoveryCodes(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	lim := limiter.NewMemory()
	l, err := NewLedger(lim, []byte("client-secret"))
	if err != nil {
		t.Fatal(err)
	}
	const code = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	if err := l.HoldCode(ctx, "auth0|a", code); err != nil {
		t.Fatal(err)
	}
	raw, ok, _ := lim.Get(ctx, heldKey("auth0|a"))
	if !ok || len(raw) == 0 || string(raw) == code || containsBytes(raw, code) {
		t.Fatalf("the limiter holds %q: the code must be sealed", raw)
	}
	if got, err := l.HeldCode(ctx, "auth0|a"); err != nil || got != code {
		t.Fatalf("HeldCode = %q, %v", got, err)
	}
	// A sealed value moved under another user's key does not open.
	if _, _, err := lim.SetOnce(ctx, heldKey("auth0|b"), raw, heldTTL); err != nil {
		t.Fatal(err)
	}
	if got, err := l.HeldCode(ctx, "auth0|b"); !errors.Is(err, ErrUnreadable) || got != "" {
		t.Fatalf("a value moved to another user opened: %q, %v", got, err)
	}
	// Another secret (a rotated client secret) cannot open it either, and it is dropped.
	other, _ := NewLedger(lim, []byte("another-secret"))
	if _, err := other.HeldCode(ctx, "auth0|a"); !errors.Is(err, ErrUnreadable) {
		t.Fatalf("another secret: %v", err)
	}
	if _, ok, _ := lim.Get(ctx, heldKey("auth0|a")); ok {
		t.Fatal("an unreadable value was kept")
	}
	if _, err := NewLedger(lim, nil); err == nil {
		t.Fatal("a ledger without a secret was built")
	}
}

func containsBytes(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if string(b[i:i+len(s)]) == s {
			return true
		}
	}
	return false
}
