package tenant

import (
	"crypto/sha256"
	"crypto/subtle"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp/totp"
)

// totpPreviousSteps is how many 30-second steps before the current one are
// still accepted; the next step never is. Auth0's support article "Auth0
// Acceptance of OTP MFA Codes After 30 Seconds" (support.auth0.com): "Auth0
// accepts the previous 30-second code …, effectively creating a 60-second
// window of validity": the previous and the current step.
const totpPreviousSteps = 1

// oobRecord is the server side of one oob_code.
type oobRecord struct {
	userID, clientID string
	authID, kind     string
	binding          string // sms, voice, email
	pushID           string // push
	enrollment       bool
	expires          time.Time
	spent            bool
	polls            bucket // push polls (pushPolls)
}

// pushRecord is one push request and the authenticator it concerns.
type pushRecord struct {
	req     PushRequest
	authID  string
	expires time.Time
}

// mfaTokenRecord is the server side of one opaque mfa_token.
type mfaTokenRecord struct {
	userID, clientID string
	expires          time.Time
}

// startOOB creates an oob_code for the authenticator authID of kind and, for
// sms, voice and email, sends a 6-digit binding code to to; for push it
// queues a PushRequest.
func (t *Tenant) startOOB(st *userState, clientID, authID, kind, to string, enrollment bool, now time.Time) AssociateResult {
	t.forget(now)
	expires := now.Add(oobCodeTTL)
	code := t.newSealed(expires)
	rec := &oobRecord{userID: st.user.ID, clientID: clientID, authID: authID, kind: kind, enrollment: enrollment, expires: expires}
	res := AssociateResult{AuthenticatorType: typeOOB, OOBChannel: kind, OOBCode: code}
	if kind == kindPush {
		res.OOBChannel = channelPush
		p := &pushRecord{
			req: PushRequest{
				ID: "ptx_" + t.alnum(24), UserID: st.user.ID, OOBCode: code, Enrollment: enrollment,
				CreatedAt: now, State: PushPending,
			},
			authID: authID, expires: expires,
		}
		t.pushes[p.req.ID] = p
		t.pushOrder = append(t.pushOrder, p.req.ID)
		rec.pushID = p.req.ID
	} else {
		rec.binding = t.newDigits()
		res.BindingMethod = bindingPrompt
		t.outbox = append(t.outbox, Message{To: to, Channel: kind, Code: rec.binding, UserID: st.user.ID, SentAt: now})
	}
	t.oobCodes[sealedKey(code)] = rec
	return res
}

// forget drops mfa_tokens, oob_codes and push requests that expired more
// than forgottenAfter ago.
func (t *Tenant) forget(now time.Time) {
	cutoff := now.Add(-forgottenAfter)
	maps.DeleteFunc(t.oobCodes, func(_ [32]byte, r *oobRecord) bool { return r.expires.Before(cutoff) })
	maps.DeleteFunc(t.mfaTokens, func(_ [32]byte, r *mfaTokenRecord) bool { return r.expires.Before(cutoff) })
	maps.DeleteFunc(t.pushes, func(_ string, p *pushRecord) bool { return p.expires.Before(cutoff) })
	t.pushOrder = slices.DeleteFunc(t.pushOrder, func(id string) bool { return t.pushes[id] == nil })
}

// equal compares two secrets in constant time, lengths included.
func equal(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}

// matchTOTP reports whether code is a's code of the current step or of one
// of the totpPreviousSteps before it, and newer than the last accepted step;
// on success it records the step, so each code is accepted once.
func matchTOTP(a *authn, code string, now time.Time) bool {
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return false
	}
	opts := totpOpts // Skew 0: the window is walked here, to learn the step that matched
	cur := now.Unix() / int64(opts.Period)
	for s := cur - totpPreviousSteps; s <= cur; s++ {
		if a.usedStep && s <= a.lastStep {
			continue
		}
		if ok, _ := totp.ValidateCustom(code, a.secret, time.Unix(s*int64(opts.Period), 0), opts); ok {
			a.lastStep, a.usedStep = s, true
			return true
		}
	}
	return false
}

