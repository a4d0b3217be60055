package tenant

import (
	"net/url"
	"strings"
	"time"
)

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

	res, _ := t.createEnrollment(st, clientID, kind, req, true, now)
	return res, nil
}

// createEnrollment creates the pending authenticator(s) of kind, sends its code, and adds the
// pending recovery code on the user's first association (withRecovery: the MFA API does, the My
// Account API enrolls recovery codes as a method of their own). It returns the association and
// the group of the new authenticators. The caller holds t.mu and has checked the limits.
func (t *Tenant) createEnrollment(st *userState, clientID, kind string, req AssociateRequest, withRecovery bool, now time.Time) (AssociateResult, string) {
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

	if withRecovery && t.recoveryEnabled() && st.recovery() == nil {
		rs := t.alnum(16)
		rc := add(kindRecovery, rs)
		rc.recoveryCode = t.newRecoveryCode()
		res.RecoveryCodes = []string{rc.recoveryCode}
	}
	return res, suffix
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
