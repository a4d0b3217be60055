package enroll

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The ledger keeps a user's recovery code from the moment Auth0 hands it over until its one
// display, per user and not per session: a session that is written back late, whose save
// failed, or that the user abandoned must not lose the one code Auth0 sends. Values are sealed
// with AES-256-GCM under a key derived from a handler secret, and bound to their key, so the
// limiter's store (Redis, PostgreSQL) never holds a code in the clear.
const (
	// heldTTL: a code from an enrollment that ended unconfirmed stays as long as Auth0 keeps
	// the pending recovery code it belongs to (24 h).
	heldTTL = 24 * time.Hour
	// displayTTL: a code waiting for its display stays a day.
	displayTTL = 24 * time.Hour
)

// vault seals small values for the ledger, and fingerprints destinations for its keys.
type vault struct {
	aead cipher.AEAD
	mac  []byte // HMAC key of fingerprint
}

// newVault derives the sealing key from secret (the application's client secret: every
// instance of the handler has it, the limiter's store does not).
func newVault(secret []byte) (*vault, error) {
	if len(secret) == 0 {
		return nil, errors.New("enroll: the ledger needs a secret to seal recovery codes")
	}
	key, err := hkdf.Key(sha256.New, secret, nil, "selfmfa ledger recovery codes v1", 32)
	if err != nil {
		return nil, fmt.Errorf("enroll: deriving the ledger key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("enroll: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("enroll: %w", err)
	}
	mac, err := hkdf.Key(sha256.New, secret, nil, "selfmfa ledger destination keys v1", 32)
	if err != nil {
		return nil, fmt.Errorf("enroll: deriving the ledger key: %w", err)
	}
	return &vault{aead: aead, mac: mac}, nil
}

// fingerprint is a keyed hash of s for a limiter key: the store never sees a phone number or
// an email address, and nobody without the secret can test guesses against its keys.
func (v *vault) fingerprint(s string) string {
	m := hmac.New(sha256.New, v.mac)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

func (v *vault) seal(key string, value any) ([]byte, error) {
	plain, err := json.Marshal(value)
	if err != nil {
		return nil, fmt.Errorf("enroll: %w", err)
	}
	nonce := make([]byte, v.aead.NonceSize())
	_, _ = rand.Read(nonce) // crypto/rand never fails
	return v.aead.Seal(nonce, nonce, plain, []byte(key)), nil
}

func (v *vault) open(key string, sealed []byte, value any) error {
	n := v.aead.NonceSize()
	if len(sealed) < n {
		return errors.New("enroll: a sealed ledger value is too short")
	}
	plain, err := v.aead.Open(nil, sealed[:n], sealed[n:], []byte(key))
	if err != nil {
		return fmt.Errorf("enroll: a sealed ledger value does not open (the client secret changed?): %w", err)
	}
	return json.Unmarshal(plain, value)
}

// ErrUnreadable reports a sealed ledger value that cannot be opened; it was dropped.
var ErrUnreadable = errors.New("enroll: a recovery code held in the ledger could not be read and was dropped")

func heldKey(sub string) string    { return "held-recovery:" + sub }
func displayKey(sub string) string { return "recovery-display:" + sub }

// HoldCode keeps sub's recovery code from an enrollment that has not been confirmed yet (or
// ended unconfirmed): Auth0 returns the code with the first association only and activates it
// with the next confirmed factor, whose enrollment shows it then. The first code held stays.
func (l *Ledger) HoldCode(ctx context.Context, sub, code string) error {
	sealed, err := l.vault.seal(heldKey(sub), code)
	if err != nil {
		return err
	}
	_, _, err = l.lim.SetOnce(ctx, heldKey(sub), sealed, heldTTL)
	return err
}

// HeldCode is sub's held recovery code ("" when none).
func (l *Ledger) HeldCode(ctx context.Context, sub string) (string, error) {
	sealed, ok, err := l.lim.Get(ctx, heldKey(sub))
	if err != nil || !ok {
		return "", err
	}
	var code string
	if err := l.vault.open(heldKey(sub), sealed, &code); err != nil {
		_ = l.DropHeldCode(ctx, sub)
		return "", fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	return code, nil
}

// DropHeldCode forgets sub's held code (it was shown, or is no longer the user's).
func (l *Ledger) DropHeldCode(ctx context.Context, sub string) error {
	return l.lim.Delete(context.WithoutCancel(ctx), heldKey(sub))
}

// HoldDisplay keeps the recovery display d for sub's next page. A display already waiting
// stays (it is the one with the code).
func (l *Ledger) HoldDisplay(ctx context.Context, sub string, d RecoveryDisplay) error {
	sealed, err := l.vault.seal(displayKey(sub), d)
	if err != nil {
		return err
	}
	_, _, err = l.lim.SetOnce(context.WithoutCancel(ctx), displayKey(sub), sealed, displayTTL)
	return err
}

// Display is the recovery display waiting for sub (nil when none).
func (l *Ledger) Display(ctx context.Context, sub string) (*RecoveryDisplay, error) {
	sealed, ok, err := l.lim.Get(ctx, displayKey(sub))
	if err != nil || !ok {
		return nil, err
	}
	var d RecoveryDisplay
	if err := l.vault.open(displayKey(sub), sealed, &d); err != nil {
		// It can never open (a changed client secret, a damaged store): drop it rather than
		// send the user to a page that fails for a day.
		_ = l.DropDisplay(ctx, sub)
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	return &d, nil
}

// DropDisplay forgets sub's waiting display.
func (l *Ledger) DropDisplay(ctx context.Context, sub string) error {
	return l.lim.Delete(context.WithoutCancel(ctx), displayKey(sub))
}

func revokedKey(gen string) string { return "revoked-session:" + gen }

// revokedTTL outlives any MFA API token a revoked session copy could still hold (10 minutes).
const revokedTTL = 30 * time.Minute

// Revoke marks a session generation dead: a copy of the session written back under the old
// identifier after a renewal (scs saves every request's copy) must not open the pages with
// the token it still holds.
func (l *Ledger) Revoke(ctx context.Context, gen string) error {
	_, _, err := l.lim.SetOnce(context.WithoutCancel(ctx), revokedKey(gen), nil, revokedTTL)
	return err
}

// IsRevoked reports whether session generation gen was renewed away.
func (l *Ledger) IsRevoked(ctx context.Context, gen string) (bool, error) {
	_, ok, err := l.lim.Get(ctx, revokedKey(gen))
	return ok, err
}
