package tenant

import (
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// UpdateMethod is PATCH /me/v1/authentication-methods/{id}: the name, and a phone's
// preferred channel (sms or voice, when the tenant offers both).
func (t *Tenant) UpdateMethod(userID, id string, name, preferred *string) (Method, *Error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.user(userID, t.now())
	if st == nil {
		return Method{}, errMethodNotFound()
	}
	if p := st.findPasskey(id); p != nil {
		return st.updatePasskey(p, name, preferred)
	}
	as := st.findMethod(id)
	if as == nil {
		return Method{}, errMethodNotFound()
	}
	if name != nil {
		n := strings.TrimSpace(*name)
		if !validMethodName(n) {
			return Method{}, errMeValidation(descBadMethodName)
		}
	}
	if preferred != nil {
		if as[0].kind != kindSMS && as[0].kind != kindVoice {
			return Method{}, errMeValidation("preferred_authentication_method applies to phone methods only.")
		}
		if *preferred != kindSMS && *preferred != kindVoice {
			return Method{}, errMeValidation("preferred_authentication_method must be sms or voice.")
		}
		if !t.factorEnabled(Factor(*preferred)) {
			return Method{}, errMeFactorDisabled(*preferred)
		}
	}
	for _, a := range as {
		if name != nil {
			a.label = strings.TrimSpace(*name)
		}
		if preferred != nil {
			a.preferred = *preferred
		}
	}
	return st.method(as[0]), nil
}

// validMethodName: at most maxMethodName characters, no control characters.
func validMethodName(n string) bool {
	return utf8.RuneCountInString(n) <= maxMethodName && !strings.ContainsFunc(n, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// updatePasskey renames a passkey (a passkey has no preferred channel); the caller holds t.mu.
func (st *userState) updatePasskey(p *passkey, name, preferred *string) (Method, *Error) {
	if preferred != nil {
		return Method{}, errMeValidation("preferred_authentication_method applies to phone methods only.")
	}
	if name != nil {
		n := strings.TrimSpace(*name)
		if !validMethodName(n) {
			return Method{}, errMeValidation(descBadMethodName)
		}
		p.label = n
	}
	return st.passkeyMethod(p), nil
}

// DeleteMethod is DELETE /me/v1/authentication-methods/{id}: the method and its pair, or a
// passkey.
func (t *Tenant) DeleteMethod(userID, id string) *Error {
	t.mu.Lock()
	st := t.user(userID, t.now())
	var as []*authn
	if st != nil {
		if p := st.findPasskey(id); p != nil {
			st.passkeys = slices.DeleteFunc(st.passkeys, func(q *passkey) bool { return q == p })
			t.mu.Unlock()
			return nil
		}
		as = st.findMethod(id)
	}
	t.mu.Unlock()
	if as == nil {
		return errMethodNotFound()
	}
	if as[0].kind == kindRecovery {
		if !meDeletesRecoveryCode {
			return errMe(http.StatusConflict, "conflict", descNoRecoveryDelete)
		}
		t.mu.Lock()
		defer t.mu.Unlock()
		st.auths = slices.DeleteFunc(st.auths, func(a *authn) bool { return a.kind == kindRecovery })
		return nil
	}
	if e := t.Delete(userID, as[0].id); e != nil {
		return errMe(e.Status, e.Code, e.Description)
	}
	return nil
}

// Factors is GET /me/v1/factors: the tenant's enabled factors.
func (t *Tenant) Factors() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	if t.factorEnabled(FactorOTP) {
		out = append(out, MethodTOTP)
	}
	if t.factorEnabled(FactorSMS) || t.factorEnabled(FactorVoice) {
		out = append(out, MethodPhone)
	}
	if t.factorEnabled(FactorEmail) {
		out = append(out, MethodEmail)
	}
	if t.factorEnabled(FactorPush) {
		out = append(out, MethodPush)
	}
	if t.recoveryEnabled() {
		out = append(out, MethodRecovery)
	}
	if t.settings.Passkeys {
		out = append(out, MethodPasskey)
	}
	return out
}

// Errors of the My Account view; the HTTP layer writes them as RFC 7807 problems.
const (
	codeValidation = "validation_error"
	// descMeInvalidCode: [UNK] in the reference: chosen as the MFA API's sentence, with the
	// My Account member's name (otp_code).
	descMeInvalidCode = "Invalid otp_code."
	// descMethodNotFound: [UNK] in the reference: chosen because it names the resource.
	descMethodNotFound = "Authentication method not found."
	descBadMethodName  = "name must be at most 100 characters, without control characters."
	// descMeInvalidSession and descMeSessionExpired: [UNK] in the reference: chosen because
	// they name the member and what to do.
	descMeInvalidSession = "auth_session is invalid for this authentication method."
	descMeSessionExpired = "auth_session has expired. Start the enrollment again."
)

func errMe(status int, code, desc string) *Error { return newErr(status, code, desc) }
func errMeValidation(desc string) *Error         { return newErr(http.StatusBadRequest, codeValidation, desc) }
func errMethodNotFound() *Error {
	return newErr(http.StatusNotFound, codeNotFound, descMethodNotFound)
}

// errMeFactorDisabled: [UNK] in the reference: chosen 400 validation_error naming the factor.
func errMeFactorDisabled(typ string) *Error {
	return errMeValidation("The " + typ + " factor is not enabled for this tenant.")
}

func errMeTooMany(wait time.Duration) *Error {
	e := newErr(http.StatusTooManyRequests, codeTooManyRequests, descTooManyRequests)
	e.RetryAfter = wait
	return e
}
