package auth0test

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/selfmfa/selfmfa/auth0test/internal/tenant"
)

// Passkey login on the hosted login page: the page carries request options (a fresh challenge,
// kept in the transaction and replaced at every rendering), a small script calls
// navigator.credentials.get() and posts the assertion as a form field; the tenant verifies it.
// A passkey login is a first factor: the MFA rules of a password login apply after it.

// Choices where the reference is silent.
const (
	// passkeyLoginSkipsMFA: [UNK] in the reference whether a passkey login satisfies the MFA
	// policy: chosen false (the challenge or enrollment a password login meets follows), the
	// stricter reading, so that a host's step-up is never skipped by the emulator alone.
	passkeyLoginSkipsMFA = false
	// descPasskeyNeedsScript and descPasskeyCancelled: [UNK]: the login page's sentences when
	// the form arrives without an assertion (no JavaScript) or with the browser's error name.
	descPasskeyNeedsScript = "Signing in with a passkey needs JavaScript in your browser. Sign in with your password instead."
	descPasskeyCancelled   = "Passkey sign-in was cancelled. Nothing changed."
	// maxAuthnResponse bounds the posted assertion (id and rawId are capped at 1364 characters
	// by the OAS; the rest is a few hundred bytes).
	maxAuthnResponse    = 16 << 10
	descPasskeyTooLarge = "That passkey response is too large."
)

// passkeyLoginOptions gives the login page its request options and keeps their challenge in
// the transaction ("" when passkeys are off). The caller holds tx.mu.
func (s *Server) passkeyLoginOptions(tx *authTx) string {
	if !s.tenant.PasskeysEnabled() {
		tx.passkeyChallenge = ""
		return ""
	}
	opts, challenge := s.tenant.PasskeyLoginOptions(s.PasskeyRPID())
	b, err := json.Marshal(opts)
	if err != nil {
		return ""
	}
	tx.passkeyChallenge = challenge
	return string(b)
}

// handlePasskeyLogin is POST /u/login with action=passkey. The caller holds tx.mu.
func (s *Server) handlePasskeyLogin(w http.ResponseWriter, r *http.Request, tx *authTx) {
	// One attempt per rendered page: every answer but success renders the page again, with a
	// new challenge (loginData), and success ends the transaction.
	challenge := tx.passkeyChallenge
	response := strings.TrimSpace(r.PostForm.Get("authn_response"))
	var msg string
	switch {
	case r.PostForm.Get("error") != "":
		msg = descPasskeyCancelled
	case response == "":
		msg = descPasskeyNeedsScript
	case len(response) > maxAuthnResponse:
		msg = descPasskeyTooLarge
	}
	var u tenant.User
	if msg == "" {
		rp := tenant.PasskeyRP{ID: s.PasskeyRPID(), Name: s.tenant.Settings().FriendlyName, Origins: []string{s.scheme + "://" + r.Host}}
		var terr *tenant.Error
		if u, terr = s.tenant.PasskeyLogin(challenge, rp, []byte(response)); terr != nil {
			msg = terr.Description
		}
	}
	if msg != "" {
		s.renderPage(w, http.StatusOK, s.loginData(tx, "", msg))
		return
	}
	now := s.clock.Now()
	sess := s.newSession(w, r, u.ID, now)
	tx.sub, tx.authTime, tx.sessionID = u.ID, now, sess.id
	if passkeyLoginSkipsMFA {
		s.markSessionMFA(sess.id)
	}
	s.afterLogin(w, r, tx, sess, true)
}

// handlePasskeyScript serves passkeyScript, same-origin, as the CSP allows.
func handlePasskeyScript(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(passkeyScript))
}

// passkeyScript is the login page's script: it reveals the passkey button where WebAuthn
// exists, calls navigator.credentials.get() with the page's options, and posts the assertion
// (or the DOMException's name) in the form.
const passkeyScript = `(function(){
var f=document.getElementById("passkey-login");if(!f)return;
if(!window.PublicKeyCredential){return}
f.hidden=false;
var dec=function(s){s=s.replace(/-/g,"+").replace(/_/g,"/");return Uint8Array.from(atob(s),function(c){return c.charCodeAt(0)})};
var enc=function(a){return btoa(String.fromCharCode.apply(null,new Uint8Array(a))).replace(/\+/g,"-").replace(/\//g,"_").replace(/=+$/,"")};
f.addEventListener("submit",function(ev){
if(f.elements.authn_response.value||f.elements.error.value)return;
ev.preventDefault();
var o=JSON.parse(f.dataset.options);o.challenge=dec(o.challenge);
navigator.credentials.get({publicKey:o}).then(function(c){var r=c.response;
f.elements.authn_response.value=JSON.stringify({id:c.id,rawId:enc(c.rawId),type:c.type,
response:{clientDataJSON:enc(r.clientDataJSON),authenticatorData:enc(r.authenticatorData),signature:enc(r.signature),userHandle:r.userHandle?enc(r.userHandle):null},
clientExtensionResults:{}});f.submit()},function(e){f.elements.error.value=e.name||"Error";f.submit()})});
})();`
