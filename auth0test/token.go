package auth0test

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/selfmfa/selfmfa/auth0test/internal/tenant"
)

// authCode is an authorization code waiting for its exchange.
type authCode struct {
	clientID      string
	redirectURI   string
	host          string
	sub           string
	audience      string
	scope         string
	nonce         string
	codeChallenge string
	authTime      time.Time
	mfa           bool // the login passed an MFA challenge: amr in the ID token
	expires       time.Time
}

func missingParam(name string) *apiError {
	return newAPIError(http.StatusBadRequest, ErrCodeInvalidRequest, "Missing required parameter: "+name)
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	p, e := readParams(w, r)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	gt := p.Get("grant_type")
	if gt == "" {
		writeAPIError(w, missingParam("grant_type"))
		return
	}
	if !supportedGrant(gt) {
		writeAPIError(w, newAPIError(http.StatusBadRequest, ErrCodeUnsupportedGrantType, "Unsupported grant type: "+gt))
		return
	}
	c, e := s.authenticateClient(r, p)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	s.mu.Lock()
	allowed := c.grants[gt]
	s.mu.Unlock()
	if !allowed {
		writeAPIError(w, newAPIError(http.StatusForbidden, ErrCodeUnauthorizedClient, fmt.Sprintf(descGrantNotAllowed, gt)))
		return
	}
	var resp *tokenResponse
	switch gt {
	case GrantAuthorizationCode:
		resp, e = s.grantAuthorizationCode(r, c, p)
	case GrantPassword, GrantPasswordRealm:
		resp, e = s.grantPassword(r, c, p, gt == GrantPasswordRealm)
	case GrantRefreshToken:
		resp, e = s.grantRefreshToken(r, c, p)
	default:
		resp, e = s.grantMFA(r, c, p, gt)
	}
	if e != nil {
		writeAPIError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func serverError(err error) *apiError {
	_ = err // never echoed: it may name internal state
	return newAPIError(http.StatusInternalServerError, ErrCodeServerError, descServerError)
}

var verifierPattern = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (s *Server) grantAuthorizationCode(r *http.Request, c *client, p url.Values) (*tokenResponse, *apiError) {
	code := p.Get("code")
	if code == "" {
		return nil, missingParam("code")
	}
	now := s.clock.Now()
	s.mu.Lock()
	ac := s.codes[code]
	if ac != nil && ac.clientID == c.id && consumeCodeOnFailedExchange {
		delete(s.codes, code)
	}
	s.mu.Unlock()
	invalid := newAPIError(http.StatusForbidden, ErrCodeInvalidGrant, descInvalidCode)
	if ac == nil || ac.clientID != c.id || !now.Before(ac.expires) || ac.host != issuerFor(r) {
		return nil, invalid
	}
	if p.Get("redirect_uri") != ac.redirectURI {
		return nil, newAPIError(http.StatusForbidden, ErrCodeInvalidGrant, descInvalidRedirect)
	}
	verifier := p.Get("code_verifier")
	switch {
	case ac.codeChallenge != "":
		if !verifierPattern.MatchString(verifier) || s256(verifier) != ac.codeChallenge {
			return nil, newAPIError(http.StatusForbidden, ErrCodeInvalidGrant, descPKCEFailed)
		}
	case verifier != "" && rejectVerifierWithoutChallenge:
		return nil, newAPIError(http.StatusForbidden, ErrCodeInvalidGrant, descPKCEFailed)
	}
	if !consumeCodeOnFailedExchange {
		s.mu.Lock()
		delete(s.codes, code)
		s.mu.Unlock()
	}
	u, ok := s.User(ac.sub)
	if !ok {
		return nil, invalid
	}
	resp, err := s.tokenSet(tokenRequest{
		issuer: ac.host, clientID: c.id, user: u, audience: ac.audience, scope: ac.scope,
		nonce: ac.nonce, authTime: ac.authTime, mfa: ac.mfa,
	})
	if err != nil {
		return nil, serverError(err)
	}
	return resp, nil
}

func (s *Server) grantPassword(r *http.Request, c *client, p url.Values, realm bool) (*tokenResponse, *apiError) {
	username, password := p.Get("username"), p.Get("password")
	if username == "" {
		return nil, missingParam("username")
	}
	if password == "" {
		return nil, missingParam("password")
	}
	if realm {
		if p.Get("realm") == "" {
			return nil, missingParam("realm")
		}
		if p.Get("realm") != ConnectionName {
			return nil, newAPIError(http.StatusBadRequest, ErrCodeInvalidRequest, descUnknownConnection)
		}
	}
	aud := p.Get("audience")
	if !s.knownAudience(aud) {
		return nil, newAPIError(http.StatusForbidden, ErrCodeAccessDenied, fmt.Sprintf(descServiceNotFound, aud))
	}
	if why := s.audienceRefused(c.id, aud); why != "" {
		return nil, newAPIError(http.StatusForbidden, ErrCodeAccessDenied, why)
	}
	tu, ok := s.tenant.CheckPassword(username, password)
	if !ok {
		return nil, newAPIError(http.StatusForbidden, ErrCodeInvalidGrant, descWrongPassword)
	}
	u := userFromTenant(tu)
	scope := s.grantedScope(c.id, aud, p.Get("scope"))
	now := s.clock.Now()
	if need := s.mfaNeeded(u.ID, aud, false); need != mfaNone {
		tok := s.tenant.IssueMFAToken(u.ID, c.id)
		s.mu.Lock()
		s.purgeMFAMeta(now)
		s.mfaMeta[tok] = mfaTokenMeta{audience: aud, scope: scope, authTime: now, expires: now.Add(mfaMetaTTL)}
		s.mu.Unlock()
		e := newAPIError(http.StatusForbidden, ErrCodeMFARequired, descMFARequired)
		e.extra = map[string]any{"mfa_token": tok}
		if s.tenant.Settings().CustomizeMFA {
			e.extra["mfa_requirements"] = s.mfaRequirements(u.ID, need)
		}
		return nil, e
	}
	resp, err := s.tokenSet(tokenRequest{issuer: issuerFor(r), clientID: c.id, user: u, audience: aud, scope: scope, authTime: now})
	if err != nil {
		return nil, serverError(err)
	}
	return resp, nil
}

// mfaMetaTTL bounds how long the login behind an opaque mfa_token is
// remembered; the tenant's own expiry of the token is shorter.
const mfaMetaTTL = time.Hour

func (s *Server) purgeMFAMeta(now time.Time) {
	for k, m := range s.mfaMeta {
		if now.After(m.expires) {
			delete(s.mfaMeta, k)
		}
	}
}

// requirementType maps an authenticator to mfa_requirements' type.
func requirementType(a tenant.Authenticator) string {
	switch {
	case a.AuthenticatorType == "otp":
		return "otp"
	case a.AuthenticatorType == "recovery-code":
		return "recovery-code"
	case a.OOBChannel == "sms" || a.OOBChannel == "voice":
		return "phone"
	case a.OOBChannel == "auth0":
		return "push-notification"
	case a.OOBChannel == "email":
		return "email"
	}
	return a.AuthenticatorType
}

type requirement struct {
	Type string `json:"type"`
}

func (s *Server) mfaRequirements(sub string, need mfaNeed) map[string][]requirement {
	var list []requirement
	seen := map[string]bool{}
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			list = append(list, requirement{t})
		}
	}
	if need == mfaEnroll {
		st := s.tenant.Settings()
		for _, f := range []tenant.Factor{tenant.FactorOTP, tenant.FactorPush, tenant.FactorSMS, tenant.FactorVoice, tenant.FactorEmail} {
			if st.Factors[f] {
				switch f {
				case tenant.FactorPush:
					add("push-notification")
				case tenant.FactorSMS, tenant.FactorVoice:
					add("phone")
				default:
					add(string(f))
				}
			}
		}
		return map[string][]requirement{"enroll": list}
	}
	for _, a := range s.tenant.ChallengeOptions(sub) {
		add(requirementType(a))
	}
	return map[string][]requirement{"challenge": list}
}