// ConfirmPendingOTP confirms a TOTP enrollment (grant mfa-otp with an /mfa/
// access token, or with the opaque mfa_token of a user who is not enrolled
// yet; the enrollment step of Universal Login). Only the user's newest
// pending totp that is not a push companion is tried (confirmNewestPendingTOTP);
// success activates it with its pair and the pending recovery code. Active
// totps are never tried: a code of the authenticator app the user already
// has does not confirm a new one (reference §7.2: "check TOTP against the
// latest pending totp; on success activate it"). A failure draws on the
// user's failed-code bucket (429 too_many_attempts when empty) and, when a
// pending totp was tried, counts as a failed enrollment.
func (t *Tenant) ConfirmPendingOTP(userID, otp string) *Error {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	st := t.user(userID, now)
	if st == nil {
		return errInvalidOTP()
	}
	if wait := st.failures.wait(failedCodes, now); wait > 0 {
		return errTooManyAttempts(wait)
	}
	var target *authn
	for _, a := range st.auths {
		if a.kind == kindTOTP && !a.active && !a.companion && (target == nil || confirmNewestPendingTOTP) {
			target = a
		}
	}
	if target != nil && matchTOTP(target, otp, now) {
		st.activate(target.group)
		return nil
	}
	st.failures.take(failedCodes, now)
	if target != nil {
		st.enrollEvents = append(st.enrollEvents, enrollEvent{at: now, group: target.group, failure: true})
	}
	return errInvalidOTP()
}

// VerifyActiveOTP answers an OTP challenge (grant mfa-otp with the opaque
// mfa_token of an enrolled user; the challenge step of Universal Login):
// only the user's active totps (push companions included) are tried, and
// success sets LastAuth. Pending totps are never tried: an unconfirmed
// authenticator is not a factor. A code is accepted once per authenticator.
// A failure draws on the user's failed-code bucket (429 too_many_attempts
// when empty).
func (t *Tenant) VerifyActiveOTP(userID, otp string) *Error {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	st := t.user(userID, now)
	if st == nil {
		return errInvalidOTP()
	}
	if wait := st.failures.wait(failedCodes, now); wait > 0 {
		return errTooManyAttempts(wait)
	}
	for _, a := range st.auths {
		if a.kind == kindTOTP && a.active && matchTOTP(a, otp, now) {
			a.lastAuth = &now
			return nil
		}
	}
	st.failures.take(failedCodes, now)
	return errInvalidOTP()
}

// VerifyOOB checks an oob_code (grant mfa-oob): bound to the user and the
// client, 5-minute expiry, single use. For sms, voice and email the binding
// code is required (failures draw on the failed-code bucket; the oob_code
// stays valid). For push it answers authorization_pending until the request
// is approved or rejected, and slow_down past the pushPolls burst. Success of
// an sms, voice or email enrollment activates the authenticator, its pair and
// the pending recovery code (a push enrollment was activated by its approval);
// success of a challenge sets LastAuth.
func (t *Tenant) VerifyOOB(userID, clientID, oobCode, bindingCode string) *Error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.verifyOOBLocked(userID, clientID, oobCode, bindingCode, t.now())
}

// verifyOOBLocked is VerifyOOB for a caller that holds t.mu.
func (t *Tenant) verifyOOBLocked(userID, clientID, oobCode, bindingCode string, now time.Time) *Error {
	rec := t.oobCodes[sealedKey(oobCode)]
	if rec == nil || rec.spent || rec.userID != userID || rec.clientID != clientID {
		return errInvalidOOB()
	}
	if !now.Before(rec.expires) {
		return errOOBExpired()
	}
	st := t.user(userID, now)
	if st == nil {
		return errInvalidOOB()
	}
	a := st.find(rec.authID)
	if a == nil && rec.authID != st.implicitEmailID {
		return errInvalidOOB() // deleted or expired meanwhile
	}
	if rec.kind == kindPush {
		p := t.pushes[rec.pushID]
		if p == nil {
			return errInvalidOOB()
		}
		if rec.polls.wait(pushPolls, now) > 0 {
			return errSlowDown()
		}
		rec.polls.take(pushPolls, now)
		switch p.req.State {
		case PushRejected:
			rec.spent = true
			return errRejected()
		case PushApproved:
			rec.spent = true
		default:
			return errPending()
		}
	} else {
		if wait := st.failures.wait(failedCodes, now); wait > 0 {
			return errTooManyAttempts(wait)
		}
		if !equal(bindingCode, rec.binding) {
			st.failures.take(failedCodes, now)
			if rec.enrollment && a != nil && !a.active {
				st.enrollEvents = append(st.enrollEvents, enrollEvent{at: now, group: a.group, failure: true})
			}
			return errInvalidBinding()
		}
		rec.spent = true
	}
	switch {
	case a == nil: // the implicit email
	case rec.enrollment:
		// A push enrollment is already active: the approval activated it.
		if !a.active {
			st.activate(a.group)
		}
	default:
		a.lastAuth = &now
	}
	return nil
}

