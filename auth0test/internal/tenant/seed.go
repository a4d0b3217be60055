package tenant

import (
	"fmt"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"slices"
	"strings"
)

// Direct access for tests: authenticators seeded without an enrollment, and their secrets.

// totpOpts are Auth0's TOTP parameters: SHA1, 6 digits, 30 s.
var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// SeedAuthenticator creates an ACTIVE authenticator directly, for tests: otp
// (opts.Secret or a generated one; read it with TOTPSecret), sms or voice
// (opts.Phone; both of the pair are created), email (opts.Email or the
// user's), push (with its totp), or recovery-code (opts.RecoveryCode or a
// generated one, replacing the user's; read it with RecoveryCode). It ignores
// settings and limits and returns the authenticator of the requested kind.
func (t *Tenant) SeedAuthenticator(userID string, kind Factor, opts SeedOptions) (Authenticator, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	st := t.user(userID, now)
	if st == nil {
		return Authenticator{}, fmt.Errorf("tenant: seed %s: %w", kind, ErrUnknownUser)
	}
	secret := strings.ToUpper(strings.ReplaceAll(opts.Secret, " ", ""))
	if secret == "" {
		secret = t.newSecret()
	} else if _, err := totp.GenerateCodeCustom(secret, now, totpOpts); err != nil {
		return Authenticator{}, fmt.Errorf("%w: secret is not base32: %w", ErrInvalidSeed, err)
	}
	suffix := t.alnum(16)
	add := func(kind string) *authn {
		a := &authn{id: kind + "|dev_" + suffix, kind: kind, group: suffix, created: now, active: true}
		st.auths = append(st.auths, a)
		return a
	}
	var a *authn
	switch kind {
	case FactorOTP:
		a = add(kindTOTP)
		a.secret = secret
	case FactorSMS, FactorVoice:
		if !e164Pattern.MatchString(opts.Phone) {
			return Authenticator{}, fmt.Errorf("%w: Phone must be in E.164 format", ErrInvalidSeed)
		}
		sms, voice := add(kindSMS), add(kindVoice)
		sms.phone, voice.phone = opts.Phone, opts.Phone
		a = sms
		if kind == FactorVoice {
			a = voice
		}
	case FactorEmail:
		email := opts.Email
		if email == "" {
			email = st.user.Email
		}
		if !validEmail(email) {
			return Authenticator{}, fmt.Errorf("%w: Email is not an address", ErrInvalidSeed)
		}
		a = add(kindEmail)
		a.email = email
	case FactorPush:
		a = add(kindPush)
		a.name = pushDeviceName
		c := &authn{id: kindTOTP + "|dev_" + t.alnum(16), kind: kindTOTP, group: suffix, created: now, active: true,
			secret: secret, companion: true} // its own suffix, as associate gives it
		st.auths = append(st.auths, c)
	case FactorRecoveryCode:
		code := opts.RecoveryCode
		if code == "" {
			code = t.newRecoveryCode()
		} else if len(code) != 24 || strings.Trim(code, recoveryCodeChars) != "" {
			return Authenticator{}, fmt.Errorf("%w: RecoveryCode must be 24 characters [A-Z0-9]", ErrInvalidSeed)
		}
		st.auths = slices.DeleteFunc(st.auths, func(b *authn) bool { return b.kind == kindRecovery })
		a = add(kindRecovery)
		a.recoveryCode = code
	default:
		return Authenticator{}, fmt.Errorf("%w: unknown factor %q", ErrInvalidSeed, kind)
	}
	return a.public(), nil
}

// findAny finds an authenticator of any user by id.
func (t *Tenant) findAny(id string) (*userState, *authn) {
	for _, st := range t.users {
		if a := st.find(id); a != nil {
			return st, a
		}
	}
	return nil, nil
}

// totpOf returns the totp authenticator for id: the totp itself, or the
// companion totp of a push.
func (t *Tenant) totpOf(id string) *authn {
	st, a := t.findAny(id)
	if a == nil {
		return nil
	}
	if a.kind == kindPush {
		for _, b := range st.auths {
			if b.group == a.group && b.kind == kindTOTP {
				return b
			}
		}
		return nil
	}
	if a.kind != kindTOTP {
		return nil
	}
	return a
}

// TOTPSecret returns the base32 secret of a totp authenticator (or of a push
// authenticator's companion totp), active or pending. For tests and dev pages.
func (t *Tenant) TOTPSecret(authenticatorID string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.totpOf(authenticatorID)
	if a == nil {
		return "", false
	}
	return a.secret, true
}

// TOTPCode returns the current code of a totp authenticator (or of a push
// authenticator's companion totp) at the tenant's clock.
func (t *Tenant) TOTPCode(authenticatorID string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.totpOf(authenticatorID)
	if a == nil {
		return "", fmt.Errorf("tenant: totp code: %w", ErrNotFound)
	}
	code, err := totp.GenerateCodeCustom(a.secret, t.now(), totpOpts)
	if err != nil {
		return "", fmt.Errorf("tenant: totp code: %w", err)
	}
	return code, nil
}

// RecoveryCode returns the user's current recovery code (active or pending).
// For tests and dev pages.
func (t *Tenant) RecoveryCode(userID string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.user(userID, t.now())
	if st == nil {
		return "", false
	}
	rc := st.recovery()
	if rc == nil {
		return "", false
	}
	return rc.recoveryCode, true
}
