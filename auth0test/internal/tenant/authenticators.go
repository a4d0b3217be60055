package tenant

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// authn is one stored authenticator. Authenticators enrolled together (an
// sms/voice pair, a push and its totp) share group and are deleted and
// activated together.
type authn struct {
	id, kind, group string
	active          bool
	created         time.Time
	lastAuth        *time.Time
	phone, email    string // sms, voice / email
	secret          string // totp (base32)
	lastStep        int64  // last accepted TOTP time step, valid when usedStep
	usedStep        bool
	recoveryCode    string
	companion       bool   // the totp created alongside a push
	name            string // push device name once enrolled
}

func (a *authn) public() Authenticator {
	out := Authenticator{ID: a.id, Active: a.active, CreatedAt: a.created}
	switch a.kind {
	case kindTOTP:
		out.AuthenticatorType = typeOTP
	case kindRecovery:
		out.AuthenticatorType = typeRecovery
	default:
		out.AuthenticatorType = typeOOB
		out.OOBChannel = a.channel()
	}
	switch a.kind {
	case kindSMS, kindVoice:
		out.Name = maskPhone(a.phone)
	case kindEmail:
		out.Name = maskEmail(a.email)
	case kindPush:
		out.Name = a.name
	}
	if a.lastAuth != nil {
		la := *a.lastAuth
		out.LastAuth = &la
	}
	return out
}

// channel is the oob_channel of an oob authenticator.
func (a *authn) channel() string {
	if a.kind == kindPush {
		return channelPush
	}
	return a.kind
}

// enabled reports whether the tenant's settings allow the authenticator to be
// used (listed ones stay listed either way).
func (t *Tenant) enabled(a *authn) bool {
	switch a.kind {
	case kindTOTP:
		return t.factorEnabled(FactorOTP) || (a.companion && t.factorEnabled(FactorPush))
	case kindRecovery:
		return t.recoveryEnabled()
	default:
		return t.factorEnabled(factorOfKind(a.kind))
	}
}

func factorOfKind(kind string) Factor {
	switch kind {
	case kindTOTP:
		return FactorOTP
	case kindPush:
		return FactorPush
	case kindRecovery:
		return FactorRecoveryCode
	default:
		return Factor(kind) // sms, voice, email
	}
}

// purgeUser removes the user's pending authenticators older than pendingTTL
// and the enrollment events older than enrollmentWindow.
func (t *Tenant) purgeUser(st *userState, now time.Time) {
	st.auths = slices.DeleteFunc(st.auths, func(a *authn) bool {
		return !a.active && !now.Before(a.created.Add(pendingTTL))
	})
	st.enrollEvents = slices.DeleteFunc(st.enrollEvents, func(e enrollEvent) bool {
		return !now.Before(e.at.Add(enrollmentWindow))
	})
}

// user returns the user's state after purging, or nil.
func (t *Tenant) user(userID string, now time.Time) *userState {
	st := t.users[userID]
	if st != nil {
		t.purgeUser(st, now)
	}
	return st
}

func (st *userState) find(id string) *authn {
	for _, a := range st.auths {
		if a.id == id {
			return a
		}
	}
	return nil
}

func (st *userState) recovery() *authn {
	for _, a := range st.auths {
		if a.kind == kindRecovery {
			return a
		}
	}
	return nil
}

// List returns the user's authenticators, active and pending, in creation
// order, followed by the implicit verified-email authenticator. Pending ones
// older than 24 h are purged first. Unknown users have none.
func (t *Tenant) List(userID string) []Authenticator {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := []Authenticator{}
	st := t.user(userID, t.now())
	if st == nil {
		return out
	}
	for _, a := range st.auths {
		out = append(out, a.public())
	}
	if st.implicitEmailID != "" {
		out = append(out, st.implicitEmail())
	}
	return out
}

func (st *userState) implicitEmail() Authenticator {
	return Authenticator{
		ID: st.implicitEmailID, AuthenticatorType: typeOOB, OOBChannel: kindEmail,
		Name: maskEmail(st.user.Email), Active: true, CreatedAt: st.created,
	}
}

// HasActiveFactor reports whether the user has an active factor other than
// email and recovery code whose factor is enabled on the tenant: the user
// Auth0 would challenge before minting an /mfa/ token.
func (t *Tenant) HasActiveFactor(userID string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.user(userID, t.now())
	return st != nil && t.hasActiveFactor(st)
}

func (t *Tenant) hasActiveFactor(st *userState) bool {
	for _, a := range st.auths {
		if a.active && a.kind != kindEmail && a.kind != kindRecovery && t.enabled(a) {
			return true
		}
	}
	return false
}

