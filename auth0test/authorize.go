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
	mfaUsed   bool   // a second factor was used in this login (amr in the ID token)
	// passkeyChallenge is the challenge of the login page's passkey options (one attempt).
	passkeyChallenge string
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
	if why := s.audienceRefused(c.id, aud); why != "" {
		fail(ErrCodeAccessDenied, why)
		return
	}
	now := s.clock.Now()
	tx := &authTx{
		id: s.randomToken(), issuer: issuerFor(r),
		clientID: c.id, redirectURI: redirectURI, state: state, nonce: q.Get("nonce"),
		scope: s.grantedScope(c.id, aud, q.Get("scope")), audience: aud, codeChallenge: cc,
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
		authTime: tx.authTime, mfa: tx.mfaUsed, expires: now.Add(AuthCodeTTL),
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
		// Auth0 redirects to the application's callback with the error
		// (community 145365: "a redirection to the application's callback URL
		// will occur with a querystring parameter with the error"; 122553:
		// error=invalid_request&error_description=The transaction has expired).
		tx.done = true
		tx.mu.Unlock()
		s.dropTx(tx.id)
		target := callbackURL(tx.redirectURI, url.Values{"error": {ErrCodeInvalidRequest}, "error_description": {descTransactionExpired}}, tx.state)
		http.Redirect(w, r, target, redirectStatus(r.Method == http.MethodPost))
		return nil
	}
	return tx
}
