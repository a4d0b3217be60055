package auth0test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Refresh tokens, as Auth0 documents them: a login that asks for offline_access (and whose
// application has the refresh_token grant) gets one; the refresh_token grant exchanges it for
// new tokens of the same audience and scope (or fewer scopes); with rotation on for the
// application (WithRefreshTokenRotation) every exchange returns a new refresh token and
// retires the one used, and using a retired one after the overlap period revokes the whole
// family (reuse detection). POST /oauth/revoke revokes a family.

// refreshToken is one issued refresh token.
type refreshToken struct {
	family   string // every token rotated from one login shares it
	clientID string
	sub      string
	audience string
	scope    string // as granted at login, offline_access included
	authTime time.Time
	mfa      bool
	created  time.Time // of the family: the absolute lifetime counts from the login
	lastUsed time.Time // of this token or, for the family's newest, of the family
	rotating bool
	// retired is when a rotation replaced this token with next (zero: it is the newest).
	retired time.Time
	next    string
}

// refreshStore is the tenant's refresh tokens and revoked families, under Server.mu.
type refreshStore struct {
	tokens  map[string]*refreshToken
	revoked map[string]bool   // families
	newest  map[string]string // family → its newest token
}

// rotation is an application's refresh token rotation setting.
type rotation struct {
	on      bool
	overlap time.Duration // a retired token may still be exchanged this long after rotation
}

// allowsRefresh reports whether a login for aud may get a refresh token.
func (s *Server) allowsRefresh(aud string) bool {
	if s.isMFAAudience(aud) {
		return mfaAudienceIssuesRefreshTokens
	}
	return apisAllowOfflineAccess
}

// issueRefreshToken adds a refresh token to resp when the login asked for offline_access, the
// application may use the refresh_token grant and the audience allows it. family is "" for a
// new login.
func (s *Server) issueRefreshToken(resp *tokenResponse, tr tokenRequest, family string, created time.Time) {
	if !hasScope(tr.scope, ScopeOfflineAccess) || !s.allowsRefresh(tr.audience) {
		return
	}
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.clients[tr.clientID]
	if c == nil || !c.grants[GrantRefreshToken] {
		return
	}
	if s.refresh.tokens == nil {
		s.refresh.tokens, s.refresh.revoked, s.refresh.newest = map[string]*refreshToken{}, map[string]bool{}, map[string]string{}
	}
	if family == "" {
		family, created = "rtf_"+s.randomAlnum(16), now
	}
	tok := "v1." + s.randomAlnum(64)
	s.refresh.tokens[tok] = &refreshToken{
		family: family, clientID: tr.clientID, sub: tr.user.ID, audience: tr.audience,
		scope: tr.scope, authTime: tr.authTime, mfa: tr.mfa && refreshIDTokenKeepsAMR, created: created,
		lastUsed: now, rotating: c.rotation.on,
	}
	if prev := s.refresh.tokens[s.refresh.newest[family]]; prev != nil && prev.next == "" {
		prev.next = tok
	}
	s.refresh.newest[family] = tok
	resp.RefreshToken = tok
}

// invalidRefreshToken is Auth0's answer to a refresh token it does not accept (Auth0 support
// article "Troubleshoot Refresh Token Unknown or Invalid Before Expiry").
func invalidRefreshToken() *apiError {
	return newAPIError(http.StatusForbidden, ErrCodeInvalidGrant, descInvalidRefreshToken)
}

// grantRefreshToken is grant_type=refresh_token.
func (s *Server) grantRefreshToken(r *http.Request, c *client, p url.Values) (*tokenResponse, *apiError) {
	raw := p.Get("refresh_token")
	if raw == "" {
		return nil, missingParam("refresh_token")
	}
	now := s.clock.Now()
	s.mu.Lock()
	rt := s.refresh.tokens[raw]
	if rt == nil || rt.clientID != c.id || s.refresh.revoked[rt.family] {
		s.mu.Unlock()
		return nil, invalidRefreshToken()
	}
	if rt.rotating {
		expired := now.Sub(rt.created) >= RefreshTokenLifetime || now.Sub(rt.lastUsed) >= RefreshTokenIdleLifetime
		// Within the overlap period only the token just replaced may be exchanged again
		// (Auth0: "only the previous token can be reused"); any other retired one is reuse.
		reused := !rt.retired.IsZero() && (now.Sub(rt.retired) > c.rotation.overlap || s.refresh.newest[rt.family] != rt.next)
		if expired || reused {
			if reused {
				s.refresh.revoked[rt.family] = true // reuse detection: the whole family is revoked
			}
			s.mu.Unlock()
			return nil, invalidRefreshToken()
		}
	}
	s.mu.Unlock()
	scope := rt.scope
	if asked := p.Get("scope"); asked != "" {
		for _, sc := range strings.Fields(asked) {
			if !hasScope(rt.scope, sc) {
				return nil, newAPIError(http.StatusForbidden, ErrCodeAccessDenied, descRefreshScopeWider)
			}
		}
		scope = strings.Join(slices.Compact(strings.Fields(asked)), " ")
	}
	u, ok := s.User(rt.sub)
	if !ok {
		return nil, invalidRefreshToken()
	}
	// The new tokens name the host this exchange came through, as every token endpoint answer.
	tr := tokenRequest{issuer: issuerFor(r), clientID: c.id, user: u, audience: rt.audience, scope: scope,
		authTime: rt.authTime, mfa: rt.mfa, refreshing: true}
	resp, err := s.tokenSet(tr)
	if err != nil {
		return nil, serverError(err)
	}
	s.mu.Lock()
	rt.lastUsed = now
	rotate := rt.rotating && rt.retired.IsZero()
	if rotate {
		rt.retired = now
	}
	s.mu.Unlock()
	if rt.rotating {
		// The family keeps the login's scope, whatever this exchange asked for.
		s.issueRefreshToken(resp, tokenRequest{issuer: issuerFor(r), clientID: c.id, user: u, audience: rt.audience,
			scope: rt.scope, authTime: rt.authTime, mfa: rt.mfa}, rt.family, rt.created)
	}
	return resp, nil
}

// handleRevoke is POST /oauth/revoke: the refresh token's family is revoked. As RFC 7009
// §2.2 says, an unknown token is answered 200 too.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	p, e := readParams(w, r)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	c, e := s.authenticateClient(r, p)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	tok := p.Get("token")
	if tok == "" {
		writeAPIError(w, missingParam("token"))
		return
	}
	s.mu.Lock()
	if rt := s.refresh.tokens[tok]; rt != nil && rt.clientID == c.id {
		s.refresh.revoked[rt.family] = true
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}
