package tenant

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// The My Account API's view of the same authenticators (reference §5): one user, two views.
// A method is an authenticator group as a person thinks of it: the sms and voice pair of a
// number is one "phone" method with a preferred channel, a push is one "push-notification"
// method (its companion totp is not listed apart), and each method can carry a name of the
// user's choosing.

// Method types of the My Account API.
const (
	MethodTOTP     = "totp"
	MethodPhone    = "phone"
	MethodEmail    = "email"
	MethodPush     = "push-notification"
	MethodRecovery = "recovery-code"
)

// Choices where the reference is silent.
const (
	// meListsUnconfirmed: [UNK] in the reference: chosen because the method object has a
	// "confirmed" member (OAS), which a list of confirmed methods only would not need.
	meListsUnconfirmed = true
	// meListsVerifiedEmail: [UNK] in the reference: chosen false because the verified email
	// is an attribute of the user that the MFA API lists for compatibility ("all verified
	// emails will be listed as authenticators"); the My Account API lists what was enrolled.
	meListsVerifiedEmail = false
	// maxMethodName: [UNK] in the reference (the OAS gives no maxLength): chosen because a
	// device label longer than 100 characters is no label.
	maxMethodName = 100
	// meDeletesRecoveryCode: [UNK] in the reference (the MFA API cannot delete a recovery
	// code; the My Account API lists recovery-code as a method type and documents DELETE for
	// methods without exceptions): chosen true, as the OAS reads.
	meDeletesRecoveryCode = true
	// meAuthSessionTTL: [UNK] in the reference: chosen as the oob_code lifetime (5 minutes),
	// which bounds the codes the enrollment sent.
	meAuthSessionTTL = oobCodeTTL
)

// Method is one authentication method as GET /me/v1/authentication-methods shows it.
type Method struct {
	ID, Type    string
	Confirmed   bool
	CreatedAt   time.Time
	LastAuthAt  *time.Time
	Name        string // the user's name for it ("" none)
	PhoneNumber string // phone: as enrolled
	Preferred   string // phone: "sms" or "voice"
	Email       string // email
	Passkey     *Passkey
}

// MethodStart is the 202 answer of an enrollment.
type MethodStart struct {
	ID, AuthSession string
	BarcodeURI      string // totp, push
	ManualCode      string // totp: the secret
	RecoveryCode    string // recovery-code: shown once
}

// meSession is what an auth_session stands for.
type meSession struct {
	userID, clientID, methodID, group, kind string
	oobCode                                 string // phone, email, push
	expires                                 time.Time
	challenge                               string    // passkey: base64url, as in clientDataJSON
	rp                                      PasskeyRP // passkey
}

// methodID names a group in the My Account API.
func methodID(a *authn) string {
	suffix := a.id[strings.IndexByte(a.id, '|')+1:]
	switch a.kind {
	case kindSMS, kindVoice:
		return MethodPhone + "|" + "dev_" + a.group
	case kindPush:
		return MethodPush + "|" + suffix
	case kindRecovery:
		return MethodRecovery + "|" + suffix
	}
	return a.id // totp|…, email|…
}

// methods groups the user's authenticators; the caller holds t.mu.
func (st *userState) methods() []Method {
	var out []Method
	seen := map[string]bool{}
	for _, a := range st.auths {
		if a.companion || (!a.active && !meListsUnconfirmed) {
			continue
		}
		id := methodID(a)
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, st.method(a))
	}
	for _, p := range st.passkeys {
		out = append(out, st.passkeyMethod(p))
	}
	if meListsVerifiedEmail && st.implicitEmailID != "" {
		out = append(out, Method{ID: st.implicitEmailID, Type: MethodEmail, Confirmed: true, CreatedAt: st.created, Email: st.user.Email})
	}
	return out
}

// method is the method of a's group.
func (st *userState) method(a *authn) Method {
	m := Method{ID: methodID(a), Confirmed: a.active, CreatedAt: a.created, Name: a.label}
	var last *time.Time
	for _, b := range st.auths {
		if b.group == a.group && b.kind != kindRecovery && b.lastAuth != nil && (last == nil || b.lastAuth.After(*last)) {
			last = b.lastAuth
		}
	}
	if a.kind == kindRecovery {
		last = a.lastAuth
	}
	if last != nil {
		l := *last
		m.LastAuthAt = &l
	}
	switch a.kind {
	case kindTOTP:
		m.Type = MethodTOTP
	case kindSMS, kindVoice:
		m.Type, m.PhoneNumber, m.Preferred = MethodPhone, a.phone, a.preferred
		if m.Preferred == "" {
			m.Preferred = a.kind
		}
	case kindEmail:
		m.Type, m.Email = MethodEmail, a.email
	case kindPush:
		m.Type = MethodPush
	case kindRecovery:
		m.Type = MethodRecovery
	}
	return m
}

