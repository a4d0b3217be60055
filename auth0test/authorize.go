package auth0test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/selfmfa/selfmfa/auth0test/internal/tenant"
)

type txStage int

const (
	stageLogin txStage = iota
	stageChallenge
	stageEnroll
	stageRecoveryCode // a new recovery code is shown; then the login completes
)

// authTx is one /authorize transaction, from the request to the code.
type authTx struct {
	// Set at creation, never modified.
	id, browser, issuer                                  string
	clientID, redirectURI, state, nonce, scope, audience string
	codeChallenge                                        string
	maxAge                                               int // -1: none
	promptLogin                                          bool
	created                                              time.Time

	mu        sync.Mutex // guards the fields below
	done      bool
	stage     txStage
	sub       string
	authTime  time.Time
	sessionID string
	deadline  time.Time // end of the MFA step
	factor    tenant.Authenticator
	oobCode   string
	errMsg    string
	notice    string
	secret    string // TOTP enrollment
	barcode   string
	recovery  string // recovery code to show once
}

// ssoSession is a browser's single-sign-on session on one host.
type ssoSession struct {
	id, sub, issuer string
	authTime        time.Time
	mfaDone         bool
	expires         time.Time
}

type mfaNeed int

const (
	mfaNone mfaNeed = iota
	mfaChallenge
	mfaEnroll
)

// mfaNeeded applies the tenant policy and the MFA-audience rule (reference
// §1.2: the /mfa/ audience challenges users who have a non-email factor,
// every time; others get the token without challenge).
func (s *Server) mfaNeeded(sub, aud string, sessionMFADone bool) mfaNeed {
	has := s.tenant.HasActiveFactor(sub)
	mfaAud := s.isMFAAudience(aud)
	switch Policy(s.tenant.Settings().Policy) {
	case PolicyAlways:
		if !has {
			return mfaEnroll
		}
		if mfaAud || !sessionMFADone {
			return mfaChallenge
		}
	case PolicyChallengeIfEnrolled:
		if has && (mfaAud || !sessionMFADone) {
			return mfaChallenge
		}
	default:
		if mfaAud && has {
			return mfaChallenge
		}
	}
	return mfaNone
}

var challengePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

var knownPrompts = []string{"none", "login", "consent", "select_account"}