// mfaSubject is who an mfa_token (opaque or /mfa/ JWT) stands for.
type mfaSubject struct {
	sub      string
	audience string
	scope    string
	authTime time.Time
	jwt      bool // an /mfa/ access token rather than an opaque mfa_token
}

// resolveMFAToken applies the reference §1.4 table for the MFA grants.
func (s *Server) resolveMFAToken(r *http.Request, c *client, tok string) (*mfaSubject, *apiError) {
	malformed := newAPIError(http.StatusUnauthorized, ErrCodeInvalidGrant, descMalformedMFAToken)
	if looksLikeJWT(tok) {
		cl, err := s.keys.verify(tok)
		if err != nil {
			return nil, malformed
		}
		if issuerHost(cl.Iss) != issuerHost(issuerFor(r)) && jwtMFATokenWrongClientIsMalformed {
			return nil, malformed
		}
		if !s.clock.Now().Before(time.Unix(cl.Exp, 0)) {
			return nil, newAPIError(http.StatusUnauthorized, ErrCodeExpiredToken, descMFATokenExpired)
		}
		var canonical bool
		for _, a := range cl.Aud {
			if s.isCanonicalMFAAudience(a) {
				canonical = true
			}
		}
		if !canonical {
			// The custom-domain trap (reference §1.6): associate accepted this
			// token, the grant does not.
			return nil, newAPIError(http.StatusForbidden, ErrCodeInvalidGrant, descInvalidAudience)
		}
		if cl.Azp != c.id && jwtMFATokenWrongClientIsMalformed {
			return nil, malformed
		}
		return &mfaSubject{sub: cl.Sub, audience: s.MFAAudience(), scope: cl.Scope, authTime: s.clock.Now(), jwt: true}, nil
	}
	sub, clientID, terr := s.tenant.LookupMFAToken(tok)
	if terr != nil {
		return nil, fromTenant(terr)
	}
	if clientID != c.id {
		return nil, malformed
	}
	s.mu.Lock()
	meta, ok := s.mfaMeta[tok]
	s.mu.Unlock()
	if !ok {
		meta = mfaTokenMeta{authTime: s.clock.Now()}
	}
	return &mfaSubject{sub: sub, audience: meta.audience, scope: meta.scope, authTime: meta.authTime}, nil
}