// findMethod returns the authenticators of the method id (nil: none).
func (st *userState) findMethod(id string) []*authn {
	var out []*authn
	for _, a := range st.auths {
		if !a.companion && methodID(a) == id {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil
	}
	group := out[0].group
	return slices.DeleteFunc(slices.Clone(st.auths), func(b *authn) bool {
		return b.group != group || (b.kind == kindRecovery) != (out[0].kind == kindRecovery)
	})
}

// Methods lists the user's methods (GET /me/v1/authentication-methods); typ filters.
func (t *Tenant) Methods(userID, typ string) []Method {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.user(userID, t.now())
	out := []Method{}
	if st == nil {
		return out
	}
	for _, m := range st.methods() {
		if typ == "" || m.Type == typ {
			out = append(out, m)
		}
	}
	return out
}

// MethodByID returns one method (GET /me/v1/authentication-methods/{id}).
func (t *Tenant) MethodByID(userID, id string) (Method, *Error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.user(userID, t.now())
	if st == nil {
		return Method{}, errMethodNotFound()
	}
	if p := st.findPasskey(id); p != nil {
		return st.passkeyMethod(p), nil
	}
	as := st.findMethod(id)
	if as == nil {
		return Method{}, errMethodNotFound()
	}
	return st.method(as[0]), nil
}

// StartMethod is POST /me/v1/authentication-methods: the enrollment of a method, with the
// MFA API's limits (sends, the 50 unfinished enrollments) and the same pending authenticators.
func (t *Tenant) StartMethod(userID, clientID, typ, phone, preferred, email string) (MethodStart, *Error) {
	req := AssociateRequest{}
	switch typ {
	case MethodTOTP:
		req.AuthenticatorTypes = []string{typeOTP}
	case MethodPhone:
		if preferred == "" {
			preferred = kindSMS
		}
		if preferred != kindSMS && preferred != kindVoice {
			return MethodStart{}, errMeValidation("preferred_authentication_method must be sms or voice.")
		}
		if !e164Pattern.MatchString(phone) {
			return MethodStart{}, errMeValidation("phone_number must be an E.164 number, such as +14155550123.")
		}
		req.AuthenticatorTypes, req.OOBChannels, req.PhoneNumber = []string{typeOOB}, []string{preferred}, phone
	case MethodEmail:
		if !validEmail(email) {
			return MethodStart{}, errMeValidation("email must be an email address.")
		}
		req.AuthenticatorTypes, req.OOBChannels, req.Email = []string{typeOOB}, []string{kindEmail}, email
	case MethodPush:
		req.AuthenticatorTypes, req.OOBChannels = []string{typeOOB}, []string{channelPush}
	case MethodRecovery:
		return t.startRecoveryMethod(userID, clientID)
	default:
		return MethodStart{}, errMeValidation("type must be one of totp, phone, email, push-notification, recovery-code, passkey.")
	}
	kind, e := associateKind(req)
	if e != nil {
		return MethodStart{}, errMeValidation(e.Description)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	st := t.user(userID, now)
	if st == nil {
		return MethodStart{}, errMethodNotFound()
	}
	if f := factorOfKind(kind); !t.factorEnabled(f) {
		return MethodStart{}, errMeFactorDisabled(typ)
	}
	if st.failedEnrollments() >= maxFailedEnrollments {
		return MethodStart{}, errMe(http.StatusBadRequest, "max_authenticators", descMaxAuthenticators)
	}
	if b, spec := st.sendBucket(kind); b != nil && (kind != kindPush || pushEnrollmentUsesSendLimit) {
		if wait := b.wait(spec, now); wait > 0 {
			return MethodStart{}, errMeTooMany(wait)
		}
		b.take(spec, now)
	}
	res, group := t.createEnrollment(st, clientID, kind, req, false, now)
	var first *authn
	for _, a := range st.auths {
		if a.group == group && a.kind == kind && !a.companion {
			first = a
		}
	}
	if typ == MethodPhone {
		for _, a := range st.auths {
			if a.group == group {
				a.preferred = preferred
			}
		}
	}
	out := MethodStart{ID: methodID(first), BarcodeURI: res.BarcodeURI}
	if typ == MethodTOTP {
		out.ManualCode = res.Secret
	}
	out.AuthSession = t.newMeSession(meSession{userID: userID, clientID: clientID, methodID: out.ID, group: group,
		kind: kind, oobCode: res.OOBCode, expires: now.Add(meAuthSessionTTL)})
	return out, nil
}

// startRecoveryMethod creates a pending recovery code (a user has at most one).
func (t *Tenant) startRecoveryMethod(userID, clientID string) (MethodStart, *Error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	st := t.user(userID, now)
	if st == nil {
		return MethodStart{}, errMethodNotFound()
	}
	if !t.recoveryEnabled() {
		return MethodStart{}, errMeFactorDisabled(MethodRecovery)
	}
	if rc := st.recovery(); rc != nil && rc.active {
		return MethodStart{}, errMe(http.StatusConflict, "conflict", "The user already has a recovery code.")
	}
	st.auths = slices.DeleteFunc(st.auths, func(a *authn) bool { return a.kind == kindRecovery })
	rs := t.alnum(16)
	rc := &authn{id: kindRecovery + "|dev_" + rs, kind: kindRecovery, group: rs, created: now, recoveryCode: t.newRecoveryCode()}
	st.auths = append(st.auths, rc)
	out := MethodStart{ID: methodID(rc), RecoveryCode: rc.recoveryCode}
	out.AuthSession = t.newMeSession(meSession{userID: userID, clientID: clientID, methodID: out.ID, group: rs,
		kind: kindRecovery, expires: now.Add(meAuthSessionTTL)})
	return out, nil
}

func (t *Tenant) newMeSession(s meSession) string {
	if t.meSessions == nil {
		t.meSessions = map[[32]byte]*meSession{}
	}
	tok := t.newSealed(s.expires)
	t.meSessions[sealedKey(tok)] = &s
	return tok
}

// VerifyMethod is POST /me/v1/authentication-methods/{id}/verify: the auth_session of that
// method's enrollment, with the code for totp, phone and email; a push verifies once the
// Guardian app approved; a recovery code once its holder saved it.
func (t *Tenant) VerifyMethod(userID, clientID, id, authSession, code string) (Method, *Error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	st := t.user(userID, now)
	var s *meSession
	if t.meSessions != nil {
		s = t.meSessions[sealedKey(authSession)]
	}
	if st == nil || s == nil || s.userID != userID || s.clientID != clientID || s.methodID != id || s.kind == MethodPasskey {
		return Method{}, errMeValidation(descMeInvalidSession)
	}
	if !now.Before(s.expires) {
		return Method{}, errMeValidation(descMeSessionExpired)
	}
	as := st.findMethod(id)
	if as == nil {
		return Method{}, errMethodNotFound()
	}
	switch s.kind {
	case kindTOTP:
		if wait := st.failures.wait(failedCodes, now); wait > 0 {
			return Method{}, errMeTooMany(wait)
		}
		if !matchTOTP(as[0], code, now) {
			st.failures.take(failedCodes, now)
			st.enrollEvents = append(st.enrollEvents, enrollEvent{at: now, group: s.group, failure: true})
			return Method{}, errMeValidation(descMeInvalidCode)
		}
		st.activate(s.group)
	case kindSMS, kindVoice, kindEmail:
		if e := t.verifyOOBLocked(userID, clientID, s.oobCode, code, now); e != nil {
			switch {
			case e.Status == http.StatusTooManyRequests:
				return Method{}, errMeTooMany(e.RetryAfter)
			case e.Description == descInvalidBinding:
				return Method{}, errMeValidation(descMeInvalidCode) // the member is otp_code here
			}
			return Method{}, errMeValidation(e.Description)
		}
	case kindPush:
		if !as[0].active {
			return Method{}, errMeValidation("The enrollment is not approved yet: approve it in the Guardian app, then verify.")
		}
	case kindRecovery:
		as[0].active = true
		st.confirmed(s.group)
	}
	delete(t.meSessions, sealedKey(authSession))
	return st.method(as[0]), nil
}