func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	c := s.clients[q.Get("client_id")]
	var redirectOK bool
	if c != nil {
		redirectOK = q.Get("redirect_uri") != "" && slices.Contains(c.redirectURIs, q.Get("redirect_uri"))
	}
	s.mu.Unlock()
	if c == nil {
		s.renderError(w, http.StatusBadRequest, "Unknown application",
			"The client_id names no application of this tenant.", "", "")
		return
	}
	if !redirectOK {
		s.renderError(w, http.StatusBadRequest, "Callback URL mismatch",
			"The provided redirect_uri is not in the list of Allowed Callback URLs of the application.", "", "")
		return
	}
	redirectURI, state := q.Get("redirect_uri"), q.Get("state")
	fail := func(code, desc string) {
		http.Redirect(w, r, callbackURL(redirectURI, url.Values{"error": {code}, "error_description": {desc}}, state), http.StatusFound)
	}
	for k, vs := range q {
		if len(vs) > 1 {
			fail(ErrCodeInvalidRequest, "Parameter "+strconv.Quote(k)+" is repeated.")
			return
		}
	}
	if rt := q.Get("response_type"); rt != "code" {
		fail(ErrCodeUnsupportedResponseType, "Unsupported response type: "+rt)
		return
	}
	if rm := q.Get("response_mode"); rm != "" && rm != "query" {
		fail(ErrCodeInvalidRequest, "Unsupported response_mode: "+rm)
		return
	}
	cc, ccm := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case cc != "" && ccm != "S256":
		fail(ErrCodeInvalidRequest, "code_challenge_method must be S256.")
		return
	case cc != "" && !challengePattern.MatchString(cc):
		fail(ErrCodeInvalidRequest, "code_challenge must be a base64url SHA-256 (43 characters).")
		return
	case cc == "" && ccm != "":
		fail(ErrCodeInvalidRequest, "code_challenge is required with code_challenge_method.")
		return
	case cc == "" && c.public() && requirePKCEForPublicClients:
		fail(ErrCodeInvalidRequest, "code_challenge is required for this application.")
		return
	}
	prompts := strings.Fields(q.Get("prompt"))
	for _, p := range prompts {
		if !slices.Contains(knownPrompts, p) {
			fail(ErrCodeInvalidRequest, "Unsupported prompt: "+p)
			return
		}
	}
	promptNone := slices.Contains(prompts, "none")
	if promptNone && len(prompts) > 1 {
		fail(ErrCodeInvalidRequest, "prompt=none cannot be combined with other values.")
		return
	}
	maxAge := -1
	if v, ok := q["max_age"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 0 {
			fail(ErrCodeInvalidRequest, "max_age must be a non-negative integer.")
			return
		}
		maxAge = n
	}
	aud := q.Get("audience")
	if !s.knownAudience(aud) {
		fail(ErrCodeAccessDenied, "Service not found: "+aud)
		return
	}
	now := s.clock.Now()
	tx := &authTx{
		id: s.randomToken(), issuer: issuerFor(r),
		clientID: c.id, redirectURI: redirectURI, state: state, nonce: q.Get("nonce"),
		scope: s.grantedScope(aud, q.Get("scope")), audience: aud, codeChallenge: cc,
		maxAge: maxAge, promptLogin: slices.Contains(prompts, "login"), created: now,
	}
	sess := s.session(r)
	if sess != nil && s.tooOld(sess, maxAge, now) {
		sess = nil
	}

	if promptNone {
		if sess == nil {
			fail(ErrCodeLoginRequired, "Login required")
			return
		}
		if s.mfaNeeded(sess.sub, aud, sess.mfaDone) != mfaNone {
			fail(ErrCodeInteractionRequired, descMFARequired)
			return
		}
		tx.sub, tx.authTime, tx.sessionID = sess.sub, sess.authTime, sess.id
		s.finish(w, r, tx, false)
		return
	}

	tx.browser = s.browserID(w, r)
	if sub, ok := s.popQueuedLogin(); ok {
		if _, known := s.User(sub); !known {
			s.renderError(w, http.StatusBadRequest, "Unknown user", "QueueLogin named a user this tenant does not have.", "", "")
			return
		}
		sess = s.newSession(w, r, sub, now)
		tx.mu.Lock()
		defer tx.mu.Unlock()
		tx.sub, tx.authTime, tx.sessionID = sub, now, sess.id
		s.storeTx(tx)
		s.afterLogin(w, r, tx, sess, false)
		return
	}
	if sess != nil && !tx.promptLogin {
		tx.mu.Lock()
		defer tx.mu.Unlock()
		tx.sub, tx.authTime, tx.sessionID = sess.sub, sess.authTime, sess.id
		s.storeTx(tx)
		s.afterLogin(w, r, tx, sess, false)
		return
	}
	s.storeTx(tx)
	http.Redirect(w, r, "/u/login?state="+url.QueryEscape(tx.id), http.StatusFound)
}

// tooOld applies max_age (0 means: always log in again).
func (s *Server) tooOld(sess *ssoSession, maxAge int, now time.Time) bool {
	if maxAge < 0 {
		return false
	}
	return maxAge == 0 || now.Sub(sess.authTime) > time.Duration(maxAge)*time.Second
}

func callbackURL(redirectURI string, params url.Values, state string) string {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return redirectURI // registered URIs are validated; unreachable
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (s *Server) popQueuedLogin() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.loginQueue) == 0 {
		return "", false
	}
	sub := s.loginQueue[0]
	s.loginQueue = s.loginQueue[1:]
	return sub, true
}

func (s *Server) storeTx(tx *authTx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, t := range s.txs {
		if tx.created.Sub(t.created) > LoginTransactionTTL+MFATransactionTTL {
			delete(s.txs, id)
		}
	}
	s.txs[tx.id] = tx
}

func (s *Server) dropTx(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.txs, id)
}

func cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil}
}

// browserID returns the browser-binding cookie's value, setting it when
// missing.
func (s *Server) browserID(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(BrowserCookieName); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	v := s.randomToken()
	http.SetCookie(w, cookie(r, BrowserCookieName, v, 0))
	return v
}

