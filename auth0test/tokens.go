package auth0test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// issuerFor returns the issuer of a request: the scheme actually used and
// the host it came through, with a trailing slash.
func issuerFor(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + strings.ToLower(r.Host) + "/"
}

// issuerHost returns the host of an issuer URL ("" when it is not one).
func issuerHost(iss string) string {
	u, err := url.Parse(iss)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Host)
}

func (s *Server) isCanonicalMFAAudience(aud string) bool { return aud == s.MFAAudience() }
func (s *Server) isCustomMFAAudience(aud string) bool    { return aud == s.CustomMFAAudience() }
func (s *Server) isMFAAudience(aud string) bool {
	return s.isCanonicalMFAAudience(aud) || s.isCustomMFAAudience(aud)
}

// isUserinfoAudience: "{issuer}userinfo" of either host.
func (s *Server) isUserinfoAudience(aud string) bool {
	return aud == s.Issuer()+"userinfo" || aud == s.CustomIssuer()+"userinfo"
}

var oidcScopes = []string{"openid", "profile", "email"}

func mfaScopes() []string {
	return []string{ScopeEnroll, ScopeReadAuthenticators, ScopeRemoveAuthenticators}
}

// audienceRefused names why clientID may not get tokens for aud ("" when it may): the My
// Account API requires a client grant.
func (s *Server) audienceRefused(clientID, aud string) string {
	if s.isMeAudience(aud) {
		if _, ok := s.meGrant(clientID); !ok {
			return fmt.Sprintf(descNoClientGrant, clientID, aud)
		}
	}
	return ""
}

