package tenant

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// VerifyPasskey is POST /me/v1/authentication-methods/passkey%7Cnew/verify: the
// auth_session of the enrollment (single use, unexpired, of this user and client) and the
// registration response, which must be of type webauthn.create, carry the challenge, come from
// an allowed origin, name a credential no user has, and pass go-webauthn's verification of the
// attestation. The passkey is stored with userAgent, the User-Agent of the request, in the form
// Auth0 lists it ("Chrome 137.0.0 / Mac OS X 10.15.7", describeUserAgent). Every
// failure leaves nothing stored and the auth_session usable until it expires.
func (t *Tenant) VerifyPasskey(userID, clientID, id, authSession string, response []byte, userAgent string) (Method, *Error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	st := t.user(userID, now)
	var s *meSession
	if t.meSessions != nil {
		s = t.meSessions[sealedKey(authSession)]
	}
	if st == nil || s == nil || s.userID != userID || s.clientID != clientID || s.methodID != id || s.kind != MethodPasskey {
		return Method{}, errMeValidation(descMeInvalidSession)
	}
	if !now.Before(s.expires) {
		return Method{}, errMeValidation(descMeSessionExpired)
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(response)
	if err != nil {
		return Method{}, errPasskey(descPasskeyMalformed)
	}
	cd := parsed.Response.CollectedClientData
	switch {
	case cd.Type != protocol.CreateCeremony:
		return Method{}, errPasskey(descPasskeyType)
	case cd.Challenge != s.challenge:
		return Method{}, errPasskey(descPasskeyChallenge)
	case !originAllowed(cd.Origin, s.rp):
		return Method{}, errPasskey(descPasskeyOrigin)
	case t.credentialTaken(parsed.RawID):
		return Method{}, errPasskey(descPasskeyDuplicate)
	}
	rp, err := webauthn.New(&webauthn.Config{RPID: s.rp.ID, RPDisplayName: s.rp.Name, RPOrigins: s.rp.Origins})
	if err != nil {
		return Method{}, errPasskey(descPasskeyInvalid)
	}
	session := webauthn.SessionData{
		Challenge: s.challenge, RelyingPartyID: s.rp.ID, UserID: st.userHandle,
		UserVerification: passkeyUserVerification, CredParams: []protocol.CredentialParameter{
			{Type: protocol.PublicKeyCredentialType, Algorithm: -7},
			{Type: protocol.PublicKeyCredentialType, Algorithm: -257},
		},
	}
	cred, err := rp.CreateCredential(passkeyUser{st}, session, parsed)
	if err != nil { // go-webauthn also bounds the credential id (1023 bytes, WebAuthn §6.5.1)
		return Method{}, errPasskey(descPasskeyInvalid)
	}
	p := &passkey{
		id: MethodPasskey + "|dev_" + t.alnum(16), credID: cred.ID, publicKey: cred.PublicKey,
		aaguid: cred.Authenticator.AAGUID, signCount: cred.Authenticator.SignCount,
		backupEligible: cred.Flags.BackupEligible, backedUp: cred.Flags.BackupState,
		rpID: s.rp.ID, userAgent: describeUserAgent(userAgent), created: now,
	}
	for _, tr := range cred.Transport {
		p.transports = append(p.transports, string(tr))
	}
	st.passkeys = append(st.passkeys, p)
	delete(t.meSessions, sealedKey(authSession))
	return st.passkeyMethod(p), nil
}

// originAllowed: the origin is one of the application's allowed origins (scheme and host
// compared case-insensitively) and, with passkeyOriginUnderRPID, its host is rp.id or a
// subdomain of it.
func originAllowed(origin string, rp PasskeyRP) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.Path != "" {
		return false
	}
	listed := false
	for _, o := range rp.Origins {
		listed = listed || strings.EqualFold(strings.TrimSuffix(o, "/"), origin)
	}
	host := strings.ToLower(u.Hostname())
	id := strings.ToLower(rp.ID)
	under := host == id || strings.HasSuffix(host, "."+id)
	return listed && (under || !passkeyOriginUnderRPID)
}

// boundUserAgent keeps at most maxUserAgent bytes of valid UTF-8.
func boundUserAgent(ua string) string {
	ua = strings.ToValidUTF8(ua, "")
	for len(ua) > maxUserAgent {
		_, size := utf8.DecodeLastRuneInString(ua)
		ua = ua[:len(ua)-size]
	}
	return ua
}
