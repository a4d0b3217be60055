package tenant

import (
	"slices"
	"strings"
	"time"
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
	label           string // the user's name for the method (My Account API)
	preferred       string // sms, voice: the phone's preferred channel (My Account API)
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