// knownAudience reports whether aud names an API of the tenant.
func (s *Server) knownAudience(aud string) bool {
	if aud == "" || s.isMFAAudience(aud) || s.isUserinfoAudience(aud) || s.isMeAudience(aud) {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.apis[aud]
	return ok
}

// grantedScope keeps the requested scopes the audience defines plus the
// OpenID Connect ones and offline_access, in request order, without duplicates.
func (s *Server) grantedScope(clientID, aud, requested string) string {
	allowed := append(slices.Clone(oidcScopes), ScopeOfflineAccess)
	switch {
	case s.isMFAAudience(aud):
		allowed = append(allowed, mfaScopes()...)
	case s.isMeAudience(aud):
		// The intersection with the client grant (reference §5.1).
		grant, _ := s.meGrant(clientID)
		allowed = append(allowed, grant...)
	case aud != "":
		s.mu.Lock()
		allowed = append(allowed, s.apis[aud]...)
		s.mu.Unlock()
	}
	var out []string
	for _, sc := range strings.Fields(requested) {
		if slices.Contains(allowed, sc) && !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return strings.Join(out, " ")
}

func hasScope(scope, want string) bool { return slices.Contains(strings.Fields(scope), want) }

// tokenRequest is what a token set is minted for.
type tokenRequest struct {
	issuer   string
	clientID string
	user     User
	audience string
	scope    string
	nonce    string
	authTime time.Time
	mfa      bool // a second factor was used: the ID token carries amr and acr
	// refreshing: the tokens of a refresh_token exchange, which issues no new family
	refreshing bool
}

// tokenResponse is the JSON of a successful /oauth/token answer.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	IDToken      string `json:"id_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	ExpiresIn    int64  `json:"expires_in"`
	TokenType    string `json:"token_type"`
	RecoveryCode string `json:"recovery_code,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

func (s *Server) accessTokenTTL(aud string) time.Duration {
	if s.isMFAAudience(aud) {
		return MFAAccessTokenTTL
	}
	return AccessTokenTTL
}

// mintAccessToken returns an RS256 access token: aud is [audience,
// "{iss}userinfo"] when the scope has openid, else audience alone.
func (s *Server) mintAccessToken(tr tokenRequest, ttl time.Duration) (string, error) {
	now := s.clock.Now()
	userinfo := tr.issuer + "userinfo"
	var aud audience
	switch {
	case tr.audience == "" || tr.audience == userinfo:
		aud = audience{userinfo}
	case hasScope(tr.scope, "openid"):
		aud = audience{tr.audience, userinfo}
	default:
		aud = audience{tr.audience}
	}
	return s.keys.sign(tokenClaims{
		Iss: tr.issuer, Sub: tr.user.ID, Aud: aud, Azp: tr.clientID, Scope: tr.scope,
		Iat: now.Unix(), Exp: now.Add(ttl).Unix(),
	})
}

func (s *Server) mintIDToken(tr tokenRequest) (string, error) {
	now := s.clock.Now()
	verified := tr.user.EmailVerified
	name := tr.user.Name
	if name == "" {
		name = tr.user.Email
	}
	nick, _, _ := strings.Cut(tr.user.Email, "@")
	c := tokenClaims{
		Iss: tr.issuer, Sub: tr.user.ID, Aud: audience{tr.clientID},
		Iat: now.Unix(), Exp: now.Add(IDTokenTTL).Unix(), Nonce: tr.nonce,
	}
	// The standard claims come with their scopes (OpenID Connect Core §5.4), as Auth0 sends
	// them: email and email_verified with "email", name and nickname with "profile".
	if hasScope(tr.scope, "email") {
		c.Email, c.EmailVerified = tr.user.Email, &verified
	}
	if hasScope(tr.scope, "profile") {
		c.Name, c.Nickname = name, nick
	}
	if !tr.authTime.IsZero() {
		c.AuthTime = tr.authTime.Unix()
	}
	if tr.mfa {
		c.Amr, c.Acr = []string{amrMFA}, acrMultiFactor
	}
	return s.keys.sign(c)
}

// tokenSet mints the token response of a completed login.
func (s *Server) tokenSet(tr tokenRequest) (*tokenResponse, error) {
	if tr.audience == "" && !userinfoAudienceForNoAudience {
		return nil, fmt.Errorf("auth0test: no audience")
	}
	ttl := s.accessTokenTTL(tr.audience)
	at, err := s.mintAccessToken(tr, ttl)
	if err != nil {
		return nil, err
	}
	resp := &tokenResponse{AccessToken: at, Scope: tr.scope, ExpiresIn: int64(ttl / time.Second), TokenType: "Bearer"}
	if hasScope(tr.scope, "openid") {
		if resp.IDToken, err = s.mintIDToken(tr); err != nil {
			return nil, err
		}
	}
	if !tr.refreshing {
		s.issueRefreshToken(resp, tr, "", time.Time{})
	}
	return resp, nil
}

// TokenOptions describes a token minted directly by IssueAccessToken.
type TokenOptions struct {
	// ClientID is the azp (default ClientID()).
	ClientID string
	// Audience defaults to MFAAudience().
	Audience string
	// Scope defaults to the three MFA API scopes for an MFA audience, the five *:me:* scopes for
	// the My Account audience.
	Scope string
	// ViaCustomDomain sets iss to CustomIssuer() instead of Issuer().
	ViaCustomDomain bool
	// TTL overrides the lifetime (default 10 min for an MFA audience, else 24 h).
	TTL time.Duration
}

// IssueAccessToken mints an access token for sub without any login, for
// tests that need a /mfa/ token (or an expired or wrongly scoped one). The
// token is signed by the tenant and indistinguishable from one obtained
// through /authorize.
func (s *Server) IssueAccessToken(sub string, opts TokenOptions) (string, error) {
	u, ok := s.User(sub)
	if !ok {
		return "", fmt.Errorf("auth0test: IssueAccessToken: unknown user %q", sub)
	}
	if opts.ClientID == "" {
		opts.ClientID = s.ClientID()
	}
	if opts.Audience == "" {
		opts.Audience = s.MFAAudience()
	}
	if opts.Scope == "" && s.isMFAAudience(opts.Audience) {
		opts.Scope = strings.Join(mfaScopes(), " ")
	}
	if opts.Scope == "" && s.isMeAudience(opts.Audience) {
		opts.Scope = strings.Join(meScopes(), " ")
	}
	iss := s.Issuer()
	if opts.ViaCustomDomain {
		iss = s.CustomIssuer()
	}
	ttl := opts.TTL
	if ttl == 0 {
		ttl = s.accessTokenTTL(opts.Audience)
	}
	return s.mintAccessToken(tokenRequest{issuer: iss, clientID: opts.ClientID, user: u, audience: opts.Audience, scope: opts.Scope}, ttl)
}