// IsChallengeOOBCode reports whether oobCode is an oob_code of the user and
// client that a challenge issued (POST /mfa/challenge, the login challenge
// page) rather than POST /mfa/associate (an enrollment). Unknown codes and
// codes of another user or client report false: VerifyOOB answers those.
func (t *Tenant) IsChallengeOOBCode(userID, clientID, oobCode string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	rec := t.oobCodes[sealedKey(oobCode)]
	return rec != nil && rec.userID == userID && rec.clientID == clientID && !rec.enrollment
}

// VerifyRecoveryCode checks the user's active recovery code (grant
// mfa-recovery-code) in constant time and, on success, replaces it with a new
// one, which it returns. Failures draw on the recovery-code bucket.
func (t *Tenant) VerifyRecoveryCode(userID, code string) (newCode string, err *Error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	st := t.user(userID, now)
	if st == nil {
		return "", errInvalidRecovery()
	}
	if wait := st.recoveryFails.wait(failedRecovery, now); wait > 0 {
		return "", errTooManyAttempts(wait)
	}
	rc := st.recovery()
	want := ""
	if rc != nil && rc.active {
		want = rc.recoveryCode
	}
	if !equal(strings.ToUpper(strings.TrimSpace(code)), want) || want == "" {
		st.recoveryFails.take(failedRecovery, now)
		return "", errInvalidRecovery()
	}
	rc.recoveryCode = t.newRecoveryCode()
	rc.lastAuth = &now
	return rc.recoveryCode, nil
}

// Challenge starts a challenge (POST /mfa/challenge, or the login challenge
// page) with one of the user's active authenticators of an enabled factor:
// authenticatorID when given, else the first of challengePreference whose
// type ("otp", "oob") is in challengeTypes (empty: any). oob challenges send
// a code (sms, voice, email; send limits apply) or a push request.
func (t *Tenant) Challenge(userID, clientID string, challengeTypes []string, authenticatorID string) (ChallengeResult, *Error) {
	accept := map[string]bool{}
	for _, ct := range challengeTypes {
		for _, f := range strings.Fields(ct) {
			accept[f] = true
		}
	}
	ok := func(kind string) bool {
		if len(accept) == 0 {
			return true
		}
		if kind == kindTOTP {
			return accept[typeOTP]
		}
		return accept[typeOOB]
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	st := t.user(userID, now)
	if st == nil {
		return ChallengeResult{}, errNotEnrolled()
	}
	type option struct{ id, kind, to string }
	var opts []option
	for _, a := range st.auths {
		if a.active && a.kind != kindRecovery && t.enabled(a) {
			opts = append(opts, option{a.id, a.kind, a.phone + a.email})
		}
	}
	if st.implicitEmailID != "" && t.factorEnabled(FactorEmail) {
		opts = append(opts, option{st.implicitEmailID, kindEmail, st.user.Email})
	}
	var pick *option
	if authenticatorID != "" {
		i := slices.IndexFunc(opts, func(o option) bool { return o.id == authenticatorID })
		if i < 0 {
			return ChallengeResult{}, errInvalidRequest("authenticator_id is not an active authenticator of the user.")
		}
		if ok(opts[i].kind) {
			pick = &opts[i]
		}
	} else {
	prefs:
		for _, kind := range challengePreference {
			for i := range opts {
				if opts[i].kind == kind && ok(kind) {
					pick = &opts[i]
					break prefs
				}
			}
		}
	}
	if pick == nil {
		return ChallengeResult{}, errNotEnrolled()
	}
	if pick.kind == kindTOTP {
		return ChallengeResult{ChallengeType: typeOTP}, nil
	}
	b, spec := st.sendBucket(pick.kind)
	if wait := b.wait(spec, now); wait > 0 {
		return ChallengeResult{}, errTooManyRequests(wait)
	}
	b.take(spec, now)
	r := t.startOOB(st, clientID, pick.id, pick.kind, pick.to, false, now)
	return ChallengeResult{ChallengeType: typeOOB, OOBCode: r.OOBCode, BindingMethod: r.BindingMethod}, nil
}