func (s *Server) grantMFA(r *http.Request, c *client, p url.Values, gt string) (*tokenResponse, *apiError) {
	tok := p.Get("mfa_token")
	if tok == "" {
		return nil, missingParam("mfa_token")
	}
	var field string
	switch gt {
	case GrantMFAOTP:
		field = "otp"
	case GrantMFAOOB:
		field = "oob_code"
	case GrantMFARecoveryCode:
		field = "recovery_code"
	}
	if p.Get(field) == "" {
		return nil, missingParam(field)
	}
	subj, e := s.resolveMFAToken(r, c, tok)
	if e != nil {
		return nil, e
	}
	malformed := newAPIError(http.StatusUnauthorized, ErrCodeInvalidGrant, descMalformedMFAToken)
	u, ok := s.User(subj.sub)
	if !ok {
		return nil, malformed
	}
	if subj.jwt && jwtMFATokenConfirmsEnrollmentOnly {
		// The /mfa/ access token only confirms an enrollment (reference §1.4).
		switch {
		case !hasScope(subj.scope, ScopeEnroll),
			gt == GrantMFARecoveryCode,
			gt == GrantMFAOOB && s.tenant.IsChallengeOOBCode(u.ID, c.id, p.Get("oob_code")):
			return nil, malformed
		}
	}
	var newCode string
	var terr *tenant.Error
	switch gt {
	case GrantMFAOTP:
		// An /mfa/ access token confirms an enrollment; an opaque mfa_token
		// answers a challenge when the user is enrolled (the predicate of
		// "User is already enrolled" at associate) and otherwise confirms
		// the first enrollment of a login.
		if subj.jwt || !s.tenant.HasActiveFactor(u.ID) {
			terr = s.tenant.ConfirmPendingOTP(u.ID, p.Get("otp"))
		} else {
			terr = s.tenant.VerifyActiveOTP(u.ID, p.Get("otp"))
		}
	case GrantMFAOOB:
		terr = s.tenant.VerifyOOB(u.ID, c.id, p.Get("oob_code"), p.Get("binding_code"))
	case GrantMFARecoveryCode:
		newCode, terr = s.tenant.VerifyRecoveryCode(u.ID, p.Get("recovery_code"))
	}
	if terr != nil {
		return nil, fromTenant(terr)
	}
	resp, err := s.tokenSet(tokenRequest{
		issuer: issuerFor(r), clientID: c.id, user: u, audience: subj.audience, scope: subj.scope, authTime: subj.authTime,
		mfa: mfaGrantIDTokenCarriesAMR,
	})
	if err != nil {
		return nil, serverError(err)
	}
	resp.RecoveryCode = newCode
	return resp, nil
}
