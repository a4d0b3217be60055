package auth0test

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/selfmfa/selfmfa/auth0test/internal/tenant"
)

// The hosted login pages (Universal Login's stand-in): the password form,
// the MFA challenge, the enrollment a policy forces, and the recovery code
// shown once.

func redirectStatus(post bool) int {
	if post {
		return http.StatusSeeOther
	}
	return http.StatusFound
}

// afterLogin continues a transaction whose user is known: straight to the
// code, or to the MFA challenge or enrollment page. The caller holds tx.mu.
func (s *Server) afterLogin(w http.ResponseWriter, r *http.Request, tx *authTx, sess *ssoSession, post bool) {
	need := s.mfaNeeded(tx.sub, tx.audience, sess.mfaDone)
	if need == mfaNone {
		s.finish(w, r, tx, post)
		return
	}
	now := s.clock.Now()
	tx.deadline = now.Add(MFATransactionTTL)
	switch need {
	case mfaChallenge:
		if s.takeChallengePass(tx.sub) {
			tx.stage, tx.mfaUsed = stageChallenge, true
			s.markSessionMFA(tx.sessionID)
			s.finish(w, r, tx, post)
			return
		}
		tx.stage = stageChallenge
		opts := s.tenant.ChallengeOptions(tx.sub)
		if len(opts) == 0 {
			s.renderError(w, http.StatusInternalServerError, "No factor to challenge", "The user has no factor the login can challenge.", "", "")
			return
		}
		first := opts[0]
		for _, a := range opts {
			if a.AuthenticatorType != "recovery-code" {
				first = a
				break
			}
		}
		s.selectFactor(tx, first)
	case mfaEnroll:
		tx.stage = stageEnroll
		res, terr := s.tenant.Associate(tx.sub, tx.clientID, tenant.AssociateRequest{AuthenticatorTypes: []string{"otp"}}, false)
		if terr != nil {
			tx.errMsg = terr.Description
		} else {
			tx.secret, tx.barcode = res.Secret, res.BarcodeURI
			if len(res.RecoveryCodes) > 0 {
				tx.recovery = res.RecoveryCodes[0]
			}
		}
	}
	http.Redirect(w, r, "/u/mfa?state="+url.QueryEscape(tx.id), redirectStatus(post))
}

// selectFactor makes a the factor of the challenge, sending its code or
// push through the tenant (as Universal Login does when it shows the page).
func (s *Server) selectFactor(tx *authTx, a tenant.Authenticator) {
	tx.factor, tx.oobCode, tx.errMsg, tx.notice = a, "", "", ""
	if a.AuthenticatorType != "oob" {
		return
	}
	res, terr := s.tenant.Challenge(tx.sub, tx.clientID, []string{"oob"}, a.ID)
	if terr != nil {
		tx.errMsg = terr.Description
		return
	}
	tx.oobCode = res.OOBCode
	if a.OOBChannel == "auth0" {
		tx.notice = "A push notification was sent to your device."
	} else {
		tx.notice = "A code was sent to " + a.Name + "."
	}
}

// finish issues the authorization code and redirects to the callback.
func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	tx := s.openTx(w, r, r.URL.Query().Get("state"))
	if tx == nil {
		return
	}
	defer tx.mu.Unlock()
	if tx.stage != stageLogin {
		http.Redirect(w, r, "/u/mfa?state="+url.QueryEscape(tx.id), http.StatusFound)
		return
	}
	s.renderPage(w, http.StatusOK, s.loginData(tx, "", ""))
}

// loginData is the login page; each rendering has fresh passkey options. The caller holds tx.mu.
func (s *Server) loginData(tx *authTx, email, errMsg string) pageData {
	return pageData{Title: "Sign in", Kind: "login", State: tx.id, Email: email, Error: errMsg, ClientID: tx.clientID,
		PasskeyOptions: s.passkeyLoginOptions(tx)}
}

// readForm parses a bounded urlencoded form body.
func readForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	return r.ParseForm() == nil
}

