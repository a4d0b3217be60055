package tenant

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// Passkey login on the hosted login page: a discoverable assertion (no user named first) over a
// challenge the page's transaction keeps. The signature is verified by go-webauthn with the
// stored public key; the counter and last_auth_at move.

// Answers of a passkey login, shown on the login page. [UNK] in the reference (Universal Login's
// wording is not recorded): chosen to say what failed without naming an account.
const (
	descPasskeyLoginFailed  = "That passkey could not be verified. Try again, or sign in with your password."
	descPasskeyLoginUnknown = "That passkey is not registered for any account here."
)

// PasskeyLoginOptions returns PublicKeyCredentialRequestOptions for a discoverable login and its
// challenge (base64url), which the caller keeps for PasskeyLogin.
func (t *Tenant) PasskeyLoginOptions(rpID string) (protocol.PublicKeyCredentialRequestOptions, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	challenge := make([]byte, passkeyChallengeBytes)
	t.read(challenge)
	opts := protocol.PublicKeyCredentialRequestOptions{
		Challenge: challenge, Timeout: int(passkeyTimeout.Milliseconds()), RelyingPartyID: rpID,
		UserVerification: passkeyUserVerification,
	}
	return opts, opts.Challenge.String()
}

// PasskeysEnabled reports whether the database connection has passkeys on.
func (t *Tenant) PasskeysEnabled() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.settings.Passkeys
}

// loginUser is the webauthn.User of a login: the user and their stored credentials.
type loginUser struct{ passkeyUser }

func (u loginUser) WebAuthnCredentials() []webauthn.Credential {
	var out []webauthn.Credential
	for _, p := range u.st.passkeys {
		out = append(out, webauthn.Credential{
			ID: p.credID, PublicKey: p.publicKey,
			Flags:         webauthn.CredentialFlags{BackupEligible: p.backupEligible, BackupState: p.backedUp},
			Authenticator: webauthn.Authenticator{AAGUID: p.aaguid, SignCount: p.signCount},
		})
	}
	return out
}

var errNoPasskeyUser = errors.New("tenant: no user has this passkey")

// PasskeyLogin verifies a discoverable assertion for challenge from one of rp's origins and
// returns the user whose passkey signed it; the passkey's counter and last use are updated.
func (t *Tenant) PasskeyLogin(challenge string, rp PasskeyRP, response []byte) (User, *Error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if !t.settings.Passkeys {
		return User{}, errPasskeyLogin(descPasskeyDisabled)
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(response)
	if err != nil || challenge == "" {
		return User{}, errPasskeyLogin(descPasskeyLoginFailed)
	}
	var st *userState
	var p *passkey
	looked := false
	handler := func(rawID, userHandle []byte) (webauthn.User, error) {
		looked = true
		for _, u := range t.users {
			for _, q := range u.passkeys {
				if bytes.Equal(q.credID, rawID) && bytes.Equal(u.userHandle, userHandle) && q.rpID == rp.ID {
					st, p = u, q
					return loginUser{passkeyUser{u}}, nil
				}
			}
		}
		return nil, errNoPasskeyUser
	}
	rpw, err := webauthn.New(&webauthn.Config{RPID: rp.ID, RPDisplayName: rp.Name, RPOrigins: rp.Origins})
	if err != nil {
		return User{}, errPasskeyLogin(descPasskeyLoginFailed)
	}
	session := webauthn.SessionData{Challenge: challenge, RelyingPartyID: rp.ID, UserVerification: passkeyUserVerification}
	_, cred, err := rpw.ValidatePasskeyLogin(handler, session, parsed)
	if looked && p == nil {
		return User{}, errPasskeyLogin(descPasskeyLoginUnknown)
	}
	if err != nil || cred.Authenticator.CloneWarning || !originAllowed(parsed.Response.CollectedClientData.Origin, rp) {
		return User{}, errPasskeyLogin(descPasskeyLoginFailed)
	}
	p.signCount, p.backedUp = cred.Authenticator.SignCount, cred.Flags.BackupState
	at := now
	p.lastAuth = &at
	return st.user, nil
}

func errPasskeyLogin(desc string) *Error {
	return newErr(http.StatusBadRequest, codeAccessDenied, desc)
}