// session returns the live SSO session of this browser on this host.
func (s *Server) session(r *http.Request) *ssoSession {
	c, err := r.Cookie(SSOCookieName)
	if err != nil {
		return nil
	}
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[c.Value]
	if ss == nil || ss.issuer != issuerFor(r) {
		return nil
	}
	if !now.Before(ss.expires) {
		delete(s.sessions, ss.id)
		return nil
	}
	cp := *ss
	return &cp
}

// newSession starts an SSO session (replacing this browser's old one).
func (s *Server) newSession(w http.ResponseWriter, r *http.Request, sub string, now time.Time) *ssoSession {
	ss := &ssoSession{id: s.randomToken(), sub: sub, issuer: issuerFor(r), authTime: now, expires: now.Add(SSOSessionTTL)}
	s.mu.Lock()
	if c, err := r.Cookie(SSOCookieName); err == nil {
		delete(s.sessions, c.Value)
	}
	for id, old := range s.sessions {
		if !now.Before(old.expires) {
			delete(s.sessions, id)
		}
	}
	s.sessions[ss.id] = ss
	s.mu.Unlock()
	http.SetCookie(w, cookie(r, SSOCookieName, ss.id, 0))
	cp := *ss
	return &cp
}

func (s *Server) markSessionMFA(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ss := s.sessions[id]; ss != nil {
		ss.mfaDone = true
	}
}

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
func (s *Server) finish(w http.ResponseWriter, r *http.Request, tx *authTx, post bool) {
	now := s.clock.Now()
	code := s.randomToken()
	s.mu.Lock()
	for k, ac := range s.codes {
		if !now.Before(ac.expires) {
			delete(s.codes, k)
		}
	}
	s.codes[code] = &authCode{
		clientID: tx.clientID, redirectURI: tx.redirectURI, host: tx.issuer, sub: tx.sub,
		audience: tx.audience, scope: tx.scope, nonce: tx.nonce, codeChallenge: tx.codeChallenge,
		authTime: tx.authTime, expires: now.Add(AuthCodeTTL),
	}
	delete(s.txs, tx.id)
	s.mu.Unlock()
	tx.done = true
	http.Redirect(w, r, callbackURL(tx.redirectURI, url.Values{"code": {code}}, tx.state), redirectStatus(post))
}

// openTx finds the transaction of a page request and locks it. On failure
// it has answered and returns nil.
func (s *Server) openTx(w http.ResponseWriter, r *http.Request, id string) *authTx {
	s.mu.Lock()
	tx := s.txs[id]
	s.mu.Unlock()
	if tx == nil {
		s.renderError(w, http.StatusBadRequest, "Unknown transaction",
			"This login is unknown or already finished. Start again from the application.", "", "")
		return nil
	}
	if c, err := r.Cookie(BrowserCookieName); err != nil || c.Value != tx.browser || tx.issuer != issuerFor(r) {
		s.renderError(w, http.StatusForbidden, "Wrong browser",
			"This login was started in another browser or on another host. Start again from the application.", "", "")
		return nil
	}
	tx.mu.Lock()
	if tx.done {
		tx.mu.Unlock()
		s.renderError(w, http.StatusBadRequest, "Unknown transaction",
			"This login is already finished. Start again from the application.", "", "")
		return nil
	}
	now := s.clock.Now()
	expired := (tx.stage == stageLogin && now.Sub(tx.created) > LoginTransactionTTL) ||
		(tx.stage != stageLogin && !now.Before(tx.deadline))
	if expired {
		tx.done = true
		tx.mu.Unlock()
		s.dropTx(tx.id)
		link := callbackURL(tx.redirectURI, url.Values{"error": {ErrCodeInvalidRequest}, "error_description": {descTransactionExpired}}, tx.state)
		s.renderError(w, http.StatusBadRequest, descTransactionExpired,
			"You took too long to finish logging in. Go back to the application and start again.", link, "Back to the application")
		return nil
	}
	return tx
}

// --- pages -------------------------------------------------------------------

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

func (s *Server) loginData(tx *authTx, email, errMsg string) pageData {
	return pageData{Title: "Log in", Kind: "login", State: tx.id, Email: email, Error: errMsg, ClientID: tx.clientID}
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
	if tx.recovery != "" {
		tx.stage = stageRecoveryCode
		http.Redirect(w, r, "/u/mfa?state="+url.QueryEscape(tx.id), http.StatusSeeOther)
		return
	}
	s.markSessionMFA(tx.sessionID)
	s.finish(w, r, tx, true)
}