func (s *Server) handleLoginPost(w http.ResponseWriter, r *http.Request) {
	if !readForm(w, r) {
		s.renderError(w, http.StatusBadRequest, "Bad request", "The form could not be read.", "", "")
		return
	}
	tx := s.openTx(w, r, r.PostForm.Get("state"))
	if tx == nil {
		return
	}
	defer tx.mu.Unlock()
	if tx.stage != stageLogin {
		http.Redirect(w, r, "/u/mfa?state="+url.QueryEscape(tx.id), http.StatusSeeOther)
		return
	}
	if r.PostForm.Get("action") == "passkey" {
		s.handlePasskeyLogin(w, r, tx)
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	u, ok := s.tenant.CheckPassword(email, r.PostForm.Get("password"))
	if !ok {
		s.renderPage(w, http.StatusOK, s.loginData(tx, email, descWrongPassword))
		return
	}
	now := s.clock.Now()
	sess := s.newSession(w, r, u.ID, now)
	tx.sub, tx.authTime, tx.sessionID = u.ID, now, sess.id
	s.afterLogin(w, r, tx, sess, true)
}

func (s *Server) mfaData(tx *authTx) pageData {
	d := pageData{Title: "Verify your identity", Kind: "mfa", State: tx.id, Error: tx.errMsg, Notice: tx.notice, ClientID: tx.clientID}
	switch tx.stage {
	case stageEnroll:
		d.Title, d.Kind = "Secure your account", "enroll"
		d.Secret, d.BarcodeURI = groupSecret(tx.secret), tx.barcode
	case stageRecoveryCode:
		d.Title, d.Kind = "Save your recovery code", "recovery"
		d.RecoveryCode = tx.recovery
	default:
		d.FactorKind = factorKind(tx.factor)
		d.FactorLabel = factorLabel(tx.factor)
		d.FactorID = tx.factor.ID
		for _, a := range s.tenant.ChallengeOptions(tx.sub) {
			if a.ID != tx.factor.ID {
				d.Options = append(d.Options, option{ID: a.ID, Label: factorLabel(a)})
			}
		}
		if d.FactorKind == "push" && tx.oobCode != "" {
			d.RefreshSeconds = int(PushPollInterval / time.Second)
		}
	}
	return d
}

func factorKind(a tenant.Authenticator) string {
	switch {
	case a.AuthenticatorType == "otp":
		return "otp"
	case a.AuthenticatorType == "recovery-code":
		return "recovery-code"
	case a.OOBChannel == "auth0":
		return "push"
	default:
		return "code" // sms, voice, email: a code was sent
	}
}

func factorLabel(a tenant.Authenticator) string {
	switch {
	case a.AuthenticatorType == "otp":
		return "Authenticator app"
	case a.AuthenticatorType == "recovery-code":
		return "Recovery code"
	case a.OOBChannel == "auth0":
		return "Push notification (Guardian)"
	case a.OOBChannel == "sms":
		return "SMS to " + a.Name
	case a.OOBChannel == "voice":
		return "Voice call to " + a.Name
	case a.OOBChannel == "email":
		return "Email to " + a.Name
	}
	return a.ID
}

func groupSecret(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *Server) handleMFAPage(w http.ResponseWriter, r *http.Request) {
	tx := s.openTx(w, r, r.URL.Query().Get("state"))
	if tx == nil {
		return
	}
	defer tx.mu.Unlock()
	if tx.stage == stageLogin {
		http.Redirect(w, r, "/u/login?state="+url.QueryEscape(tx.id), http.StatusFound)
		return
	}
	// The push poll is the one GET that may complete a step.
	if tx.stage == stageChallenge && factorKind(tx.factor) == "push" && tx.oobCode != "" {
		terr := s.tenant.VerifyOOB(tx.sub, tx.clientID, tx.oobCode, "")
		switch {
		case terr == nil:
			tx.mfaUsed = true
			s.markSessionMFA(tx.sessionID)
			s.finish(w, r, tx, false)
			return
		case terr.Code == "authorization_pending" || terr.Code == "slow_down":
			// still waiting
		default:
			tx.oobCode, tx.notice = "", ""
			tx.errMsg = terr.Description
		}
	}
	s.renderPage(w, http.StatusOK, s.mfaData(tx))
}

func (s *Server) handleMFAPost(w http.ResponseWriter, r *http.Request) {
	if !readForm(w, r) {
		s.renderError(w, http.StatusBadRequest, "Bad request", "The form could not be read.", "", "")
		return
	}
	tx := s.openTx(w, r, r.PostForm.Get("state"))
	if tx == nil {
		return
	}
	defer tx.mu.Unlock()
	back := "/u/mfa?state=" + url.QueryEscape(tx.id)
	if tx.stage == stageLogin {
		http.Redirect(w, r, "/u/login?state="+url.QueryEscape(tx.id), http.StatusSeeOther)
		return
	}
	action := r.PostForm.Get("action")
	code := strings.TrimSpace(r.PostForm.Get("code"))
	tx.errMsg, tx.notice = "", ""
	switch {
	case tx.stage == stageRecoveryCode:
		if action == "continue" {
			s.markSessionMFA(tx.sessionID)
			s.finish(w, r, tx, true)
			return
		}
	case tx.stage == stageEnroll && action == "verify":
		// Enrollment: only the newest pending totp (the one this page
		// associated) is tried, never an active one.
		if terr := s.tenant.ConfirmPendingOTP(tx.sub, code); terr != nil {
			tx.errMsg = terr.Description
			break
		}
		s.completeMFA(w, r, tx)
		return
	case tx.stage == stageChallenge && action == "select":
		id := r.PostForm.Get("factor")
		for _, a := range s.tenant.ChallengeOptions(tx.sub) {
			if a.ID == id {
				s.selectFactor(tx, a)
				break
			}
		}
	case tx.stage == stageChallenge && action == "resend":
		s.selectFactor(tx, tx.factor)
	case tx.stage == stageChallenge && action == "verify":
		var terr *tenant.Error
		switch factorKind(tx.factor) {
		case "otp":
			// Challenge: only active totps answer it, never a pending one.
			terr = s.tenant.VerifyActiveOTP(tx.sub, code)
		case "code":
			if tx.oobCode == "" {
				tx.errMsg = "No code was sent. Send a new one."
				http.Redirect(w, r, back, http.StatusSeeOther)
				return
			}
			terr = s.tenant.VerifyOOB(tx.sub, tx.clientID, tx.oobCode, code)
		case "recovery-code":
			var next string
			next, terr = s.tenant.VerifyRecoveryCode(tx.sub, strings.ToUpper(strings.ReplaceAll(code, " ", "")))
			if terr == nil {
				tx.recovery = next
			}
		default:
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
		if terr != nil {
			tx.errMsg = terr.Description
			break
		}
		s.completeMFA(w, r, tx)
		return
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// completeMFA ends the MFA step: show a new recovery code first when there
// is one, else issue the code.
func (s *Server) completeMFA(w http.ResponseWriter, r *http.Request, tx *authTx) {
	tx.mfaUsed = tx.stage == stageChallenge || amrAfterLoginEnrollment
	if tx.recovery != "" {
		tx.stage = stageRecoveryCode
		http.Redirect(w, r, "/u/mfa?state="+url.QueryEscape(tx.id), http.StatusSeeOther)
		return
	}
	s.markSessionMFA(tx.sessionID)
	s.finish(w, r, tx, true)
}