// ChallengeOptions returns what a login challenge may offer the user: active
// authenticators of enabled factors, the verified email when the email factor
// is enabled, and the active recovery code when recovery codes are enabled.
func (t *Tenant) ChallengeOptions(userID string) []Authenticator {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := []Authenticator{}
	st := t.user(userID, t.now())
	if st == nil {
		return out
	}
	for _, a := range st.auths {
		if a.active && t.enabled(a) {
			out = append(out, a.public())
		}
	}
	if st.implicitEmailID != "" && t.factorEnabled(FactorEmail) {
		out = append(out, st.implicitEmail())
	}
	return out
}

// failedEnrollments counts the user's failed and abandoned enrollments in
// the window (events are purged by purgeUser).
func (st *userState) failedEnrollments() int { return len(st.enrollEvents) }

// confirmed removes the "abandoned" event of an enrollment group: a confirmed
// enrollment is neither failed nor abandoned.
func (st *userState) confirmed(group string) {
	st.enrollEvents = slices.DeleteFunc(st.enrollEvents, func(e enrollEvent) bool {
		return !e.failure && e.group == group
	})
}

// activate activates every pending authenticator of group, and the user's
// pending recovery-code authenticator.
func (st *userState) activate(group string) {
	for _, a := range st.auths {
		if a.group == group && !a.active {
			a.active = true
			if a.kind == kindPush {
				a.name = pushDeviceName
			}
		}
	}
	if rc := st.recovery(); rc != nil {
		rc.active = true
	}
	st.confirmed(group)
}

// associateKind validates an AssociateRequest and returns the authenticator
// kind it asks for.
func associateKind(req AssociateRequest) (string, *Error) {
	if len(req.AuthenticatorTypes) != 1 {
		return "", errInvalidRequest(`authenticator_types must be ["otp"] or ["oob"].`)
	}
	switch req.AuthenticatorTypes[0] {
	case typeOTP:
		if len(req.OOBChannels) != 0 {
			return "", errInvalidRequest(`oob_channels is only allowed with authenticator_types ["oob"].`)
		}
		return kindTOTP, nil
	case typeOOB:
	default:
		return "", errInvalidRequest(`authenticator_types must be ["otp"] or ["oob"].`)
	}
	if len(req.OOBChannels) != 1 {
		return "", errInvalidRequest("oob_channels must hold exactly one of sms, voice, auth0, email.")
	}
	switch ch := req.OOBChannels[0]; ch {
	case kindSMS, kindVoice:
		if !e164Pattern.MatchString(req.PhoneNumber) {
			return "", errInvalidRequest("phone_number must be in E.164 format.")
		}
		return ch, nil
	case channelPush:
		return kindPush, nil
	case kindEmail:
		if req.Email == "" && requireEmailOnAssociate {
			return "", errInvalidRequest("email is required for the email channel.")
		}
		if req.Email != "" && !validEmail(req.Email) {
			return "", errInvalidRequest("email must be an email address.")
		}
		return kindEmail, nil
	default:
		return "", errInvalidRequest("oob_channels must hold exactly one of sms, voice, auth0, email.")
	}
}

// Associate starts an enrollment (POST /mfa/associate): it validates the
// request, checks the factor is enabled, refuses a second factor through an
// opaque mfa_token (withOpaqueMFAToken) and the 51st failed or abandoned
// enrollment, applies the send limits, creates the pending authenticator(s),
// sends the code for sms, voice and email, and returns the recovery code on
// the user's first association.
func (t *Tenant) Associate(userID, clientID string, req AssociateRequest, withOpaqueMFAToken bool) (AssociateResult, *Error) {
	kind, e := associateKind(req)
	if e != nil {
		return AssociateResult{}, e
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	st := t.user(userID, now)
	if st == nil {
		return AssociateResult{}, errUnknownUser()
	}
	if f := factorOfKind(kind); !t.factorEnabled(f) {
		return AssociateResult{}, errFactorDisabled(f)
	}
	if withOpaqueMFAToken && t.hasActiveFactor(st) {
		return AssociateResult{}, errAlreadyEnrolled()
	}
	if st.failedEnrollments() >= maxFailedEnrollments {
		return AssociateResult{}, errMaxAuthenticators()
	}
	if b, spec := st.sendBucket(kind); b != nil && (kind != kindPush || pushEnrollmentUsesSendLimit) {
		if wait := b.wait(spec, now); wait > 0 {
			return AssociateResult{}, errTooManyRequests(wait)
		}
		b.take(spec, now)
	}

	suffix := t.alnum(16)
	add := func(kind, suffix string) *authn {
		a := &authn{id: kind + "|dev_" + suffix, kind: kind, group: suffix, created: now}
		st.auths = append(st.auths, a)
		return a
	}
	var res AssociateResult
	switch kind {
	case kindTOTP:
		a := add(kindTOTP, suffix)
		a.secret = t.newSecret()
		res = AssociateResult{AuthenticatorType: typeOTP, Secret: a.secret, BarcodeURI: t.totpURI(st.user.Email, a.secret)}
	case kindSMS, kindVoice:
		a := add(kind, suffix)
		a.phone = req.PhoneNumber
		other := kindVoice
		if kind == kindVoice {
			other = kindSMS
		}
		if t.factorEnabled(Factor(other)) {
			add(other, suffix).phone = req.PhoneNumber
		}
		res = t.startOOB(st, clientID, a.id, a.kind, a.phone+a.email, true, now)
	case kindEmail:
		a := add(kindEmail, suffix)
		a.email = req.Email
		if a.email == "" {
			a.email = st.user.Email
		}
		res = t.startOOB(st, clientID, a.id, a.kind, a.phone+a.email, true, now)
	case kindPush:
		a := add(kindPush, suffix)
		// The companion totp has an id suffix of its own, as in Auth0's
		// examples (docs-v2 enroll-and-challenge-push-authenticators.mdx lists
		// push|dev_ZUla9SQ6tAIHSz6y with totp|dev_gJ6Y6vpSrjnKeT67; go-auth0's
		// recording TestMFAListAuthenticators.yaml has push|dev_BBTKYpxKHOXVBnql
		// and no totp with that suffix). The pair is kept by group.
		c := add(kindTOTP, t.alnum(16))
		c.group, c.companion, c.secret = suffix, true, t.newSecret()
		res = t.startOOB(st, clientID, a.id, a.kind, a.phone+a.email, true, now)
		res.BarcodeURI = "otpauth://totp/" + urlenc(t.settings.FriendlyName) + ":" + urlenc(st.user.Email) +
			"?enrollment_tx_id=" + t.alnum(32) + "&base_url=" + urlenc(t.settings.GuardianURL)
	}
	st.enrollEvents = append(st.enrollEvents, enrollEvent{at: now, group: suffix})

	if t.recoveryEnabled() && st.recovery() == nil {
		rs := t.alnum(16)
		rc := add(kindRecovery, rs)
		rc.recoveryCode = t.newRecoveryCode()
		res.RecoveryCodes = []string{rc.recoveryCode}
	}
	return res, nil
}

// sendBucket returns the send-limit bucket of a kind (nil: none).
func (st *userState) sendBucket(kind string) (*bucket, bucketSpec) {
	switch kind {
	case kindSMS, kindVoice:
		return &st.sendPhone, sendSMSVoice
	case kindEmail:
		return &st.sendEmail, sendEmail
	case kindPush:
		return &st.sendPush, sendPush
	}
	return nil, bucketSpec{}
}

// totpURI is the recorded otpauth URI of an OTP association (reference §2.2).
func (t *Tenant) totpURI(email, secret string) string {
	name := urlenc(t.settings.FriendlyName)
	return "otpauth://totp/" + name + ":" + urlenc(email) + "?secret=" + secret + "&issuer=" + name +
		"&algorithm=SHA1&digits=6&period=30"
}

// urlenc percent-encodes like the recorded barcode_uri: %20 for spaces,
// %40 for @.
func urlenc(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// Delete removes an authenticator and its pair (DELETE
// /mfa/authenticators/{id}); pending ones too. It refuses the recovery code
// and the implicit verified email.
func (t *Tenant) Delete(userID, id string) *Error {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.user(userID, t.now())
	if st == nil {
		return errNotFound()
	}
	if st.implicitEmailID != "" && id == st.implicitEmailID {
		return errNoEmailDelete()
	}
	a := st.find(id)
	if a == nil {
		return errNotFound()
	}
	if a.kind == kindRecovery {
		return errNoRecoveryDelete()
	}
	var gone []string
	st.auths = slices.DeleteFunc(st.auths, func(b *authn) bool {
		if b.group == a.group && b.kind != kindRecovery {
			gone = append(gone, b.id)
			return true
		}
		return false
	})
	for id, p := range t.pushes {
		if p.req.UserID == userID && slices.Contains(gone, p.authID) {
			delete(t.pushes, id)
		}
	}
	t.pushOrder = slices.DeleteFunc(t.pushOrder, func(id string) bool { return t.pushes[id] == nil })
	if deletePendingResetsFailedCount && !a.active {
		st.confirmed(a.group)
	}
	return nil
}

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

// maskPhone replaces all but the last 4 characters of an E.164 number with
// X, as recorded ("XXXXXXXXX9167").
func maskPhone(p string) string {
	if len(p) <= 4 {
		return strings.Repeat("X", len(p))
	}
	return strings.Repeat("X", len(p)-4) + p[len(p)-4:]
}

// maskEmail keeps the first 4 characters of the local part and of the
// domain ("****@exam*******", "dloz********@gmai*****"); parts of 4
// characters or fewer are fully masked.
func maskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok {
		return strings.Repeat("*", len([]rune(e)))
	}
	return maskPart(local) + "@" + maskPart(domain)
}

func maskPart(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-4)
}
